#include <coast.h>
#include <stdio.h>
#include <stdlib.h>

struct ops {
	async int (*step)(int);
};

struct res {
	int v;
};

static async int twice(int x)
{
	await(coast_yield());
	return 2 * x;
}

static struct ops table = { twice };

must_destruct() struct res *make(void)
{
	return malloc(sizeof(struct res));
}

void drop(must_destruct() struct res *r)
{
	free(r);
	coast_forget(r);
}

static int has_step(struct ops *o)
{
	async int (*local)(int) = o->step;
	return local != 0;
}

int run(async int (*cb)(int), int x);

int run(int (*cb)(int), int x)
{
	return coast_block_on(box(cb(x)));
}

int main(void)
{
	drop(make());
	printf("%d %d %d\n", has_step(&table), coast_block_on(box(table.step(4))),
	       run(table.step, 5));
	return 0;
}

#ifdef MISMATCH
static int sync_fn(int x)
{
	return x;
}

void set(struct ops *o, int (*cb)(int))
{
	o->step = sync_fn;
	cb = sync_fn;
	run(sync_fn, 1);
}
#endif
