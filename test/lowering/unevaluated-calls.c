// A call of an async function in an operand that is never evaluated
// (sizeof, __typeof__, the operand __builtin_choose_expr does not choose)
// creates no future, in async and synchronous code, also when the function
// has no declaration before its definition (which the lowering turns into a
// poll function). Prints the same lowered and as plain C. (The operand
// __builtin_choose_expr does not choose was a future never awaited.)
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

struct pair {
	long a, b;
};

static async struct pair make(long a)
{
	await(coast_yield());
	return (struct pair){a, a + 1};
}

async short narrow(int x)
{
	await(coast_yield());
	return (short)x;
}

box_async int count(int n)
{
	return n ? 1 + await(count(n - 1)) : 0;
}

async int sizes(void)
{
	__typeof__(make(1)) p = await(make(1));
	__typeof__(narrow(2)) s = await(narrow(2));
	long c = __builtin_choose_expr(sizeof(long) == 8, await(make(5)).b,
				       make(6).b);
	return (int)(sizeof(make(3)) + sizeof(narrow(4)) + sizeof count(5)) +
	       (int)p.b + s + (int)c;
}

int main(void)
{
	// CHECK: async 32
	printf("async %d\n", coast_block_on(sizes()));
	// CHECK-NEXT: sync 16 2 3
	printf("sync %d %d %d\n", (int)sizeof(make(1)), (int)sizeof(narrow(1)),
	       (int)__builtin_choose_expr(0, make(1).a, 3));
	return 0;
}
