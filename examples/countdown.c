/*
 * countdown.c - coast's demo: three countdowns run at once.
 *
 * Each countdown is a normal-looking function marked async; await() is
 * where it would block.  coast_spawn starts the three together, await of
 * coast_join waits for each, and coast_block_on runs the whole thing from
 * main.  Build:
 *
 *   $(pkg-config --variable=clang coast) $(pkg-config --cflags coast) \
 *       examples/countdown.c $(pkg-config --libs coast) -o countdown
 */
#include <coast.h>
#include <stdio.h>

async int countdown(const char *name, int from, int step_ms)
{
	for (int i = from; i > 0; i--) {
		printf("%-6s %d\n", name, i);
		fflush(stdout);
		await(coast_sleep_ms(step_ms));
	}
	printf("%-6s liftoff\n", name);
	return from * step_ms;
}

async int race(void)
{
	coast_task *a = coast_spawn(countdown("alpha", 3, 30));
	coast_task *b = coast_spawn(countdown("beta", 2, 45));
	coast_task *c = coast_spawn(countdown("gamma", 4, 20));
	int ta = 0, tb = 0, tc = 0;

	await(coast_join(a, &ta));
	await(coast_join(b, &tb));
	await(coast_join(c, &tc));
	return ta + tb + tc;
}

int main(void)
{
	int total = coast_block_on(race());

	printf("all done: %d ms of countdown in ~90 ms\n", total);
	return 0;
}
