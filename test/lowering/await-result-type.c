// The result of a callee started on the frame stack (declared before, and
// defined after, its caller) is read through a file-scope typedef of its
// return type: printed inside the body, `__typeof__(n)` named the caller's
// local `n` and truncated the result (it printed 4 instead of
// 1099511627780). A callee of a plain return type reads the same.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
#include <coast.h>
#include <stdio.h>

long n = 1L << 40;

async __typeof__(n) wide(void);
async short narrow(void);

// LOWERED: typedef __typeof__(long) shadowing__coast_result1;
// LOWERED: typedef __typeof__(short) shadowing__coast_result2;
// LOWERED: shadowing__coast_result1 __coast_r = (*(shadowing__coast_result1 *)
async long shadowing(void)
{
	char n = 3;
	long r = await(wide());
	r += await(narrow());
	return r + n;
}

async __typeof__(n) wide(void)
{
	await(coast_yield());
	return (1L << 40) + 1;
}

async short narrow(void)
{
	await(coast_yield());
	return 5;
}

int main(void)
{
	// CHECK: 1099511627785
	printf("%ld\n", coast_block_on(shadowing()));
	return 0;
}
