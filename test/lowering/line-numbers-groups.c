// __LINE__ after a conditional group inside a statement the lowering
// rebuilds around an await: the #line that puts the text after the group
// back on its line was written inside the branch the preprocessor skips
// (after `#else`, or in an `#if 0`) and never acted (plain 14, coast 23).
// The lowering writes it again where it acts, before the next user text.
// The user's own #line in a skipped branch stays without effect, and one
// in the chosen branch acts, as in plain C.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async int declared(int n)
{
	int w = 3 *
#if 1
		await(id(n))
#else
#if 0
#endif
#endif
		;
	printf("declared %d %d\n", w, __LINE__);
	int y = 1 +
#if 1
		await(id(n))
#else
#line 600
#endif
		;
	printf("declared %d %d\n", y, __LINE__);
	return 0;
}
// CHECK:      declared 9 28
// CHECK-NEXT: declared 4 36

static async int loops(int r)
{
	while (await(id(r)) > 3
#if 0
#line 77
#endif
	       )
		r--;
	printf("while %d %d\n", r, __LINE__);
	do {
		r--;
	} while (await(id(r)) > 1
#if 0
#line 2
#endif
	);
	printf("do %d %d\n", r, __LINE__);
	switch (await(id(r))
#if 1
		+ 0
#else
#line 3
#endif
		) {
	case 1:
		r += 100;
	}
	printf("switch %d %d\n", r, __LINE__);
	return 0;
}
// CHECK-NEXT: while 3 50
// CHECK-NEXT: do 1 58
// CHECK-NEXT: switch 101 69

// A directive that goes on past its line, by a backslash or a comment,
// gets the #line after its last line: written after its first, the #line
// was part of the directive and the directive's next line code (after
// '#endif \', __LINE__ plain 89, coast 90; after '#else \' '+ 1', a syntax
// error), or inside its comment.
static async int continued(int n)
{
	int y = n +
#if 1
		await(id(n))
#endif \
		+ 1
		;
	printf("continued %d %d\n", y, __LINE__);
	int z = n +
#if 0
		0
#else \
		+ 1
		await(id(n))
#endif
		;
	printf("continued %d %d\n", z, __LINE__);
	int w = n +
#if 0
		0
#elif 1
		await(id(n))
#endif /* a comment
		  over two lines */
		;
	printf("continued %d %d\n", w, __LINE__);
	return 0;
}
// CHECK-NEXT: continued 6 89
// CHECK-NEXT: continued 6 98
// CHECK-NEXT: continued 6 107

// A '/*' in a quoted literal on an '#else', '#elif' or '#endif' line opens
// no comment: read as one, the #line written again after the directive
// was not written, or after the next '*/' (after "#endif '/*'", __LINE__
// plain 128, coast 139).
static async int quoted(int n)
{
	int y = 3 *
#if 1
		await(id(n))
#else
#if 0
#endif
#endif '/*'
		;
	printf("quoted %d %d\n", y, __LINE__);
	return 0;
}
// CHECK-NEXT: quoted 3 128

static async int chosen(int n)
{
	int y = n +
#if 1
#line 500
		await(id(n))
#endif
		;
	printf("chosen %d %d\n", y, __LINE__);
	return 0;
}
// CHECK-NEXT: chosen 4 503

int main(void)
{
	coast_block_on(declared(3));
	coast_block_on(loops(5));
	coast_block_on(continued(3));
	coast_block_on(quoted(1));
	coast_block_on(chosen(2));
	return 0;
}
