// Scoped borrowing: every shape coast-spawn-borrows-local accepts in a
// scope spawn (a local's address, a field, an array element and a decayed
// array, a struct carrying a local array, a local pointer to a local, a
// parameter's address, the scope itself) compiles with the check on and
// runs: the tasks write into the spawning frame before the join returns.
// Prints the same lowered (tasks on 4 workers) and as plain C.
// RUN: env COAST_WORKERS=4 %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdatomic.h>
#include <stdio.h>

struct pair {
	int a, b;
};

struct span {
	int *at;
	int n;
};

async int put(int *slot, int v)
{
	await(coast_yield());
	*slot = v;
	return 0;
}

async int fill(struct span s, int v)
{
	for (int i = 0; i < s.n; i++)
		s.at[i] = v + i;
	return 0;
}

/* Spawns n more tasks into the scope it runs in. */
async int fan_out(coast_scope *s, _Atomic int *count, int n)
{
	if (n > 0 && coast_scope_spawn(s, fan_out(s, count, n - 1)))
		return -1;
	atomic_fetch_add(count, 1);
	return 0;
}

async int borrow_all(int base)
{
	int x = 0;
	struct pair pair = { 0, 0 };
	int row[4] = { 0 };
	int block[3] = { 0 };
	struct span sp = { block, 3 };
	int *px = &pair.a;
	_Atomic int count = 0;
	coast_scope s = COAST_SCOPE_INIT;
	int err = 0;

	err |= coast_scope_spawn(&s, put(&x, base));
	err |= coast_scope_spawn(&s, put(&pair.b, base + 1));
	err |= coast_scope_spawn(&s, put(px, base + 2));
	for (int i = 0; i < 4; i++)
		err |= coast_scope_spawn(&s, put(&row[i], i * i));
	err |= coast_scope_spawn(&s, fill(sp, 7));
	err |= coast_scope_spawn(&s, put(&base, 100));
	err |= coast_scope_spawn(&s, fan_out(&s, &count, 5));
	err |= await(coast_scope_join(&s));
	printf("err %d x %d pair %d %d row %d %d %d %d\n", err, x, pair.a,
	       pair.b, row[0], row[1], row[2], row[3]);
	printf("block %d %d %d base %d count %d\n", block[0], block[1],
	       block[2], base, atomic_load(&count));
	return 0;
}

int main(void)
{
	coast_block_on(borrow_all(10));
	return 0;
}
// CHECK: err 0 x 10 pair 12 11 row 0 1 4 9
// CHECK-NEXT: block 7 8 9 base 100 count 6
