// A struct with a const member is copied into the result, and into the
// temporaries of awaits in expressions, through a temporary of the
// destination's type, not of the type printed inside the body: there a
// local `P` shadows the typedef `P` the return type names (it printed
// `__typeof__(P) __coast_t`, a float, and did not compile).
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

struct pair {
	const int a;
	int b;
};
typedef struct pair P;

static async P make(int n)
{
	await(coast_yield());
	return (P){n, n + 1};
}

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async P shadowed(int n)
{
	P q = {n, 2};
	int got = await(make(n)).b;
	float P = 2.5f;
	await(coast_yield());
	if (n > 5)
		return q;
	printf("%d %d\n", got + (int)P, await(make(n)).a);
	return await(make(await(id(n)) + (int)P));
}

int main(void)
{
	struct pair p = coast_block_on(shadowed(3));
	struct pair q = coast_block_on(shadowed(6));
	printf("%d %d %d %d\n", p.a, p.b, q.a, q.b);
	return 0;
}
// CHECK:      6 3
// CHECK-NEXT: 5 6 6 2
