// A frame variable's type written with __typeof__ is printed without the
// typeof (typeof-locals.c) but with the typedefs inside it: the canonical
// type dropped a typedef's attributes (`__typeof__(x) y` of an `aint x`
// whose typedef is aligned(8) had alignment 4). Through a pointer, an
// pointer to a pointer, const, nested typeofs, a may_alias typedef; near them, a typedef
// whose name contains "typeof" and a typeof of an unnamed struct's object.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

typedef int aint __attribute__((aligned(8)));
typedef short alias_short __attribute__((may_alias));
typedef long my_typeof_t __attribute__((aligned(16)));

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async int f(int n)
{
	aint x = n;
	__typeof__(x) y = await(id(5));
	__typeof__(x) *py = &y;
	const __typeof__(x) cy = await(id(6));
	__typeof__(__typeof__(x) *) ppy = await(id(3)) ? &y : 0;
	__typeof__(&ppy) pppy = &ppy;
	alias_short s = 7;
	__typeof__(s) s2 = await(id(8));
	my_typeof_t m = await(id(9));
	struct {
		aint a;
	} anon = { 10 };
	__typeof__(anon) anon2 = anon;
	await(id(0));
	printf("%zu %zu %zu %zu %zu %zu\n", _Alignof(__typeof__(y)),
	       _Alignof(__typeof__(*py)), _Alignof(__typeof__(cy)),
	       _Alignof(__typeof__(*ppy)), _Alignof(__typeof__(**pppy)),
	       _Alignof(__typeof__(m)));
	printf("%d %d %d %d %d %d %d\n", y, *py, cy, **pppy, s2,
	       (int)m, anon2.a);
	return n;
}
// CHECK:      8 8 8 8 8 16
// CHECK-NEXT: 5 5 6 5 8 9 10

int main(void)
{
	return !coast_block_on(f(4));
}
