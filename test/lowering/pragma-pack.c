// `#pragma pack` and the text the lowering moves to file scope. The frame
// is declared before the function, where a `#pragma pack` the function is
// defined under would pack it too: its members' addresses, taken as those
// of aligned locals, were misaligned (an SSE store through a pointer to a
// vector local crashed). It is laid out with the default packing. A type
// defined in the body under a `#pragma pack` of its own, moved before the
// function for a frame value, kept its packing only by chance: it takes it
// along. Other pragmas that lay out records cannot go along:
// coast-unsupported.
// RUN: %coast -fsyntax-only -Xclang -verify -DOTHER %s
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
	// Reset inside the packed region: the moved type keeps the default.
#pragma pack(push)
#pragma pack()
	struct wide {
		char c;
		int i;
	} w = { 1, 2 };
#pragma pack(pop)
	w.i += await(id(1));
	printf("%zu %d\n", sizeof w, w.i);
	return r;
}
#pragma pack(pop)
// CHECK:      1 8 3 0 0 5
// CHECK-NEXT: 8 3

static async int packed_local(void)
{
#pragma pack(push, 2)
	struct inner {
		char c;
		int i;
	};
	struct outer {
		char c;
		struct inner in;
		long l;
	} o = { 1, { 2, 3 }, 4 };
#pragma pack(pop)
	o.l += await(id(5));
	printf("%zu %zu %ld\n", sizeof(struct inner), sizeof o, o.l);
	return 0;
}
// CHECK-NEXT: 6 16 9

#ifdef OTHER
static async int ms_struct(void)
{
#pragma ms_struct on
	struct bits { // expected-error {{type 'struct bits' of a value live across an 'await' is declared inside the function, laid out by '#pragma ms_struct'; the frame needs it at file scope, away from the pragma; define the type before the function [coast-unsupported]}}
		char a : 4;
		int b : 4;
	} x = { 1, 2 };
#pragma ms_struct off
	x.b += await(id(1));
	return x.b;
}

static async int clang_attribute(void)
{
#pragma clang attribute push(__attribute__((annotate("x"))), apply_to = record) // expected-error {{type 'struct a' of a value live across an 'await' is declared inside the function, laid out by '#pragma clang attribute'}}
	struct a {
		int i;
	} x = { 1 };
#pragma clang attribute pop
	x.i += await(id(1));
	return x.i;
}
#endif

int main(void)
{
	coast_block_on(packed_frame(1));
	coast_block_on(packed_local());
	return 0;
}
