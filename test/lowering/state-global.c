// A global whose initializer names an async function is rewritten; the
// single parse appends its declaration after the file's end, like an
// async function's block, with the state of where it was written: a
// macro redefined after it expands as it did there, and each __COUNTER__
// written in it is the value it took (one a macro's definition spells is
// rejected by name, as in a function: a header's, since one of the main
// file makes the single parse fall back).
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -fplugin-arg-coast-nested-parse %s %coast-libs -o %t.nested
// RUN: %t.nested | FileCheck %s
// RUN: %if !nested-parse %{ not %coast -c %s -o %t.o -DREJECTED 2>&1 | FileCheck %s --check-prefix=REJECTED %}
#include <coast.h>
#include <stdio.h>

static async int one(void)
{
	await(coast_yield());
	return 1;
}

struct entry {
	async int (*f)(void);
	int n, c;
};

#define N 10
#define TWICE(x) ((x) * 2)
static struct entry entry = { one, TWICE(N), __COUNTER__ };
#undef N
#define N 20
#undef TWICE
#define TWICE(x) ((x) * 3)

#ifdef REJECTED
#include "Inputs/state-counter-odd.h"
// REJECTED: error: __COUNTER__ expanded from a macro's definition in variable 'odd'{{.*}}[coast-unsupported]
static struct entry odd = { one, ODD, 0 };
#endif

static int later = __COUNTER__;

// CHECK: 1 20 0 1
int main(void)
{
	printf("%d %d %d %d\n", coast_block_on(box(entry.f())), entry.n,
	       entry.c, later);
	return 0;
}
