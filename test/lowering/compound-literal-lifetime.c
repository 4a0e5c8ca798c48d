// A compound literal lives to the end of its enclosing block: a pointer to
// it, kept in a local across an await, must still point to the literal
// after the resume. It was left in the poll function's C frame, gone when
// the task suspends (ASan: stack-use-after-return; at -O2 the values were
// garbage); a literal in a block with an await now lives in the frame.
// RUN: %coast -O2 %s %coast-libs -o %t.O2
// RUN: %t.O2 | FileCheck %s
// RUN: %coast -g -fsanitize=address %s %coast-libs -o %t.asan
// RUN: %t.asan | FileCheck %s
#include <coast.h>
#include <stdio.h>

struct pt {
	int x, y;
};

async int leaf(int x)
{
	await(coast_yield());
	return x + 1;
}

// Clobbers the stack the poll function's locals were in.
static void clobber(void)
{
	volatile char junk[512];
	for (int i = 0; i < 512; i++)
		junk[i] = (char)i;
}

async int array_literal(int n)
{
	int *q = (int[]){ n, n + 1, n + 2 };
	await(leaf(n));
	clobber();
	return q[1];
}

async int struct_literal(int n)
{
	struct pt *p = &(struct pt){ n, n * 2 };
	await(leaf(n));
	clobber();
	return p->y;
}

// Used before the await only: correct as it is, must stay accepted.
static int sum(const int *v)
{
	return v[0] + v[1];
}

async int before_only(int n)
{
	int s = sum((int[]){ n, n });
	return s + await(leaf(n));
}

int main(void)
{
	// CHECK: before_only 16
	printf("before_only %d\n", coast_block_on(before_only(5)));
	// CHECK-NEXT: array_literal 6
	printf("array_literal %d\n", coast_block_on(array_literal(5)));
	// CHECK-NEXT: struct_literal 10
	printf("struct_literal %d\n", coast_block_on(struct_literal(5)));
	return 0;
}
