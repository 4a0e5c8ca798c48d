// The single parse, emulated: the block of an async function written for
// a parse after the file's end (-fplugin-arg-coast-state-at-end) is moved
// after everything that follows the function (macros redefined, #undef'ed
// and defined, the floating-point state changed, pragma regions closed)
// and compiled there: it computes what the function computes in place,
// and keeps its FP state and its section. (`#pragma clang optimize off`
// makes a function's body precise whatever FP_CONTRACT says: see
// state-at-end.c for the region.)
// (Its __COUNTER__ is a literal: the later ones of the file count one less
// here, where the function's own text is gone; the single parse keeps it.)
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-state-at-end -fplugin-arg-coast-dump=%t.end.c
// RUN: python3 %S/Inputs/append-block.py %t.end.c > %t.appended.c
// RUN: %coast %t.appended.c %coast-libs -o %t.appended
// RUN: %t.appended | FileCheck %s
// RUN: %coast -S -emit-llvm -O1 %t.appended.c -o - | FileCheck %s --check-prefix=IR
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
