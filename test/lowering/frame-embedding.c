// Frame layout: an awaited callee defined earlier in the file is embedded in
// the caller's frame (no allocation); callees awaited at different
// suspension points share storage, and with the result; a callee defined later, or in another
// file, is called through its start function on the task's frame stack;
// coast_yield() needs no frame at all; only locals live across an await
// take frame space.
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// The code a function's lowering adds is one line after its #line: the
// sed breaks it after each ';' and '{', one frame member a line.
// RUN: sed -e '/^#line/{n;s/\([;{]\) /\1\n/g;}' %t.lowered.c | grep -v -e '^#line' -e '^//' | FileCheck %s
// RUN: not grep -n 'malloc *(' %t.lowered.c
#include <coast.h>

async int leaf(int x)
{
	await(coast_yield());
	return x + 1;
}

async int later(int x);

// CHECK-LABEL: struct caller__coast_frame {
// CHECK-NEXT:   struct coast_head __h;
// CHECK-NEXT:   __typeof__(int) n;
// CHECK-NEXT:   __typeof__(int) kept;
// CHECK-NEXT:   union {
// CHECK-NEXT:     __typeof__(int) __ret;
// CHECK-NEXT:     union {
// CHECK-NEXT:       struct leaf__coast_frame s1;
// CHECK-NEXT:       struct leaf__coast_frame s2;
// CHECK-NEXT:       struct coast_frame *p3;
// CHECK-NEXT:     } __aw;
// CHECK-NEXT:   };
// CHECK-NEXT: };
async int caller(int n)
{
	int kept = await(leaf(n));
	{
		int scratch = kept * 2; // dead before the next await: a C local
		n += scratch;
	}
	n = await(leaf(n));
	return await(later(n + kept));
}
// The parameter keeps its name, a macro of its member around the body.
// CHECK: #define n (__co->n)
// CHECK: { leaf__coast_init(&__co->__aw.s1, n);
// CHECK: __co->__aw.p3 = later__coast_start(__cx->frames, n + kept);
// CHECK: #undef n

// CHECK-LABEL: struct later__coast_frame {
async int later(int x)
{
	return await(leaf(x));
}

// Locals of disjoint scopes that stay in the frame (arrays) share storage; a
// register local of the enclosing scope live across their awaits does not
// share with them.
// CHECK-LABEL: struct siblings__coast_frame {
// CHECK:        __typeof__(int) whole;
// CHECK-NEXT:   union {
// CHECK-NEXT:     __typeof__(int[64]) first;
// CHECK-NEXT:     __typeof__(double[1]) second;
// CHECK-NEXT:   } __s1;
async int siblings(int n)
{
	int whole = n;
	if (n) {
		int first[64] = {n};
		await(leaf(1));
		whole += first[0];
	} else {
		double second[1] = {n};
		await(leaf(2));
		whole += (int)second[0];
	}
	await(leaf(3));
	return whole;
}
// CHECK: #define first (__co->__s1.first)

int main(void)
{
	return coast_block_on(caller(1)) == 0;
}
