// Register parameters (optimizing, in a function with at most one await):
// a scalar parameter whose address is never taken and whose name means it
// throughout the body is a C local of the poll function, loaded from its
// frame member as the poll function starts, so the optimizer keeps it in a
// register across the calls of the body; one the body assigns is stored
// back where the function suspends at a point it is live across. A
// parameter dead at every await shares its member with the callee frames
// and is loaded on the first poll only. Each program prints the same
// lowered at -O2 (a missing store shows as a stale value, a load from a
// reused member as garbage) and as plain C.
// RUN: %coast -O2 -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// The code a function's lowering adds is one line after its #line: the
// sed breaks it after each ';' and '{'.
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | grep -v -e '^#line' -e '^//' | FileCheck %s --check-prefix=LOWERED
// RUN: %coast -O2 %s %coast-libs -o %t.O2 && %t.O2 > %t.O2.out
// RUN: %plain -O2 %s %coast-libs -o %t.plain && %t.plain > %t.plain.out
// RUN: diff %t.plain.out %t.O2.out
// RUN: FileCheck %s < %t.O2.out
// At -O0 a C local is a stack slot: the parameter stays its member's macro.
// RUN: %coast -O0 -c %s -o %t.o -fplugin-arg-coast-dump=%t.o0.c
// RUN: grep -v "^//" %t.o0.c | FileCheck %s --check-prefix=O0
// O0: #define data (__co->data)
// O0-NOT: __typeof_unqual__(__co->data) data
#include <coast.h>
#include <stdio.h>

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

// Read after every await, never assigned: loaded on the way in, never
// stored.
// LOWERED-LABEL: static int sum__coast_poll(
// LOWERED: __typeof_unqual__(__co->data) data = __co->data;
// LOWERED-NEXT: __typeof_unqual__(__co->n) n = __co->n;
// LOWERED-NOT: #define data
// LOWERED-NOT: __co->data = data;
// LOWERED: #undef return
async long sum(const int *data, int n)
{
	long s = 0;
	for (int i = 0; i < n; i++) {
		s += data[i] * await(step(i));
		clobber();
	}
	return s;
}

// Assigned and live across the yield: stored where it suspends.
// LOWERED-LABEL: static int countdown__coast_poll(
// LOWERED: __typeof_unqual__(__co->n) n = __co->n;
// LOWERED: __co->k = k; __co->n = n; goto __coast_yield;
async int countdown(int n, int by)
{
	int steps = 0;
	// Bounded: a value not stored back would start over at every poll.
	for (int k = 0; k < 8 && n > 0; k++) {
		await(coast_yield());
		clobber();
		n -= by;
		steps++;
	}
	return steps * 1000 + n;
}

// Dead at every await: its member is in the union with the callee frames,
// which the await overwrites; read on the first poll only.
// LOWERED-LABEL: static int pick__coast_poll(
// LOWERED: __typeof_unqual__(__co->__in.b) b;
// LOWERED: default: return COAST_READY;
// LOWERED-NEXT: } b = __co->__in.b;
async int pick(_Bool b, int x, int y)
{
	int v = await(step(b ? x : y));
	return v * 2;
}

// Assigned before an await and dead after it; assigned again after it.
async int reassign(int a, int b)
{
	a = a * 3 + b;
	int v = await(step(a));
	a = v + b;
	return a;
}

// const, and read in a macro's body.
#define SCALED(v) ((v) * k)
async int scaled(const int k, int n)
{
	int t = 0;
	for (int i = 0; i < n; i++)
		t += SCALED(await(step(i)));
	return t;
}

// Assigned by a compound assignment holding the await, a pointer walked
// in a loop (examples/tcp_server.h's write_all).
async long walk(const char *p, long left)
{
	long total = 0;
	while (left > 0) {
		left = left - 2;
		total += *p++ * 10 + (left += await(step(0)));
		clobber();
	}
	return total + (p[0] == '\0');
}

// Hidden by an inner declaration of its name: stays in the frame, its
// references rewritten.
// LOWERED-LABEL: static int hidden__coast_poll(
// LOWERED-NOT: __typeof_unqual__(__co->n) n =
// LOWERED: #undef return
async int hidden(int n)
{
	int r = 0;
	{
		int n = 7;
		r += n;
	}
	return r + await(step(n));
}

// Its address taken: stays in the frame.
// LOWERED-LABEL: static int addressed__coast_poll(
// LOWERED: #define n (__co->n)
static void bump(int *p)
{
	(*p)++;
}
async int addressed(int n)
{
	bump(&n);
	return await(step(n));
}

// More than one await: a poll resumes one of its paths, which need not
// read every parameter; they stay their members' macros.
// LOWERED-LABEL: static int two__coast_poll(
// LOWERED: #define m (__co->m)
async int two(int n, int m)
{
	int a = await(step(n));
	return a * 100 + await(step(m));
}

async int all(void)
{
	static const int data[] = {5, 7, 11};
	printf("sum: %ld\n", await(sum(data, 3)));
	printf("countdown: %d\n", await(countdown(10, 3)));
	printf("pick: %d %d\n", await(pick(1, 4, 9)), await(pick(0, 4, 9)));
	printf("reassign: %d\n", await(reassign(2, 5)));
	printf("scaled: %d\n", await(scaled(3, 4)));
	printf("walk: %ld\n", await(walk("abc", 3)));
	printf("hidden: %d\n", await(hidden(20)));
	printf("addressed: %d\n", await(addressed(30)));
	printf("two: %d\n", await(two(4, 5)));
	return 0;
}

// CHECK: sum: 52
// CHECK-NEXT: countdown: 3998
// CHECK-NEXT: pick: 10 20
// CHECK-NEXT: reassign: 17
// CHECK-NEXT: scaled: 30
// CHECK-NEXT: walk: 2944
// CHECK-NEXT: hidden: 28
// CHECK-NEXT: addressed: 32
// CHECK-NEXT: two: 506
// CHECK-NEXT: sum: 30
int main(void)
{
	coast_block_on(all());
	printf("sum: %ld\n", coast_block_on(sum((const int[]){1, 2, 3, 4}, 4)));
	return 0;
}
