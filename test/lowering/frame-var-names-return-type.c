// A return type that names a global through __typeof__ is not spelled
// inside the body, where a local of that name is in scope (it printed 4,
// the local char's type, instead of 1099511627780): the return macro takes
// the result member's type. Both a frame variable, which keeps its name,
// and a register local may shadow the global. Printed types say
// __typeof__, which ISO C11 knows.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -std=c11 -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
#include <coast.h>
#include <stdio.h>

long n = 1L << 40;

async int id(int x)
{
	await(coast_yield());
	return x;
}

// LOWERED-NOT: {{[^_"]}}typeof (
// LOWERED: #define n (__co->n)
// LOWERED: #define return for (__typeof__(__co->__ret) __coast_rv;;
// LOWERED-NOT: {{[^_"]}}typeof (
async __typeof__(n) frame_var(void)
{
	char n = 3;
	char *pn = &n;
	n += await(id(1));
	return (1L << 40) + n + *pn;
}

async __typeof__(n) register_local(void)
{
	char n = 3;
	n += await(id(1));
	return (1L << 40) + n;
}

int main(void)
{
	// CHECK: 1099511627784
	printf("%ld\n", (long)coast_block_on(frame_var()));
	// CHECK-NEXT: 1099511627780
	printf("%ld\n", (long)coast_block_on(register_local()));
	return 0;
}
