// coast-sync-call: an async function called from a synchronous function
// other than through coast_block_on; the fix-it wraps the call in
// coast_block_on(...), and a note points at the async declaration.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
// RUN: not %coast -fsyntax-only -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
#include <coast.h>

async returns_send int fetch(int id); // expected-note 6 {{'fetch' declared async here}}
typedef async int (*fetch_fn)(int id);
struct ops { async int (*poll)(int id); }; // expected-note {{'poll' declared async here}}

// The bug: the call creates a future nobody runs.
int sync_call(int id) {
  return fetch(id); // expected-error {{async function 'fetch' called from a synchronous function; its future must be run by coast_block_on [coast-sync-call]}}
  // CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:10-[[@LINE-1]]:10}:"coast_block_on("
  // CHECK: fix-it:"{{.*}}":{[[@LINE-2]]:19-[[@LINE-2]]:19}:")"
}

// The fixed code.
int sync_block_on(int id) { return coast_block_on(fetch(id)); }

// Each call is reported, in any expression position.
int two_calls(int id) {
  int a = fetch(id) + 1; // expected-error {{async function 'fetch' called from a synchronous function}}
  if (fetch(a)) // expected-error {{async function 'fetch' called from a synchronous function}}
    return 1;
  // CHECK: fix-it:"{{.*}}":{[[@LINE-2]]:7-[[@LINE-2]]:7}:"coast_block_on("
  // CHECK: fix-it:"{{.*}}":{[[@LINE-3]]:15-[[@LINE-3]]:15}:")"
  return 0;
}

// A statement call: the future is dropped unrun.
void statement(void) {
  fetch(1); // expected-error {{async function 'fetch' called from a synchronous function}}
}

// The call inside an await in a synchronous function is reported once, as
// coast-await-outside-async, not also as coast-sync-call.
int in_await(void) {
  return await(fetch(1)); // expected-error {{'await' in 'in_await', which is not async [coast-await-outside-async]}}
}

// A boxed call through an async function pointer is a call too.
int boxed(fetch_fn f, struct ops *o) {
  int a = coast_block_on(box(f(1)));
  return a + box(o->poll(2)); // expected-error {{async function 'poll' called from a synchronous function}}
  // CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:14-[[@LINE-1]]:14}:"coast_block_on("
}

// No future is created in an unevaluated operand: accepted.
int unevaluated(void) {
  int a = sizeof(fetch(1)) + _Alignof(__typeof__(fetch(2)));
  __typeof__(fetch(3)) b = 0;
  return a + b + _Generic(fetch(4), int: 1, default: 0);
}

// Spawning from synchronous code consumes the future: accepted.
int spawn(void) {
  coast_detach(coast_spawn(fetch(1)));
  return 0;
}

// A call inside a macro argument: reported at the call.
#define TWICE(x) ((x) + (x))
int in_macro(void) {
  return TWICE(fetch(1)); // expected-error 2 {{async function 'fetch' called from a synchronous function}}
}

// Taking the address is not a call: accepted here (storing it in a plain
// pointer is coast-fnptr-mismatch's business).
int (*address(void))(int) { return &fetch; } // expected-error {{async 'fetch' where a synchronous function pointer is expected}}

// An async function calling another one is not a synchronous caller, and
// code outside any function creates no future.
async int caller(void) { return await(fetch(1)); }
int global_size = sizeof(fetch(1));
