/*
 * heap_poll.c - the poll of a lowered function's start-function frame.
 *
 * A start function (or the runtime, for a root) hands out a lowered body
 * behind a struct coast_frame; its descriptor's poll is this one routine,
 * driven by the descriptor's body_poll and body_offset, rather than a poll
 * function generated per async function.  The executor and known
 * callees' awaiters call the body directly (coast__poll_frame,
 * coast__poll_known); this serves fn->poll's callers, coast__poll_child
 * among them (a boxed callee of another file).
 */
#include "internal.h"

int coast__heap_poll(struct coast_frame *f, struct coast_cx *cx)
{
	return coast__poll_frame(f, cx, f->fn);
}
