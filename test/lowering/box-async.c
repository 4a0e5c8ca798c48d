// A box_async function's frame is allocated on its own (from the task's
// frame stack, like another file's callee), so it can recurse; awaiting it
// from the same file does not embed it.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// The runtime polls its start-function frame with its own coast__heap_poll,
// driven by the descriptor's body_poll (no poll function of its own), and
// its start function takes the frame from coast__frame_new.
// LOWERED-NOT: depth__coast_heap_poll
// LOWERED: static const struct coast_fn depth__coast_fn = { coast__heap_poll, 0,
// LOWERED-SAME: depth__coast_poll, __builtin_offsetof(struct depth__coast_heap, __f), __builtin_offsetof(struct depth__coast_frame, __aw) };
// LOWERED: struct coast_frame *depth__coast_start(struct coast_alloc *__a, __typeof__(int) __p0) { struct depth__coast_heap *__w = (struct depth__coast_heap *)coast__frame_new(__a, &depth__coast_fn); if (__w) depth__coast_init(&__w->__f, __p0); return (struct coast_frame *)__w; }
// LOWERED: #define n (__co->__in.n)
// LOWERED: depth__coast_start(__cx->frames, n - 1)
#include <coast.h>
#include <stdio.h>

box_async int depth(int n)
{
	if (n == 0)
		return 0;
	int below = await(depth(n - 1));
	return below + 1;
}

int main(void)
{
	// CHECK: depth 1000
	printf("depth %d\n", coast_block_on(depth(1000)));
	return 0;
}
