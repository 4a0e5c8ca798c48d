// Types defined inside an async function move to file scope when a frame
// value needs them (local-types.c); what cannot move is coast-unsupported,
// naming the user's type. The same types with no value live across an await
// stay in the body and are accepted.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int one(void) { return 1; }

// A definition that reads a local cannot leave the function.
async int reads_local(int n)
{
	int k = 3;
	struct buf {
		char b[sizeof k]; // expected-error {{type 'struct buf' of a value live across an 'await' is declared inside the function and its definition uses 'k', a local; frames are declared at file scope, where it is not visible [coast-unsupported]}}
	} v = { { 0 } };
	await(one());
	return v.b[0] + n;
}

// Through a typedef of typeof, and a dependency of the frame's type.
async int typeof_local(void)
{
	int x = 1;
	typedef __typeof__(x) xt; // expected-error {{type 'holder' of a value live across an 'await' is declared inside the function and its definition uses 'x', a local; frames are declared at file scope, where it is not visible [coast-unsupported]}}
	typedef struct {
		xt v;
	} holder;
	holder h = { 2 };
	await(one());
	return h.v;
}

// A name written inside a macro's definition cannot be renamed.
#define PAIR struct pair
async int macro_name(void)
{
	struct pair {
		int a, b;
	} p = { 1, 2 };
	PAIR *q = &p; // expected-error {{'struct pair' is declared inside the function and the frame needs it at file scope; it is named inside the definition of macro 'PAIR', which the lowering cannot rename [coast-unsupported]}}
	await(one());
	return q->a;
}

// Passed as a macro argument, it can be.
#define PTR_TO(T) T *
async int macro_arg(void)
{
	struct pair {
		int a, b;
	} p = { 1, 2 };
	PTR_TO(struct pair) q = &p;
	await(one());
	return q->b;
}

// A macro defined in the body is not defined before the function, where the
// definition would move; one defined before the function is fine.
#define OUTER_LEN 4
async int body_macro(void)
{
#define LEN 8
	struct buf {
		char a[OUTER_LEN];
		char b[LEN]; // expected-error {{type 'struct buf' of a value live across an 'await' is declared inside the function and its definition uses macro 'LEN', defined in the function; define the macro before the function [coast-unsupported]}}
	} v = { { 0 }, { 0 } };
	await(one());
	return v.b[0];
}

// A tag defined inside an expression has no declaration to move.
async int defined_in_sizeof(void)
{
	int s = (int)sizeof(struct inl { int a; }); // expected-error {{type 'struct inl' of a value live across an 'await' is defined inside the function outside a declaration of its own; define it in a declaration before its use [coast-unsupported]}}
	struct inl w = { s };
	await(one());
	return w.a;
}

// __func__ names the function only inside it: at file scope it is "".
async int names_function(void)
{
	struct tag {
		char name[sizeof __func__]; // expected-error {{type 'struct tag' of a value live across an 'await' is declared inside the function and its definition uses '__func__', which names the function only inside it; frames are declared at file scope [coast-unsupported]}}
	} t = { "x" };
	await(one());
	return t.name[0];
}

// __builtin_FUNCTION() in a typedef names the function too (in a record's
// or an enum's body it gives "" everywhere, and such types move).
async int names_function_typedef(void)
{
	typedef char name[sizeof "x" + __builtin_strlen(__builtin_FUNCTION())]; // expected-error {{type 'name' of a value live across an 'await' is declared inside the function and its definition uses '__builtin_FUNCTION()', which names the function only inside it; frames are declared at file scope [coast-unsupported]}}
	name t = "x";
	struct tag {
		char c[sizeof "x" + __builtin_strlen(__builtin_FUNCTION())];
	} u = { "x" };
	await(one());
	return t[0] + u.c[0];
}

// A variably modified typedef declared together with a frame value's type
// is in scope at the await: rejected as such, once.
async int vm_sibling(int n)
{
	typedef struct cell { int a; } cell_t, cells[n]; // expected-error {{variably modified type 'cells' is in scope at an 'await'; frames have a fixed size [coast-unsupported]}}
	cell_t c = { 1 };
	await(one());
	return c.a + n;
}

// The same kinds of types, with nothing of them live across an await: they
// stay where they are.
async int accepted(int n)
{
	int k = 3, r = 0;
	{
		struct buf {
			char b[sizeof k];
		} v = { { 1 } };
		r += v.b[0];
		PAIR {
			int a;
		} p = { 5 };
		r += p.a;
		struct tag {
			char name[sizeof __func__];
		} t = { "a" };
		r += t.name[0];
		typedef char row[n];
		row x;
		x[0] = 1;
		r += x[0];
	}
	await(one());
	return r;
}
