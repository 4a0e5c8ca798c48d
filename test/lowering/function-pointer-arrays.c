// Arrays of async function pointers declared `async` (a variable, a 2-D
// array, a field): elements called with box(...) from await, block_on and
// spawn, stored by initializers and assignments. Prints the same lowered
// and as plain C.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static async returns_send int inc(int x)
{
	await(coast_yield());
	return x + 1;
}

static async returns_send int dbl(int x)
{
	return x * 2;
}

static async returns_send int neg(int x)
{
	await(coast_yield());
	return -x;
}

static returns_send async int (*ops[3])(int) = {inc, dbl, neg};
static async int (*grid[2][2])(int) = {{inc, dbl}, {neg, 0}};

struct pipeline {
	returns_send async int (*stages[2])(int);
};

static async int run(struct pipeline *p, int x)
{
	for (int i = 0; i < 2; i++)
		x = await(box(p->stages[i](x)));
	return x;
}

static async int all(int x)
{
	int sum = 0;
	for (int i = 0; i < 3; i++)
		sum += await(box(ops[i](x)));
	return sum + await(box(grid[1][0](await(box(grid[0][1](x))))));
}

int main(void)
{
	struct pipeline p = {{dbl, inc}};
	// CHECK: run 7
	printf("run %d\n", coast_block_on(run(&p, 3)));
	p.stages[0] = neg;
	// CHECK-NEXT: run -2
	printf("run %d\n", coast_block_on(run(&p, 3)));
	// CHECK-NEXT: all 1
	printf("all %d\n", coast_block_on(all(5)));
	grid[1][1] = ops[0];
	// CHECK-NEXT: grid 10
	printf("grid %d\n", coast_block_on(box(grid[1][1](9))));
	return 0;
}
