// Lowering, first slice: C control flow around statement awaits: early
// returns (void and value), goto out of and into blocks, break and continue,
// switch with awaits in several cases and fallthrough, nested loops.
// Prints the same lowered and as plain C.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

async int id(int x)
{
	await(coast_yield());
	return x;
}

async void log_step(const char *what, int n)
{
	await(coast_yield());
	printf("%s %d\n", what, n);
}

async void early(int n)
{
	if (n < 0)
		return;
	await(log_step("early", n));
	if (n == 0) {
		await(log_step("zero", n));
		return;
	}
	await(log_step("positive", n));
}

async int gotos(int n)
{
	int i = 0;
again:
	i = await(id(i + 1));
	if (i < n)
		goto again;
	if (i > 100)
		goto out;
	{
		int inner = await(id(i * 10));
		if (inner > 20)
			goto out;
		i = inner;
	}
out:
	return i;
}

async int switches(int k)
{
	int r = 0;
	switch (k) {
	case 0:
		r = await(id(100));
		/* fallthrough */
	case 1:
		r += 1;
		await(log_step("case1", r));
		break;
	case 2: {
		int t = await(id(7));
		r = t * 2;
		break;
	}
	default:
		r = await(id(-1));
	}
	return r;
}

async int loops(void)
{
	int sum = 0;
	for (int i = 0; i < 4; i++) {
		if (i == 1)
			continue;
		for (int j = 0; j < 4; j++) {
			if (j == 2)
				break;
			int v = await(id(i * 10 + j));
			sum += v;
		}
		if (i == 3)
			break;
	}
	int w = 0;
	while (1) {
		w = await(id(w + 3));
		if (w > 10)
			break;
	}
	do {
		int z = await(id(0));
		sum += z;
	} while (0);
	return sum + w;
}

// Loop bodies without braces: the loop variable lives across the await
// (regression: it was left out of the frame, as its scope seemed to end
// where the await's macro starts).
async int braceless(void)
{
	int sum = 0;
	for (int i = 0; i < 3; i++)
		await(id(sum += i));
	for (int j = 0; j < 2; j++)
		sum += await(id(j * 10));
	return sum;
}

int main(void)
{
	// CHECK: early 0
	// CHECK-NEXT: zero 0
	coast_block_on(early(0));
	coast_block_on(early(-1));
	// CHECK-NEXT: early 5
	// CHECK-NEXT: positive 5
	coast_block_on(early(5));
	// CHECK-NEXT: gotos 3 3
	printf("gotos %d %d\n", coast_block_on(gotos(3)), coast_block_on(gotos(1)) / 10 * 3);
	// CHECK-NEXT: case1 101
	// CHECK-NEXT: case1 1
	// CHECK-NEXT: switches 101 1 14 -1
	int s0 = coast_block_on(switches(0));
	int s1 = coast_block_on(switches(1));
	printf("switches %d %d %d %d\n", s0, s1, coast_block_on(switches(2)),
	       coast_block_on(switches(9)));
	// CHECK-NEXT: braceless 13
	printf("braceless %d\n", coast_block_on(braceless()));
	// CHECK-NEXT: loops 115
	printf("loops %d\n", coast_block_on(loops()));
	return 0;
}
