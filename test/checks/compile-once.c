// With -c the checks run in the plugin's nested parse, whose diagnostics are
// forwarded: each prints once, at the user's line, with its fix-it, the
// compile fails and leaves no object file.
// RUN: rm -f %t.o
// RUN: not %coast -c -Wall -fdiagnostics-parseable-fixits %s -o %t.o 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: not test -e %t.o
// The same text as -fsyntax-only prints, which checks the compile's own AST.
// RUN: not %coast -fsyntax-only -Wall -fdiagnostics-parseable-fixits %s 2> %t.syntax
// RUN: diff %t.syntax %t.err
// Four coast diagnostics and one warning in all, each once.
// RUN: grep -c 'error: .*\[coast-' %t.err | FileCheck --check-prefix=COUNT %s
// RUN: grep -c 'warning: ' %t.err | FileCheck --check-prefix=ONE %s
// RUN: grep -c 'declared async here' %t.err | FileCheck --check-prefix=ONE %s
// COUNT: {{^}}4{{$}}
// ONE: {{^}}1{{$}}
// Nothing the lowering generates shows.
// RUN: FileCheck --check-prefix=CLEAN %s < %t.err
// CLEAN-NOT: __coast_start
// CLEAN-NOT: __body
// CLEAN-NOT: <scratch space>
#include <coast.h>

async int fetch(int id);

struct conn { int fd; } must_destruct(conn_close);
// CHECK-DAG: compile-once.c:[[@LINE-1]]:25: error: destructor 'conn_close' of 'struct conn' is not a declared function [coast-attribute]

int sync_await(void) {
  return await(fetch(1));
  // CHECK-DAG: compile-once.c:[[@LINE-1]]:10: error: 'await' in 'sync_await', which is not async [coast-await-outside-async]
}

int sync_call(void) {
  int unused;
  // CHECK-DAG: compile-once.c:[[@LINE-1]]:7: warning: unused variable 'unused'
  return fetch(2);
  // CHECK-DAG: compile-once.c:[[@LINE-1]]:10: error: async function 'fetch' called from a synchronous function; its future must be run by coast_block_on [coast-sync-call]
  // CHECK-DAG: fix-it:"{{.*}}compile-once.c":{[[@LINE-2]]:10-[[@LINE-2]]:10}:"coast_block_on("
}

async void unawaited(void) {
  fetch(3);
  // CHECK-DAG: compile-once.c:[[@LINE-1]]:3: error: future of async function 'fetch' is never awaited [coast-unawaited-future]
}
// CHECK: 1 warning and 4 errors generated.
