// A box_async function's frame is allocated on its own (coast__box_alloc),
// so it can recurse; awaiting it from the same file does not embed it.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: FileCheck %s --check-prefix=LOWERED < %t.lowered.c
// LOWERED: depth__coast_start((&coast__box_alloc), __co->n - 1)
#include <coast.h>
#include <stdio.h>

box_async int depth(int n)
{
	if (n == 0)
		return 0;
	int below = await(depth(n - 1));
	return below + 1;
}

int main(void)
{
	// CHECK: depth 1000
	printf("depth %d\n", coast_block_on(depth(1000)));
	return 0;
}
