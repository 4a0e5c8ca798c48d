// __COUNTER__ expansions that leave no integer literal in the AST count
// too: in `#if`, stringized, pasted into a name, in an attribute. The
// planner knew only the literals, so it let these be reordered: a `#if
// __COUNTER__` above a type the lowering moves before the function, the
// stringized one and an await's in one statement (`printf("%s %d\n",
// S(__COUNTER__), await(id(__COUNTER__)))` printed `1 0`, plain C `0 1`),
// one in an attribute of the declaration the lowering writes anew, one in
// the declarator of a variable the frame holds (`int a[NEXT + 1];` became a
// member of the frame and an empty statement). All are
// coast-unsupported now; where they keep their order they still lower.
// RUN: %coast -fsyntax-only -Xclang -verify -DREORDERED %s
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define S_(x) #x
#define S(x) S_(x)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define NEXT __COUNTER__

static async int id(int x)
{
	await(coast_yield());
	return x;
}

#ifdef REORDERED
static async int in_if(void)
{
#if __COUNTER__ >= 0
	int first = 1;
#endif
	struct t {
		char a[__COUNTER__ + 1]; // expected-error {{__COUNTER__ in a type defined in async function 'in_if' that the lowering moves}}
	} t = { { 0 } };
	int r = await(id(first));
	return r + t.a[0];
}

static async int stringized(void)
{
	const char *s = S(__COUNTER__);
	struct u {
		char a[__COUNTER__ + 1]; // expected-error {{__COUNTER__ in a type defined in async function 'stringized' that the lowering moves}}
	} u = { { 0 } };
	int r = await(id(1));
	return r + u.a[0] + s[0];
}

static async int pasted(void)
{
	typedef int CAT(t, __COUNTER__);
	struct w {
		char a[__COUNTER__ + 1]; // expected-error {{__COUNTER__ in a type defined in async function 'pasted' that the lowering moves}}
	} w = { { 0 } };
	int r = await(id(1));
	return r + w.a[0];
}

static async int in_frame(void)
{
	int CAT(v, __COUNTER__) = 1; // expected-error {{__COUNTER__ in the declaration of 'v}}
	int a[NEXT + 1]; // expected-error {{__COUNTER__ in the declaration of 'a', which lives in the frame of async function 'in_frame': the lowering declares it anew, where it would not count; use it outside the declaration [coast-unsupported]}}
	a[0] = await(id(1));
	return a[0];
}

static async int split(void)
{
	printf("%s %d\n", S(__COUNTER__), await(id(__COUNTER__))); // expected-error {{__COUNTER__ used twice in a statement}}
	printf("%d %d\n", CAT(0x, __COUNTER__), await(id(__COUNTER__))); // expected-error {{__COUNTER__ used twice in a statement}}
	return 0;
}

static async int in_attribute(void) __attribute__((annotate(S(__COUNTER__)))) // expected-error {{__COUNTER__ in the declaration of async function 'in_attribute', which the lowering writes anew}}
{
	return await(id(1));
}
#endif

static async int once(void)
{
#if __COUNTER__ == 0
	int first = 1;
#else
	int first = 0;
#endif
	printf("%d %s %d\n", first, S(__COUNTER__), await(id(1)));
	return 0;
}
// CHECK:      1 1 1

static async int type_first(void)
{
	struct t {
		char a[__COUNTER__ + 1];
	} t = { { 0 } };
	const char *s = S(__COUNTER__);
	int r = await(id(1));
	printf("%zu %s %d\n", sizeof t.a, s, r);
	return 0;
}
// CHECK-NEXT: 3 3 1

int main(void)
{
	coast_block_on(once());
	coast_block_on(type_first());
	printf("%d\n", __COUNTER__);
	return 0;
}
// CHECK-NEXT: 4
