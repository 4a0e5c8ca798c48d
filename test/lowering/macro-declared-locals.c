// A local a macro declares, in an expansion that also holds an await (a
// loop macro's variable and an await in its body argument), is
// coast-unsupported: the lowering orders scopes and awaits by where their
// expansions start, saw no await after the declaration and kept the
// variable in no frame slot (EACH summed 0 instead of 3). The same loop
// over a variable declared outside the macro is accepted and runs as plain C.
// RUN: %coast -fsyntax-only -Xclang -verify -DREJECTED %s
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define EACH(i, n, body) for (int i = 0; i < (n); i++) { body }
#define REP(n, body) for (int k_ = 0; k_ < (n); k_++) { body }
#define EACH_OF(i, n, body) for (i = 0; i < (n); i++) { body }

static async int step(int x)
{
	await(coast_yield());
	return x;
}

#ifdef REJECTED
static async int loop_variable(int n)
{
	int s = 0;
	EACH(k, n, s += await(step(k));) // expected-error {{'k' is declared by macro 'EACH', whose expansion also holds an 'await': the lowering cannot keep it across that 'await'; declare it outside the macro [coast-unsupported]}}
	REP(n, s += await(step(1));) // expected-error {{'k_' is declared by macro 'REP', whose expansion also holds an 'await': the lowering cannot keep it across that 'await'; declare it outside the macro [coast-unsupported]}}
	return s;
}
#endif

// CHECK: outside 3 9
static async int outside(int n)
{
	int s = 0, k;
	EACH_OF(k, n, s += await(step(k));)
	int t = s;
	EACH(j, n, t += j;)
	await(coast_yield());
	EACH_OF(k, n, t += await(step(1));)
	printf("outside %d %d\n", s, t);
	return s;
}

int main(void)
{
	coast_block_on(outside(3));
	return 0;
}
