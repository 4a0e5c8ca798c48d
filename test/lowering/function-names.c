// __func__, __FUNCTION__ and __PRETTY_FUNCTION__ in an async function name
// it, not the poll function it is lowered to (assert and logs print them),
// before and after an await, in a macro, and where only a declaration's type
// names it. Prints the same lowered and as plain C.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

struct pair {
	int a, b;
};

#define WHERE() printf("in %s\n", __func__)

async int step(int x)
{
	printf("%s %s\n", __func__, __FUNCTION__);
	await(coast_yield());
	WHERE();
	return x + (int)sizeof(__func__);
}

static async struct pair make(int a, const char *tag)
{
	struct pair p = {a, await(step(a))};
	printf("%s: %s\n", tag, __PRETTY_FUNCTION__);
	return p;
}

async int sized(void)
{
	await(coast_yield());
	char name[sizeof __func__];
	return (int)sizeof name;
}

int main(void)
{
	// CHECK: step step
	// CHECK-NEXT: in step
	// CHECK-NEXT: made: struct pair make(int, const char *)
	// CHECK-NEXT: 1 6 main
	struct pair p = coast_block_on(make(1, "made"));
	printf("%d %d %s\n", p.a, p.b, __func__);
	// CHECK-NEXT: sized 6
	printf("sized %d\n", coast_block_on(sized()));
	return 0;
}
