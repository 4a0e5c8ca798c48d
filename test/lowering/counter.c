// __COUNTER__ counts in the order of the text. Where the lowering moves
// an expression's awaits before the rest of its statement (or a for's
// step after its body) and the pieces that change places use it twice,
// the values would come in another order: coast-unsupported. Used once
// there, or where an await's statement keeps its order (an initializer,
// an assignment, a return, a statement of its own), it runs the same as
// plain C. An assignment whose right side is an await starts the awaited
// call before it evaluates the left side: __COUNTER__ on both sides would
// swap (`a[__COUNTER__] = await(id(__COUNTER__ + 10))` set a[1] to 10).
// RUN: %coast -fsyntax-only -Xclang -verify -DREORDERED %s
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define NEXT __COUNTER__

static async int id(int x)
{
	await(coast_yield());
	return x;
}

#ifdef REORDERED
static async int reordered(int n)
{
	printf("%d %d\n", __COUNTER__, await(id(NEXT))); // expected-error {{__COUNTER__ used twice in a statement whose awaits the lowering evaluates apart from the rest of it: its values would come in another order; use it in a statement of its own [coast-unsupported]}}
	for (int i = 0; i < await(id(2)); i += NEXT)
		n += __COUNTER__; // expected-error {{__COUNTER__ used twice in a statement}}
	int k = 1 + await(id(__COUNTER__)) + __COUNTER__; // expected-error {{__COUNTER__ used twice in a statement}}
	int a[4] = { 0 };
	struct { int b; } s[4];
	a[__COUNTER__ % 4] = await(id(__COUNTER__ + 10)); // expected-error {{__COUNTER__ used twice in a statement}}
	s[NEXT % 4].b = await(id(NEXT)); // expected-error {{__COUNTER__ used twice in a statement}}
	*(a + NEXT % 4) = await(id(1)) + NEXT; // expected-error {{__COUNTER__ used twice in a statement}}
	return n;
}
#endif

static async int in_order(int n)
{
	int a = await(id(__COUNTER__));
	int b = __COUNTER__;
	b += await(id(NEXT));
	await(id(NEXT));
	for (int i = 0; i < await(id(2)); i++)
		b += NEXT;
	printf("%d %d %d\n", a, b, NEXT);
	return await(id(__COUNTER__ + n));
}
// CHECK:      0 11 5
// CHECK-NEXT: in_order: 16

static async int assigned(void)
{
	int a[4] = { 0 };
	int b;
	a[__COUNTER__ % 4] = await(id(4));
	b = await(id(NEXT + 2 * NEXT));
	a[(NEXT + NEXT) % 4] = await(id(b));
	printf("%d %d %d %d %d\n", a[0], a[1], a[2], a[3], b);
	return 0;
}
// CHECK-NEXT: 0 26 0 4 26

int main(void)
{
	printf("in_order: %d\n", coast_block_on(in_order(10)));
	coast_block_on(assigned());
	return 0;
}
