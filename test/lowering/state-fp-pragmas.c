// The floating-point state an async function is defined in (file-scope
// pragmas before it, pragmas leading its body) is written at the start of
// its poll function when the block is parsed after the file's end (the
// single parse; END, emulated by state-at-end) and the translation unit
// ends in another one: the body compiles as the function did. In place
// nothing is written: same program, the same contraction in the IR.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -fplugin-arg-coast-nested-parse -S -emit-llvm -O1 %s -o %t.ll -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// RUN: FileCheck %s --check-prefix=IR1 < %t.ll
// RUN: FileCheck %s --check-prefix=IR2 < %t.ll
// RUN: FileCheck %s --check-prefix=IR3 < %t.ll
// The default compile (the nested parse: float_control after coast code
// makes the single parse fall back): the same contraction.
// RUN: %coast -S -emit-llvm -O1 %s -o %t.single.ll
// RUN: FileCheck %s --check-prefix=IR1 < %t.single.ll
// RUN: FileCheck %s --check-prefix=IR2 < %t.single.ll
// RUN: FileCheck %s --check-prefix=IR3 < %t.single.ll
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-state-at-end -fplugin-arg-coast-dump=%t.end.c
// RUN: grep -v -e '^#line' -e '^//' %t.end.c | FileCheck %s --check-prefix=END
#include <coast.h>
#include <stdio.h>

static async double id(double x)
{
	await(coast_yield());
	return x;
}

#pragma STDC FP_CONTRACT OFF
// LOWERED-LABEL: {{^}}static int separate__coast_poll(struct coast_head *__coast_h
// LOWERED-NEXT: { struct separate__coast_frame *__co
// END-LABEL: {{^}}static int separate__coast_poll(struct coast_head *__coast_h
// END-NEXT: {
// END-NEXT: #pragma STDC FP_CONTRACT OFF
// END-NEXT: struct separate__coast_frame *__co
// IR1-LABEL: define internal {{.*}}@separate__coast_poll(
// IR1-NOT: fmuladd
// IR1: {{^}}}
static async double separate(double a, double b, double c)
{
	double m = await(id(a));
	return m * b + c;
}

// Its own pragma leads the body: the same state at the poll's start.
#pragma STDC FP_CONTRACT ON
// LOWERED-LABEL: {{^}}static int leading__coast_poll(struct coast_head *__coast_h
// LOWERED-NEXT: { struct leading__coast_frame *__co
// END-LABEL: {{^}}static int leading__coast_poll(struct coast_head *__coast_h
// END-NEXT: {
// END-NEXT: #pragma float_control(precise, off)
// END-NEXT: #pragma STDC FP_CONTRACT ON
// END-NEXT: struct leading__coast_frame *__co
static async double leading(double a, double b, double c)
{
#pragma float_control(precise, off)
#pragma clang fp contract(on)
	double m = await(id(a));
	return m * b + c;
}

#pragma STDC FENV_ACCESS ON
// LOWERED-LABEL: {{^}}static int accessed__coast_poll(struct coast_head *__coast_h
// LOWERED-NEXT: { struct accessed__coast_frame *__co
// END-LABEL: {{^}}static int accessed__coast_poll(struct coast_head *__coast_h
// END-NEXT: {
// END-NEXT: #pragma STDC FENV_ACCESS ON
// END-NEXT: struct accessed__coast_frame *__co
// IR2-LABEL: define internal {{.*}}@accessed__coast_poll(
// IR2: llvm.experimental.constrained.fdiv
// IR2: {{^}}}
static async double accessed(double x)
{
	double m = await(id(x));
	return m / 3.0;
}
#pragma STDC FENV_ACCESS OFF

// Where the file ends in the function's state, nothing is written.
#pragma STDC FP_CONTRACT ON
// END-LABEL: {{^}}static int fused__coast_poll(struct coast_head *__coast_h
// END-NEXT: { struct fused__coast_frame *__co
// LOWERED-LABEL: {{^}}static int fused__coast_poll(struct coast_head *__coast_h
// LOWERED-NEXT: { struct fused__coast_frame *__co
// IR3-LABEL: define internal {{.*}}@fused__coast_poll(
// IR3: fmuladd
// IR3: {{^}}}
static async double fused(double a, double b, double c)
{
	double m = await(id(a));
	return m * b + c;
}

int main(void)
{
	// 1 + 2^-30 times 1 - 2^-30 rounds to 1: 0 unfused, -2^-60 fused.
	double a = 1 + 0x1p-30, b = 1 - 0x1p-30;
	printf("%a\n", coast_block_on(separate(a, b, -1)));
	printf("%a\n", coast_block_on(accessed(1)));
	// CHECK: 0x0p+0
	// CHECK-NEXT: 0x1.5555555555555p-2
	printf("%a\n", coast_block_on(fused(a, b, -1)));
	return coast_block_on(leading(1, 2, 3)) == 5 ? 0 : 1;
}
