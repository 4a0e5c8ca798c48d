// The lines and files the lowering gives the code it moves are the ones
// the preprocessor presumed: whatever set them, however spelled. Each
// function below has code moved by an await (an awaited call's arguments
// run before their statement, a for's step after its body) across a
// directive that sets the line: `#line N "file"` (coast named this file
// for gen.y), one continued by a backslash (this file's name for cont.y,
// the next line 800 for 401), `#line MACRO` (1100 for macro.y's 600), GNU
// line markers with and without flags (this file's 700 for gnu.y's, 1430
// for sys.y's 800), a `#line` in a block comment, which does not act
// (coast took it for one: 172 for 87), a for's step after a body that
// names another file (the print after it said step.y for body.y).
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static async int where(const char *file, int line)
{
	await(coast_yield());
	printf("  at %s:%d\n", file, line);
	return line;
}

static async int named(int n)
{
	int y = n +
#line 300 "gen.y"
		await(where(__FILE__, __LINE__));
	printf("named %d %s:%d\n", y, __FILE__, __LINE__);
	return 0;
}
// CHECK:      at gen.y:300
// CHECK-NEXT: named 301 gen.y:301

#line 35 "line-numbers-presumed.c"
static async int continued(int n)
{
	int y = n +
#line \
	400 "cont.y"
		await(where(__FILE__, __LINE__));
	printf("continued %d %s:%d\n", y, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: at cont.y:400
// CHECK-NEXT: continued 401 cont.y:401

#line 48 "line-numbers-presumed.c"
#define LINE_NUMBER 500
#define LINE_AND_FILE 600 "macro.y"
static async int macro(int n)
{
	int y = n +
#line LINE_NUMBER
		await(where(__FILE__, __LINE__));
	int z = n +
#line LINE_AND_FILE
		await(where(__FILE__, __LINE__));
	printf("macro %d %d %s:%d\n", y, z, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: at line-numbers-presumed.c:500
// CHECK-NEXT: at macro.y:600
// CHECK-NEXT: macro 501 601 macro.y:601

#line 66 "line-numbers-presumed.c"
static async int gnu(int n)
{
	int y = n +
# 700 "gnu.y"
		await(where(__FILE__, __LINE__));
	int z = n +
# 800 "sys.y" 1 3
		await(where(__FILE__, __LINE__));
	printf("gnu %d %d %s:%d\n", y, z, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: at gnu.y:700
// CHECK-NEXT: at sys.y:800
// CHECK-NEXT: gnu 701 801 sys.y:801
# 81 "line-numbers-presumed.c" 2

static async int comment(int n)
{
	int y = n + await(where(__FILE__, __LINE__)) /* a generator wrote:
#line 1
*/ + __LINE__ + await(where(__FILE__, __LINE__));
	printf("comment %d %s:%d\n", y, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: at {{.*}}line-numbers-presumed.c:84
// CHECK-NEXT: at {{.*}}line-numbers-presumed.c:86
// CHECK-NEXT: comment 257 {{.*}}line-numbers-presumed.c:87

// The step of a for loop runs after its body: it keeps the line and file
// the directive before the loop gave it, after the body's own.
static async int step(void)
{
	int s = 0;
#line 1000 "step.y"
	for (int i = 0; i < 2; i += await(where(__FILE__, __LINE__)) - 999) {
#line 2000 "body.y"
		s += 1;
	}
	printf("step %d %s:%d\n", s, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: at step.y:1000
// CHECK-NEXT: at step.y:1000
// CHECK-NEXT: step 2 body.y:2002

#line 112 "line-numbers-presumed.c"
#define FILE_NAME __FILE__
#define LINE_NUMBER_HERE __LINE__
#define SHOW(tag) printf("%s %s:%d\n", tag, __FILE__, __LINE__)
static async int macros(int n)
{
	int y = n +
#line 1100 "mac.y"
		await(where(FILE_NAME, LINE_NUMBER_HERE));
	SHOW("macros");
	return y;
}
// CHECK-NEXT: at mac.y:1100
// CHECK-NEXT: macros mac.y:1101

#line 127 "line-numbers-presumed.c"
static async int id(int x)
{
	await(coast_yield());
	return x;
}

// A quote and a backslash in the name, escaped in the #line the arguments
// get.
static async int escaped(int n)
{
	int y = n +
#line 1200 "dir\\sub \"q\".y"
		await(where(__FILE__, __LINE__));
	printf("escaped %d %s:%d\n", y, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: at dir\sub "q".y:1200
// CHECK-NEXT: escaped 1201 dir\sub "q".y:1201

// In a statement whose replacement is inside another's (the loop's).
#line 148 "line-numbers-presumed.c"
static async int nested(int n)
{
	int s = 0;
	while (await(id(n)) > s) {
		s += n +
#line 1300 "inner.y"
			await(where(__FILE__, __LINE__));
	}
	printf("nested %d %s:%d\n", s, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: at inner.y:1300
// CHECK-NEXT: nested 1301 inner.y:1302

// A local type moved to file scope, with the directives in it, and the
// code after it (coast said inner.y:31 and inner.y:3012).
#line 165 "line-numbers-presumed.c"
static async int types(int n)
{
#line 1800 "types.y"
	struct s {
		char a[__LINE__];
#line 10
		char b[__LINE__];
# 20 "inner.y"
		char c[__LINE__];
	} v;
	v.a[0] = (char)await(id(n));
	printf("types %zu %d %s:%d\n", sizeof v, v.a[0], __FILE__, __LINE__);
	typedef char t[__LINE__ +
#line 3000 "td.y"
		__LINE__];
	t w;
	w[0] = 1;
	await(id(n));
	printf("types %zu %s:%d\n", sizeof w, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: types 1831 1 inner.y:23
// CHECK-NEXT: types 3024 td.y:3004

#line 190 "line-numbers-presumed.c"
int main(void)
{
	coast_block_on(named(1));
	coast_block_on(continued(1));
	coast_block_on(macro(1));
	coast_block_on(gnu(1));
	coast_block_on(comment(1));
	coast_block_on(step());
	coast_block_on(macros(1));
	coast_block_on(escaped(1));
	coast_block_on(nested(1));
	coast_block_on(types(1));
	return 0;
}
