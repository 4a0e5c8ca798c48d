// Register locals: a local whose address is never taken stays a C local of
// the poll function, stored into the frame where it suspends and loaded back
// where it resumes, so macro bodies may name it; only the awaits it is live
// across give it frame space, and locals never live across the same await
// share it. Every await form, yields and races, shadowing, a goto past a
// declaration; each program prints the same lowered (also at -O2, where a
// missing load shows as garbage from a register) and as plain C.
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// The code a function's lowering adds is one line after its #line: the
// sed breaks it after each ';' and '{', one frame member a line.
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | grep -v -e '^#line' -e '^//' | FileCheck %s --check-prefix=LOWERED
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -O2 %s %coast-libs -o %t.O2
// RUN: %t.O2 | FileCheck %s
#include <coast.h>
#include <stdio.h>

struct pair {
	int a, b;
};

// Suspends once (a yield), then returns x + 1.
async int step(int x)
{
	await(coast_yield());
	return x + 1;
}

// Clobbers the stack the poll function's locals were in.
static void clobber(void)
{
	volatile char junk[512];
	for (int i = 0; i < 512; i++)
		junk[i] = (char)i;
}

#define CHECK(e)                                                               \
	do {                                                                   \
		if ((e) < 0) {                                                 \
			rc = -1;                                               \
			goto out;                                              \
		}                                                              \
	} while (0)
#define TOTAL (total + count)
#define EACH(i, n) for (i = 0; i < (n); i++)

// A cleanup macro names rc, live across every await; TOTAL and EACH name
// locals too. None of them is a frame member.
// LOWERED-LABEL: struct macros__coast_frame {
// LOWERED-NOT:    rc;
// LOWERED:      };
async int macros(int n)
{
	int rc = 0, total = 0, count = 0, i;
	EACH(i, n)
	{
		int v = await(step(i));
		CHECK(4 - v);
		total += v;
		count++;
		switch (v) {
		case 1:
			total += await(step(100));
			break;
		default: {
			int w = await(step(v));
			CHECK(w - 3);
			break;
		}
		}
	}
	rc = TOTAL;
out:
	clobber();
	printf("macros %d: rc %d total %d count %d\n", n, rc, total, count);
	return rc;
}

// Every statement shape of an await with a register local live across it.
async int forms(int n)
{
	int keep = n * 7;
	await(step(0));                      // statement
	int a = await(step(keep));           // initializer
	int b;
	b = await(step(a));                  // assignment
	int c = keep + await(step(b)) * 2;   // expression
	int d = n > 0 && await(step(c)) > 0; // right of &&
	int e = n ? await(step(d)) : keep;   // ?:
	int f = await(step(a)), g = f + keep; // declarator list
	while (await(step(f)) < 20 + keep)   // loop conditions
		f += 5;
	do
		g++;
	while (await(step(g)) < keep + 30);
	for (int i = await(step(0)); i < await(step(2)); i = await(step(i)))
		g += i;
	struct pair p = {keep, -keep};
	p.a += await(step(p.b));
	printf("forms: %d %d %d %d %d %d %d %d %d %d\n", keep, a, b, c, d, e, f,
	       g, p.a, p.b);
	return await(step(keep)); // return
}

// x and y are live across the same await: separate slots. z is live across
// the next ones while x and y are not: it shares x's slot.
// LOWERED-LABEL: struct interfere__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(int) y;
// LOWERED-NEXT:   union {
// LOWERED-NEXT:     __typeof__(int) x;
// LOWERED-NEXT:     __typeof__(int) z;
// LOWERED-NEXT:   } __s1;
// LOWERED:      static int interfere__coast_poll(struct coast_head *__coast_h
// LOWERED:        case 1: goto __coast_r1;
// LOWERED:        __coast_r1: x = __co->__s1.x; y = __co->y; __coast_s1:
// LOWERED-SAME:   { __co->__s1.x = x; __co->y = y; goto __coast_pending; }
async int interfere(int n)
{
	int x = n + 1, y = n + 2;
	await(step(0));
	clobber();
	int z = x * y; // defined while x and y are live, after their last await
	printf("interfere x %d y %d\n", x, y);
	await(step(z));
	clobber();
	z += await(step(z));
	printf("interfere z %d\n", z);
	return z;
}

// An inner v hides the outer one across an await: the outer stays in the
// frame, the inner is a register local; an unrelated loop counter reused in
// two loops is one in each.
async int shadow(int n)
{
	int v = n;
	{
		int v = n * 10;
		await(step(v));
		clobber();
		printf("shadow inner %d\n", v);
	}
	for (int i = 0; i < 2; i++)
		v += await(step(i));
	for (int i = 0; i < 2; i++)
		v += await(step(i * 10));
	printf("shadow outer %d\n", v);
	return v;
}

// A jump back past a declaration after an await: C keeps the value.
async int past(int n)
{
	int k = 0;
	int y = n;
again:
	await(step(k));
	clobber();
	if (k == 2)
		goto done;
	{
		int w = y * 2;
	use:
		w += await(step(w));
		k++;
		printf("past k %d w %d\n", k, w);
		if (k == 1)
			goto use;
	}
	goto again;
done:
	return k;
}

async int never(void)
{
	await(coast_sleep_ms(100000));
	return -1;
}

// Yields and races: the suspension has no sub-future, or a race's.
async int yields(int n)
{
	int acc = n, got = 0;
	for (int i = 0; i < 3; i++) {
		await(coast_yield());
		clobber();
		acc += i;
	}
	int rc = await(coast_timeout(100000, step(acc), &got));
	int first = await(
		coast_first(coast_arm(step(got), &got), coast_arm(never(), NULL)));
	printf("yields acc %d rc %d first %d got %d\n", acc, rc, first, got);
	return acc + got;
}

// A loop header a macro writes, its variable a macro argument: the
// variable stays a C local, the header as written (it was in the frame, a
// name a macro wrote, and the header could not be rewritten).
#define FOR(i, n) for (int i = 0; i < (n); i++)

async int macro_loops(int n)
{
	int s = 0;
	FOR(i, n) s += await(step(i));
	FOR(j, 2) {
		clobber();
		s += 10 * await(step(j));
	}
	printf("macro_loops %d\n", s);
	return s;
}

int main(void)
{
	// CHECK: macros 3: rc 110 total 107 count 3
	coast_block_on(macros(3));
	// CHECK-NEXT: macros 5: rc -1 total 111 count 4
	coast_block_on(macros(5));
	// CHECK-NEXT: forms: 21 22 23 69 1 2 43 53 1 -21
	// CHECK-NEXT: result 22
	printf("result %d\n", coast_block_on(forms(3)));
	// CHECK-NEXT: interfere x 2 y 3
	// CHECK-NEXT: interfere z 13
	coast_block_on(interfere(1));
	// CHECK-NEXT: shadow inner 20
	// CHECK-NEXT: shadow outer 17
	coast_block_on(shadow(2));
	// CHECK-NEXT: past k 1 w 5
	// CHECK-NEXT: past k 2 w 11
	// CHECK-NEXT: result 2
	printf("result %d\n", coast_block_on(past(1)));
	// CHECK-NEXT: yields acc 4 rc 0 first 0 got 6
	coast_block_on(yields(1));
	// CHECK-NEXT: macro_loops 36
	coast_block_on(macro_loops(3));
	return 0;
}
