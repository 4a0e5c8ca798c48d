// `#pragma pack` and the text the lowering moves to file scope. The frame
// is declared before the function, where a `#pragma pack` the function is
// defined under would pack it too: its members' addresses, taken as those
// of aligned locals, were misaligned (an SSE store through a pointer to a
// vector local crashed). It is laid out with the default packing.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdint.h>
#include <stdio.h>

typedef int v4 __attribute__((vector_size(16)));

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static __attribute__((noinline)) void twice(v4 *v, long double *d)
{
	*v += *v;
	*d *= 2;
}

#pragma pack(push, 1)
struct packed_pair {
	char c;
	int i;
};

static async int packed_frame(int k)
{
	char c = (char)k;
	v4 v = { 1, 2, 3, 4 };
	long double d = 1.5L;
	v4 *pv = &v;
	long double *pd = &d;
	struct packed_pair p = { 1, 2 };
	int r = await(id(c));
	twice(pv, pd);
	p.i += await(id(r));
	printf("%d %d %Lg %d %d %zu\n", r, v[3], d, (int)((uintptr_t)pv % 16),
	       (int)((uintptr_t)pd % 16), sizeof p);
	return r;
}
#pragma pack(pop)
// CHECK:      1 8 3 0 0 5

int main(void)
{
	coast_block_on(packed_frame(1));
	return 0;
}
