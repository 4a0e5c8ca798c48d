// Awaits anywhere in an evaluated expression: operands, call arguments,
// nested awaits, conditions of if/while/do/for/switch, for init and step,
// the right side of && and || and the arms of ?: (evaluated only when C
// evaluates them), the comma operator, compound assignment, initializer
// lists, member access on an awaited struct, dereference of an awaited
// pointer. Prints the same lowered and as plain C, so every evaluation
// count below is C's.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

struct point {
	int x, y;
};

static int calls;

async int val(int x)
{
	await(coast_yield());
	calls++;
	return x;
}

async void tick(void)
{
	await(coast_yield());
	calls++;
}

async struct point at(int x, int y)
{
	await(coast_yield());
	struct point p = {x, y};
	return p;
}

async int *pick(int *a, int *b, int first)
{
	await(coast_yield());
	return first ? a : b;
}

static int add3(int a, int b, int c) { return a + b + c; }

async int operands(void)
{
	int a = await(val(1)) + await(val(2)) * 10;
	a += await(val(100));
	int b = add3(a, await(val(1000)), 2 * await(val(3)));
	int c = await(val(await(val(7)) + 1)); // nested
	return a + b + c;
}

async int short_circuit(int go)
{
	int before = calls;
	int r1 = go && await(val(1));
	int r2 = !go || await(val(2)) == 2;
	int r3 = go ? await(val(30)) : await(val(40));
	int side = 0;
	int r4 = (side = 5, await(val(side)));
	int r5 = (await(tick()), 9);
	printf("short_circuit(%d): %d %d %d %d %d, %d awaited\n", go, r1, r2, r3,
	       r4, r5, calls - before);
	return r1 + r2 + r3 + r4 + r5;
}

async int conditions(int n)
{
	int total = 0;
	if (await(val(n)) > 2)
		total += 1;
	else
		total += 2;
	int i = 0;
	while (await(val(i)) < n) {
		i++;
		if (i == 2)
			continue;
		total += 10;
	}
	int j = 0;
	do {
		j++;
		if (j == 3)
			continue;
		if (j == 7)
			break;
		total += 100;
	} while (await(val(j)) < 10);
	for (int k = await(val(0)); k < await(val(n)); k += await(val(1))) {
		if (k == 1)
			continue;
		total += 1000;
	}
	switch (await(val(n % 3))) {
	case 0:
		total += 10000;
		break;
	default:
		total += 20000;
	}
	return total;
}

async int aggregates(void)
{
	int arr[3] = {await(val(1)), 2, await(val(3))};
	struct point p = {.y = await(val(5)), .x = arr[2]};
	int x = await(at(4, 6)).y;
	int *w = await(pick(&arr[0], &arr[1], 0));
	*await(pick(&arr[0], &arr[1], 1)) = 50;
	return arr[0] + arr[1] + arr[2] + p.x + p.y + x + *w;
}

// Anchors nest: a rewritten loop or if whose body awaits too.
async int nesting(int n)
{
	int total = 0;
	if (await(val(n)) > 1) {
		int inner = await(val(5));
		total += inner;
	}
	while (await(val(total)) < 40) {
		total = await(val(total + 10));
		do {
			total += await(val(1));
		} while (await(val(total)) % 2);
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < await(val(2)); j++)
			total += await(val(i * 10 + j));
	return total;
}

int main(void)
{
	// CHECK: operands 1256
	printf("operands %d\n", coast_block_on(operands()));
	// CHECK-NEXT: short_circuit(1): 1 1 30 5 9, 5 awaited
	coast_block_on(short_circuit(1));
	// CHECK-NEXT: short_circuit(0): 0 1 40 5 9, 3 awaited
	coast_block_on(short_circuit(0));
	// CHECK-NEXT: conditions 23531
	printf("conditions %d\n", coast_block_on(conditions(4)));
	// CHECK-NEXT: aggregates 71
	printf("aggregates %d\n", coast_block_on(aggregates()));
	// CHECK-NEXT: nesting 62
	printf("nesting %d\n", coast_block_on(nesting(3)));
	printf("calls %d\n", calls);
	return 0;
}
