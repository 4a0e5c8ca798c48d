// A local Clang reports as invalid ends the lowering of its function
// without a crash: `__typeof__(&arr)` of an invalid array is a typeof of a
// recovery expression, whose alignment recursed until the stack overflowed.
// Clang's error is the only one.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

typedef int aint __attribute__((aligned(8)));

static async int id(int x)
{
	return x;
}

static async int invalid(void)
{
	aint x = 1;
	__typeof__(__typeof__(x)[3]) arr = { 1, 2, await(id(3)) }; // expected-error {{size of array element of type}}
	__typeof__(&arr) parr = &arr;
	await(id(0));
	return (int)_Alignof(__typeof__((*parr)[1]));
}
