// Types defined inside an async function (struct, union, enum, typedef) of
// values live across awaits: they move to file scope before the frame under
// generated names, with what they depend on, and every reference in the body
// follows them. Prints the same lowered and as plain C.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// The code a function's lowering adds is one line after its #line: the
// sed breaks it after each ';' and '{', one frame member a line.
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
#include <coast.h>
#include <stddef.h>
#include <stdio.h>

async int nap(int v)
{
	await(coast_yield());
	return v;
}

// A file-scope type a local one shadows; file-scope uses stay its own.
struct point {
	long a, b, c;
};

// LOWERED: {{^ *}}struct shadow__coast_T_point {
// LOWERED: {{^}}struct shadow__coast_frame {
// LOWERED-NEXT: {{^}}struct coast_head __h;
// LOWERED-NEXT: {{^}}__typeof__(struct point) outer;
// LOWERED-NEXT: {{^}}__typeof__(struct shadow__coast_T_point) p;
// A local struct shadowing a file-scope one of the same name.
async int shadow(void)
{
	struct point outer = { 1, 2, 3 };
	struct point {
		int x, y;
	} p = { 4, 5 };
	await(nap(0));
	return p.x * 10 + p.y + (int)sizeof(struct point) + (int)outer.c;
}

// Two sibling blocks define the same tag name, as different types.
async int siblings(void)
{
	int r = 0;
	{
		struct pair {
			int a, b;
		} v = { 1, 2 };
		await(nap(0));
		r += v.a + v.b;
	}
	{
		struct pair {
			char s[8];
		} v = { "seven" };
		await(nap(0));
		r += (int)sizeof v + v.s[0];
	}
	return r;
}

// A typedef of a local struct, a pointer to one, an array of them, a
// forward declaration and a self-referencing list node.
async int typedefs(void)
{
	struct node;
	typedef struct node node_t;
	struct node {
		int v;
		node_t *next;
	};
	node_t n[3] = { { 1, 0 }, { 2, 0 }, { 3, 0 } };
	n[0].next = &n[1];
	n[1].next = &n[2];
	node_t *it = &n[0];
	int sum = 0;
	while (it) {
		sum += await(nap(it->v));
		it = it->next;
	}
	return sum;
}

// Unnamed structs: a variable's, and one named by a typedef.
async int unnamed(void)
{
	struct {
		int a;
		double d;
	} v = { 7, 0.5 };
	typedef struct {
		int q;
	} q_t;
	q_t q = { 3 };
	await(nap(0));
	return v.a + (int)(v.d * 4) + q.q;
}

#define SLOTS(n) ((n) + 1)
// An enum whose constants are case labels and a local array bound, through
// a macro defined before the function.
async const char *colors(int i)
{
	enum color { RED, GREEN = 5, BLUE };
	enum color c = i == 0 ? RED : i == 1 ? GREEN : BLUE;
	struct palette {
		int slots[SLOTS(BLUE)];
	} pal = { { 0 } };
	await(nap(0));
	pal.slots[c] = 1;
	switch (c) {
	case RED:
		return pal.slots[RED] ? "red" : "?";
	case GREEN:
		return "green";
	case BLUE:
		return "blue";
	}
	return "none";
}

// sizeof and offsetof of the local type, a union, and a nested struct
// definition.
async int layout(void)
{
	struct outer {
		char c;
		struct inner {
			int x;
		} in;
		union num {
			int i;
			float f;
		} u;
	} o = { 'a', { 2 }, { 3 } };
	struct inner copy = o.in;
	await(nap(0));
	return (int)offsetof(struct outer, in) + (int)sizeof(struct outer) +
	       copy.x + o.u.i + (int)sizeof(union num);
}

// A local type used only before the first await, and a type whose value is
// not live across any (it may stay in the body).
async int before_only(void)
{
	struct tmp {
		int a;
	} t = { 40 };
	int v = t.a;
	await(nap(0));
	return v + 2;
}

// A struct holding a function pointer taking the local type.
async int callbacks(void)
{
	struct ev;
	typedef int (*handler)(struct ev *);
	struct ev {
		int code;
		handler h;
	};
	struct ev e = { 9, 0 };
	await(nap(0));
	return e.code + (e.h == 0);
}

// A plain function pointer local whose parameter is the local type: a C
// local spilled across the await, its frame slot spelled with the moved
// type (the type hides in the pointee's parameter list).
async int pointer_to_handler(void)
{
	struct req {
		int id;
	};
	int (*fp)(struct req *) = 0;
	await(nap(0));
	return fp == 0;
}

int main(void)
{
	// CHECK: shadow 56
	printf("shadow %d\n", coast_block_on(shadow()));
	// CHECK-NEXT: siblings 126
	printf("siblings %d\n", coast_block_on(siblings()));
	// CHECK-NEXT: typedefs 6
	printf("typedefs %d\n", coast_block_on(typedefs()));
	// CHECK-NEXT: unnamed 12
	printf("unnamed %d\n", coast_block_on(unnamed()));
	// CHECK-NEXT: colors red green blue
	printf("colors %s %s %s\n", coast_block_on(colors(0)),
	       coast_block_on(colors(1)), coast_block_on(colors(2)));
	// CHECK-NEXT: layout 25
	printf("layout %d\n", coast_block_on(layout()));
	// CHECK-NEXT: before_only 42
	printf("before_only %d\n", coast_block_on(before_only()));
	// CHECK-NEXT: callbacks 10
	printf("callbacks %d\n", coast_block_on(callbacks()));
	// CHECK-NEXT: pointer_to_handler 1
	printf("pointer_to_handler %d\n", coast_block_on(pointer_to_handler()));
	return 0;
}
