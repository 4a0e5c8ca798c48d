// Preprocessor directives between an async function's declaration and its
// `{`: the lowering writes the declaration anew and dropped them
// (`#undef X` `#define X 2` there made the body return 1, plain C 2). They
// stay, in order, ahead of the generated code: macros, `#line`, spelled
// with the `%:` digraph too (conditionals: declaration-conditional.c).
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define X 1

static async int redefined(void)
#undef X
#define X 2
{
	await(coast_yield());
	return X;
}
// CHECK:      redefined 2

static async int renumbered(void)
#line 500
{
	int line = __LINE__;
	await(coast_yield());
	return line + __LINE__;
}
// CHECK-NEXT: renumbered 1004

static async int continued(void)
#define LONG_MACRO(a) \
	((a) * 10)
{
	await(coast_yield());
	return LONG_MACRO(4);
}
// CHECK-NEXT: continued 40

// `%:`, the digraph of `#`, starts a directive too.
static async int digraph(void)
%:undef X
%:define X 3
{
	await(coast_yield());
	return X;
}
// CHECK-NEXT: digraph 3

int main(void)
{
	printf("redefined %d\n", coast_block_on(redefined()));
	printf("renumbered %d\n", coast_block_on(renumbered()));
	printf("continued %d\n", coast_block_on(continued()));
	printf("digraph %d\n", coast_block_on(digraph()));
	return 0;
}
