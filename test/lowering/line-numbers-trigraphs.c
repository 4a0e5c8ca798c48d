// A file name with `??=` in it, named by the user's `#line` for code the
// lowering moves (an awaited call's argument runs before its statement):
// the lowering's markers spelled the name as it was, and under -std=c11,
// where trigraphs are on, `__FILE__` read `a#b.c` lowered and `a??=b.c`
// plain. Every `?` in a marker's name is written `\?`.
// RUN: %coast -std=c11 %s %coast-libs -o %t.coast
// RUN: %plain -std=c11 %s %coast-libs -o %t.plain
// RUN: %t.plain > %t.plain.out
// RUN: %t.coast > %t.coast.out
// RUN: diff -u %t.plain.out %t.coast.out
// RUN: FileCheck %s < %t.coast.out
#include <coast.h>
#include <stdio.h>

static async int where(const char *file, int line)
{
	await(coast_yield());
	printf("at %s:%d\n", file, line);
	return line;
}

static int add(int a, int b) { return a + b; }

static async int f(void)
{
	int r = add(1,
#line 10 "a?\?=b.c"
		await(where(__FILE__, __LINE__)));
	printf("f %d %s:%d\n", r, __FILE__, __LINE__);
	return 0;
}
// CHECK:      at a??=b.c:10
// CHECK-NEXT: f 11 a??=b.c:11

int main(void)
{
	coast_block_on(f());
	printf("main %s:%d\n", __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: main a??=b.c:{{[0-9]+}}
