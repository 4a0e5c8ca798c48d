// A conditional whose other branch declared an async function otherwise,
// between its declaration and its `{`: the lowering writes the
// declaration anew and copies the `#else` and `#endif` ahead of the
// generated code, where they close the `#if` still open. Appended after
// the file (the single parse), that code would have no `#if`: the raw scan
// of the main file sees the group open before the declaration close inside
// it and compiles the file the nested way (in a header, out of its sight,
// the single parse refuses the function by name: single-parse.test).
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define X 2

#if X == 2
static async int chosen(int a)
#else
static async int chosen(int a, int b)
#endif
{
	await(coast_yield());
	return a + \
	       X;
}
// CHECK: chosen 5

int main(void)
{
	printf("chosen %d\n", coast_block_on(chosen(3)));
	return 0;
}
