// A user's #line in a branch the preprocessor skips does not act, and the
// #line the lowering writes again after an `#else`, `#elif` or `#endif`
// must not believe it: it took every `#line` at a line's start for one
// that acts, and carried its number on (plain 30 36, coast 303 602; after
// `#elif`, plain 142, coast 2704). Whatever its spelling (`# line`,
// `#  line` with a file name), in an `#if` nested in the skipped branch
// too. A `#line` however spaced in a comment or a string is text, which
// the lowering no longer reads for directives at all
// (incomment prints lines 513 and 517, taking them for ones that act gave
// 1024 and 733; stepfile's loop runs 4 times, it gave 2: its step, moved
// after the body, took other.c for its __FILE__).
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
// CHECK:      skipped 30 36

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
// CHECK-NEXT: elif 142 51

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
// CHECK-NEXT: spelled 65 75 {{.*}}line-numbers-skipped.c

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
// CHECK-NEXT: nested 91 93

static async int taken(int n)
{
	int y = n +
#if 1
  # line 500
		await(id(n))
#endif
		;
	printf("taken %d %d\n", y, __LINE__);
	return 0;
}
// CHECK-NEXT: taken 2 503

static async int incomment(int n)
{
	int y = await(id(n)) /* the generator wrote:
	#line 1
	*/ + __LINE__ + await(id(__LINE__));
	printf("incomment %d %d %s\n", y, __LINE__, __FILE__);
	int z = n + /*
	# line 300 "gen.y"
	*/ await(id(n));
	printf("incomment %d %d %s\n", z, __LINE__, __FILE__);
	return 0;
}
// CHECK-NEXT: incomment 1025 513 {{.*}}line-numbers-skipped.c
// CHECK-NEXT: incomment 2 517 {{.*}}line-numbers-skipped.c

static async int first(const char *s)
{
	await(coast_yield());
	return s[0];
}

// The step goes after the body, past a #line that names another file, and
// its __FILE__ is still this one's.
static async int stepfile(void)
{
	int s = 0;
	for (int i = 0; i < 4; i += (await(first(__FILE__)) == 'o') + 1) {
#line 600 "other.c"
		s += 1;
	}
	printf("stepfile %d %d\n", s, __LINE__);
	return 0;
}
// CHECK-NEXT: stepfile 4 602

int main(void)
{
	coast_block_on(skipped(1));
	coast_block_on(elif(1));
	coast_block_on(spelled(1));
	coast_block_on(nested(1));
	coast_block_on(taken(1));
	coast_block_on(incomment(1));
	coast_block_on(stepfile());
	return 0;
}
