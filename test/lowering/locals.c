// Lowering, first slice: locals and parameters of every kind keep their
// values and their addresses across suspensions; shadowed names, const and
// static locals, string and designated initializers, struct, union, pointer
// and void results. Prints the same lowered and as plain C.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>
#include <string.h>

struct point {
	int x, y;
};
union bits {
	unsigned u;
	float f;
};
typedef int (*binop)(int, int);

static int plus(int a, int b) { return a + b; }

async int nap(void)
{
	return await(coast_yield());
}

async struct point moved(struct point p, int dx)
{
	await(nap());
	p.x += dx;
	return p;
}

async const char *pick(const char *a, const char *b, int first)
{
	await(nap());
	return first ? a : b;
}

async void fill(int *out, int n)
{
	for (int i = 0; i < n; i++) {
		await(nap());
		out[i] = i * i;
	}
}

async int locals(int param)
{
	int counter = 0;
	int *where = &counter;
	char name[16] = "coast";
	const int limit = 3;
	int squares[4];
	struct point p = {.y = 7, .x = 1};
	union bits b = {.f = 1.0f};
	binop op = plus;
	static int calls;

	calls++;
	await(fill(squares, 4));
	for (int i = 0; i < limit; i++) {
		int counter = i * 100; // shadows the outer counter
		await(nap());
		*where += counter + 1;
	}
	p = await(moved(p, param));
	const char *s = await(pick(name, "other", 1));
	await(nap());
	printf("counter %d via %d, same address %d\n", counter, *where,
	       where == &counter);
	printf("name %s %s, squares %d %d %d %d\n", name, s, squares[0],
	       squares[1], squares[2], squares[3]);
	printf("p %d %d, bits %x, op %d, calls %d, param %d\n", p.x, p.y, b.u,
	       op(2, 3), calls, param);
	param = op(param, 1);
	return param;
}

int main(void)
{
	// CHECK: counter 303 via 303, same address 1
	// CHECK-NEXT: name coast coast, squares 0 1 4 9
	// CHECK-NEXT: p 11 7, bits 3f800000, op 5, calls 1, param 10
	// CHECK-NEXT: result 11
	printf("result %d\n", coast_block_on(locals(10)));
	return 0;
}
