// Optimizing, the helpers the lowered code calls are always inlined: the
// init functions the lowering writes (a frame initialized in place by its
// awaiter, or by its start function) and the runtime header's inline
// helpers (COAST__INLINE: the frame stack's bump, coast__frame_new, the
// channels' ready companions and inits). The inliner took them anyway, but
// each one went through the function passes on its own first. At -O0
// nothing inlines them: the text and the IR are main's.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -O2 %s %coast-libs -o %t.o2 && %t.o2 | FileCheck %s
// CHECK: 42
// CHECK-NEXT: 7
// RUN: %coast -O2 -c %s -o %t.o -fplugin-arg-coast-dump=%t.o2.c
// RUN: grep -v '^//' %t.o2.c | FileCheck %s --check-prefix=O2
// O2: static inline __attribute__((__always_inline__)) void add1__coast_init(
// O2: static inline __attribute__((__always_inline__)) void add2__coast_init(
// RUN: %coast -O0 -c %s -o %t.o -fplugin-arg-coast-dump=%t.o0.c
// RUN: grep -v '^//' %t.o0.c | FileCheck %s --check-prefix=O0
// O0-NOT: always_inline
// O0: static inline void add1__coast_init(
// O0-NOT: always_inline
//
// The IR CodeGen gives the optimizer: the helpers are alwaysinline.
// RUN: %coast -O2 -Xclang -disable-llvm-passes -S -emit-llvm %s -o %t.ll
// RUN: grep -B1 'define internal ptr @coast__frame_new(' %t.ll \
// RUN:   | FileCheck %s --check-prefix=IR
// RUN: grep -B1 'define internal void @add1__coast_init(' %t.ll \
// RUN:   | FileCheck %s --check-prefix=IR
// RUN: grep -B1 'define internal i32 @coast_chan_send__coast_ready(' %t.ll \
// RUN:   | FileCheck %s --check-prefix=IR
// IR: ; Function Attrs: alwaysinline
// IR-NEXT: define internal
// RUN: %coast -O0 -S -emit-llvm %s -o %t.o0.ll
// RUN: FileCheck %s --check-prefix=IR0 < %t.o0.ll
// IR0-NOT: alwaysinline
// IR0: define internal void @add1__coast_init(
// IR0-NOT: alwaysinline
#include <coast.h>
#include <stdio.h>

/* Awaited by add2: embedded in its frame, initialized there in place. */
async int add1(int n)
{
	await(coast_yield());
	return n + 1;
}

async int add2(int n)
{
	int a = await(add1(n));

	return await(add1(a));
}

/* A channel's send and receive: the header's companions and inits. */
async int relay(int n)
{
	coast_chan *c = coast_chan_new(1, sizeof(int));
	int v = n, r = 0;

	await(coast_chan_send(c, &v));
	await(coast_chan_recv(c, &r));
	coast_chan_free(c);
	return r;
}

int main(void)
{
	printf("%d\n", coast_block_on(add2(40)));
	printf("%d\n", coast_block_on(relay(7)));
	return 0;
}
