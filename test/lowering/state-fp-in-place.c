// In place a body has its floating-point state already: no pragma is
// written at the start of its poll function. One chosen against the
// file's end state could be one Clang refuses where the function is:
// FENV_ACCESS ON where precise is off, float_control(precise, off) where
// FENV_ACCESS is on or exceptions are strict.
// Appended, the end's state (float_control(precise, on) after 'accessed')
// could not be turned back to the default for 'id', since no pragma turns
// math-errno off: the single parse falls back on a float_control pragma
// after coast code (SingleParse.cpp), the default compile is this one.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -fplugin-arg-coast-nested-parse -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// The appended text is refused by name (-fplugin-arg-coast-state-at-end
// writes it in place):
// RUN: not %coast -fplugin-arg-coast-nested-parse -fplugin-arg-coast-state-at-end -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=END
// END: error: async function 'id' has a floating-point state {{.*}}; or compile this file with -fplugin-arg-coast-nested-parse [coast-unsupported]
#include <coast.h>
#include <stdio.h>

static async double id(double x)
{
	await(coast_yield());
	return x;
}

#pragma float_control(precise, off)
// LOWERED-LABEL: {{^}}static int accessed__coast_poll(struct coast_head *__coast_h
// LOWERED-NEXT: { struct accessed__coast_frame *__co
static async double accessed(double x)
{
#pragma float_control(precise, on)
#pragma STDC FENV_ACCESS ON
	double m = await(id(x));
	return m / 3.0;
}
#pragma float_control(precise, on)

#pragma STDC FENV_ACCESS ON
// LOWERED-LABEL: {{^}}static int imprecise__coast_poll(struct coast_head *__coast_h
// LOWERED-NEXT: { struct imprecise__coast_frame *__co
static async double imprecise(double a, double b, double c)
{
#pragma STDC FENV_ACCESS OFF
#pragma float_control(precise, off)
	double m = await(id(a));
	return m * b + c;
}
#pragma STDC FENV_ACCESS OFF

#pragma clang fp exceptions(strict)
// LOWERED-LABEL: {{^}}static int ignoring__coast_poll(struct coast_head *__coast_h
// LOWERED-NEXT: { struct ignoring__coast_frame *__co
static async double ignoring(double a, double b, double c)
{
#pragma clang fp exceptions(ignore)
#pragma float_control(precise, off)
	double m = await(id(a));
	return m * b + c;
}
#pragma clang fp exceptions(ignore)

int main(void)
{
	double a = 1 + 0x1p-30, b = 1 - 0x1p-30;
	// CHECK: 0x1.5555555555555p-2
	printf("%a\n", coast_block_on(accessed(1)));
	// CHECK-NEXT: 0x0p+0
	printf("%a\n", coast_block_on(imprecise(a, b, -1)));
	// CHECK-NEXT: 0x0p+0
	printf("%a\n", coast_block_on(ignoring(a, b, -1)));
	return 0;
}
