// An appended block's floating-point pragmas are written from the file's
// end state in an order Clang accepts there (what FENV_ACCESS ON needs
// off, off before it), and a pragma whose arguments are macro-expanded
// either has an unexpanded STDC form (FP_CONTRACT) or has its words
// undefined around it. The block written at-end is checked (the single
// parse falls back on this file, FENV_ACCESS after coast code:
// SingleParse.cpp), then the default compile runs it.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-state-at-end -fplugin-arg-coast-dump=%t.end.c
// RUN: grep -v -e '^#line' -e '^//' %t.end.c | FileCheck %s --check-prefix=END
// RUN: %coast -S -emit-llvm -O1 %s -o - | FileCheck %s --check-prefix=IR
#include <coast.h>
#include <stdio.h>

#define off 0
#define STEP 1

static async double id(double x)
{
	await(coast_yield());
	return x;
}

static async double h(double a, double b, double c);

int main(void)
{
	double a = 1 + 0x1p-30, b = 1 - 0x1p-30;
	// 1 + 2^-30 times 1 - 2^-30 rounds to 1: 0 unfused.
	// CHECK: 0x0p+0 0
	printf("%a %d\n", coast_block_on(h(a, b, -1)), off);
	return 0;
}

#pragma STDC FP_CONTRACT OFF
// END-LABEL: {{^}}static int h__coast_poll(struct coast_head *__coast_h
// END-NEXT: {
// END-NEXT: #pragma push_macro("off")
// END-NEXT: #undef off
// END-NEXT: #pragma clang fp reassociate(off)
// END-NEXT: #pragma pop_macro("off")
// END-NEXT: #pragma STDC FENV_ACCESS ON
// END-NEXT: #pragma STDC FP_CONTRACT OFF
// IR-LABEL: define internal {{.*}}@h__coast_poll(
// IR-NOT: fmuladd
// IR: llvm.experimental.constrained.fadd
// IR-NOT: fmuladd
// IR: {{^}}}
static async double h(double a, double b, double c)
{
#pragma STDC FENV_ACCESS ON
	double m = await(id(a));
	return m * b + c + (STEP - 1);
}
#pragma STDC FENV_ACCESS OFF
#pragma STDC FP_CONTRACT ON
#pragma clang fp reassociate(on)
#undef STEP
#define STEP 2
