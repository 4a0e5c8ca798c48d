// Jumps bound to loops and switches inside a returned statement expression
// run as in plain C (return-jumps.c rejects those that leave the return).
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

async int id(int x)
{
	await(coast_yield());
	return x;
}

async int bound_inside(int k)
{
	int s = await(id(k));
	for (int j = 0; j < 4; j++) {
		if (j == 0)
			continue;
		if (s > 100)
			break;
		return ({
			int t = 0;
			for (int i = 0; i < 5; i++) {
				if (i == 3)
					break;
				if (i == 1)
					continue;
				t += i;
			}
			switch (t) {
			case 2:
				t += 10;
				break;
			default:
				t = -1;
			}
			t + s + j;
		});
	}
	return -s;
}

int main(void)
{
	// CHECK: 16 -200
	printf("%d %d\n", coast_block_on(bound_inside(3)),
	       coast_block_on(bound_inside(200)));
	return 0;
}
