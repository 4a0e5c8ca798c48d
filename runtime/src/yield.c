/*
 * yield.c - coast_yield: the async leaf future and its blocking version.
 *
 * The future wakes its own task and returns COAST_PENDING once: the wake
 * is a store into the poll's context (coast__task_wake_self sets
 * cx->yield_now), which the worker's run_task reads after the poll, so the
 * task goes to the back of the run queue and every task queued before it
 * runs first.  The second poll completes.  Cancellation has nothing to
 * release: the self-wake is already consumed.
 *
 * The blocking coast_yield, for programs built without the plugin, yields
 * the thread.
 */
#include <sched.h>
#include <stdlib.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

enum { YIELD_WAIT = 1 };

struct yield_frame {
	struct coast_frame h;
	int ret;
};

static int yield_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn yield_fn = {
	.poll = yield_poll,
	.child = coast__no_child,
	.size = sizeof(struct yield_frame),
	.ret_offset = offsetof(struct yield_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_yield",
	.file = __FILE__,
};

static int yield_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yield_frame *y = (struct yield_frame *)f;

	if (f->flags & COAST_F_CANCEL) {
		y->ret = COAST__ERR(ECANCELED);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	switch (f->state) {
	case COAST_STATE_START:
		coast__task_wake_self(cx);
		f->state = YIELD_WAIT;
		return COAST_PENDING;
	case YIELD_WAIT:
		y->ret = 0;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	case COAST_STATE_DONE:
		return COAST_READY;
	default:
		abort(); /* a state this function never sets */
	}
}

COAST_EXTERN struct coast_frame *coast_yield__coast_start(struct coast_alloc *a)
{
	struct yield_frame *y = coast__frame_new(a, &yield_fn);

	if (!y)
		return NULL;
	y->ret = 0;
	return &y->h;
}

COAST_EXTERN int coast_yield(void)
{
	sched_yield();
	return 0;
}
