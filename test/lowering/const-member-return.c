// A struct with a const-qualified member (Csmith's `const unsigned f1 : 18`)
// as an async function's return type is coast-unsupported: the lowered
// `return` assigns the value, which C forbids (found by test/difftest; the
// generated code failed to compile). Such a struct as a parameter, a local
// or a field kept across awaits is lowered, and so is a return type without
// a const member.
// RUN: %coast -fsyntax-only -Xclang -verify -DRETURNS_CONST_MEMBER %s
// RUN: %coast-equiv | FileCheck %s
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
struct plain {
	unsigned f1;
	int f2;
};

#ifdef RETURNS_CONST_MEMBER
async struct pair give_pair(int x) // expected-error {{the return type of async function 'give_pair' has a const-qualified member; the lowered 'return' cannot assign it [coast-unsupported]}}
{
	struct pair p = {1, 2};
	await(coast_yield());
	return p;
}
// The const member may be nested.
async struct outer give_outer(void) // expected-error {{the return type of async function 'give_outer' has a const-qualified member; the lowered 'return' cannot assign it [coast-unsupported]}}
{
	struct outer o = {{1, 2}, 3};
	return o;
}
#endif

static async struct plain to_plain(struct pair p)
{
	await(coast_yield());
	struct plain r = {p.f1, p.f2};
	return r;
}

// A parameter, a local and an awaited struct keep their const members.
static async int sum(struct pair p)
{
	struct outer o = {{p.f1 + 1, p.f2 + 1}, 7};
	await(coast_yield());
	struct plain q = await(to_plain(o.p));
	return (int)(p.f1 + q.f1 + o.p.f1) + p.f2 + q.f2 + o.n;
}

int main(void)
{
	struct pair p = {5, 6};
	// CHECK: sum 37
	printf("sum %d\n", coast_block_on(sum(p)));
	return 0;
}
