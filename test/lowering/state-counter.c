// Appended after the file's end (the single parse), an async function's
// __COUNTER__ would count from there: each one written in the function
// (in its text, in a macro's argument, in a directive, in one between its
// declaration and its `{`) is written as the
// value it took, and so is the name of a macro that spells nothing else
// (`#define NEXT __COUNTER__`); one another macro's definition spells is
// rejected by name (a header's: one of the main file makes the single
// parse fall back, SingleParse.cpp).
// In place (the nested parse) nothing changes: a literal would not count,
// and every later __COUNTER__ of the file would take another value.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -fplugin-arg-coast-nested-parse -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=INPLACE
// RUN: %coast -fplugin-arg-coast-nested-parse -DREJECTED -c %s -o %t.o
// Through the real single parse (main, rewritten, is appended too):
// RUN: %if !nested-parse %{ %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.single.c %}
// RUN: %if !nested-parse %{ grep -v -e '^#line' -e '^//' %t.single.c | FileCheck %s --check-prefix=ATEND %}
// RUN: %if !nested-parse %{ not %coast -c %s -o %t.o -DREJECTED 2>&1 | FileCheck %s --check-prefix=REJECTED %}
// The same text, written in place (-fplugin-arg-coast-state-at-end):
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-nested-parse -fplugin-arg-coast-state-at-end -fplugin-arg-coast-dump=%t.end.c
// RUN: grep -v -e '^#line' -e '^//' %t.end.c | FileCheck %s --check-prefix=ATEND
#include <coast.h>
#include <stdio.h>

#define NEXT __COUNTER__
#define PLUS(x) ((x) + 10)

static int before = __COUNTER__;

static async int id(int x)
{
	await(coast_yield());
	return x;
}

// INPLACE-LABEL: static int f__coast_poll(
// INPLACE: int a = __COUNTER__;
// INPLACE: #if __COUNTER__ == 3
// ATEND-LABEL: static int f__coast_poll(
// ATEND: int a = 1;
// ATEND: PLUS(2)
// ATEND: #if 3 == 3
static async int f(void)
{
	int a = __COUNTER__;
	int b = await(id(PLUS(__COUNTER__)));
	int c = 0;
#if __COUNTER__ == 3
	c += 100;
#endif
	return a * 1000 + b * 10 + c;
}

#ifdef REJECTED
#include "Inputs/state-counter-odd.h"
// REJECTED: error: __COUNTER__ expanded from a macro's definition in async function 'g'{{.*}}; or compile this file with -fplugin-arg-coast-nested-parse [coast-unsupported]
static async int g(void)
{
	return await(id(ODD));
}

#endif

// A directive between the declaration and its `{`, copied ahead of the
// generated code, is copied with the value.
// ATEND-LABEL: #if 4 == 4
// ATEND: static int h__coast_poll(
static async int h(void)
#if __COUNTER__ == 4
#define H_FIRST 1
#else
#define H_FIRST 0
#endif
{
	return await(id(H_FIRST));
}

// ATEND-LABEL: int main(
// ATEND: }), 5, 6);
int main(void)
{
	printf("%d %d %d %d %d\n", before, coast_block_on(f()),
	       coast_block_on(h()), __COUNTER__, NEXT);
	// CHECK: 0 1220 1 5 6
	return 0;
}
