// A frame variable keeps the alignment its declaration asks for, up to the
// frames' 16: its frame member carries it (the member was 4 and 8 bytes off
// a 16-byte boundary after the first await). Variables without one keep
// their type's alignment, with no attribute.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
#include <coast.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>

// LOWERED: __typeof__(char) pad;
// LOWERED: __typeof__(char[4]) buf __attribute__((aligned(16)));
// LOWERED: __typeof__(char[3]) b2 __attribute__((aligned(16)));
// LOWERED: __typeof__(char) c8 __attribute__((aligned(8)));
// LOWERED: __typeof__(short[2]) plain;
async int aligned_vars(void)
{
	char pad = 1;
	char buf[4] __attribute__((aligned(16)));
	alignas(16) char b2[3];
	alignas(8) char c8 = 5;
	short plain[2] = {1, 2};
	char *pp = &pad;
	buf[0] = 1;
	b2[0] = 2;
	await(coast_yield());
	printf("al %d %d %d %d\n", (int)((uintptr_t)buf % 16),
	       (int)((uintptr_t)b2 % 16), (int)((uintptr_t)&c8 % 8),
	       (int)((uintptr_t)plain % alignof(short)));
	await(coast_yield());
	return buf[0] + b2[0] + c8 + plain[1] + *pp;
}

int main(void)
{
	// CHECK: al 0 0 0 0
	// CHECK-NEXT: 11
	printf("%d\n", coast_block_on(aligned_vars()));
	return 0;
}
