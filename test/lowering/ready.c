// An await of a callee started from the frame stack whose ready companion
// (F__coast_ready, declared before the awaiting function, of F's parameters
// and a pointer to its result) is declared calls it first, and starts and
// polls F's frame only when it answers 0, in every statement shape and
// through box(...); not where an argument has side effects, a call or a
// variably modified type (it would be evaluated twice), nor for a
// companion of another shape or declared after the caller, nor for race
// arms. The runtime's channel, mutex and join
// companions are called the same way. Prints the same lowered and as plain
// C (no companion is called there); the spawned part runs only lowered: a
// join of a finished task, and a must_destruct value destructed by
// cancellation on the slow path only.
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast %s %coast-libs -DSPAWN -o %t.spawn -fplugin-arg-coast-dump=%t.spawn.c
// RUN: grep -v -e '^#line' -e '^//' %t.spawn.c | FileCheck %s --check-prefix=JOIN
// RUN: env COAST_WORKERS=2 %t.spawn | FileCheck %s --check-prefix=SPAWN
#include <coast.h>
#include <stdio.h>
#include <string.h>

// Defined below their callers: awaited through their start functions.
async int half(int x);
async void note(int x);
async int wrong(int x);
async int late(int x);
async int local(int x);
async int masked(int x);
async int third(int x);

static int readies;

// Free of side effects, but a call all the same: it would run twice.
__attribute__((const)) static int twice(int x)
{
	return 2 * x;
}

// half's first poll for an even x: complete with x / 2.
int half__coast_ready(int x, int *result)
{
	if (x % 2)
		return 0;
	*result = x / 2;
	readies++;
	return 1;
}

// note's first poll for 0: it prints, and completes.
int note__coast_ready(int x)
{
	if (x)
		return 0;
	printf("note %d\n", x);
	readies++;
	return 1;
}

// Companions declared at block scope are not visible in the functions
// below; third's is declared again at file scope.
void declares(void)
{
	int local__coast_ready(int x, int *result);
	int third__coast_ready(int x, int *result);

	(void)local__coast_ready;
	(void)third__coast_ready;
}

int third__coast_ready(int x, int *result);

// A macro of the companion's name would expand in the lowered call.
int masked__coast_ready(int x, int *result);
#define masked__coast_ready(x, result) (printf("macro\n"), 0)

// Not wrong's shape: its result is not a pointer.
int wrong__coast_ready(int x, int result)
{
	(void)x;
	(void)result;
	return 1;
}

// LOWERED-LABEL: static int forms__coast_poll(
// LOWERED: __typeof_unqual__(forms__coast_result1) __coast_r; if (!half__coast_ready(n, &__coast_r)) { __co->__aw.p1 = half__coast_start(__cx->frames, n);
// LOWERED-SAME: __coast_s1: if ((__coast_p = coast__poll_child(__co->__aw.p1, __cx)) != COAST_READY) goto __coast_pending; __coast_r = (*(forms__coast_result1 *)
// LOWERED: if (!half__coast_ready(n + 2, &__coast_r)) {
// LOWERED: if (!half__coast_ready(4, &__coast_r)) {
// LOWERED: if (!half__coast_ready(n + 1, &__coast_r)) {
// LOWERED: if (!note__coast_ready(a)) { __co->__aw.p5 = note__coast_start(__cx->frames, a);
// LOWERED: if (!note__coast_ready(0)) {
// LOWERED: if (!half__coast_ready(0, &__coast_r)) {
// LOWERED: if (!half__coast_ready((int)sizeof(int[4]) + (int)(long)(char *)0, &__coast_r)) {
// LOWERED: if (!third__coast_ready(a, &__coast_r)) {
// LOWERED: if (!half__coast_ready(a, &__coast_r)) {
// LOWERED-NOT: if (!{{[a-z_]+}}__coast_ready(
// LOWERED-LABEL: static int side_effects__coast_poll(
async int forms(int n)
{
	await(half(n));
	int a = await(half(n + 2));
	a += await(half(4)) * 10;
	n = await(half(n + 1));
	await(note(a));
	await(note(0));
	a += await(box(half(0)));
	a += await(half((int)sizeof(int[4]) + (int)(long)(char *)0));
	a += await(third(a));
	return await(half(a)) + n;
}

// Awaits whose argument has side effects (an increment, a call, the size
// of a variably modified type, which Expr::HasSideEffects does not see: no
// companion; half answers 0 for an odd x, so the argument would be
// evaluated again), one of a companion of the wrong shape, one declared
// after this function, one declared only at block scope in another, one
// whose name is also a macro's.
// LOWERED-NOT: if (!{{[a-z_]+}}__coast_ready(
// LOWERED-LABEL: static int racing__coast_poll(
async int side_effects(int n)
{
	int r = await(half(n++));
	r += await(half(twice(n)));
	r += await(half((int)sizeof(char[n++]) | 1));
	r += await(half((int)(long)(int (*)[n++])0 | 1));
	r += await(wrong(n));
	r += await(late(n));
	r += await(local(n));
	r += await(masked(n));
	return r + n;
}

int late__coast_ready(int x, int *result);

// A race's arms are handed to it unpolled: no companion.
// LOWERED-NOT: if (!{{[a-z_]+}}__coast_ready(
// LOWERED-LABEL: static int pairs__coast_poll(
async int racing(coast_chan *ch)
{
	int v = -1, got = -2;
	int rc = await(coast_timeout(1000, coast_chan_recv(ch, &v), &got));
	return rc ? rc : v + got;
}

// A result the await cannot assign (a const member) is copied into it.
struct pair {
	int a;
	const int b;
};

async struct pair make(int x);

// make's first poll for 0.
int make__coast_ready(int x, struct pair *result)
{
	if (x)
		return 0;
	struct pair p = { x, x + 1 };
	memcpy(result, &p, sizeof p);
	readies++;
	return 1;
}

// LOWERED: if (!make__coast_ready(x, &__coast_r)) {
// LOWERED-SAME: __builtin_memcpy(&__coast_r,
// LOWERED-LABEL: static int channel__coast_poll(
async int pairs(int x)
{
	struct pair p = await(make(x));
	struct pair q = await(make(0));
	return p.a * 100 + p.b * 10 + q.b;
}

// LOWERED: if (!coast_chan_send__coast_ready(ch, &__co->__s1.v, &__coast_r)) { coast_chan_send__coast_init(&__co->__aw.s1, ch, &__co->__s1.v);
// LOWERED: if (!coast_chan_recv__coast_ready(ch, &__co->__s2.w, &__coast_r)) {
// LOWERED: if (!coast_mutex_lock__coast_ready(&m, &__coast_r)) {
async int channel(int n)
{
	coast_chan *ch = coast_chan_new(2, sizeof(int));
	coast_mutex m = COAST_MUTEX_INIT;
	int sum = 0;
	for (int v = 0; v < n; v++) {
		int w = -1;
		if (await(coast_chan_send(ch, &v)))
			return -1;
		if (await(coast_chan_recv(ch, &w)))
			return -1;
		sum += w;
	}
	int v = 7;
	await(coast_chan_send(ch, &v));
	sum += await(racing(ch));
	coast_chan_close(ch);
	int w;
	sum += await(coast_chan_recv(ch, &w)); // -EPIPE
	coast_chan_free(ch);
	sum += await(coast_mutex_lock(&m));
	return sum + coast_mutex_unlock(&m) + coast_mutex_destroy(&m);
}

async struct pair make(int x)
{
	if (x)
		await(coast_yield());
	struct pair p = { x, x + 1 };
	return p;
}

async int half(int x)
{
	await(coast_yield());
	return x / 2;
}

async void note(int x)
{
	if (x)
		await(coast_yield());
	printf("note %d\n", x);
}

async int wrong(int x)
{
	return x;
}

async int late(int x)
{
	return x * 2;
}

async int local(int x)
{
	return x + 1;
}

int local__coast_ready(int x, int *result)
{
	*result = x + 1;
	return 1;
}

async int third(int x)
{
	return x * 3;
}

int third__coast_ready(int x, int *result)
{
	*result = x * 3;
	readies++;
	return 1;
}

async int masked(int x)
{
	return x + 3;
}

int(masked__coast_ready)(int x, int *result)
{
	*result = x + 3;
	return 1;
}

int late__coast_ready(int x, int *result)
{
	*result = x * 2;
	return 1;
}

#ifdef SPAWN
struct res;
void res_close(struct res *r);
struct res {
	int id;
} must_destruct(res_close);

void res_close(struct res *r)
{
	printf("closed %d\n", r->id);
}

// Receives on ch while owning r: cancelled only if it waits.
async int holder(coast_chan *ch, int id)
{
	struct res r = { id };
	int v = -1;
	int rc = await(coast_chan_recv(ch, &v));
	res_close(&r);
	return rc ? rc : v;
}

async int value(int x)
{
	return x;
}

// JOIN-LABEL: static int run__coast_poll(
// JOIN: if (!coast_join__coast_ready(t, &out, &__coast_r)) { __co->__aw.p2 = coast_join__coast_start(__cx->frames, t, &out);
async int run(void)
{
	coast_task *t = coast_spawn_local(value(41));
	int out = -1;
	await(coast_yield());
	int rc = await(coast_join(t, &out));
	printf("join %d out %d\n", rc, out);

	coast_chan *ch = coast_chan_new(1, sizeof(int));
	int v = 5;
	await(coast_chan_send(ch, &v));
	coast_task *ready = coast_spawn_local(holder(ch, 1));
	printf("ready %d\n", await(coast_join(ready, &out)) ? -1 : out);
	coast_task *waits = coast_spawn_local(holder(ch, 2));
	await(coast_yield());
	await(coast_yield());
	coast_cancel(waits);
	printf("waits %d\n", await(coast_join(waits, &out)));
	coast_chan_free(ch);
	return 0;
}
// SPAWN: readies 8
// SPAWN-NEXT: join 0 out 41
// SPAWN-NEXT: closed 1
// SPAWN-NEXT: ready 5
// SPAWN-NEXT: closed 2
// SPAWN-NEXT: waits -125
#endif

int main(void)
{
	// CHECK: note 24
	// CHECK-NEXT: note 0
	// CHECK-NEXT: forms 68
	printf("forms %d\n", coast_block_on(forms(7)));
	// CHECK-NEXT: side 87
	printf("side %d\n", coast_block_on(side_effects(8)));
	// CHECK-NEXT: pairs 341
	printf("pairs %d\n", coast_block_on(pairs(3)));
	// CHECK-NEXT: channel -19
	printf("channel %d\n", coast_block_on(channel(4)));
#ifdef SPAWN
	printf("readies %d\n", readies);
	return coast_block_on(run());
#else
	return 0;
#endif
}
