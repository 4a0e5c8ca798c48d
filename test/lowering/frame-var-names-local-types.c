// A tag first named in a cast, or a member or enumerator of a type defined
// in a sizeof or cast, is declared in the function but in no statement: a
// frame variable of that name falls back to renaming (the lowered code read
// `struct (__co->opaque) *`, a C error). Names no type declares keep their
// macros.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
#include <coast.h>
#include <stdio.h>

// LOWERED: #define y (__co->y)
// LOWERED-NOT: #define opaque
// LOWERED-NOT: #define len
// LOWERED-NOT: #define RED
async int plain_names(void)
{
	int y = 2;
	int *py = &y;
	await(coast_yield());
	return *py + y;
}

async int tag_in_cast(void)
{
	void *q = 0;
	int opaque = 3;
	int *po = &opaque;
	int isnull = (struct opaque *)q == 0;
	await(coast_yield());
	return *po + opaque + isnull;
}

async int member_in_sizeof(void)
{
	int len = 3;
	int *pl = &len;
	int s = (int)sizeof(struct { char c; int len; });
	await(coast_yield());
	return *pl + len + s;
}

async int enumerator_in_cast(void)
{
	int RED = 4;
	int *pr = &RED;
	int e;
	{
		e = (int)(enum { RED, GREEN })1;
	}
	await(coast_yield());
	return *pr + RED + e;
}

int main(void)
{
	// CHECK: 4 7 14 9
	printf("%d %d %d %d\n", coast_block_on(plain_names()),
	       coast_block_on(tag_in_cast()), coast_block_on(member_in_sizeof()),
	       coast_block_on(enumerator_in_cast()));
	return 0;
}
