// A macro the async function expands (in its text, in a macro's argument,
// or through another macro's definition) that is redefined or #undef'ed
// after it is set back to the function's definition around the function's
// lowered block, and restored after it: a block parsed after the file's
// end (the single parse, the default) expands what the function did. A
// macro the body itself changes is wrapped too. In place (the nested
// parse) the block expands what the function did already: nothing is
// written.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -fplugin-arg-coast-nested-parse -c %s -o %t.o -fplugin-arg-coast-dump=%t.inplace.c
// RUN: grep -v -e '^#line' -e '^//' %t.inplace.c | FileCheck %s --check-prefix=INPLACE
// INPLACE-NOT: _macro
// The single parse's dump is the appended blocks' text:
// RUN: %if !nested-parse %{ %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c %}
// RUN: %if !nested-parse %{ grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED %}
#include <coast.h>
#include <stdio.h>

#define STEP 1
#define SCALE 2
#define TWICE(x) ((x) * SCALE)
#define SHOW(fmt, ...) printf(fmt "\n", __VA_ARGS__)
#define UNUSED 5
#define NAMED(args...) (0, args)
#define SPACED - 1
#define STR(x) #x
#define XSTR(x) STR(x)

static async int id(int x)
{
	await(coast_yield());
	return x;
}

// LOWERED-DAG: #pragma push_macro("STEP")
// LOWERED-DAG: #define STEP 1
// LOWERED-DAG: #pragma push_macro("SCALE")
// LOWERED-DAG: #define SCALE 2
// LOWERED-DAG: #pragma push_macro("SHOW")
// LOWERED-DAG: #define SHOW(fmt, ...) printf(fmt "\n", __VA_ARGS__)
// LOWERED-DAG: #pragma push_macro("LATER")
// LOWERED-DAG: #undef LATER
// LOWERED-DAG: #define NAMED(args...) (0, args)
// LOWERED-DAG: #define SPACED - 1
// LOWERED-NOT: UNUSED
// LOWERED-NOT: push_macro("TWICE")
// LOWERED: static int f__coast_poll(
// LOWERED: #pragma pop_macro("STEP")
// LOWERED-NOT: {{^}}static int
// LOWERED: #pragma pop_macro("LATER")
static async int f(int x)
{
	int y = await(id(TWICE(x)));
#ifdef LATER
	y += 1000;
#endif
	SHOW("f: %d %s", NAMED(y + STEP), XSTR(SPACED));
	return y + STEP;
}

// Defined in the body, changed after the function: appended, wrapped.
// LOWERED: push_macro("INNER")
// LOWERED-LABEL: static int g__coast_poll(
static async int g(int x)
{
#define INNER 3
	return await(id(x)) + INNER;
}

// Not async but rewritten (it calls coast_block_on): the single parse
// appends it too, its macros set back around it the same way.
static int report(void)
{
	SHOW("report: %d", coast_block_on(f(STEP)));
	return 0;
}

#undef STEP
#define STEP 100
#undef SCALE
#define SCALE 7
#undef SHOW
#define SHOW(fmt, ...) printf("no\n")
#define LATER
#undef INNER
#define INNER 4
#undef UNUSED
#undef NAMED
#define NAMED(args...) 0
#undef SPACED
#define SPACED -1

int main(void)
{
	printf("f: %d\n", coast_block_on(f(4)));
	report();
	printf("g: %d %d\n", coast_block_on(g(1)), INNER);
	// CHECK: f: 9 - 1
	// CHECK-NEXT: f: 9
	// CHECK-NEXT: f: 3 - 1
	// CHECK-NEXT: report: 3
	// CHECK-NEXT: g: 4 4
	return 0;
}
