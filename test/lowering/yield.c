// await(coast_yield()) needs no sub-future: the frame wakes its own task and
// suspends itself (no start function, no child in the frame), in every
// statement shape, and 0 is its value. Another task runs at each yield (one
// worker: a spin on a flag another task sets ends), and cancellation at a
// yield destructs what is owned there. Prints the same lowered and as plain
// C except for the spawned part, which runs only lowered.
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// The code a function's lowering adds is one line after its #line: the
// sed breaks it after each ';' and '{', one frame member a line.
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | grep -v -e '^#line' -e '^//' | FileCheck %s --check-prefix=LOWERED
// RUN: not grep -n 'coast_yield__coast_start *(' %t.lowered.c
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast %s %coast-libs -DSPAWN -o %t.spawn
// RUN: env COAST_WORKERS=1 %t.spawn | FileCheck %s --check-prefix=SPAWN
#include <coast.h>
#include <stdio.h>

// LOWERED-LABEL: struct forms__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(int) n;
// LOWERED-NEXT:   __typeof__(int) a;
// LOWERED-NEXT:   __typeof__(int) __ret;
// LOWERED-NEXT: };
// The yields' values are read before the next one: C locals.
// LOWERED-LABEL: static int forms__coast_poll(
// LOWERED: __typeof__(int) __coast_t1;
// LOWERED-NEXT: __typeof__(int) __coast_t2;
// LOWERED-NEXT: __typeof__(int) __coast_t3;
// LOWERED: __co->__h.state = 1; goto __coast_yield;
// The task is queued again once, where every yield leaves the poll.
// LOWERED: __coast_yield: coast__task_wake_self(__cx);
async int forms(int n)
{
	await(coast_yield());
	int a = await(coast_yield()) + n;
	a += 1 + await(coast_yield());
	n = await(coast_yield());
	if (a != 8)
		return -1;
	return await(coast_yield()) + n + a;
}

struct res;
void res_close(struct res *r);
struct res {
	int id;
} must_destruct(res_close);

void res_close(struct res *r)
{
	printf("closed %d\n", r->id);
}

#ifdef SPAWN
static int flag;

async int spinner(void)
{
	int spins = 0;
	while (!flag) {
		await(coast_yield());
		spins++;
	}
	return spins > 0;
}

async int setter(void)
{
	flag = 1;
	return 0;
}

// Cancelled at its second yield: r is owned there.
async int holder(int id)
{
	struct res r = { id };
	await(coast_yield());
	await(coast_yield());
	res_close(&r);
	return 1;
}

async int run(void)
{
	coast_task *s = coast_spawn_local(spinner());
	coast_task *t = coast_spawn_local(setter());
	int spun = -1, set = -1;
	await(coast_join(s, &spun));
	await(coast_join(t, &set));
	printf("spun %d set %d\n", spun, set);
	coast_task *h = coast_spawn_local(holder(7));
	await(coast_yield());
	coast_cancel(h);
	int got = -1;
	printf("join %d got %d\n", await(coast_join(h, &got)), got);
	return 0;
}
// SPAWN: spun 1 set 0
// SPAWN-NEXT: closed 7
// SPAWN-NEXT: join {{-[0-9]+}} got -1
#endif

int main(void)
{
	// CHECK: forms 8
	printf("forms %d\n", coast_block_on(forms(7)));
#ifdef SPAWN
	return coast_block_on(run());
#else
	return 0;
#endif
}
