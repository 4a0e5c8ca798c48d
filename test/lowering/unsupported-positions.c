// Await positions the lowering cannot support, rejected by name with
// coast-unsupported rather than compiled wrongly or into C errors in the
// lowered code; the accepted forms beside them compile.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int one(void) { return 1; }
async int twice(int x) { return 2 * x; }

// An array bound that awaits (a VLA, sizeof of one, a typedef) was
// reported as a statement expression; a bound read from a local is fine.
async int array_bounds(void)
{
	int n = await(one());
	int ok[n];
	ok[0] = (int)sizeof(int[n]);
	int m = ok[0];
	m += (int)sizeof(char[await(one())]); // expected-error {{'await' in the size of an array type is not supported}}
	int vla[await(one())]; // expected-error {{'await' in the size of an array type is not supported; await into a local before it [coast-unsupported]}}
	vla[0] = m;
	return vla[0];
}

// `[a ... b] = v` initializes every element from one expression, which
// Clang's code generation rejects when it has side effects: the lowering
// emitted the await once per element (labels defined twice). A constant
// is fine.
struct point {
	int x, y;
};
async int range_designator(void)
{
	int a[4] = {[0 ... 3] = await(one())}; // expected-error {{'await' in the initializer of a GNU array range designator ('[a ... b] ='): each element would await; await into a local before it [coast-unsupported]}}
	struct point p[3] = {[1 ... 2] = {await(one()), 1}}; // expected-error {{'await' in the initializer of a GNU array range designator}}
	int c[4] = {[0 ... 3] = 7};
	int d = await(one());
	return a[0] + p[1].x + c[d];
}

// A loop pragma must come right before its loop: a for whose header awaits
// becomes a block (the pragma's loop, for the compile, was missing). One
// over a loop whose body awaits, or a while or do whose condition does,
// stays on a loop.
async int loop_pragmas(void)
{
	int r = 0;
#pragma clang loop unroll(disable) // expected-error {{a loop pragma on a 'for' loop whose header has an 'await': the lowering makes that loop a block, which the pragma cannot precede; await before the loop, or drop the pragma [coast-unsupported]}}
	for (int i = 0; i < await(one()); i++)
		r += i;
#pragma unroll 2 // expected-error {{a loop pragma on a 'for' loop whose header has an 'await'}}
	for (int i = 0; i < 4; i += await(one()))
		r += i;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 4; i++)
		r += await(one());
#pragma clang loop vectorize(disable)
	while (r < await(twice(r)))
		r++;
#pragma unroll
	do
		r++;
	while (r < await(one()));
	return r;
}

// A loop whose header a macro writes, with an await in an argument: its
// condition was copied as empty text (`if (!()) break;` in the lowered
// code). So was a declaration there, whose ';' the macro writes (the
// lowered code lacked it: 'use of undeclared identifier'). A whole
// condition or initializing expression in a macro's argument is fine.
#define FOREACH(i, n) for (i = 0; i < (n); i++)
#define WHILE(c) while (c)
#define LOOP(init, cond, step) for (init; cond; step)
async int macro_headers(void)
{
	int r = 0, i;
	FOREACH(i, await(one())) // expected-error {{this code is split across a macro's definition and its use; the lowering cannot rewrite it [coast-unsupported]}}
		r += i;
	WHILE(r < await(twice(r)) - 1)
		r++;
	for (i = 0; i < 2; i++)
		r += await(one());
	LOOP(int j = 0, j < 2, j += await(one())) // expected-error {{this code is split across a macro's definition and its use}} expected-error {{'j' is declared by macro 'LOOP', whose expansion also holds an 'await'}}
		r += j;
	LOOP(i = 0, i < await(one()), i++)
		r += i;
	return r;
}
