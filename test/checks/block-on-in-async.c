// coast-block-on-in-async: coast_block_on inside an async function would
// block the worker polling its task (the runtime refuses with -EDEADLK);
// the fix-it turns it into await.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
// RUN: not %coast -fsyntax-only -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
#include <coast.h>

async int fetch(int id);

#define RUN_BLOCKING(call) coast_block_on(call)

// The bug: blocking on a future from async code.
async int blocks(int id) {
  return coast_block_on(fetch(id)) + 1; // expected-error {{coast_block_on in an async function would block the worker running its task (the runtime refuses it with -EDEADLK); await the future [coast-block-on-in-async]}}
  // CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:10-[[@LINE-1]]:24}:"await"
}

// Nested in an await's operand and in a condition: each one is reported.
async int nested(int id) {
  if (coast_block_on(fetch(id)) < 0) // expected-error {{[coast-block-on-in-async]}}
    return -1;
  return await(fetch(coast_block_on(fetch(id)))); // expected-error {{[coast-block-on-in-async]}}
}

// Spelled by another macro: reported at the use, with no fix-it (the macro
// is not coast_block_on).
async int through_macro(int id) {
  return RUN_BLOCKING(fetch(id)); // expected-error {{[coast-block-on-in-async]}}
  // CHECK-NOT: fix-it:"{{.*}}":{[[@LINE-1]]
}

// The fixed code, and the correct code near it: await in async code,
// coast_block_on in synchronous code (main included).
async int awaits(int id) { return await(fetch(id)) + 1; }
int sync_helper(int id) { return coast_block_on(fetch(id)); }
int main(void) { return coast_block_on(awaits(1)) < 0; }
