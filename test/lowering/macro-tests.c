// The lowering defines `return` as a macro around an async function's body,
// `__func__` and its kin when the body names the function, and a frame
// variable's name (FrameVarNames.h): a test whether one is a macro there
// was decided the other way after lowering (`#ifdef return` took the branch
// the user's program skipped: it printed "return is a macro" and ret.y's
// line). A test of `return` or `__func__` there is rejected; a frame
// variable whose name is tested, by a `defined` a macro makes too, is
// renamed where written instead (HAS_N was 1 lowered, 0 plain). The same
// tests outside the bodies stay as they were.
// RUN: %coast -fsyntax-only -Xclang -verify -DREJECTED -std=c2x %s
// RUN: %coast -fsyntax-only -Xclang -verify -DREJECTED_ELIF -std=c2x %s
// RUN: %coast -fsyntax-only -Xclang -verify -DREJECTED_FRAME -std=c2x %s
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static async int id(int x)
{
	await(coast_yield());
	return x;
}

#define HAS_RETURN defined(return)
#define HAS_N defined(n)

#if defined(REJECTED)
static async int ifdef_return(void)
{
	int k = await(id(3));
#ifdef return // expected-error {{a test whether 'return' is a macro ('defined', '#ifdef', '#ifndef') in the body of async function 'ifdef_return': the lowering defines 'return' as a macro there}}
#line 500 "ret.y"
	printf("return is a macro\n");
#endif
	printf("%d %s:%d\n", k, __FILE__, __LINE__);
	return k;
}

static async int ifndef_return(void)
{
	int k = await(id(3));
#ifndef return // expected-error {{a test whether 'return' is a macro}}
	k++;
#endif
	return k;
}

static async int defined_return(void)
{
	int k = await(id(3));
#if 1 && defined(return) // expected-error {{a test whether 'return' is a macro}}
	k++;
#endif
	return k;
}

static async int macro_defined_return(void)
{
	int k = await(id(3));
#if HAS_RETURN // expected-error {{a test whether 'return' is a macro}} expected-warning {{macro expansion producing 'defined'}}
	k++;
#endif
	return k;
}

static async int ifdef_func(void)
{
	int k = await(id(3));
#ifdef __func__ // expected-error {{a test whether '__func__' is a macro ('defined', '#ifdef', '#ifndef') in the body of async function 'ifdef_func'}}
	k++;
#endif
	printf("%s\n", __func__);
	return k;
}

// A local type the frame does not need stays in the body.
static async int kept_type(void)
{
	int k;
	{
		struct kept {
#ifdef return // expected-error {{a test whether 'return' is a macro}}
			int a;
#endif
			int b;
		};
		struct kept s = {1};
		k = s.b;
	}
	return await(id(k));
}
#elif defined(REJECTED_ELIF)
static async int elifdef_return(void)
{
	int k = await(id(3));
#if 0 // expected-error@+1 {{a test whether 'return' is a macro}}
#elifdef return
	k++;
#endif
	return k;
}

static async int elifndef_return(void)
{
	int k = await(id(3));
#if 0 // expected-error@+1 {{a test whether 'return' is a macro}}
#elifndef return
	k++;
#endif
	return k;
}
#elif defined(REJECTED_FRAME)
// A use the lowering cannot rename, of a name tested only through a macro,
// is reported at the test (was a null conflict dereferenced: a crash).
#include <assert.h>
#define GETN n

static async int frame_var_in_macro(void)
{
	int n = await(id(3));
	int *p = &n;
	await(coast_yield());
#if HAS_N // expected-warning {{macro expansion producing 'defined'}}
	printf("n is a macro\n");
#endif
	return GETN + *p; // expected-error {{'n' lives in the frame across an 'await', because it has its address taken, and is used inside the definition of macro 'GETN', but its name also means a test whether it is a macro (line 122); rename one of them}}
}

static async int frame_var_stringified(void)
{
	int n = await(id(3));
	int *p = &n;
	await(coast_yield());
#if HAS_N // expected-warning {{macro expansion producing 'defined'}}
	printf("n is a macro\n");
#endif
	assert(n == 3); // expected-error {{'n' lives in the frame across an 'await', because it has its address taken, and macro 'assert' would show it as its frame member where it stringifies it; its name also means a test whether it is a macro (line 133): rename one of them}}
	return n + *p;
}
#else
#ifdef return
#error "return is no macro outside the bodies"
#endif

static async int frame_var(void)
{
	int n = await(id(3));
	int *p = &n; // in the frame, not a register local
	await(coast_yield());
#if HAS_N
	printf("n is a macro\n");
#endif
	printf("n %d\n", *p);
	return n;
}
// CHECK:      n 3

#if !defined(return) && !HAS_RETURN
static async int after(void)
{
	int k = await(id(4));
	printf("after %d %s\n", k, __func__);
	return k;
}
#endif
// CHECK-NEXT: after 4 after

// A local type the frame needs moves to file scope, where its test is
// decided as in the user's program (was rejected).
static async int moved_type(void)
{
	struct moved {
#ifdef return
		int a;
#else
		int b;
#endif
	};
	struct moved s = {1};
	int k = await(id(3));
	printf("moved %d\n", k + s.b);
	return k;
}
// CHECK-NEXT: moved 4

int main(void)
{
#ifndef return
	int r = coast_block_on(frame_var()) + coast_block_on(after());
	coast_block_on(moved_type());
#endif
#if !HAS_N
	printf("main %d\n", r);
#endif
	return r != 7;
}
// CHECK-NEXT: main 7
#endif
