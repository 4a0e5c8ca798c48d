// The single parse (the default) appends the block of an async function after
// everything that follows the function (macros redefined, #undef'ed and
// defined, the floating-point state changed, pragma regions closed) and
// compiles it there: it computes what the function computes in place, and
// keeps its FP state and its section. (`#pragma clang optimize off` makes
// a function's body precise whatever FP_CONTRACT says: see state-at-end.c
// for the region.)
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -S -emit-llvm -O1 %s -o - | FileCheck %s --check-prefix=IR
#include <coast.h>
#include <stdio.h>

#define STEP 1
#define SCALE(x) ((x) * 2)

static int before = __COUNTER__;

static async int id(int v)
{
	await(coast_yield());
	return v;
}

static async int f(int x, double m);

int main(void)
{
	printf("%d %d\n", before, coast_block_on(f(4, 3)));
	// CHECK: 0 19
	return 0;
}

// IR: define internal {{.*}}@f__coast_poll({{.*}}) #{{[0-9]+}} section "coast_text"
// IR-NOT: fmuladd
// IR: {{^}}}
#pragma STDC FP_CONTRACT OFF
#pragma clang section text = "coast_text"
static async int f(int x, double m)
{
	int k = __COUNTER__;
	int y = await(id(SCALE(x)));
#ifdef LATER
	y += 1000;
#endif
	double w = m * 0.5 + 0.25;
	return y + STEP + k * 10 + (w > 10);
}
#pragma STDC FP_CONTRACT ON
#pragma clang section text = ""

#undef STEP
#define STEP 100
#undef SCALE
#define SCALE(x) ((x) * 7)
#define LATER
