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
