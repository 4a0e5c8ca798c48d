// coast-dyn-call-needs-box: a call through an async function pointer
// (declared async, or of an async typedef) must be boxed: its frame size is
// known only at run time. The fix-it wraps the call in box(...).
// RUN: %coast -fsyntax-only -Xclang -verify %s
// RUN: not %coast -fsyntax-only -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
#include <coast.h>

typedef async returns_send int (*fetch_fn)(int id); // spawned below: Send
struct ops {
	async int (*poll)(int id);
	int (*plain)(int id);
};

// The bug, through a typedef, a field, and a parameter declared async.
async int unboxed(fetch_fn f, struct ops *o, async int (*p)(int))
{
	int a = await(f(1)); // expected-error {{call through async function pointer 'f' must be boxed: the callee's frame size is known only at run time [coast-dyn-call-needs-box]}}
	// CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:16-[[@LINE-1]]:16}:"box("
	// CHECK: fix-it:"{{.*}}":{[[@LINE-2]]:20-[[@LINE-2]]:20}:")"
	int b = await(o->poll(2)); // expected-error {{call through async function pointer 'poll' must be boxed}}
	int c = await(p(3)); // expected-error {{call through async function pointer 'p' must be boxed}}
	return a + b + c;
}

// The fixed code; and a plain function pointer is just a call.
async int boxed(fetch_fn f, struct ops *o, async int (*p)(int))
{
	int a = await(box(f(1)));
	int b = await(box(o->poll(2))) + o->plain(2);
	int c = await(box(p(3)));
	coast_detach(coast_spawn(box(f(4))));
	return a + b + c;
}

// box() of something that is not an async call.
async int not_async(struct ops *o)
{
	return await(box(o->plain(1))); // expected-error {{operand of 'box' must be a call of an async function [coast-not-a-future]}}
}

// A pointer no declaration names (a table's element) is one too.
extern fetch_fn fetchers[2];
async int from_table(void)
{
	return await(fetchers[1](1)); // expected-error {{call through async function pointer 'function pointer' must be boxed}}
}
async int from_table_boxed(void)
{
	return await(box(fetchers[1](1)));
}
