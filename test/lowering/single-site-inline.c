// Optimizing, a static async function's start function called from one
// site, and a split body (an embedded callee with at most one suspension
// point) awaited from one site and small, are always inlined: the inliner
// took them there anyway, after the function passes had run on each one
// alone. With more sites, the function's address taken, a start function
// other files may call, or a body that is large or has over 1024 bytes of
// locals (which a box_async caller's C frame would take), the inliner
// keeps its own choice; at -O0 nothing changes.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -O2 %s %coast-libs -o %t.o2 && %t.o2 | FileCheck %s
// CHECK: 44
// CHECK-NEXT: 24
// CHECK-NEXT: 20
// CHECK-NEXT: 12
// CHECK-NEXT: 8
// CHECK-NEXT: big 3244274125 wide 12
// RUN: %coast -O2 -c %s -o %t.o -fplugin-arg-coast-dump=%t.o2.c
// RUN: grep -v '^//' %t.o2.c | FileCheck %s --check-prefix=O2
// O2-DAG: {{^}}static inline __attribute__((__always_inline__)) int step1__coast_body(
// O2-DAG: {{^}}static int step2__coast_body(
// O2-DAG: {{^}}static int big_step__coast_body(
// O2-DAG: {{^}}static int wide_step__coast_body(
// O2-DAG: } static __attribute__((unused)) struct coast_frame *sum__coast_start(
// O2-DAG: } static inline __attribute__((__always_inline__)) struct coast_frame *once__coast_start(
// O2-DAG: } static __attribute__((unused)) struct coast_frame *twice__coast_start(
// O2-DAG: } static __attribute__((unused)) struct coast_frame *valued__coast_start(
// O2-DAG: } struct coast_frame *visible__coast_start(
// RUN: %coast -O0 -c %s -o %t.o -fplugin-arg-coast-dump=%t.o0.c
// RUN: grep -v '^//' %t.o0.c | FileCheck %s --check-prefix=O0
// O0-NOT: always_inline
// O0: static __attribute__((unused)) struct coast_frame *once__coast_start(
// O0-NOT: always_inline
//
// The IR CodeGen gives the optimizer.
// RUN: %coast -O2 -Xclang -disable-llvm-passes -S -emit-llvm %s -o %t.ll
// RUN: grep -B1 'define internal i32 @step1__coast_body(' %t.ll \
// RUN:   | FileCheck %s --check-prefix=IR
// RUN: grep -B1 'define internal ptr @once__coast_start(' %t.ll \
// RUN:   | FileCheck %s --check-prefix=IR
// IR: ; Function Attrs: alwaysinline
// IR-NEXT: define internal
#include <coast.h>
#include <stdio.h>
#include <string.h>

typedef async int (*int_fn)(int);

/* Awaited from one site (sum's): split, its body inlined always. */
static async int step1(int n)
{
	await(coast_yield());
	return n + 1;
}

/* Awaited from two sites: the inliner's choice. */
static async int step2(int n)
{
	await(coast_yield());
	return n * 2;
}

/* Awaited from one site, but large: the inliner's choice. */
static async unsigned big_step(unsigned n)
{
	await(coast_yield());
	n = (n * 31u + 7u) ^ (n >> 3);
	n = (n * 37u + 11u) ^ (n >> 5);
	n = (n * 41u + 13u) ^ (n >> 7);
	n = (n * 43u + 17u) ^ (n >> 3);
	n = (n * 47u + 19u) ^ (n >> 5);
	n = (n * 53u + 23u) ^ (n >> 7);
	n = (n * 59u + 29u) ^ (n >> 3);
	n = (n * 61u + 31u) ^ (n >> 5);
	n = (n * 67u + 37u) ^ (n >> 7);
	n = (n * 71u + 41u) ^ (n >> 3);
	return n;
}

/* Awaited from one site, with 2048 bytes of C locals. */
static async int wide_step(int n)
{
	char scratch[2048];

	memset(scratch, n, sizeof scratch);
	int s = scratch[5] + scratch[2000];
	await(coast_yield());
	return s + n;
}

static async int more(int n)
{
	unsigned b = await(big_step((unsigned)n));
	int w = await(wide_step(n));

	printf("big %u wide %d\n", b, w);
	return 0;
}

/* Awaited only (embedded): its start function is called nowhere. */
static async int sum(int n)
{
	int a = await(step1(n));
	int b = await(step2(a));

	return await(step2(b));
}

/* Started from one site, main's coast_block_on. */
static async int once(int n)
{
	return await(sum(n));
}

/* Started from two sites. */
static async int twice(int n)
{
	await(coast_yield());
	return n * 3;
}

/* Its value taken once: called through the pointer. */
static async int valued(int n)
{
	await(coast_yield());
	return n * 4;
}

/* Other files may start it. */
async int visible(int n);
async int visible(int n)
{
	await(coast_yield());
	return n * 2;
}

int main(void)
{
	int_fn f = valued;

	printf("%d\n", coast_block_on(once(10)));
	printf("%d\n", coast_block_on(twice(8)));
	printf("%d\n", coast_block_on(box(f(5))));
	printf("%d\n", coast_block_on(twice(4)));
	printf("%d\n", coast_block_on(visible(4)));
	coast_block_on(more(4));
	return 0;
}
