// A declaration whose declarators are in the frame and some not (declared
// after the scope's last await): every declarator keeps its initializer.
// Globals of the same names make a dropped one read the wrong variable
// (the lowering used to drop them); its neighbours around, in every
// position of the list, in a `for` initializer and after an Expression
// point, must be accepted unchanged. Prints the same lowered and as plain C.
// A declarator that reads one declared before it in the list, after an
// await in its own initializer, compiles: it was stored and loaded around
// that await before its declaration ('use of undeclared identifier').
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static int y = -1000, j = -1000, z = -1000;

async int leaf(int x)
{
	await(coast_yield());
	return x + 1;
}

// y is declared after the function's last await.
async int tail(int p)
{
	int x = await(leaf(1)), y = p;
	return x * 100 + y;
}

// Every declarator before the await: all are in the frame.
async int head(int p)
{
	int y = p, x = await(leaf(1));
	return x * 100 + y;
}

// One before, one after, and another await later: all in the frame.
async int middle(int p)
{
	int a = p, x = await(leaf(a)), z = x + p;
	await(leaf(0));
	return a * 10000 + x * 100 + z;
}

async int for_init(int n)
{
	int s = 0;
	for (int i = await(leaf(0)), j = 10; i < n; i++)
		s += i * j;
	return s;
}

async int expression(int p)
{
	int x = p + await(leaf(1)), y = p * 2, *z = &y;
	return x * 100 + *z;
}

async int reads_previous(int p)
{
	int a = await(leaf(p)), b = await(leaf(3)) + 1, c = b * 2;
	return a * 100 + b * 10 + c;
}

int main(void)
{
	// CHECK: tail 204
	printf("tail %d\n", coast_block_on(tail(4)));
	// CHECK-NEXT: head 204
	printf("head %d\n", coast_block_on(head(4)));
	// CHECK-NEXT: middle 40509
	printf("middle %d\n", coast_block_on(middle(4)));
	// CHECK-NEXT: for_init 30
	printf("for_init %d\n", coast_block_on(for_init(3)));
	// CHECK-NEXT: expression 506
	printf("expression %d\n", coast_block_on(expression(3)));
	// CHECK-NEXT: reads_previous 560
	printf("reads_previous %d\n", coast_block_on(reads_previous(4)));
	// CHECK-NEXT: globals -1000 -1000 -1000
	printf("globals %d %d %d\n", y, j, z);
	return 0;
}
