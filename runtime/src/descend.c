/*
 * descend.c - polling a task's frames without nesting the C stack per await.
 *
 * A frame awaits a start-function frame through coast__poll_child, which
 * polls it in place up to COAST_POLL_DEPTH nested calls.  Past that the
 * frame is pushed here and COAST_DESCEND unwinds the C stack to the
 * executor, which then polls the pushed frame directly; once it is READY it
 * is popped and the frames below are polled again, and their await finds
 * it done.  So a recursion 100,000 deep uses a bounded C stack, and a wake
 * deep in it re-polls only the frames above the last push, not the whole
 * chain from the root (the shape of LLVM's coroutine "symmetric transfer",
 * with the executor as the trampoline).
 *
 * Cancellation starts from the root again, with the records dropped: the
 * drop paths decide what each child gets (an awaited async destructor is
 * left to finish, not cancelled), and record the deep frames anew on their
 * way down, so a cancelled recursion unwinds in a bounded C stack too.
 *
 * Futures raced in one task (race.c) are polled with coast__poll_here: it
 * runs the frames they descend into itself and drops their records when
 * they are pending, so the executor never polls one arm alone while the
 * timer or another arm is what woke the task.  The price: a recursion
 * under an arm re-walks its chain from the arm on every poll, and a
 * recursion through races nests the C stack once per race.
 */
#include <stdlib.h>

#include "internal.h"

/* The records: the last one is polled first, each awaited by the one
 * before it, the root below them all. */
struct coast__descended {
	uint32_t n, cap;
	struct coast_frame *f[];
};

static uint32_t ndescended(struct coast_task *t)
{
	return t->descended ? t->descended->n : 0;
}

int coast__descend(struct coast_cx *cx, struct coast_frame *f)
{
	struct coast_task *t = cx->task;
	struct coast__descended *d = t->descended;
	int r;

	if (!d || d->n == d->cap) {
		uint32_t cap = d ? 2 * d->cap : 16;

		d = NULL;
		if (!t->descended || cap > t->descended->cap)
			d = realloc(t->descended,
				    sizeof(*d) + cap * sizeof(d->f[0]));
		if (!d) {
			/* Out of memory: a deeper C stack is still correct. */
			cx->depth++;
			r = coast__poll_frame(f, cx, f->fn);
			cx->depth--;
			return r;
		}
		if (!t->descended)
			d->n = 0;
		d->cap = cap;
		t->descended = d;
	}
	d->f[d->n++] = f;
	return COAST_DESCEND;
}

int coast__task_poll(struct coast_task *t, struct coast_cx *cx)
{
	struct coast_frame *root = coast__task_root(t);
	struct coast__descended *d;

	/* Rule 5 of task.c: only the runner writes frame->flags. */
	if (t->cancel_polled && !(root->flags & COAST_F_CANCEL)) {
		root->flags |= COAST_F_CANCEL;
		if (t->descended)
			t->descended->n = 0;
	}
	for (;;) {
		struct coast_frame *f;
		int r;

		d = t->descended;
		f = d && d->n ? d->f[d->n - 1] : root;
		cx->depth = 0;
		r = coast__poll_frame(f, cx, f->fn);
		if (r == COAST_DESCEND)
			continue;
		if (r == COAST_PENDING || f == root)
			return r;
		/* Its awaiter's coast__poll_child sees it done, even for a
		 * hand-written leaf that does not mark itself. */
		f->state = COAST_STATE_DONE;
		t->descended->n--;
	}
}

int coast__poll_here(struct coast_frame *f, struct coast_cx *cx)
{
	struct coast_task *t = cx->task;
	uint32_t base = ndescended(t);
	unsigned depth = cx->depth;
	int r = coast__poll_child(f, cx);

	while (r == COAST_DESCEND) {
		struct coast__descended *rec = t->descended;
		struct coast_frame *d = rec->f[rec->n - 1];

		cx->depth = depth;
		r = coast__poll_frame(d, cx, d->fn);
		if (r == COAST_DESCEND)
			continue;
		if (r == COAST_PENDING)
			break;
		d->state = COAST_STATE_DONE;
		rec->n--;
		r = rec->n == base ? coast__poll_child(f, cx) : COAST_DESCEND;
	}
	/* Pending: the next poll walks down from f again, as cancellation
	 * does (the records are only a shortcut). */
	if (t->descended)
		t->descended->n = base;
	cx->depth = depth;
	return r;
}
