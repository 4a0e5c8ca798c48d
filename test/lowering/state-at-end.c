// What only a block parsed after the file's end gets (the single parse;
// -fplugin-arg-coast-state-at-end writes the blocks so, in place): a
// macro the body itself redefines is wrapped too, the pragma regions the
// function was in are reopened around its block and the end's put back,
// and what cannot be said there is rejected by name.
// The single parse falls back on this file (what REJECTED has is in the
// main file: SingleParse.cpp), so the text is checked as the nested parse
// writes it under -fplugin-arg-coast-state-at-end; nested, it compiles.
// RUN: %coast -fplugin-arg-coast-nested-parse -c %s -o %t.o -fplugin-arg-coast-state-at-end -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' %t.lowered.c | FileCheck %s
// RUN: not %coast -fplugin-arg-coast-nested-parse -c %s -o %t.o -fplugin-arg-coast-state-at-end -DREJECTED 2>&1 | FileCheck %s --check-prefix=REJECTED
// RUN: not %coast -fplugin-arg-coast-nested-parse -c %s -o %t.o -fplugin-arg-coast-state-at-end -frounding-math -DROUNDING 2>&1 | FileCheck %s --check-prefix=ROUNDING
// RUN: %coast -c %s -o %t.o -DREJECTED
// RUN: %coast -c %s -o %t.o -frounding-math -DROUNDING
#include <coast.h>

static async int id(int x)
{
	await(coast_yield());
	return x;
}

#pragma GCC visibility push(hidden)
#pragma clang optimize off
#pragma clang section text = "coast_text"
// CHECK: #pragma push_macro("INNER")
// CHECK-NEXT: #undef INNER
// CHECK: #pragma GCC visibility push(hidden)
// CHECK-NEXT: #pragma clang optimize off
// CHECK-NEXT: #pragma clang section text="coast_text"
// CHECK: static int g__coast_poll(
// CHECK: #pragma clang section text=""
// CHECK-NEXT: #pragma clang optimize on
// CHECK-NEXT: #pragma GCC visibility pop
// CHECK-NEXT: #pragma pop_macro("INNER")
async int g(int x)
{
#define INNER 3
	return await(id(x)) + INNER;
}
#pragma clang section text = ""
#pragma clang optimize on
#pragma GCC visibility pop
#undef INNER

// A C23 attribute first on the definition, written or from a macro, is the
// function's own (a C declaration's begin location leaves it out), not a
// '#pragma clang attribute' one: carried, not rejected.
#define WARM [[gnu::hot]]
// CHECK: {{\[\[gnu::hot\]\]}} static int warm__coast_poll(
// CHECK: {{\[\[gnu::cold\]\] \[\[gnu::noinline\]\]}} static int chilly__coast_poll(
WARM async int warm(int x)
{
	return await(id(x)) + 1;
}
[[gnu::cold]] [[gnu::noinline]] async int chilly(int x)
{
	return await(id(x)) + 2;
}

#ifdef REJECTED
#define ODD (2 * __COUNTER__ + 1)
// REJECTED: error: __COUNTER__ expanded from a macro's definition in async function 'counted'{{.*}}[coast-unsupported]
static async int counted(void)
{
	return await(id(ODD));
}

#pragma clang attribute push(__attribute__((cold)), apply_to = function)
// REJECTED: error: async function 'cold' takes attributes from '#pragma clang attribute'{{.*}}[coast-unsupported]
static async int cold(void)
{
	return await(id(1));
}
#pragma clang attribute pop

// A pasted name is made by expanding: VAL_1 is not in the text to wrap.
#define CAT(a, b) a##b
#define VAL_1 10
// REJECTED: error: async function 'pasted' expands 'CAT', which pastes names with '##', and macro 'VAL_1' changes after it{{.*}}[coast-unsupported]
static async int pasted(void)
{
	return await(id(CAT(VAL_, 1)));
}
#undef VAL_1
#define VAL_1 1000

// Regions apply to the body's declarations too.
#pragma clang section data = "coast_data"
// REJECTED: error: a declaration in async function 'sectioned' takes a section of '#pragma clang section'{{.*}}[coast-unsupported]
static async int sectioned(void)
{
	static int n = 5;
	return await(id(n++));
}
#pragma clang section data = ""

#pragma clang attribute push(__attribute__((annotate("mine"))), apply_to = variable(is_global))
// REJECTED: error: a declaration in async function 'annotated' takes attributes of '#pragma clang attribute'{{.*}}[coast-unsupported]
static async int annotated(void)
{
	static int n = 5;
	return await(id(n++));
}
#pragma clang attribute pop

// REJECTED: error: '#pragma clang section' for data is still set at the end of the file: the lowered globals of async function '{{.*}}', parsed there, would go in it; or compile this file with -fplugin-arg-coast-nested-parse [coast-unsupported]
#pragma clang section rodata = "coast_rodata"
#endif

#ifdef ROUNDING
// -frounding-math without FENV_ACCESS: no pragma sets it back once
// `FENV_ACCESS OFF` cleared it. In place the body keeps its own state.
// ROUNDING: error: async function '{{.*}}' has a floating-point state (from pragmas or options) that no pragma sequence Clang accepts at the start of its lowered body can restore after the file's end; or compile this file with -fplugin-arg-coast-nested-parse [coast-unsupported]
static async double third(double x)
{
	return await(id((int)x)) / 3.0;
}
#pragma STDC FENV_ACCESS OFF
#endif

// A declaration last: the single parse reaches the file's end after it
// (a file ending in a pragma falls back to the nested parse).
int tail;
