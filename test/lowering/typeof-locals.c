// A frame variable whose type is written with __typeof__ of another local
// (`__typeof__(at) at2`, `__typeof__(n) *p`) gets that type in the frame,
// at file scope, where the local's name means nothing: the type is printed
// without the typeof (it did not compile).
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

typedef struct {
	int x;
} point;

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async int typed(int n)
{
	_Atomic int at = 5;
	__typeof__(at) at2 = 3;
	__typeof__(n) arr[2] = {n, n};
	__typeof__(n) *p = &arr[1];
	point pt = {n};
	__typeof__(pt) pt2 = pt;
	const __typeof__(at2 + 1) c = 4;
	at2 += await(id(1));
	*p += await(id(c));
	printf("%d %d %d %d %d\n", (int)at2, arr[0], *p, pt2.x,
	       _Generic(&c, const int *: 1, default: 2));
	return at + at2 + *p + pt2.x;
}
// CHECK:      4 7 11 7 1
// CHECK-NEXT: typed: 27

int main(void)
{
	printf("typed: %d\n", coast_block_on(typed(7)));
	return 0;
}
