/*
 * join.c - coast_join: waiting for a spawned task and taking its result.
 *
 * The join frame owns the task handle (a reference) from its start
 * function on: completion and cancellation both drop it, so the handle is
 * consumed exactly once whatever happens.  The waiting protocol is task.c's
 * join handshake: coast__task_join_register stores the joining task's waker
 * in the task unless it is complete; the completer wakes it.
 *
 * States: START, JOIN_WAIT (registered), DONE.  Cancellation in JOIN_WAIT
 * unregisters, and in any state drops the handle: the task runs on detached.
 * A START frame discarded without a poll would leak the handle, so lowered
 * code must cancel-poll it (see docs/future-abi.md).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { JOIN_WAIT = 1 };

struct join_frame {
	struct coast_frame h;
	int ret;
	coast_task *task; /* the handle; NULL once consumed */
	void *out;
};

static int join_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn join_fn = {
	.poll = join_poll,
	.child = coast__no_child,
	.size = sizeof(struct join_frame),
	.ret_offset = offsetof(struct join_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_join",
	.file = __FILE__,
};

static int join_done(struct join_frame *j, int ret)
{
	if (j->task) {
		coast__task_unref(j->task);
		j->task = NULL;
	}
	j->ret = ret;
	j->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

static int join_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct join_frame *j = (struct join_frame *)f;
	struct coast_frame *root;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (f->flags & COAST_F_CANCEL) {
		if (f->state == JOIN_WAIT)
			coast__task_join_unregister(j->task);
		return join_done(j, COAST__ERR(ECANCELED));
	}
	if (!j->task)
		return join_done(j, COAST__ERR(EINVAL));
	if (f->state != COAST_STATE_START && f->state != JOIN_WAIT)
		abort(); /* a state this function never sets */
	if (coast__task_join_register(j->task, cx) == COAST__JOIN_WAITING) {
		f->state = JOIN_WAIT;
		return COAST_PENDING;
	}
	/* COMPLETE was read with acquire ordering: the result is visible. */
	root = coast__task_root(j->task);
	if (j->out && root->fn->ret_size)
		memcpy(j->out, (char *)root + root->fn->ret_offset,
		       root->fn->ret_size);
	return join_done(j, 0);
}

COAST_EXTERN struct coast_frame *
coast_join__coast_start(struct coast_alloc *a, coast_task *t, void *out)
{
	struct join_frame *j = a->alloc(a, join_fn.size);

	if (!j)
		return NULL;
	j->h.fn = &join_fn;
	j->h.state = COAST_STATE_START;
	j->h.flags = 0;
	j->ret = 0;
	j->task = t;
	j->out = out;
	return &j->h;
}
