// __LINE__ in a statement that spans lines and awaits reads the line it
// is written on: the arguments of an awaited call run before their
// statement, on its first line, and go back to theirs with newlines, or
// with a #line where they come before the statement's own text. So do
// assert's messages and __LINE__ in macros used there (a macro's body
// reads the line where its use ends; its argument, its own line).
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define HERE __LINE__
#define PAIR(a, b) ((a) * 1000 + (b))
#define SHOW_AT(e) printf("check %d at %d\n", (int)(e), __LINE__)
#define ONCE(s)                                                                \
	do {                                                                   \
		s                                                              \
	} while (0)

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async int lines(void)
{
	int a = await(id(1)) +
		__LINE__ +
		HERE;
	printf("%d\n", a);
	printf("%d %d\n",
	       await(id(__LINE__)),
	       __LINE__);
	if (await(id(0)) ||
	    __LINE__ > 0)
		printf("%d\n", __LINE__);
	a = await(id(
		HERE)) + await(id(__LINE__));
	printf("%d\n", a);
	printf("%d\n", PAIR(await(id(__LINE__)),
			    __LINE__));
	SHOW_AT(await(id(
		__LINE__)));
	printf("%d %d\n", __LINE__ > 0 && await(id(__LINE__)),
	       await(id(__LINE__)) ? await(id(
				     __LINE__))
				   : 0);
	// The statement is a macro's argument: its pieces move there too.
	ONCE(
		printf("%d %d\n",
		       await(id(__LINE__)),
		       __LINE__);
	);
	return a +
	       await(id(__LINE__));
}
// CHECK:      58
// CHECK-NEXT: 32 33
// CHECK-NEXT: 36
// CHECK-NEXT: 76
// CHECK-NEXT: 40041
// CHECK-NEXT: check 43 at 43
// CHECK-NEXT: 1 46
// CHECK-NEXT: 51 52
// CHECK-NEXT: lines: 131

int main(void)
{
	printf("lines: %d\n", coast_block_on(lines()));
	return 0;
}
