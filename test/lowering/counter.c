// __COUNTER__ counts in the order of the text. Where the lowering moves
// an expression's awaits before the rest of its statement (or a for's
// step after its body) and the pieces that change places use it twice,
// the values would come in another order: coast-unsupported. Used once
// there, or where an await's statement keeps its order (an initializer,
// an assignment, a return, a statement of its own), it runs the same as
// plain C.
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

int main(void)
{
	printf("in_order: %d\n", coast_block_on(in_order(10)));
	return 0;
}
