// Frame variables (arrays, address-taken, const locals, parameters) keep
// their names in the lowered body, where a macro of each name stands for its
// frame member, so macro bodies may name them, before and after awaits and
// in loops; a macro that stringifies its argument shows the name as written
// (plain C prints "buf[0]", not the member); a pasted token that forms the
// name means the variable. A name with another meaning in the function (a
// global used before the local's scope, a member, a shadowed local) is
// renamed where written instead, and still runs the same.
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v -e '^#line' -e '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>
#include <stddef.h>

async int step(int x)
{
	await(coast_yield());
	return x + 1;
}

#define SHOW(e) printf("%s = %d\n", #e, (int)(e))
#define SUM2 (buf[0] + buf[1])
#define BUMP (*ptr += addressed, addressed++)
#define LIMIT (k - 6)
#define CAT(a, b) a##b
#define LEN(x) x##_len
#define TWICE(buf) ((buf) * 2)
#define PARAM_PLUS (n + 100)
#define SHOW_SUM SHOW(buf[0] + total)
#define SHOW_BOTH \
	SHOW_SUM; \
	SHOW(addressed)

// An array, an address-taken local, a const local and a parameter, each
// named by macro bodies; stringified by SHOW, pasted by CAT.
// LOWERED-LABEL: static int arrays__coast_poll(
// LOWERED:       #define n (__co->n)
// LOWERED-NEXT:  #define buf (__co->buf)
// LOWERED:       SHOW(buf[0]);
// LOWERED:       #undef n
// LOWERED-NEXT:  #undef buf
async int arrays(int n)
{
	int buf[2] = {n, n + 1};
	int addressed = 10, buf_len = 2;
	int *ptr = &addressed;
	const int k = n * 3;
	int total = SUM2;
	SHOW(buf[0]);
	SHOW(addressed);
	for (int i = 0; i < LIMIT; i++) {
		buf[i % 2] += await(step(i));
		BUMP;
		SHOW(SUM2);
	}
	total += await(step(SUM2));
	SHOW(CAT(bu, f)[1] + LEN(buf));
	SHOW(TWICE(k) + PARAM_PLUS);
	SHOW(*ptr);
	SHOW_BOTH;
	return total + SUM2 + LIMIT;
}

// CHECK:      buf[0] = 3
// CHECK-NEXT: addressed = 10
// CHECK-NEXT: SUM2 = 8
// CHECK-NEXT: SUM2 = 10
// CHECK-NEXT: SUM2 = 13
// CHECK-NEXT: CAT(bu, f)[1] + LEN(buf) = 8
// CHECK-NEXT: TWICE(k) + PARAM_PLUS = 121
// CHECK-NEXT: *ptr = 87
// CHECK-NEXT: buf[0] + total = 28
// CHECK-NEXT: addressed = 87
// CHECK-NEXT: arrays: 37

// A register local stringified: it stays a C local, shown as written.
async int registers(int n)
{
	int count = n;
	await(step(0));
	SHOW(count + 1);
	return count;
}

// CHECK: count + 1 = 4
// CHECK: registers: 3

struct rec {
	int data;
	int *ptr;
};

int data = 7;

// A global 'data' read before the local of that name, and members named
// like the frame locals: renamed where written, never defined.
// LOWERED-LABEL: static int clashes__coast_poll(
// LOWERED-NOT:   #define data
// LOWERED:       __co->data[0]
async int clashes(int n)
{
	int before = data;
	struct rec r = {n, 0};
	{
		int data[2] = {before, r.data};
		int *ptr = &data[1];
		r.ptr = ptr;
		await(step(0));
		SHOW(r.data + *r.ptr);
		n += data[0] + data[1] + (int)offsetof(struct rec, data);
	}
	return n + data;
}

// CHECK: r.data + *r.ptr = 10
// CHECK: clashes: 24

// Two frame locals of one name: both renamed where written.
async int shadowed(int n)
{
	int v[1] = {n};
	await(step(0));
	{
		int v[1] = {n * 2};
		await(step(0));
		n += v[0];
	}
	return n + v[0];
}

// CHECK: shadowed: 20

// Names the lowered body spells itself: renamed where written.
async int generated_names(int n)
{
	int state[1] = {n};
	int s1[1] = {n + 1};
	int flags = n + 2;
	int *p = &flags;
	await(step(0));
	return state[0] + s1[0] + *p;
}

// CHECK: generated_names: 12

int main(void)
{
	printf("arrays: %d\n", coast_block_on(arrays(3)));
	printf("registers: %d\n", coast_block_on(registers(3)));
	printf("clashes: %d\n", coast_block_on(clashes(5)));
	printf("shadowed: %d\n", coast_block_on(shadowed(5)));
	printf("generated_names: %d\n", coast_block_on(generated_names(3)));
	return 0;
}
