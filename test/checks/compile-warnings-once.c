// With -c, a file whose async code is correct compiles, and its warnings
// (checked in the nested parse, then the lowered code compiled) print once
// each, at the user's lines.
// RUN: rm -f %t.o
// RUN: %coast -c -Wall %s -o %t.o 2> %t.err
// RUN: test -e %t.o
// RUN: FileCheck %s --implicit-check-not=warning: < %t.err
#include <coast.h>

async int fetch(int id) {
  int unused;
  // CHECK: compile-warnings-once.c:[[@LINE-1]]:7: warning: unused variable 'unused'
  await(coast_yield());
  return id;
}

int main(void) {
  int unused2;
  // CHECK: compile-warnings-once.c:[[@LINE-1]]:7: warning: unused variable 'unused2'
  return coast_block_on(fetch(0));
}
// CHECK: 2 warnings generated.
