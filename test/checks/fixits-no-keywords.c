// With COAST_NO_KEYWORDS the fix-its use the coast_ spellings that exist:
// coast_async for coast-await-outside-async, coast_await( for
// coast-unawaited-future (coast-sync-call's coast_block_on( is the same).
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
// RUN: not %coast -fsyntax-only -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s --implicit-check-not='"async ' --implicit-check-not='"await('
#define COAST_NO_KEYWORDS
#include <coast.h>

coast_async int fetch(int id); // expected-note {{'fetch' declared async here}}

// CHECK: fix-it:"{{.*}}":{[[@LINE+1]]:1-[[@LINE+1]]:1}:"coast_async "
int sync_await(void) {
  return coast_await(fetch(1)); // expected-error {{'await' in 'sync_await', which is not async [coast-await-outside-async]}}
}

coast_async void unawaited(void) {
  fetch(1); // expected-error {{future of async function 'fetch' is never awaited [coast-unawaited-future]}}
  // CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:3-[[@LINE-1]]:3}:"coast_await("
  // CHECK: fix-it:"{{.*}}":{[[@LINE-2]]:11-[[@LINE-2]]:11}:")"
}

int sync_call(void) {
  return fetch(1); // expected-error {{async function 'fetch' called from a synchronous function}}
  // CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:10-[[@LINE-1]]:10}:"coast_block_on("
  // CHECK: fix-it:"{{.*}}":{[[@LINE-2]]:18-[[@LINE-2]]:18}:")"
}

// async and await are ordinary names here.
int async = 0, await = 1;
