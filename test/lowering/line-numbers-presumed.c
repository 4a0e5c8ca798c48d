// The lines and files the lowering gives the code it moves are the ones
// the preprocessor presumed: whatever set them, however spelled. Each
// function below has code moved by an await (an awaited call's arguments
// run before their statement, a for's step after its body) across a
// directive that sets the line: `#line N "file"` (the file was the one
// before it: where() printed this file's name for gen.y), one continued
// by a backslash, `#line MACRO`, GNU line markers with and without
// flags (coast wrote lines 0 and 4294967295, and this file's name), and a
// `#line` in a block comment, which does not act (coast took it for one).
// RUN: %coast-equiv | FileCheck %s
// The same from the preprocessed file -save-temps writes, where every
// directive that set a line is a GNU line marker.
// RUN: rm -rf %t.temps && mkdir %t.temps && cd %t.temps && %coast -save-temps %s %coast-libs -o app
// RUN: %t.temps/app > %t.temps/out && diff %t.plain.out %t.temps/out
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

#line 33 "line-numbers-presumed.c"
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

#line 46 "line-numbers-presumed.c"
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

#line 64 "line-numbers-presumed.c"
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
# 79 "line-numbers-presumed.c" 2

static async int comment(int n)
{
	int y = n + await(where(__FILE__, __LINE__)) /* a generator wrote:
#line 1
*/ + __LINE__ + await(where(__FILE__, __LINE__));
	printf("comment %d %s:%d\n", y, __FILE__, __LINE__);
	return 0;
}
// CHECK-NEXT: at {{.*}}line-numbers-presumed.c:82
// CHECK-NEXT: at {{.*}}line-numbers-presumed.c:84
// CHECK-NEXT: comment 251 {{.*}}line-numbers-presumed.c:85

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

#line 110 "line-numbers-presumed.c"
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

#line 125 "line-numbers-presumed.c"
int main(void)
{
	coast_block_on(named(1));
	coast_block_on(continued(1));
	coast_block_on(macro(1));
	coast_block_on(gnu(1));
	coast_block_on(comment(1));
	coast_block_on(step());
	coast_block_on(macros(1));
	return 0;
}
