/*
 * drop.c - the drop path lowered frames share.
 *
 * Cancelling a frame stopped at a suspension point cancels its sub-future
 * and frees it; only points that also own must_destruct values need code of
 * their own.  Sharing the common case keeps it out of every poll function
 * (it was a quarter of the compile time of async-heavy files).
 */
#include "internal.h"

int coast__drop_child(struct coast_frame *f, struct coast_cx *cx)
{
	const struct coast_fn *fn = f->fn;
	struct coast_frame *c;
	int r;

	if (f->state == COAST_STATE_START || f->state > fn->nsites)
		return COAST_READY;
	c = fn->child(f);
	if (!c)
		return COAST_READY;
	c->flags |= COAST_F_CANCEL;
	r = coast__poll_child(c, cx);
	if (r != COAST_READY)
		return r;
	switch (fn->sites[f->state - 1].alloc) {
	case COAST_CHILD_FRAMES:
		cx->frames->free(cx->frames, c, c->fn->size);
		break;
	case COAST_CHILD_BOX:
		coast__box_alloc.free(&coast__box_alloc, c, c->fn->size);
		break;
	}
	return COAST_READY;
}
