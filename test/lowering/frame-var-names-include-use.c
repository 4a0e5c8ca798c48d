// A frame variable that an #include in the body keeps from its macro is
// renamed where the function's file uses it; a use in the included file
// cannot be rewritten, and is coast-unsupported by name.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>
#include <stdio.h>

#define USE_TOTAL
async int uses_in_include(void)
{
	int total = 1;
	int *p = &total;
	await(coast_yield());
#include "Inputs/frame-var-body.inc"
	return *p + total;
}
// expected-error@Inputs/frame-var-body.inc:8 {{'total' lives in the frame across an 'await', because it has its address taken, and is used in a file included inside the function, but its name also means an #include in the body (line 14); the lowering cannot rewrite that file's uses [coast-unsupported]}}
