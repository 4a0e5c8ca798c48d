// A user's #line in a branch the preprocessor skips does not act, and the
// #line the lowering writes again after an `#else`, `#elif` or `#endif`
// must not believe it: it took every `#line` at a line's start for one
// that acts, and carried its number on (plain 26 32, coast 303 602; after
// `#elif`, plain 130, coast 2704). Whatever its spelling (`# line`,
// `#  line` with a file name), in an `#if` nested in the skipped branch
// too. One in the chosen branch still acts, in those spellings too.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async int skipped(int n)
{
	int y = n +
#if 0
#line 300
#else
		__LINE__ + await(id(n))
#endif
		;
	int z = await(id(n))
#if 0
#line 600
#endif
		+ __LINE__;
	printf("skipped %d %d\n", y, z);
	return 0;
}
// CHECK:      skipped 26 32

static async int elif(int n)
{
	int y = 3 *
#if 0
#line 900
#elif 1 != '/*'
		__LINE__ +
		await(id(n))
#endif
		;
	printf("elif %d %d\n", y, __LINE__);
	/* a later comment's end */
	return 0;
}
// CHECK-NEXT: elif 130 47

static async int spelled(int n)
{
	int y = n +
#if 0
# line 300
#else
		__LINE__ + await(id(n))
#endif
		;
	int z = await(id(n))
#if 0
  #  line 600 "other.c"
#elif 0
#if 1
#line 700
#endif
#endif
		+ __LINE__;
	printf("spelled %d %d %s\n", y, z, __FILE__);
	return 0;
}
// CHECK-NEXT: spelled 61 71 {{.*}}line-numbers-skipped.c

// In a statement whose replacement is inside another's (the loop's).
static async int nested(int n)
{
	int s = 0;
	while (await(id(n)) > s) {
		s += n +
#if 0
#line 800
#else
			__LINE__ + await(id(n))
#endif
			;
	}
	printf("nested %d %d\n", s, __LINE__);
	return 0;
}
// CHECK-NEXT: nested 87 89

static async int taken(int n)
{
	int y = n +
#if 1
  # line 500
		await(id(n))
#endif
		;
	printf("taken %d %d\n", y, __LINE__);
	int z = n +
#if 1
#  line 600 "other.c"
		await(id(n))
#endif
		;
	printf("taken %d %d %s\n", z, __LINE__, __FILE__);
	return 0;
}
// CHECK-NEXT: taken 2 503
// CHECK-NEXT: taken 2 603 other.c

int main(void)
{
	coast_block_on(skipped(1));
	coast_block_on(elif(1));
	coast_block_on(spelled(1));
	coast_block_on(nested(1));
	coast_block_on(taken(1));
	return 0;
}
