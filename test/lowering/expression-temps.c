// The values a statement's awaits leave for the rest of it (an await's
// result read by its expression, the value of a split &&, ||, ?: or comma)
// are C locals of the poll function when no suspension point comes between
// their store and their read (Planner::placeTemps), and frame members only
// when one does: `a || await(b)`'s kept nothing in the frame. Each value
// below is read after its await returned, some across another await: the
// program prints the same lowered and as plain C, and lowered with a
// second task running at every suspension (-DSPAWN: it overwrites what
// the poll function's stack held), at -O0 and -O2. The lowered text
// compiles without a warning of the locals.
// RUN: %coast -Wall -Wextra -Werror -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | grep -v -e '^#line' -e '^//' | FileCheck %s --check-prefix=LOWERED
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -Wall -Wextra -Werror %s %coast-libs -DSPAWN -o %t.spawn
// RUN: env COAST_WORKERS=1 %t.spawn | FileCheck %s
// RUN: %coast -O2 -Wall -Wextra -Werror %s %coast-libs -DSPAWN -o %t.spawn2
// RUN: env COAST_WORKERS=1 %t.spawn2 | FileCheck %s
// RUN: %coast -ftrivial-auto-var-init=pattern %s %coast-libs -DSPAWN -o %t.pattern
// RUN: env COAST_WORKERS=1 %t.pattern | FileCheck %s
#include <coast.h>
#include <stdio.h>

static int calls;

async int val(int x)
{
	await(coast_yield());
	calls++;
	return x;
}

// Each operand's value is read before the next await: no frame member
// (r and i are register locals' slots).
// LOWERED-LABEL: struct pair__coast_frame {
// LOWERED-NEXT: struct coast_head __h;
// LOWERED-NEXT: __typeof__(int) n;
// LOWERED-NEXT: __typeof__(int) r;
// LOWERED-NEXT: __typeof__(int) i;
// LOWERED-NEXT: union {
// LOWERED-LABEL: static int pair__coast_poll(
// LOWERED: __typeof__(int) __coast_c1;
// LOWERED-NEXT: __typeof__(int) __coast_t2;
// LOWERED-NEXT: __typeof__(int) __coast_t3;
// LOWERED-NEXT: __typeof__(int) __coast_c4;
// LOWERED-NEXT: __typeof__(int) __coast_t5;
// LOWERED-NEXT: __typeof__(int) __coast_t6;
// LOWERED-NEXT: __typeof__(int) __coast_t7;
// LOWERED-NEXT: __typeof__(int) __coast_c8;
// LOWERED-NEXT: __typeof__(int) __coast_t9;
// LOWERED-NEXT: __typeof__(int) __coast_t10;
// LOWERED-NEXT: if (__coast_h->flags
async int pair(int n)
{
	int r = 0;

	for (int i = 0; i < n; i++) {
		if (await(val(i)) || await(val(i + 1)))
			r++;
		r += (await(val(i)) && i) ? await(val(2)) : await(val(3));
		r += (await(val(1)), await(val(i)));
	}
	return r;
}

// The left operand's value is read after the right one's await: in the
// frame; the rest are not.
// LOWERED-LABEL: struct across__coast_frame {
// LOWERED-NEXT: struct coast_head __h;
// LOWERED-NEXT: __typeof__(int) go;
// LOWERED-NEXT: __typeof__(int) a;
// LOWERED-NEXT: __typeof__(int) b;
// LOWERED-NEXT: __typeof__(int) __t1;
// LOWERED-NEXT: __typeof__(int) __t4;
// LOWERED-NEXT: __typeof__(int) __t5;
// LOWERED-NEXT: union {
// LOWERED-LABEL: static int across__coast_poll(
// LOWERED: __typeof__(int) __coast_c2;
// LOWERED-NEXT: __typeof__(int) __coast_t3;
// LOWERED-NEXT: __typeof__(int) __coast_t6;
// LOWERED-NEXT: __typeof__(int) __coast_t7;
// LOWERED-NEXT: __typeof__(int) __coast_t8;
// LOWERED-NEXT: if (__coast_h->flags
async int across(int go)
{
	int a = await(val(10)) * 100 + (go || await(val(20)));
	// Both read by the last operand's expression, after its await.
	int b = await(val(1)) + await(val(2)) * await(val(3));
	// The inner await's value is read as the outer one starts.
	int c = await(val(await(val(6)) + 1));
	return a + b + c;
}

// A loop's condition: its values are read in the same iteration.
// LOWERED-LABEL: struct loop__coast_frame {
// LOWERED-NEXT: struct coast_head __h;
// LOWERED-NEXT: __typeof__(int) n;
// LOWERED-NEXT: __typeof__(int) k;
// LOWERED-NEXT: union {
// LOWERED-LABEL: static int loop__coast_poll(
// LOWERED: __typeof__(int) __coast_t1;
// LOWERED-NEXT: __typeof__(int) __coast_t2;
// LOWERED-NEXT: if (__coast_h->flags
async int loop(int n)
{
	int k = 0;

	while (await(val(n)) > 0 && (n = n - 1) >= 0)
		k += await(val(n)) ? 1 : 0;
	return k;
}

// A split operator's value read after a later await of its statement
// stays in the frame: as a local it would be read from a stack the poll
// left (wrong at -O2, and at -O0 under the pattern init's RUN).
// LOWERED-LABEL: struct split__coast_frame {
// LOWERED-NEXT: struct coast_head __h;
// LOWERED-NEXT: __typeof__(int) go;
// LOWERED-NEXT: __typeof__(int) d;
// LOWERED-NEXT: __typeof__(int) __c{{[0-9]+}};
// LOWERED: union {
// LOWERED-LABEL: static int split__coast_poll(
async int split(int go)
{
	int d = (go || await(val(20))) * 100 + await(val(30));
	int e = (go ? await(val(1)) : 2) * 1000 + (await(val(4)), 5) * 10 +
		await(val(6));
	return d + e;
}

#ifdef SPAWN
static volatile int sink;

// Its poll's stack overlaps the other's: a value the other kept in its
// stack across a suspension would be this one's.
async void other(int n)
{
	for (int i = 0; i < n; i++) {
		volatile int scratch[64];
		for (int j = 0; j < 64; j++)
			scratch[j] = -1 - j;
		sink = scratch[i & 63];
		await(coast_yield());
	}
}
#endif

async int run(void)
{
#ifdef SPAWN
	coast_task *o = coast_spawn(other(1000));
#endif
	int r = await(pair(5));
	int a = await(across(0));
	int b = await(across(1));
	int l = await(loop(4));
	int s0 = await(split(0));
	int s1 = await(split(1));

#ifdef SPAWN
	await(coast_join(o, NULL));
#endif
	printf("pair %d across %d %d loop %d split %d %d calls %d\n", r, a, b,
	       l, s0, s1, calls);
	return 0;
}

int main(void)
{
	return coast_block_on(run());
}
// CHECK: pair 26 across 1015 1015 loop 3 split 2186 1186 calls 56
