// The module's fix-its through clang-tidy: --fix-errors applies them (coast
// reports errors, and clang-tidy's --fix alone leaves files alone while any
// error is reported), --export-fixes writes them.
// RUN: cp %s %t.c
// RUN: not %clang-tidy --checks='-*,coast-*' --fix %t.c -- -I%coast-src/runtime/include 2>&1 | FileCheck %s --check-prefix=NOFIX
// NOFIX: Fixes have NOT been applied.
// RUN: diff %s %t.c
// RUN: not %clang-tidy --checks='-*,coast-*' --export-fixes=%t.yaml %t.c -- -I%coast-src/runtime/include > /dev/null 2>&1
// RUN: FileCheck %s --check-prefix=YAML < %t.yaml
// YAML-DAG: DiagnosticName: coast-unawaited-future
// YAML-DAG: ReplacementText: 'await('
// YAML-DAG: DiagnosticName: coast-sync-call
// YAML-DAG: ReplacementText: 'coast_block_on('
// YAML-DAG: DiagnosticName: coast-await-outside-async
// YAML-DAG: ReplacementText: 'async '
// RUN: %clang-tidy --checks='-*,coast-*' --fix-errors %t.c -- -I%coast-src/runtime/include 2>&1 | FileCheck %s -check-prefix=CHECK-MESSAGES
// RUN: FileCheck %s -check-prefix=CHECK-FIXES < %t.c
// RUN: %clang-tidy --checks='-*,coast-*' %t.c -- -I%coast-src/runtime/include

#include <coast.h>

async int load(int id);

// A statement that drops a future: wrapped in await(...).
async int twice(int id) {
  load(id);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: error: future of async function 'load' is never awaited [coast-unawaited-future]
  // CHECK-FIXES: {{^}}  await(load(id));{{$}}
  return await(load(id));
}

// A synchronous caller: wrapped in coast_block_on(...).
int sync_caller(int id) { return load(id); }
// CHECK-MESSAGES: :[[@LINE-1]]:34: error: async function 'load' called from a synchronous function; its future must be run by coast_block_on [coast-sync-call]
// CHECK-FIXES: {{^}}int sync_caller(int id) { return coast_block_on(load(id)); }{{$}}

// await in a synchronous function: the function becomes async.
int get(int id) { return await(load(id)); }
// CHECK-MESSAGES: :[[@LINE-1]]:26: error: 'await' in 'get', which is not async [coast-await-outside-async]
// CHECK-FIXES: {{^}}async int get(int id) { return await(load(id)); }{{$}}

// CHECK-MESSAGES: clang-tidy applied 5 of 5 suggested fixes.
