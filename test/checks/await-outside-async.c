// coast-await-outside-async: await in a function that is not async; the
// fix-it adds 'async' once per function, and the awaited call is not also a
// coast-sync-call.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
// RUN: not %coast -fsyntax-only -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
#include <coast.h>

async int fetch(int id);

// The bug: await in a synchronous function.
// CHECK: fix-it:"{{.*}}":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"async "
int sync_await(int id) {
  int v = await(fetch(id)); // expected-error {{'await' in 'sync_await', which is not async [coast-await-outside-async]}}
  return v;
}

// The fixed code: the same function, async.
async int async_await(int id) {
  int v = await(fetch(id));
  return v;
}

// Every await is reported, the fix-it is offered once, before 'static'.
// CHECK: fix-it:"{{.*}}":{[[@LINE+2]]:1-[[@LINE+2]]:1}:"async "
// CHECK-NOT: "async "
static int two_awaits(int id) {
  await(fetch(id)); // expected-error {{'await' in 'two_awaits', which is not async [coast-await-outside-async]}}
  return await(fetch(id)); // expected-error {{'await' in 'two_awaits', which is not async [coast-await-outside-async]}}
}

// Await in main, which cannot be async: no fix-it (coast_block_on is the
// way there).
int main(void) {
  return await(coast_yield()); // expected-error {{'await' in 'main', which is not async [coast-await-outside-async]}}
}

// The correct way to run a future from synchronous code.
int sync_block_on(int id) { return coast_block_on(fetch(id)); }

// Nested awaits in a synchronous function: each is reported.
async int twice(int v);
// CHECK: fix-it:"{{.*}}":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"async "
int nested(int id) {
  return await(twice(await(fetch(id)))); // expected-error 2 {{'await' in 'nested', which is not async [coast-await-outside-async]}}
}

// A function defined by a macro gets the error but no fix-it.
#define DEFINE_GETTER(name)                                                    \
  int name(void) { return await(fetch(0)); }
DEFINE_GETTER(macro_getter) // expected-error {{'await' in 'macro_getter', which is not async [coast-await-outside-async]}}

// Await in an async function after those: fine.
async int last(void) { return await(fetch(0)); }

// No other fix-it adds async.
// CHECK-NOT: "async "
