// Code a loop's or a switch's lowering moves (a do-while's condition, a
// for's step, run after the body; a switch's condition) past the lines and
// files that the body's directives set: a GNU marker entering a file and
// one leaving it, `#line MACRO` at the body's end. The step's __LINE__
// decides how many times the loop runs: coast ran it once, not 3 times
// (its step read mac2.y's line 800), and the do-while's condition read
// cond.y:297.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>
#define L2 500 "mac2.y"

static async int where(const char *file, int line)
{
	await(coast_yield());
	printf("  at %s:%d\n", file, line);
	return line;
}

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async int dowhile(int n)
{
	int i = 0;
	do {
#line 100 "body.y"
		i++;
	} while (i < await(id(n + 1)) &&
# 200 "cond.y" 1
		 await(where(__FILE__, __LINE__)) > 0);
# 36 "line-numbers-moved.c" 2
	printf("dowhile %d %s:%d\n", i, __FILE__, __LINE__);
	return 0;
}

static async int forstep(int n)
{
	int s = 0;
	for (int i = 0; i < 3; i +=
#line 300 "step.y"
	     await(where(__FILE__, __LINE__)) - 299) {
#line 400 "body2.y"
		s += n;
#line L2
	}
	printf("forstep %d %s:%d\n", s, __FILE__, __LINE__);
	return 0;
}

#line 55 "line-numbers-moved.c"
static async int swi(int n)
{
	switch (await(id(n))) {
	case 1:
#line 600 "case.y"
		await(where(__FILE__, __LINE__));
		/* fallthrough */
	default:
		break;
	}
	printf("swi %s:%d\n", __FILE__, __LINE__);
	return 0;
}

int main(void)
{
	coast_block_on(dowhile(1));
	coast_block_on(forstep(1));
	coast_block_on(swi(1));
	printf("main %s:%d\n", __FILE__, __LINE__);
	return 0;
}
// CHECK:      at cond.y:200
// CHECK-NEXT: dowhile 2 line-numbers-moved.c:36
// CHECK-NEXT: at step.y:300
// CHECK-NEXT: at step.y:300
// CHECK-NEXT: at step.y:300
// CHECK-NEXT: forstep 3 mac2.y:501
// CHECK-NEXT: at case.y:600
// CHECK-NEXT: swi case.y:605
// CHECK-NEXT: main case.y:614
