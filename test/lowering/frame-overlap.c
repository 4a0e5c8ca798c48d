// Storage that frames share must never be read after it was reused: the
// result shares the callee frames' storage, and is stored through a C
// local, so a struct built from storage it overlaps, or an awaited callee's
// own result, comes out whole. Prints the same lowered and as plain C (the
// ASan stage runs it too).
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

struct pair {
	long a, b, c;
};

async int nap(void)
{
	return await(coast_yield());
}

// The swapped struct is built from p, the result from r.
async struct pair swap(struct pair p, int wait)
{
	if (!wait)
		return (struct pair){ p.c, p.b, p.a };
	struct pair r = { p.c, p.b, p.a };
	await(nap());
	return r;
}

// The callee's result lies inside our own result's storage.
// LOWERED-LABEL: struct twice__coast_frame {
// LOWERED:        union {
// LOWERED-NEXT:     __typeof__(struct pair) __ret;
// LOWERED-NEXT:     union {
// LOWERED-NEXT:       struct swap__coast_frame s1;
// LOWERED-NEXT:       struct swap__coast_frame s2;
// LOWERED-NEXT:     } __aw;
// LOWERED-NEXT:   };
async struct pair twice(struct pair p)
{
	return await(swap(await(swap(p, 1)), 0));
}

int main(void)
{
	struct pair p = { 1, 2, 3 };
	struct pair s = coast_block_on(swap(p, 0));
	struct pair w = coast_block_on(swap(p, 1));
	struct pair t = coast_block_on(twice(p));
	// CHECK: swap 3 2 1 / 3 2 1 / 1 2 3
	printf("swap %ld %ld %ld / %ld %ld %ld / %ld %ld %ld\n", s.a, s.b, s.c,
	       w.a, w.b, w.c, t.a, t.b, t.c);
	return 0;
}
