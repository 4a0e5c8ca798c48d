// __COUNTER__ where the lowering moves or rewrites the text it is written
// in: a type defined in the body that a frame value needs moves before the
// function, and would count before the __COUNTER__ written above it there
// (`int a = __COUNTER__; struct s { int v[__COUNTER__ + 1]; } x;` made v
// one element long instead of two); the function's declaration is written
// anew, without the __COUNTER__ it had (every later value came one lower).
// Both are coast-unsupported. A moved type whose __COUNTER__ comes first in
// the function keeps its order, and so does one that stays in the body, and
// one in a directive between the declaration and its `{`.
// RUN: %coast -fsyntax-only -Xclang -verify -DMOVED %s
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define NEXT __COUNTER__

static async int id(int x)
{
	await(coast_yield());
	return x;
}

#ifdef MOVED
static async int after_use(void)
{
	int a = __COUNTER__;
	struct s {
		int v[NEXT + 1]; // expected-error {{__COUNTER__ in a type defined in async function 'after_use' that the lowering moves before the function (a value of that type is live across an 'await'): it would count before the __COUNTER__ written above it; define the type before the function [coast-unsupported]}}
	} x;
	x.v[0] = await(id(a));
	return x.v[0];
}

static async int in_enum(void)
{
	int a = __COUNTER__;
	enum e { FIRST = __COUNTER__ }; // expected-error {{__COUNTER__ in a type defined in async function 'in_enum'}}
	enum e x = FIRST;
	a += await(id(a));
	return a + x;
}

// Copied ahead of the generated code, a directive's __COUNTER__ still
// comes after the types the lowering moves before the function.
static async int directive_then_type(void)
#if __COUNTER__ >= 0
#endif
{
	struct s {
		int v[NEXT + 1]; // expected-error {{__COUNTER__ in a type defined in async function 'directive_then_type' that the lowering moves before the function}}
	} x;
	x.v[0] = await(id(1));
	return x.v[0];
}

static async int in_declaration(int v[__COUNTER__ + 2]) // expected-error {{__COUNTER__ in the declaration of async function 'in_declaration', which the lowering writes anew: it would not count; use it outside the declaration [coast-unsupported]}}
{
	return await(id(v[0]));
}
#endif

static async int first(void)
{
	struct s {
		int v[__COUNTER__ + 1];
	} x = { { 0 } };
	int a = NEXT;
	x.v[0] = await(id(a));
	printf("%zu %d %d\n", sizeof x.v / sizeof x.v[0], x.v[0], NEXT);
	return 0;
}
// CHECK:      1 1 2

static async int stays(void)
{
	int a = __COUNTER__;
	{
		struct t {
			int v[__COUNTER__ + 1];
		} y = { { a } };
		printf("%zu %d\n", sizeof y.v / sizeof y.v[0], y.v[0]);
	}
	a += await(id(NEXT));
	printf("%d\n", a);
	return 0;
}
// CHECK-NEXT: 5 3
// CHECK-NEXT: 8

// A directive between the declaration and its `{` is copied ahead of the
// generated code: its __COUNTER__ counts where it is written (it was
// rejected as one in the declaration).
static async int in_directive(void)
#if __COUNTER__ == 6
#define IN_DIRECTIVE 1
#else
#define IN_DIRECTIVE 0
#endif
{
	int a = NEXT;
	a += await(id(NEXT));
	printf("%d %d\n", IN_DIRECTIVE, a);
	return 0;
}
// CHECK-NEXT: 1 15

int main(void)
{
	coast_block_on(first());
	coast_block_on(stays());
	coast_block_on(in_directive());
	printf("%d\n", __COUNTER__);
	return 0;
}
// CHECK-NEXT: 9
