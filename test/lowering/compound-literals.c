// Compound literals in a block holding an await live in the frame: arrays,
// structs, const members, a literal in a loop body, nested literals, awaits
// in a literal's initializer, a literal's address given to an awaited call.
// Literals read for their value only, in blocks without awaits, and at file
// scope stay as written. Prints the same lowered and as plain C.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// The code a function's lowering adds is one line after its #line: the
// sed breaks it after each ';' and '{', one frame member a line.
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
#include <coast.h>
#include <stdio.h>
#include <string.h>

struct pt {
	int x, y;
};
struct tagged {
	const int id;
	const char *name;
};
struct box {
	int *items;
	struct pt *corner;
};

static const int *file_scope = (const int[]){ 100, 200 };

async int nap(int v)
{
	await(coast_yield());
	return v;
}

// Clobbers the stack the poll function's locals were in.
static void clobber(void)
{
	volatile char junk[512];
	for (int i = 0; i < 512; i++)
		junk[i] = (char)(i * 7);
}

async int sum_of(const int *v, int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += await(nap(v[i]));
	return s;
}

// LOWERED-LABEL: {{^}}struct arrays__coast_frame {
// LOWERED: {{^}}__typeof__(int[3]) __cl1;
// LOWERED: {{^}}__typeof__(int[4]) __cl2;
async int arrays(int n)
{
	int *a = (int[]){ n, n + 1, n + 2 };
	const int *b = (const int[4]){ [3] = 9 };
	await(nap(0));
	clobber();
	return a[0] + a[1] + a[2] + b[3] + b[0];
}

// A struct, and one with a const member C cannot assign.
async int structs(int n)
{
	struct pt *p = &(struct pt){ n, n * 2 };
	const struct tagged *t = &(struct tagged){ n, "tag" };
	await(nap(0));
	clobber();
	return p->x + p->y + t->id + (int)strlen(t->name);
}

// A new literal per iteration: the same object each time the block runs.
async int in_loop(void)
{
	int total = 0;
	for (int i = 0; i < 4; i++) {
		int *v = (int[]){ i, i * i };
		await(nap(0));
		clobber();
		total += v[0] + v[1];
	}
	return total;
}

// Literals inside a literal.
async int nested(int n)
{
	struct box b = { (int[]){ n, n + 1 }, &(struct pt){ 3, 4 } };
	struct box *bp = &(struct box){ (int[]){ 7, 8 }, &(struct pt){ 5, 6 } };
	await(nap(0));
	clobber();
	return b.items[1] + b.corner->y + bp->items[0] + bp->corner->x;
}

// An await inside a literal's initializer, and a literal passed to an
// awaited call (its frame keeps the pointer across its own awaits).
async int awaited(int n)
{
	int *v = (int[]){ await(nap(n)), await(nap(n + 1)) };
	int s = await(sum_of((int[]){ 1, 2, 3, v[0] }, 4));
	await(nap(0));
	clobber();
	return s + v[1];
}

// Read for their value only, or in a block without await: left alone.
// LOWERED-LABEL: {{^}}struct untouched__coast_frame {
// LOWERED-NOT: __cl{{[0-9]}}
// LOWERED: {{^}}};
async int untouched(int n)
{
	struct pt p = (struct pt){ n, 1 };
	int s = 0;
	if (n) {
		int *w = (int[]){ 4, 5 };
		s = w[0] + w[1];
	}
	s += await(nap(p.x)) + file_scope[1];
	return s;
}

int main(void)
{
	// CHECK: arrays 27
	printf("arrays %d\n", coast_block_on(arrays(5)));
	// CHECK-NEXT: structs 23
	printf("structs %d\n", coast_block_on(structs(5)));
	// CHECK-NEXT: in_loop 20
	printf("in_loop %d\n", coast_block_on(in_loop()));
	// CHECK-NEXT: nested 22
	printf("nested %d\n", coast_block_on(nested(5)));
	// CHECK-NEXT: awaited 17
	printf("awaited %d\n", coast_block_on(awaited(5)));
	// CHECK-NEXT: untouched 214
	printf("untouched %d\n", coast_block_on(untouched(5)));
	return 0;
}
