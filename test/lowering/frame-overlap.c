// Storage that frames share must never be read after it was reused: the
// result shares the callee frames' storage (it is stored through a C local,
// so a struct built from storage it overlaps, or an awaited callee's own
// result, comes out whole), and so do parameters dead at every suspension
// point; parameters read after an await, read by the rest of a statement
// after its awaits, or whose address is taken keep their own. Prints the
// same lowered and as plain C (the ASan stage runs it too).
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// The code a function's lowering adds is one line after its #line: the
// sed breaks it after each ';' and '{', one frame member a line.
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | grep -v -e '^#line' -e '^//' | FileCheck %s --check-prefix=LOWERED
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

// Big enough that copies are memcpy calls, which ASan checks for overlap.
struct pair {
	long a, b, c;
	char pad[200];
};

struct text {
	char data[8];
	int len;
};

async int nap(void)
{
	return await(coast_yield());
}

async int leaf(int x)
{
	await(coast_yield());
	return x + 1;
}

// p overlaps the result: the swapped struct is built from p's storage.
// LOWERED-LABEL: struct swap__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(struct pair) r;
// LOWERED-NEXT:   union {
// LOWERED-NEXT:     struct {
// LOWERED-NEXT:       __typeof__(struct pair) p;
// LOWERED-NEXT:       __typeof__(int) wait;
// LOWERED-NEXT:     } __in;
// LOWERED-NEXT:     __typeof__(struct pair) __ret;
// LOWERED-NEXT:     union {
// LOWERED-NEXT:       struct nap__coast_frame s1;
// LOWERED-NEXT:     } __aw;
// LOWERED-NEXT:   };
// LOWERED-NEXT: };
async struct pair swap(struct pair p, int wait)
{
	if (!wait)
		return (struct pair){ p.c, p.b, p.a };
	struct pair r = { p.c, p.b, p.a };
	await(nap());
	return r;
}

// No locals: the result sits right behind the header, inside the storage
// of the caller's result, which is copied from it.
// LOWERED-LABEL: struct make__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   union {
// LOWERED-NEXT:     struct {
// LOWERED-NEXT:       __typeof__(long) a;
// LOWERED-NEXT:     } __in;
// LOWERED-NEXT:     __typeof__(struct pair) __ret;
// LOWERED-NEXT:   };
// LOWERED-NEXT: };
async struct pair make(long a)
{
	return (struct pair){ a, a + 1, a + 2 };
}

async struct pair via(long a)
{
	return await(make(a));
}

// The callee's result lies inside our own result's storage. p is read by
// the statement of an await nested in another's operand: kept (the lowering
// evaluates such a statement after its awaits).
// LOWERED-LABEL: struct twice__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(struct pair) p;
// LOWERED:        union {
// LOWERED-NEXT:     __typeof__(struct pair) __ret;
// LOWERED-NEXT:     union {
// LOWERED-NEXT:       struct swap__coast_frame s1;
// LOWERED-NEXT:       struct swap__coast_frame s2;
// LOWERED-NEXT:     } __aw;
// LOWERED-NEXT:   };
async struct pair twice(struct pair p)
{
	return await(swap(await(swap(p, 1)), 0));
}

// b is read after the await whose callee shares a's storage; s, never live
// across an await, takes no frame space.
// LOWERED-LABEL: struct after__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(int) b;
// LOWERED-NEXT:   union {
// LOWERED-NEXT:     struct {
// LOWERED-NEXT:       __typeof__(int) a;
// LOWERED-NEXT:     } __in;
async int after(int a, int b)
{
	int s = await(leaf(a));
	return s * 100 + b;
}

// The rest of a statement holding an await runs after it, whatever order
// C chose: n, k and i keep their storage.
// LOWERED-LABEL: struct rest__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(int) n;
// LOWERED-NEXT:   __typeof__(int) k;
// LOWERED-NEXT:   __typeof__(int) i;
async int rest(int n, int k, int i)
{
	int out[4] = { 0 };
	int x = n * 1000 + await(leaf(k));
	out[i] = await(leaf(3));
	return x + out[i] + out[0];
}

// n's address outlives its last use as a value.
// LOWERED-LABEL: struct addressed__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(int) n;
async int addressed(int n)
{
	int *p = &n;
	await(leaf(1));
	return *p;
}

// t.data decays to a pointer into t.
// LOWERED-LABEL: struct decayed__coast_frame {
// LOWERED-NEXT:   struct coast_head __h;
// LOWERED-NEXT:   __typeof__(struct text) t;
async int decayed(struct text t)
{
	char *s = t.data;
	await(nap());
	return s[0] + s[1];
}

// A dead parameter per callee: each await reads its own before starting.
async int chain(int a, int b, int c)
{
	int x = await(leaf(a));
	int y = await(leaf(b + x));
	return await(leaf(c + y));
}

// Loops read n again after each await: it keeps its storage.
async int countdown(int n, int by_goto)
{
	int s = 0;
	if (by_goto)
		goto again;
	while (n > 0) {
		s += await(leaf(n));
		n--;
	}
	return s;
again:
	s += await(leaf(n)) * 10;
	if (--n)
		goto again;
	return s;
}

int main(void)
{
	struct pair p = { 1, 2, 3 };
	struct pair s = coast_block_on(swap(p, 0));
	struct pair w = coast_block_on(swap(p, 1));
	struct pair t = coast_block_on(twice(p));
	struct text txt = { "ab", 2 };
	// CHECK: swap 3 2 1 / 3 2 1 / 1 2 3
	printf("swap %ld %ld %ld / %ld %ld %ld / %ld %ld %ld\n", s.a, s.b, s.c,
	       w.a, w.b, w.c, t.a, t.b, t.c);
	struct pair v = coast_block_on(via(4));
	// CHECK-NEXT: via 4 5 6
	printf("via %ld %ld %ld\n", v.a, v.b, v.c);
	// CHECK-NEXT: after 805
	printf("after %d\n", coast_block_on(after(7, 5)));
	// CHECK-NEXT: rest 9012
	printf("rest %d\n", coast_block_on(rest(9, 7, 2)));
	// CHECK-NEXT: addressed 42
	printf("addressed %d\n", coast_block_on(addressed(42)));
	// CHECK-NEXT: decayed 195
	printf("decayed %d\n", coast_block_on(decayed(txt)));
	// CHECK-NEXT: chain 9
	printf("chain %d\n", coast_block_on(chain(1, 2, 3)));
	// CHECK-NEXT: countdown 9 90
	printf("countdown %d %d\n", coast_block_on(countdown(3, 0)),
	       coast_block_on(countdown(3, 1)));
	return 0;
}
