// An await of a channel send or receive embeds the channel's frame
// (coast/runtime.h's struct coast_chan_op) in the awaiting frame, behind
// the ready companion: initialized in place, polled by a direct call of
// the exported poll (a receive initialized and polled the first time by
// one call, coast_chan_recv__coast_first), its result read from the
// frame; no frame-stack start, no free. The site says EMBEDDED with a
// NULL subs entry (the sub-future describes itself). Prints the same
// lowered and as plain C at -O0 and -O2 (no await of it waits there).
// The spawned part runs only lowered, on one worker: tasks parked on an
// embedded send and an embedded receive are dumped (the await's
// file:line:col, the leaf's name), then cancelled: their waiters
// unlinked, nothing lost, nothing received twice, a must_destruct value
// owned at the await destructed, and the channel usable after.
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// RUN: grep -v '^//' %t.lowered.c | not grep -e '= coast_chan_[a-z]*__coast_start(' -e 'coast__poll_child(' -e 'coast_chan_recv__coast_init('
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -O2 %s %coast-libs -o %t.o2 && %t.o2 > %t.o2.out
// RUN: %plain -O2 %s %coast-libs -o %t.plain2 && %t.plain2 | diff -u - %t.o2.out
// RUN: FileCheck %s < %t.o2.out
// RUN: %coast %s %coast-libs -DSPAWN -o %t.spawn
// RUN: env COAST_WORKERS=1 %t.spawn 2>&1 | FileCheck %s --check-prefix=SPAWN
// RUN: %coast -O2 %s %coast-libs -DSPAWN -o %t.spawn2
// RUN: env COAST_WORKERS=1 %t.spawn2 2>&1 | FileCheck %s --check-prefix=SPAWN
#include <coast.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>

// LOWERED-LABEL: struct pipeline__coast_frame {
// LOWERED-SAME: union { __typeof__(struct coast_chan_op) s1; __typeof__(struct coast_chan_op) s2;
// LOWERED-SAME: static const struct coast_fn *const pipeline__coast_subs[] = {0, 0, };
// LOWERED: coast_chan_send__coast_ready(ch, &i, &__coast_r)) { coast_chan_send__coast_init(&__co->__aw.s1, ch, &i);
// LOWERED-SAME: __coast_s1: if ((__coast_p = coast_chan_send__coast_poll(&__co->__aw.s1.__h, __cx)) != COAST_READY)
// LOWERED-SAME: __coast_r = __co->__aw.s1.__ret; }
// LOWERED: __co->__h.state = 2; if ((__coast_p = coast_chan_recv__coast_first(&__co->__aw.s2, ch, &__co->__s1.v, __cx)) != COAST_READY)
// LOWERED-SAME: if (0) { __coast_r2:
// LOWERED-SAME: if ((__coast_p = coast_chan_recv__coast_poll(&__co->__aw.s2.__h, __cx)) != COAST_READY)
// LOWERED-SAME: __coast_r = __co->__aw.s2.__ret; }

struct big {
	long a, b, c; // wider than a hand-off's slot
};

async int pipeline(coast_chan *ch, coast_chan *wide, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		if (await(coast_chan_send(ch, &i)))
			return -1;
	for (int k = 0; k < n; k++) {
		int v = -1;
		int r = await(coast_chan_recv(ch, &v));
		sum += r ? 1000 : v;
	}
	struct big b = { 1, 2, 3 }, c = { 0, 0, 0 };
	await(coast_chan_send(wide, &b));
	sum += await(coast_chan_recv(wide, &c)) + (int)(c.a + c.b + c.c);
	coast_chan_close(ch);
	int v;
	printf("closed: %d\n", await(coast_chan_recv(ch, &v)));
	printf("null: %d\n", await(coast_chan_send(NULL, &v)));
	return sum;
}

// CHECK: closed: -32
// CHECK-NEXT: null: -22
// CHECK-NEXT: pipeline: 12
int main_equiv(void)
{
	coast_chan *ch = coast_chan_new(8, sizeof(int));
	coast_chan *wide = coast_chan_new(1, sizeof(struct big));
	printf("pipeline: %d\n", coast_block_on(pipeline(ch, wide, 4)));
	coast_chan_free(ch);
	coast_chan_free(wide);
	return 0;
}

#ifdef SPAWN
struct res;
void res_close(struct res *r);
struct res {
	int id;
} must_destruct(res_close);

static int closed;
void res_close(struct res *r)
{
	closed += r->id;
}

static atomic_int parked;
static int got = -1; // the cancelled receive's destination

async int parked_recv(coast_chan *ch, int *out)
{
	struct res held = { 5 };
	atomic_fetch_add(&parked, 1);
	int r = await(coast_chan_recv(ch, out));
	res_close(&held);
	return r;
}

async int parked_send(coast_chan *ch, int v)
{
	atomic_fetch_add(&parked, 1);
	return await(coast_chan_send(ch, &v));
}

// SPAWN: coast: live tasks (3)
// SPAWN-NEXT: task 0x{{[0-9a-f]+}}: waiting
// SPAWN-NEXT: {{.*}}chan-embedded.c:[[#@LINE-5]]:9 in parked_send
// SPAWN-NEXT: coast_chan_send
// SPAWN-NEXT: task 0x{{[0-9a-f]+}}: waiting
// SPAWN-NEXT: {{.*}}chan-embedded.c:[[#@LINE-16]]:10 in parked_recv
// SPAWN-NEXT: coast_chan_recv
// SPAWN-NEXT: task 0x{{[0-9a-f]+}}: running
// SPAWN-NEXT: coast: end of tasks
// SPAWN-NEXT: cancelled: -125 -125 -1 5
// SPAWN-NEXT: after: 0 7 0 1
async int run(void)
{
	coast_chan *in = coast_chan_new(1, sizeof(int));
	coast_chan *full = coast_chan_new(1, sizeof(int));
	int one = 1, v = -1, first = -1;

	await(coast_chan_send(full, &one));
	coast_task *r = coast_spawn(parked_recv(in, &got));
	coast_task *s = coast_spawn(parked_send(full, 2));
	// One worker: seen here, their polls have returned.
	for (int i = 0; i < 10000 && atomic_load(&parked) < 2; i++)
		await(coast_sleep_ms(1));
	coast_dump_tasks();
	coast_cancel(r);
	coast_cancel(s);
	int rr = await(coast_join(r, NULL));
	int sr = await(coast_join(s, NULL));
	printf("cancelled: %d %d %d %d\n", rr, sr, got, closed);
	// Usable after: a send reaches the next receive, the cancelled send's
	// element never arrived (the one there is the first), nothing waits.
	int seven = 7, a = await(coast_chan_send(in, &seven));
	int b = await(coast_chan_recv(in, &v));
	int c = await(coast_chan_recv(full, &first));
	printf("after: %d %d %d %d\n", a + b, v, c, first);
	coast_chan_free(in);
	coast_chan_free(full);
	return 0;
}

int main(void)
{
	return coast_block_on(run());
}
#else
int main(void)
{
	return main_equiv();
}
#endif
