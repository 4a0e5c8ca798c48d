// An async function may return a struct with a const-qualified member
// (Csmith's `const unsigned f1 : 18`): each `return v;` copies v into the
// result instead of assigning it, which C forbids (found by test/difftest:
// the lowered code did not compile). Plain returns, a return whose value
// awaits, `return await(...)`, returns in loops and in a switch, a nested
// const member, and callers keeping such a struct across awaits. A value
// the lowering cannot copy as written (spelled inside a macro) is
// coast-unsupported.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -fsyntax-only -Xclang -verify -DRETURN_IN_MACRO %s
#include <coast.h>
#include <stdio.h>

struct pair {
	const unsigned f1 : 18;
	int f2;
};
struct outer {
	struct pair p;
	int n;
};

static async int twice(int x)
{
	await(coast_yield());
	return 2 * x;
}

static async struct pair make_pair(int a, int b)
{
	await(coast_yield());
	if (a < 0) {
		struct pair z = {0, 0};
		return z;
	}
	return (struct pair){a, await(twice(b))};
}

static async struct pair pick(int k)
{
	for (int i = 0;; i++) {
		await(coast_yield());
		switch (k + i) {
		case 3:
			return await(make_pair(k, i));
		case 5:
			return (struct pair){5, 5};
		}
	}
}

// The const member is nested.
static async struct outer wrap(int n)
{
	struct outer o = {await(make_pair(n, n + 1)), n};
	await(coast_yield());
	return o;
}

#ifdef RETURN_IN_MACRO
#define RETURN_Q return q
#define RETURN(v) return v
static async struct pair in_macro(int a)
{
	struct pair q = {3, 4};
	await(coast_yield());
	if (a)
		RETURN(q); // an argument is written in the file: accepted
	RETURN_Q; // expected-error {{this code is split across a macro's definition and its use; the lowering cannot rewrite it [coast-unsupported]}}
}
#endif

static async int sum(int k)
{
	struct pair p = await(pick(k));
	await(coast_yield());
	struct outer o = await(wrap(k));
	struct pair z = await(make_pair(-1, 1));
	return (int)(p.f1 + o.p.f1 + z.f1) + p.f2 + o.p.f2 + o.n + z.f2;
}

int main(void)
{
	// CHECK: sum 0: 8
	// CHECK-NEXT: sum 3: 17
	// CHECK-NEXT: sum 4: 28
	for (int k = 0; k < 5; k++)
		if (k == 0 || k >= 3)
			printf("sum %d: %d\n", k, coast_block_on(sum(k)));
	return 0;
}
