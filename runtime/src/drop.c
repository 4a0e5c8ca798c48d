/*
 * drop.c - the drop path lowered frames share.
 *
 * Cancelling a frame stopped at a suspension point cancels its sub-future
 * and frees it; only points that also own must_destruct values need code of
 * their own.  Sharing the common case keeps it out of every poll function
 * (it was a quarter of the compile time of async-heavy files).  The
 * sub-future is at the function's child_offset, and the state's site says
 * how it was allocated and, for an embedded one, which of the function's
 * subs is its descriptor (coast__child): a child function each was a tenth
 * of the code of those files.
 */
#include "internal.h"

void *coast__child(const struct coast_fn *fn, void *f,
		   const struct coast_fn **cfn)
{
	const struct coast_head *h = f;
	coast_site s;

	*cfn = NULL;
	if (!fn->body_poll)
		return fn->child ? fn->child(f, cfn) : NULL;
	/* Lowered: the site of the state says where its sub-future is. */
	if (h->state == COAST_STATE_START || h->state > fn->nsites)
		return NULL;
	s = fn->sites[h->state - 1];
	switch (COAST_SITE_ALLOC(s)) {
	case COAST_CHILD_EMBEDDED:
		/* NULL: an embedded hand-written leaf, a frame with its own
		 * header, cancelled and dumped as one (never freed). */
		*cfn = fn->subs[COAST_SITE_SUB(s)];
		return (char *)f + fn->child_offset;
	case COAST_CHILD_NONE:
		return NULL;
	default:
		return *(void **)((char *)f + fn->child_offset);
	}
}

int coast__drop_child(struct coast_head *h, const struct coast_fn *fn,
		      struct coast_cx *cx)
{
	const struct coast_fn *cfn;
	struct coast_frame *c;
	void *sub;
	int r;

	sub = coast__child(fn, h, &cfn);
	if (!sub)
		goto done;
	if (cfn) {
		/* Embedded: polled in place, as its awaiter does. */
		((struct coast_head *)sub)->flags |= COAST_F_CANCEL;
		r = cfn->body_poll(sub, cx);
		if (r != COAST_READY)
			return r;
		goto done;
	}
	c = sub;
	c->flags |= COAST_F_CANCEL;
	r = coast__poll_child(c, cx);
	if (r != COAST_READY)
		return r;
	switch (COAST_SITE_ALLOC(fn->sites[h->state - 1])) {
	case COAST_CHILD_FRAMES:
		coast__frame_free(cx->frames, c, c->fn->size);
		break;
	case COAST_CHILD_BOX:
		coast__box_alloc.free(&coast__box_alloc, c, c->fn->size);
		break;
	}
done:
	/* The frame is done: the lowered drop path returns what this
	 * returns, a tail call (it kept the head in a saved register across
	 * the call only to store DONE: 4 instructions every poll). */
	h->state = COAST_STATE_DONE;
	return COAST_READY;
}
