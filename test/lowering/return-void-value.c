// A void async function's `return e;` evaluates e: its value was dropped
// when e awaits (`return show(await(id(1)));` printed nothing). A void
// expression whose operands await, one that assigns through a pointer, an
// awaited void call, a void function's await of a value-returning one, and
// the returns near them that were right: `return;`, `return e;` without an
// await, returns in a branch.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static void show(int v)
{
	printf("show %d\n", v);
}

static async void v_call(void)
{
	return show(await(id(1)));
}

static async void v_cast(void)
{
	return (void)printf("v_cast %d\n", await(id(2)));
}

static async void v_branch(int k)
{
	if (k)
		return show(await(id(3)) + k);
	show(0);
}

static async void v_store(int *o)
{
	return (void)(*o = await(id(4)) + 1);
}

static async void v_awaited(int k)
{
	return await(v_branch(k));
}

static async void v_plain(int k)
{
	int t = await(id(k));
	if (t > 5)
		return show(t);
	if (t > 4)
		return;
	return (void)printf("plain %d\n", t);
}

static async int run(void)
{
	int o = 0;
	await(v_call());
	await(v_cast());
	await(v_branch(1));
	await(v_branch(0));
	await(v_store(&o));
	await(v_awaited(2));
	await(v_plain(6));
	await(v_plain(5));
	await(v_plain(4));
	printf("o %d\n", o);
	return 0;
}
// CHECK:      show 1
// CHECK-NEXT: v_cast 2
// CHECK-NEXT: show 4
// CHECK-NEXT: show 0
// CHECK-NEXT: show 5
// CHECK-NEXT: show 6
// CHECK-NEXT: plain 4
// CHECK-NEXT: o 5

int main(void)
{
	return coast_block_on(run());
}
