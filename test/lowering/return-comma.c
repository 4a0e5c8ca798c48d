// The lowered `return` is a macro ending in an assignment to the result: a
// comma at the top of the returned value must not end that assignment
// (`return t++, t * 10;` returned t, `return printf(...), t;` printf's
// result, `return await(id(k)), 7;` k; a struct with a const member did not
// compile). With and without awaits, through an implicit conversion, in a
// conditional's middle operand, and the returns near them that were right:
// parenthesized commas, a comma from a macro, a return spelled in a macro.
// A top-level comma spelled in a macro's definition with its `return`
// cannot be rewritten: coast-unsupported, not a wrong value.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -fsyntax-only -Xclang -verify -DRETURN_IN_MACRO %s
#include <coast.h>
#include <stdio.h>

#define PAIR(a, b) a, b
#define RET(v) return v

struct cpair {
	const int a;
	int b;
};

static int side;

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async int plain_comma(int k)
{
	int t = await(id(k));
	return t++, t * 10;
}

static async int call_comma(int k)
{
	int t = await(id(k));
	return printf("side\n"), t;
}

static async int await_comma(int k)
{
	return await(id(k)), 7;
}

static async int converted_comma(int k)
{
	int t = await(id(k));
	return t++, 2.75 + t;
}

static async struct cpair copy_comma(int k)
{
	struct cpair p = { k, k + 1 };
	await(id(0));
	return side++, p;
}

static async struct cpair copy_await_comma(int k)
{
	struct cpair p = { k, k + 1 };
	return side++, await(id(0)), p;
}

static async int middle_comma(int k)
{
	int r = k ? side++, await(id(k)) + 1 : 0;
	return r;
}

static async int near_ones(int k)
{
	int t = await(id(k));
	if (t == 1)
		return (t++, t * 100);
	if (t == 2)
		return PAIR(t++, t * 1000);
	if (t == 3)
		RET((t++, t * 10000));
	return t;
}

static async void void_comma(int *o)
{
	int t = await(id(4));
	return (void)(*o = t), (void)side++;
}

#ifdef RETURN_IN_MACRO
#define RETURN_PAIR return side++, 5

static async int in_macro(int k)
{
	int t = await(id(k));
	if (t)
		RETURN_PAIR; // expected-error {{this code is split across a macro's definition and its use; the lowering cannot rewrite it [coast-unsupported]}}
	return t;
}
#endif

static async int run(void)
{
	int o = 0;
	int a = await(plain_comma(3));
	int b = await(call_comma(4));
	int c = await(await_comma(5));
	int d = await(converted_comma(1));
	struct cpair p = await(copy_comma(6));
	struct cpair q = await(copy_await_comma(8));
	int m = await(middle_comma(2));
	await(void_comma(&o));
	printf("%d %d %d %d %d %d %d %d %d %d\n", a, b, c, d, p.a, p.b, q.a,
	       q.b, m, o);
	printf("%d %d %d %d side %d\n", await(near_ones(1)),
	       await(near_ones(2)), await(near_ones(3)), await(near_ones(4)),
	       side);
	return 0;
}
// CHECK:      side
// CHECK-NEXT: 40 4 7 4 6 7 8 9 3 4
// CHECK-NEXT: 200 3000 40000 4 side 4

int main(void)
{
	return coast_block_on(run());
}
