// A box_async function's frame is allocated on its own (from the task's
// frame stack, like another file's callee), so it can recurse; awaiting it
// from the same file does not embed it.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// The runtime polls its start-function frame through a poll function made
// for it, which calls the body's directly.
// LOWERED: static int depth__coast_heap_poll(struct coast_frame *__f, struct coast_cx *__cx) {
// LOWERED: __r = depth__coast_poll(&__w->__f.__h, __cx);
// LOWERED: static const struct coast_fn depth__coast_fn = { depth__coast_heap_poll, 0,
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
