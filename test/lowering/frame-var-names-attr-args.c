// Attribute arguments are macro-expanded like any code: a frame variable
// named like the function a cleanup attribute names, or the mode an
// attribute names, falls back to renaming (the lowered cleanup(release)
// read cleanup((__co->release)), a C error). A name no attribute uses keeps
// its macro.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
#include <coast.h>
#include <stdio.h>

static void release(int *p)
{
	printf("release %d\n", *p);
}

// LOWERED-NOT: #define release
// LOWERED-NOT: #define SI
// LOWERED: #define kept (__co->kept)
// LOWERED-NOT: #define release
// LOWERED-NOT: #define SI
async int cleanup_named(void)
{
	{
		int v __attribute__((cleanup(release))) = 7;
		printf("in %d\n", v);
	}
	int release = 5;
	int *p = &release;
	int kept = 1;
	int *pk = &kept;
	await(coast_yield());
	return *p + release + *pk;
}

async int mode_named(void)
{
	typedef int word __attribute__((mode(SI)));
	int SI = 2;
	int *p = &SI;
	word w = 3;
	await(coast_yield());
	return *p + SI + w;
}

int main(void)
{
	// CHECK: in 7
	// CHECK-NEXT: release 7
	// CHECK-NEXT: 11
	printf("%d\n", coast_block_on(cleanup_named()));
	// CHECK-NEXT: 7
	printf("%d\n", coast_block_on(mode_named()));
	return 0;
}
