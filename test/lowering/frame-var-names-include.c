// A file included inside the body is lexed where the lowering's macros of
// the frame variables are in effect, and the lowering does not read it: an
// #include in the body renames every frame variable (its #ifdef saw the
// macro). A function without one keeps the names. frame-var-names-include-use.c
// rejects a use of a frame variable in the included file.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
#include <coast.h>
#include <stdio.h>

// LOWERED: #define count (__co->count)
// LOWERED-NOT: #define total
async int without_include(void)
{
	int count = 1;
	int *p = &count;
	await(coast_yield());
	return *p + count;
}

async int with_include(void)
{
	int total = 1;
	int *p = &total;
	await(coast_yield());
#include "Inputs/frame-var-body.inc"
	return *p + total;
}

int main(void)
{
	// CHECK: 2
	printf("%d\n", coast_block_on(without_include()));
	// CHECK-NEXT: total is not a macro
	// CHECK-NEXT: 2
	printf("%d\n", coast_block_on(with_include()));
	return 0;
}
