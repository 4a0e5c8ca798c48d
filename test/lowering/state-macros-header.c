// An async function of a header expands a macro the main file redefines
// after the header: the single parse sets it back to the function's
// definition around the appended block, the latest directive being in
// another file than the function (FunctionState::latestMacroDirective
// compares each file's latest across files).
// RUN: %coast-equiv | FileCheck %s
// RUN: %if !nested-parse %{ %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c %}
// RUN: %if !nested-parse %{ grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED %}
#include <coast.h>
#include <stdio.h>

#define STEP 1
// LOWERED: #pragma push_macro("STEP")
// LOWERED: #define STEP 1
// LOWERED: static int f__coast_poll(
// LOWERED: #pragma pop_macro("STEP")
#include "Inputs/state-macros-fn.h"
#undef STEP
#define STEP 100

int main(void)
{
	printf("f: %d %d\n", coast_block_on(f(1)), STEP);
	// CHECK: f: 2 100
	return 0;
}
