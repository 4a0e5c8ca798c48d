// coast-recursion-needs-box: a cycle of async functions awaiting each other
// without box_async, once per cycle at its first function, with a note at
// each await of the cycle and a fix-it making that function box_async.
// RUN: %coast -fsyntax-only -Xclang -verify %s
// RUN: not %coast -fsyntax-only -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
#include <coast.h>

// Direct recursion.
async int countdown(int n) // expected-error {{recursion in an async function requires boxing: make 'countdown' box_async [coast-recursion-needs-box]}}
{
	if (n == 0)
		return 0;
	return await(countdown(n - 1)) + 1; // expected-note {{'countdown' awaits itself here}}
}
// CHECK: fix-it:"{{.*}}recursion-needs-box.c":{[[@LINE-6]]:1-[[@LINE-6]]:6}:"box_async"

// Mutual recursion: one error, at the first function of the cycle.
async int is_odd(int n);
async int is_even(int n) // expected-error {{make 'is_even' box_async}}
{
	return n == 0 ? 1 : await(is_odd(n - 1)); // expected-note {{'is_even' awaits 'is_odd' here}}
}
async int is_odd(int n)
{
	return n == 0 ? 0 : await(is_even(n - 1)); // expected-note {{'is_odd' awaits 'is_even' here}}
}

// One box_async function breaks the cycle.
async int ping(int n);
box_async int pong(int n)
{
	return n ? await(ping(n - 1)) : 0;
}
async int ping(int n)
{
	return n ? await(pong(n - 1)) : 0;
}

// A boxed self-call needs nothing more.
box_async int depth(int n)
{
	return n ? await(depth(n - 1)) + 1 : 0;
}

// Not recursion: a chain, and spawning oneself (a new task, a new frame).
async int leaf(void) { return await(coast_yield()); }
async int chain(void) { return await(leaf()) + await(leaf()); }
async int respawn(int n)
{
	if (n > 0)
		coast_detach(coast_spawn(respawn(n - 1)));
	return await(chain());
}

// A function declared elsewhere takes its frame at run time: no cycle here.
async int elsewhere(int n);
async int calls_elsewhere(int n) { return await(elsewhere(n)); }
