/*
 * main.c - examples/cmake-project: three "fetches" run at once, each a
 * normal function marked async that awaits a timer where it would block.
 * Built by CMake through find_package(coast) and coast::coast.
 */
#include <coast.h>
#include <stdio.h>

/* Pretends to fetch item `id`: takes `ms` milliseconds, returns its size. */
async int fetch(int id, int ms)
{
	await(coast_sleep_ms(ms));
	return id * 100;
}

async int fetch_all(void)
{
	coast_task *t[3];
	int total = 0;

	for (int i = 0; i < 3; i++)
		t[i] = coast_spawn(fetch(i + 1, 20 + 10 * i));
	for (int i = 0; i < 3; i++) {
		int size = 0;
		await(coast_join(t[i], &size));
		printf("item %d: %d bytes\n", i + 1, size);
		total += size;
	}
	return total;
}

int main(void)
{
	int total = coast_block_on(fetch_all());

	printf("fetched %d bytes\n", total);
	return total == 600 ? 0 : 1;
}
