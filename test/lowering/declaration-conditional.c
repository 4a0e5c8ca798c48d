// A conditional whose other branch declared an async function otherwise,
// between its declaration and its `{`: the lowering writes the
// declaration anew and copies the `#else` and `#endif` ahead of the
// generated code, where they close the `#if` still open. The single parse
// appends that code after the file, where the `#if` is not: it refuses the
// function by name (compile the file without it).
// RUN: %if single-parse %{ not %coast -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=SINGLE %} %else %{ %coast-equiv | FileCheck %s %}
// RUN: not %coast -fplugin-arg-coast-single-parse -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=SINGLE
#include <coast.h>
#include <stdio.h>

#define X 2

// SINGLE: declaration-conditional.c:[[@LINE+2]]:18: error: coast: the single parse cannot lower this declaration on its own; compile this file without -fplugin-arg-coast-single-parse
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
