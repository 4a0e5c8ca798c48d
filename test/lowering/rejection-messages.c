// Rejections that named another construct than the one written: a pointer
// to a variable-length array was reported as a variable-length array, and
// an await in an excess element of an initializer (which C never
// evaluates) as one in the size of an array type. The forms beside them
// compile.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int one(void) { return 1; }

async int vla_pointer(int n, int (*p)[n]) // expected-error {{'p' is live across an 'await' and its type 'int (*)[n]' is variably modified (it names a variable-length array type), which a frame member's cannot; use a pointer to the element type [coast-unsupported]}}
{
	await(one());
	return (*p)[0];
}

async int vla(int n)
{
	int buf[n]; // expected-error {{variable-length array 'buf' is live across an 'await'; frames have a fixed size [coast-unsupported]}}
	await(one());
	return buf[0];
}

async int element_pointer(int n, int *p)
{
	await(one());
	return p[n];
}

async int excess_element(void)
{
	int a[1] = { 1, await(one()) }; // expected-warning {{excess elements in array initializer}} expected-error {{'await' in an excess element of an initializer, which C never evaluates; remove the element [coast-unsupported]}}
	struct { int x; } s = { 1, await(one()) }; // expected-warning {{excess elements in struct initializer}} expected-error {{'await' in an excess element of an initializer}}
	int b[2][1] = { { 1 }, { await(one()) } };
	return a[0] + s.x + b[1][0];
}

async int array_size(void)
{
	int v[await(one())]; // expected-error {{'await' in the size of an array type is not supported; await into a local before it [coast-unsupported]}}
	return (int)sizeof(v);
}
