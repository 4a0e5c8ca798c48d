// Preprocessor directives inside a statement that the lowering rebuilds
// around an await. An awaited call runs before the rest of its statement,
// a for's step after the body, and a loop's, a return's or a split
// operator's pieces were copied without the text between them: a macro
// redefined there expanded with the other definition (`r = V * 10 +
// <#define V 4> await(id(V)) + V` gave 37, plain C 38; a `#define` between
// a while's condition and its body was dropped), and a conditional around
// a loop's body, a returned value or an operand lost its `#if` (`#else
// without #if`). Loops, returns and `&&`, `||`, `?:` and `,` with an await
// in a later operand keep the directives between their pieces now; a macro
// defined or undefined inside such a statement is coast-unsupported.
// Conditional groups elsewhere (their pieces are the branches they chose)
// and `#line` print the same as plain C.
//
// Coast-unsupported too, by name (each printed another value or did not
// compile):
// - a `#pragma`, `_Pragma` or `__pragma` other than a diagnostic one between a rebuilt
//   for's step and its body, or one in its body that its end does not
//   undo (pack; not a floating-point or loop one; any a macro makes with
//   `_Pragma(#x)`, whose text is known only once expanded): it applied to the step
//   too;
// - in a statement an await is written in place of (`return`, an
//   assignment, a declarator), any directive but whole conditional groups
//   and diagnostic pragmas (a `#define` there was dropped), and a group
//   cut by the ends of the awaited call's callee or an argument, which are
//   copied on their own (`#endif without #if`), and one cut by the end of
//   a rebuilt for's step, which goes after the body;
// - a group cut by a declarator's initializer, in a declaration rebuilt
//   around an await (the text before the initializer goes);
// - a directive changing macros between an `if (` or a `switch (` and its
//   awaiting condition;
// - an `#include`, or a `_Pragma` pushing or popping a macro, inside such
//   a statement;
// - a `#else`/`#endif` between split operands closing a group opened
//   before the first.
// RUN: %coast -fsyntax-only -ferror-limit=0 -Xclang -verify -DREJECT %s
// RUN: %coast -fsyntax-only -ferror-limit=0 -Xclang -verify -DREJECT -DMS -fms-extensions %s
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static int add(int a, int b)
{
	return a * 100 + b;
}

#define V 1
#define BIG 1

#ifdef REJECT
static async int redefined(void)
{
	int r = V * 10 +
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'redefined': the macro would change for other pieces of it than in the text; move the directive out of the statement [coast-unsupported]}}
#define V 4 // expected-error {{'#define' inside a statement}}
		await(id(V)) + V;
	return r;
}

static async int step(void)
{
	int r = 0;
	for (int i = 0; i < 10; i += await(id(V))) {
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'step': the step runs after the body}}
#define V 3 // expected-error {{the step runs after the body}}
		r += i;
	}
	return r;
}

static async int split(int a)
{
	int n = a &&
#define W 2 // expected-error {{'#define' inside a statement that the lowering rebuilds around an 'await', in async function 'split': the macro would change}}
		await(id(W));
	return n;
}

static async int argument(void)
{
	await(id(V
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'argument'}}
#define V 1 // expected-error {{'#define' inside a statement}}
		 ));
	return 0;
}

static async int pushed(void)
{
	return add(await(id(1)),
#pragma push_macro("V") // expected-error {{'#pragma' inside a statement}}
		   V);
}

static async int packed(void)
{
	int n = 0;
	for (int i = 0; i < await(id(20)); i += (int)sizeof(struct { char c; int x; }))
#pragma pack(push, 1) // expected-error {{'#pragma' inside a statement that the lowering rebuilds around an 'await', in async function 'packed': the step runs after the body}}
		n++;
#pragma pack(pop)
	return n;
}

#define PACKED _Pragma("pack(push, 1)")
#define DO_PRAGMA(x) _Pragma(#x)
#define MS_PACKED __pragma(pack(push, 1))

static async int packed_body(void)
{
	int n = 0;
	for (int i = 0; i < await(id(20)); i += (int)sizeof(struct { char c; int x; })) {
		n++;
#pragma pack(push, 1) // expected-error {{'#pragma' inside a statement that the lowering rebuilds around an 'await', in async function 'packed_body': the step runs after the body}}
	}
#pragma pack(pop)
	for (int i = 0; i < await(id(20)); i += (int)sizeof(struct { char c; int x; })) {
		n++;
		_Pragma("pack(push, 1)") // expected-error {{'_Pragma' inside a statement that the lowering rebuilds around an 'await', in async function 'packed_body': the step runs after the body, where it would apply; move it out of the loop}}
	}
	_Pragma("pack(pop)")
	for (int i = 0; i < await(id(20)); i += (int)sizeof(struct { char c; int x; })) {
		n++;
		PACKED // expected-error {{'_Pragma' inside a statement that the lowering rebuilds around an 'await', in async function 'packed_body': the step runs after the body, where it would apply}}
	}
	_Pragma("pack(pop)")
	// The pragma a stringifying macro makes is known only once expanded.
	for (int i = 0; i < await(id(20)); i += (int)sizeof(struct { char c; int x; })) {
		n++;
		DO_PRAGMA(pack(push, 1)) // expected-error {{'_Pragma' inside a statement that the lowering rebuilds around an 'await', in async function 'packed_body': the step runs after the body, where it would apply}}
	}
	_Pragma("pack(pop)")
#ifdef MS
	for (int i = 0; i < await(id(20)); i += (int)sizeof(struct { char c; int x; })) {
		n++;
		__pragma(pack(push, 1)) // expected-error {{'__pragma' inside a statement that the lowering rebuilds around an 'await', in async function 'packed_body': the step runs after the body, where it would apply}}
	}
	__pragma(pack(pop))
	for (int i = 0; i < await(id(20)); i += (int)sizeof(struct { char c; int x; })) {
		n++;
		MS_PACKED // expected-error {{'__pragma' inside a statement that the lowering rebuilds around an 'await', in async function 'packed_body': the step runs after the body, where it would apply}}
	}
	__pragma(pack(pop))
	// Accepted: a diagnostic pragma changes no code.
	for (int i = 0; i < await(id(20)); i += (int)sizeof(struct { char c; int x; })) {
		__pragma(clang diagnostic push)
		n++;
		__pragma(clang diagnostic pop)
	}
#endif
	return n;
}

static async int returned(void)
{
	return
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'returned': the macro would change}}
#define V 5 // expected-error {{'#define' inside a statement}}
		await(id(V));
}

static async int declared(void)
{
	int x =
#ident "declared" // expected-error {{'#ident' inside a statement that the lowering rebuilds around an 'await', in async function 'declared': the lowering writes the statement anew, without it}}
		await(id(1));
	return x;
}

static async int assigned(void)
{
	int x;
	x =
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'assigned'}}
#define V 6 // expected-error {{'#define' inside a statement}}
		await(id(V));
	return x;
}

static async int initialized(void)
{
	int s = 0;
	for (int j =
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'initialized'}}
#define V 2 // expected-error {{'#define' inside a statement}}
		     await(id(V));
	     j < await(id(4)); j++)
		s += j;
	for (int j = 0,
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'initialized'}}
#define V 2 // expected-error {{'#define' inside a statement}}
		 m = V;
	     j < 4; j++)
		s += await(id(m));
	return s;
}

static async int condition(int s)
{
	if (
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'condition': the macro would change}}
#define V 5 // expected-error {{'#define' inside a statement}}
	    await(id(V)) == 5)
		return 1;
	switch (
#undef V // expected-error {{'#undef' inside a statement that the lowering rebuilds around an 'await', in async function 'condition'}}
#define V 1 // expected-error {{'#define' inside a statement}}
	    await(id(s))) {
	case 1:
		return 2;
	}
	return 0;
}

static async int included(void)
{
	int n = 0;
	for (int i = 0; i < await(id(6)); i += V)
#include "Inputs/redefine-v.h" // expected-error {{'#include' inside a statement that the lowering rebuilds around an 'await', in async function 'included': the step runs after the body}}
		n++;
	n += V * 10 +
#include "Inputs/redefine-v.h" // expected-error {{'#include' inside a statement that the lowering rebuilds around an 'await', in async function 'included': the macro would change}}
	     await(id(V));
	return n;
}

static async int pragma_operator(void)
{
	int s = V _Pragma("push_macro(\"V\")") * 10 + await(id(V)); // expected-error {{'_Pragma' pushing or popping a macro inside a statement that the lowering rebuilds around an 'await', in async function 'pragma_operator': the macro would change for other pieces of it than in the text; move it out of the statement [coast-unsupported]}}
	return s;
}

static async int gap(void)
{
	int s = (
#if BIG
		await(id(1))
#else // expected-error {{'#else' inside a statement that the lowering rebuilds around an 'await', in async function 'gap': a conditional group open before the operator's first operand ends between its operands, which the lowering copies on their own}}
		0
#endif // expected-error {{'#endif' inside a statement}}
		|| await(id(2)));
	return s;
}

static async int cut_argument(int n)
{
	return await(id(n
#if BIG > 2 // expected-error {{'#if' inside a statement that the lowering rebuilds around an 'await', in async function 'cut_argument': the conditional group is cut: the lowering copies the pieces of the statement on their own; move the directive out of the statement [coast-unsupported]}}
			+ 1
#else // expected-error {{'#else' inside a statement}}
			- 1
#endif
			));
}

static async int cut_initializer(int n)
{
	int v = await(id(
#if BIG
		n
#endif // expected-error {{'#endif' inside a statement that the lowering rebuilds around an 'await', in async function 'cut_initializer': the conditional group is cut}}
		+ 1));
	return v;
}

// The step is copied after the body, without the `#endif` after it.
static async int cut_step(int n)
{
	int r = 0;
	for (int i = 0; i < n; i +=
#if 1 // expected-error {{'#if' inside a statement that the lowering rebuilds around an 'await', in async function 'cut_step': the conditional group is cut}}
	     await(id(1))
#endif
	    )
		r++;
	return r;
}

// Only a literal `#if 0` (or what follows `#if 1`) is known skipped
// before the await.
static async int unknown_branch(int n)
{
	return
	// expected-error@+2 {{'#define' inside a statement that the lowering rebuilds around an 'await', in async function 'unknown_branch': the macro would change}}
#if !BIG
#define V 2
#endif
		await(id(n + V));
}

static async int cut_declarator(int n)
{
	int y =
#if BIG // expected-error {{'#if' inside a statement that the lowering rebuilds around an 'await', in async function 'cut_declarator': the conditional group is cut}}
		(
#endif
		await(id(n)));
	return y;
}

#endif

static async int chosen(void)
{
	int n = await(id(
#ifdef BIG
		4096
#else
		512
#endif
		));
	int r = add(await(id(1)),
#if BIG
		    await(id(2))
#else
		    await(id(3))
#endif
	);
	int s = BIG &&
#if BIG
		await(id(1))
#else
		await(id(0))
#endif
		;
	printf("chosen %d %d %d\n", n, r, s);
	return 0;
}
// CHECK: chosen 4096 102 1

// Whole groups inside an awaited call's argument are copied with it, and
// whole groups before a declarator's initializer go with the text there.
static async int whole_groups(int n)
{
	int v = await(id(n
#if BIG
			 + 1
#endif
			 + 2));
	int y =
#if BIG
#endif
		(await(id(n)) + 1);
	printf("whole_groups %d %d\n", v, y);
	return await(id(n
#ifdef BIG
			+ 10
#else
			+ 20
#endif
			+ 0));
}
// CHECK-NEXT: whole_groups 7 5
// CHECK-NEXT: whole_groups returned 14

// A statement written in place that ends in a group's chosen branch before
// its `;` takes the rest of the group (the skipped branches) with it.
static async int group_ends(int n)
{
	int z;
	z =
#if BIG
		await(id(n * 2))
#else
		0
#endif
		;
	int x = 0;
#if BIG
	x = await(id(1))
#else
		+ 1
#endif
		;
	printf("group_ends %d %d\n", z, x);
	int o;
	o = await(id(
#if BIG
		1))
#else
		0))
#endif
		;
	if (o != 1)
		return -1;
	return
#if BIG > 2
		await(id(n + 1))
#elif BIG
		await(id(n - 1))
#else
		0
#endif
		;
}
// CHECK-NEXT: group_ends 8 1
// CHECK-NEXT: group_ends returned 3

// A directive in a branch the preprocessor skipped never acted: in a
// statement's `#if 0` group (any statement rebuilt around an await), or
// in the branches after the one a statement written in place ends in
// (#line, #define there were rejected).
static async int skipped_branches(int n)
{
	int r = 0, l0 = __LINE__;
	if (
#if 0
#define V 7
#undef BIG
#line 1
#endif
		await(id(n)) > V)
		r = 1;
	r += 10 * await(id(n
#if 1
#else
#define V 9
#endif
			   ));
	int x;
	x =
#if BIG
		await(id(n + 1))
#else
#line 500
#define V 3
		await(id(n - 1))
#endif
		;
	int y =
#if !BIG
		await(id(n))
#elif BIG == 1
		await(id(n + 7))
#else
#line 600
#endif
		;
	int z =
#if 0
#ident "z"
		0
#else
		await(id(V))
#endif
		;
	printf("skipped_branches %d %d %d %d %d\n", r, x, y, z, __LINE__ - l0);
	return
#ifdef BIG
		await(id(x + y))
#else
#line 700
		await(id(0))
#endif
		;
}
// CHECK-NEXT: skipped_branches 31 4 10 1 42
// CHECK-NEXT: skipped_branches returned 14

static async int renumbered(void)
{
	int k = await(id(
#line 700
		__LINE__)) +
		__LINE__;
	printf("renumbered %d %d\n", k, __LINE__);
	return 0;
}
// CHECK-NEXT: renumbered 1401 702

static async int loops(void)
{
	int r = 0, n = 0;
	for (int i = 0; i < await(id(3)); i++)
#ifdef BIG
		r += 10;
#else
		r += 1;
#endif
	while (r < await(id(40)))
#if BIG
		r += 5;
#endif
	do
#if BIG
	{
		n++;
	}
#else
		n--;
#endif
	while (await(id(n)) < 4);
	while (await(id(n)) < 6)
#line 300
		n += __LINE__ - 299;
	// A whole group in the step goes with it.
	for (int i = 0; i < 4; i +=
#if BIG
	     await(id(2))
#else
	     await(id(1))
#endif
	     + 0)
		r++;
	printf("loops %d %d %d\n", r, n, __LINE__);
	return
#ifdef BIG
		await(id(r)) + 1
#else
		0
#endif
		;
}
// CHECK-NEXT: loops 42 6 310
// CHECK-NEXT: returned 43

static async int operands(void)
{
	int r = 0;
	if (await(id(1))
#ifdef BIG
	    && await(id(2))
#endif
	)
		r += 1;
	r += await(id(0)) ||
#if BIG
	     await(id(5))
#else
	     0
#endif
	     ;
	r += r > 1 ?
#if BIG
	     await(id(10))
#else
	     0
#endif
	     : 0;
	r = r &&
#if BIG
	    await(id(1))
#endif
	    ;
	int a = 1,
#ifdef BIG
	    b = await(id(2)) || r,
#endif
	    c = 3;
	printf("operands %d %d %d %d\n", r, a, b, c);
	return 0;
}
// CHECK-NEXT: operands 1 1 1 3

static async int defined_out(void)
{
	int r = 0;
#undef V
#define V 2
	for (int i = 0; i < await(id(3)); i++) {
		r += V;
	}
	printf("defined_out %d\n", r);
	return 0;
}
// CHECK-NEXT: defined_out 6

#define QUIET _Pragma("clang diagnostic ignored \"-Wunused-value\"")

static async int diagnostics(void)
{
	int n = 0, x = await(id(
#if BIG
		7
#endif
		));
	for (int i = 0; i < await(id(3)); i += (int)sizeof(struct { char c; int x; }))
#pragma GCC diagnostic push
		n++;
#pragma GCC diagnostic pop
	// Written in place, the statement drops a diagnostic pragma: it
	// changes no code, and the nested parse reported the diagnostics.
	x =
#pragma GCC diagnostic ignored "-Wshadow"
		await(id(x + 1));
	// The body's end undoes a floating-point pragma, and a loop pragma
	// acts on its loop, inside the body: the step after it is as written.
	for (int i = 0; i < await(id(3)); i += (int)sizeof(struct { char c; int x; })) {
#pragma STDC FP_CONTRACT OFF
		_Pragma("clang fp contract(off)")
		QUIET
#pragma clang loop unroll(disable)
		for (int j = 0; j < 2; j++)
			n += j;
	}
	printf("diagnostics %d %d\n", n, x);
	return
#pragma clang diagnostic ignored "-Wunused"
		await(id(0));
}
// CHECK-NEXT: diagnostics 2 8

// A rebuilt for's step in the '#if 1' branch of a group opened before it:
// the directives after the step are read from the statement's start, so
// the '#undef' and '#pragma' after its '#else' are known skipped (they
// were coast-unsupported: "the step runs after the body").
#define SKIPPED_W 5
static async int skipped_step(void)
{
	int r = 0;
	for (int i = 0; i < await(id(3));
#if 1
	     i += await(id(1))
#else
#undef SKIPPED_W
#pragma pack(push, 1)
	     i += 2
#endif
	    )
		r += SKIPPED_W;
	printf("skipped_step %d\n", r);
	return 0;
}
// CHECK-NEXT: skipped_step 15

int main(void)
{
	coast_block_on(chosen());
	printf("whole_groups returned %d\n", coast_block_on(whole_groups(4)));
	printf("group_ends returned %d\n", coast_block_on(group_ends(4)));
	printf("skipped_branches returned %d\n",
	       coast_block_on(skipped_branches(3)));
	coast_block_on(renumbered());
	printf("returned %d\n", coast_block_on(loops()));
	coast_block_on(operands());
	coast_block_on(defined_out());
	coast_block_on(diagnostics());
	coast_block_on(skipped_step());
	return 0;
}
