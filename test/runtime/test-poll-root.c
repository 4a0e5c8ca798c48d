/*
 * test-poll-root.c - the worker polls a task's root frame directly while
 * nothing is descended into and no cancellation is due (scheduler.c,
 * poll_task), and through coast__task_poll's loop otherwise: a root that
 * descends on its first poll, a descended frame that suspends and is
 * resumed, and a cancellation that finds frames descended.
 */
#include "test.h"

/*
 * Suspends once, then answers 7; -ECANCELED if cancelled.  It wakes
 * itself, or with park keeps its waker in parked for nobody to wake.
 */
struct leaf {
	struct coast_frame h;
	int ret;
	bool park;
};

TEST_FN(leaf_fn, struct leaf, leaf_poll);

static coast_waker *parked;

static int leaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct leaf *l = (struct leaf *)f;

	if (f->flags & COAST_F_CANCEL) {
		coast_waker_drop(parked);
		parked = NULL;
		l->ret = -ECANCELED;
		return COAST_READY;
	}
	if (f->state == COAST_STATE_START) {
		f->state = 1;
		if (l->park)
			parked = coast_waker_get(cx);
		else
			coast_waker_wake(coast_waker_get(cx));
		return COAST_PENDING;
	}
	l->ret = 7;
	return COAST_READY;
}

/*
 * Awaits n leaves one after the other, each through coast__descend, so
 * its own poll answers COAST_DESCEND; counts its polls.  park: its
 * leaves park.
 */
struct descender {
	struct coast_frame h;
	int ret;
	int n;
	int done;
	int *polls;
	bool park;
	struct coast_frame *sub;
};

TEST_FN(descender_fn, struct descender, descender_poll);

static int descender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct descender *d = (struct descender *)f;

	(*d->polls)++;
	if (f->flags & COAST_F_CANCEL) {
		/* The drop path: the executor's records were dropped, so the
		 * leaf is polled here, with the flag. */
		if (d->sub) {
			d->sub->flags |= COAST_F_CANCEL;
			ASSERT_EQ(test_poll(d->sub, cx), COAST_READY);
			d->ret = COAST_RESULT(int, d->sub);
			test_free(cx, d->sub);
			d->sub = NULL;
		}
		return COAST_READY;
	}
	for (;;) {
		if (!d->sub) {
			if (d->done == d->n)
				return COAST_READY;
			d->sub = test_frame_new(cx->frames, &leaf_fn);
			((struct leaf *)d->sub)->park = d->park;
		}
		/* The executor polled it to READY and marked it DONE. */
		if (d->sub->state != COAST_STATE_DONE)
			return coast__descend(cx, d->sub);
		d->ret += COAST_RESULT(int, d->sub);
		test_free(cx, d->sub);
		d->sub = NULL;
		d->done++;
	}
}

static struct coast_frame *descender_start(int n, int *polls, bool park)
{
	struct descender *d = test_frame_new(&coast__task_alloc,
					     &descender_fn);

	d->n = n;
	d->polls = polls;
	d->park = park;
	return &d->h;
}

/*
 * Every leaf answers 7 after one suspension; the root is polled once per
 * leaf to descend and once more when the last is done: 3 leaves, 4 root
 * polls.  A worker that took the root's COAST_DESCEND for pending would
 * never complete the task.
 */
TEST_IMPL(poll_root_descend)
{
	int polls = 0;

	ASSERT_EQ(test_block_on_int(descender_start(3, &polls, false)), 21);
	ASSERT_EQ(polls, 4);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Joins a spawned descender after cancelling it while its leaf is
 * parked. */
struct cancel_descended {
	struct coast_frame h;
	int ret;
	int polls;
	coast_task *t;
	struct coast_frame *sub;
};

TEST_FN(cancel_descended_fn, struct cancel_descended, cancel_descended_poll);

static int cancel_descended_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct cancel_descended *c = (struct cancel_descended *)f;

	switch (f->state) {
	case COAST_STATE_START:
		c->t = test_spawn(descender_start(1, &c->polls, true));
		f->state = 1;
		/* fall through */
	case 1:
		/* Until the spawned task has descended and parked (one
		 * worker: polled in turn with this one). */
		if (!parked) {
			coast_waker_wake(coast_waker_get(cx));
			return COAST_PENDING;
		}
		ASSERT_EQ(c->polls, 1);
		coast_cancel(c->t);
		TEST_AWAIT(2, c->sub, COAST_START(coast_join)(cx->frames, c->t,
							      NULL),
			   int, c->ret);
		return COAST_READY;
	}
	abort();
}

/*
 * The cancellation poll of a task with a frame descended goes through
 * coast__task_poll, which marks the root and drops the records: the leaf
 * gets its cancellation from the root's drop path, and the join sees the
 * task ended by cancellation.
 */
TEST_IMPL(poll_root_cancel_descended)
{
	test_workers(1); /* parked is shared by two tasks: one thread */
	ASSERT_EQ(test_block_on_int(test_frame_new(&coast__task_alloc,
						   &cancel_descended_fn)),
		  -ECANCELED);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
