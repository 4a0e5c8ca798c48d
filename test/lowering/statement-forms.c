// Lowering, first slice: await as a statement, an initializer, the right
// side of '=' and the value of 'return', nested in blocks, if, while, for,
// do and switch; the program prints the same lowered and as plain C.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static int trace;

async int add(int a, int b)
{
	await(coast_yield());
	trace++;
	return a + b;
}

async void tick(void)
{
	await(coast_yield());
	trace++;
}

async int forms(int n)
{
	int total = 0;
	await(tick());
	if (n > 0) {
		total = await(add(total, 1));
	} else
		await(tick());
	while (total < n)
		total = await(add(total, 1));
	for (int i = 0; i < 3; i++) {
		int v = await(add(i, 10));
		total += v;
	}
	do {
		await(tick());
	} while (0);
	switch (n) {
	case 5:
		total = await(add(total, 100));
		break;
	default:
		break;
	}
	{
		{
			return await(add(total, 1000));
		}
	}
}

int main(void)
{
	// CHECK: forms(5) = 1138, trace = 12
	int r = coast_block_on(forms(5));
	printf("forms(5) = %d, trace = %d\n", r, trace);
	// CHECK-NEXT: forms(0) = 1033
	printf("forms(0) = %d\n", coast_block_on(forms(0)));
	return 0;
}
