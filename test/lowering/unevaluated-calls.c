// A call of an async function in an operand that is never evaluated
// (sizeof, __typeof__) creates no future, in async and synchronous code,
// also when the function has no declaration before its definition (which
// the lowering turns into a poll function). Prints the same lowered and as
// plain C.
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
	return (int)(sizeof(make(3)) + sizeof(narrow(4)) + sizeof count(5)) +
	       (int)p.b + s;
}

int main(void)
{
	// CHECK: async 26
	printf("async %d\n", coast_block_on(sizes()));
	// CHECK-NEXT: sync 16 2
	printf("sync %d %d\n", (int)sizeof(make(1)), (int)sizeof(narrow(1)));
	return 0;
}
