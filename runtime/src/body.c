/*
 * body.c - the start-function frame of a lowered async function.
 *
 * A lowered function's frame is a body that starts with struct coast_head,
 * so that its caller can embed it without a descriptor pointer.  When the
 * runtime handles it by pointer (a task's root, a cross-unit or boxed
 * call), the start function puts a struct coast_frame in front of it: the
 * runtime reads fn, state and flags there as in any frame, and this poll
 * function keeps them in step with the body's head.  Only the thread
 * polling the frame writes either (rule 5 of task.c).
 */
#include "internal.h"

int coast__poll_body(struct coast_frame *f, struct coast_cx *cx)
{
	const struct coast_fn *fn = f->fn;
	struct coast_head *h =
		(struct coast_head *)(void *)((char *)f + fn->body_offset);
	int r;

	h->flags |= f->flags;
	r = fn->body_poll(h, cx);
	f->state = h->state;
	return r;
}
