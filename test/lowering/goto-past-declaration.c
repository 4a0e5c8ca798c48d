// A goto that jumps past a declaration does not run it: C keeps the value
// the variable had. After a suspension before the declaration, the variable
// declared after the await must then be in the frame (the lowering kept
// it a C local of the poll function, whose value a resume lost: -O2 printed
// garbage). A label past the declaration and an await before it are enough;
// a variable whose scope holds neither stays out. Prints the same lowered
// and as plain C.
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// The code a function's lowering adds is one line after its #line: the
// sed breaks it after each ';' and '{', one frame member a line.
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | grep -v -e '^#line' -e '^//' | FileCheck %s --check-prefix=LOWERED
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -O2 %s %coast-libs -o %t.O2
// RUN: %t.O2 | FileCheck %s
#include <coast.h>
#include <stdio.h>

async int leaf(int x)
{
	await(coast_yield());
	return x + 1;
}

// Clobbers the stack the poll function's locals were in.
static void clobber(void)
{
	volatile char junk[512];
	for (int i = 0; i < 512; i++)
		junk[i] = (char)i;
}

// LOWERED-LABEL: struct past__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(int) n;
// LOWERED-NEXT:   __typeof__(int) k;
// LOWERED-NEXT:   __typeof__(int) y;
async int past(int n)
{
	int k = 0;
again:
	await(leaf(n));
	clobber();
	if (k)
		goto use;
	int y = 42 + n;
	k = 1;
	goto again;
use:
	return y;
}

// No label after z: it stays a C local.
// LOWERED-LABEL: struct no_label__coast_frame {
// LOWERED-NOT:    z;
// LOWERED:      };
async int no_label(int n)
{
	int k = 0;
again:
	k += await(leaf(n));
	if (k < 3)
		goto again;
	int z = k * 10;
	return z;
}

int main(void)
{
	// CHECK: past 43
	printf("past %d\n", coast_block_on(past(1)));
	// CHECK-NEXT: no_label 40
	printf("no_label %d\n", coast_block_on(no_label(1)));
	return 0;
}
