/*
 * test-join.c - coast_join: NULL handles, joining a finished task, and
 * cancelling a join before and after the joined task completes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "test.h"

TEST_IMPL(join_null)
{
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join)(&coast__task_alloc,
							    NULL, NULL)),
		  -EINVAL);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* The task finished in an earlier block_on; join takes the result. */
TEST_IMPL(join_completed)
{
	coast_task *t = coast__spawn(
		test_yielder_start(&coast__task_alloc, 0, 99, NULL, NULL));
	int out = 0;

	ASSERT(t != NULL);
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 3, 0,
						     NULL, NULL),
				  NULL),
		  0);
	ASSERT(test_complete_settle(t));
	ASSERT_EQ(test_live_settle(1), 1);
	ASSERT_EQ(test_block_on_int(
			  COAST_START(coast_join)(&coast__task_alloc, t, &out)),
		  0);
	ASSERT_EQ(out, 99);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Results of 8 and of 24 bytes (coast__copy's word move and memcpy). */
struct wide_frame {
	struct coast_frame h;
	uint64_t ret;
};

TEST_FN(wide_fn, struct wide_frame, wide_poll);

static int wide_poll(struct coast_frame *f, struct coast_cx *cx)
{
	(void)cx;
	((struct wide_frame *)f)->ret = UINT64_C(0x0123456789abcdef);
	return COAST_READY;
}

struct triple {
	uint64_t v[3];
};

struct triple_frame {
	struct coast_frame h;
	struct triple ret;
};

TEST_FN(triple_fn, struct triple_frame, triple_poll);

static int triple_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct triple_frame *t = (struct triple_frame *)f;

	(void)cx;
	t->ret.v[0] = 1;
	t->ret.v[1] = 2;
	t->ret.v[2] = 3;
	return COAST_READY;
}

TEST_IMPL(join_result_sizes)
{
	coast_task *w = coast__spawn(test_frame_new(&coast__task_alloc,
						    &wide_fn));
	coast_task *t = coast__spawn(test_frame_new(&coast__task_alloc,
						    &triple_fn));
	uint64_t wide = 0;
	struct triple tr = { { 0, 0, 0 } };

	ASSERT_EQ(test_block_on_int(COAST_START(coast_join)(&coast__task_alloc,
							    w, &wide)),
		  0);
	ASSERT(wide == UINT64_C(0x0123456789abcdef));
	ASSERT_EQ(test_block_on_int(
			  COAST_START(coast_join)(&coast__task_alloc, t, &tr)),
		  0);
	ASSERT(tr.v[0] == 1 && tr.v[1] == 2 && tr.v[2] == 3);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * Starts a join of a spawned task and cancels it: right after the first
 * (pending) poll, or at the poll after the joined task completed.
 */
struct join_canceller {
	struct coast_frame h;
	int ret; /* the cancelled join's result */
	int after_complete;
	int out;
	struct coast_frame *sub;
};

TEST_FN(join_canceller_fn, struct join_canceller, join_canceller_poll);

static int join_canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct join_canceller *j = (struct join_canceller *)f;
	coast_task *t;

	switch (f->state) {
	case COAST_STATE_START:
		/* Local: a join runs a task of its own queue inline, a
		 * task of the pinned queue it leaves there (scheduler.c). */
		t = coast__spawn_local(j->after_complete
					 ? test_yielder_start(&coast__task_alloc,
							      0, 5, NULL, NULL)
					 : test_sleeper_start(&coast__task_alloc,
							      500, 5, NULL, NULL));
		j->sub = COAST_START(coast_join)(cx->frames, t, &j->out);
		ASSERT_EQ(test_poll(j->sub, cx), COAST_PENDING);
		if (j->after_complete) {
			f->state = 1;
			return COAST_PENDING; /* woken by the completion */
		}
		break;
	case 1:
		break;
	default:
		abort();
	}
	j->sub->flags |= COAST_F_CANCEL;
	ASSERT_EQ(test_poll(j->sub, cx), COAST_READY);
	j->ret = COAST_RESULT(int, j->sub);
	test_free(cx, j->sub);
	return COAST_READY;
}

TEST_IMPL(join_cancel)
{
	struct join_canceller *j;

	test_workers(1); /* the joined task must not finish before the join */
	/* Cancelled while waiting: the task runs on, detached. */
	j = test_frame_new(&coast__task_alloc, &join_canceller_fn);
	ASSERT_EQ(test_block_on_int(&j->h), -ECANCELED);
	/* Alive still: its 500 ms sleep is the slack for this thread to
	 * get here on a loaded machine (50 ms was short). */
	ASSERT_EQ(test_live_settle(1), 1);
	ASSERT_EQ(coast__block_on(test_sleeper_start(&coast__task_alloc, 600,
						     0, NULL, NULL),
				  NULL),
		  0);
	ASSERT_EQ(test_live_settle(0), 0);

	/* Cancelled after the completer took (and woke) the waker. */
	j = test_frame_new(&coast__task_alloc, &join_canceller_fn);
	j->after_complete = 1;
	ASSERT_EQ(test_block_on_int(&j->h), -ECANCELED);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------ join_timeout, join_any */

static coast_task *spawn_sleeper(uint64_t ms, int id)
{
	return test_spawn(
		test_sleeper_start(&coast__task_alloc, ms, id, NULL, NULL));
}

/* In time: the result.  Too late: -ETIMEDOUT, the task cancelled and gone. */
TEST_IMPL(join_timeout)
{
	int out = 0;
	double t0;

	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_timeout)(
			  &coast__task_alloc, spawn_sleeper(5, 7), 5000, &out)),
		  0);
	ASSERT_EQ(out, 7);
	ASSERT_EQ(coast__timer_count(), 0);

	out = -1;
	t0 = test_now_ms();
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_timeout)(
			  &coast__task_alloc, spawn_sleeper(100000, 8), 20,
			  &out)),
		  -ETIMEDOUT);
	ASSERT(test_now_ms() - t0 >= 19.0);
	ASSERT(test_now_ms() - t0 < 5000.0);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(coast__timer_count(), 0); /* deadline and the task's sleep */
	ASSERT_EQ(test_live_settle(0), 0);

	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_timeout)(
			  &coast__task_alloc, NULL, 10, &out)),
		  -EINVAL);
	ASSERT_EQ(coast__timer_count(), 0);
	return 0;
}

/* The first to finish wins; the others are cancelled and waited for. */
TEST_IMPL(join_any)
{
	coast_task *t[3];
	size_t index = 99;
	int out = -1, i;
	double t0 = test_now_ms();

	t[0] = spawn_sleeper(100000, 0);
	t[1] = spawn_sleeper(10, 1);
	t[2] = spawn_sleeper(200000, 2);
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_any)(
			  &coast__task_alloc, t, 3, &index, &out)),
		  0);
	ASSERT_EQ(index, 1);
	ASSERT_EQ(out, 1);
	ASSERT(test_now_ms() - t0 < 5000.0);
	for (i = 0; i < 3; i++)
		ASSERT(t[i] == NULL); /* every handle consumed */
	/* The losers finished their cancellation before join_any returned. */
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Bad sets: empty, a NULL entry (the others still consumed), all cancelled. */
TEST_IMPL(join_any_errors)
{
	coast_task *t[2];
	size_t index = 99;
	int out = -1;

	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_any)(
			  &coast__task_alloc, t, 0, &index, &out)),
		  -EINVAL);
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_any)(
			  &coast__task_alloc, NULL, 2, &index, &out)),
		  -EINVAL);
	t[0] = spawn_sleeper(100000, 0);
	t[1] = NULL;
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_any)(
			  &coast__task_alloc, t, 2, &index, &out)),
		  -EINVAL);
	ASSERT(t[0] == NULL);
	ASSERT_EQ(coast__timer_count(), 0);

	t[0] = spawn_sleeper(100000, 0);
	t[1] = spawn_sleeper(100000, 1);
	ASSERT_EQ(coast_cancel(t[0]), 0);
	ASSERT_EQ(coast_cancel(t[1]), 0);
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_any)(
			  &coast__task_alloc, t, 2, &index, &out)),
		  -ECANCELED);
	ASSERT_EQ(index, 99);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* A join_any that is itself cancelled cancels and releases every task. */
struct any_canceller {
	struct coast_frame h;
	int ret;
	coast_task *t[4];
	size_t index;
	int out;
	struct coast_frame *sub;
};

TEST_FN(any_canceller_fn, struct any_canceller, any_canceller_poll);

static int any_canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct any_canceller *a = (struct any_canceller *)f;
	int i;

	for (i = 0; i < 4; i++)
		a->t[i] = spawn_sleeper(100000, i);
	a->sub = COAST_START(coast_join_any)(cx->frames, a->t, 4, &a->index,
					     &a->out);
	ASSERT_EQ(test_poll(a->sub, cx), COAST_PENDING);
	a->sub->flags |= COAST_F_CANCEL;
	ASSERT_EQ(test_poll(a->sub, cx), COAST_READY);
	a->ret = COAST_RESULT(int, a->sub);
	test_free(cx, a->sub);
	for (i = 0; i < 4; i++)
		ASSERT(a->t[i] == NULL);
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(join_any_cancel)
{
	ASSERT_EQ(test_block_on_int(test_frame_new(&coast__task_alloc,
					      &any_canceller_fn)),
		  -ECANCELED);
	/* The tasks finish their cancellation on their own. */
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(coast__timer_count(), 0);
	return 0;
}

/* ------------------------------------------------ consuming a handle twice */

/* Waits for an element of ch, then ends: a task that lives until the test
 * lets it go. */
struct gated {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	long v;
	struct coast_frame *sub;
};

TEST_FN(gated_fn, struct gated, gated_poll);

static int gated_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct gated *g = (struct gated *)f;

	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, g->sub,
			   COAST_START(coast_chan_recv)(cx->frames, g->ch,
							&g->v),
			   int, g->ret);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/*
 * Detach, then every other consumer: the task waits until the checks are
 * done, so its handle is checked, not read after a free (coast_join takes
 * the handle at its first poll, which here comes after the runtime
 * started).
 */
TEST_IMPL(join_after_detach)
{
	coast_chan *ch = coast_chan_new(1, sizeof(long));
	struct gated *g = test_frame_new(&coast__task_alloc, &gated_fn);
	coast_task *t, *set[1];
	size_t index = 99;
	long go = 1;
	int out = -1;

	ASSERT(ch != NULL);
	g->ch = ch;
	t = test_spawn(&g->h);

	ASSERT_EQ(coast_detach(t), 0);
	ASSERT_EQ(coast_detach(t), -EINVAL);
	ASSERT_EQ(coast_detach(NULL), -EINVAL);
	ASSERT_EQ(test_block_on_int(
			  COAST_START(coast_join)(&coast__task_alloc, t, &out)),
		  -EINVAL);
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_timeout)(
			  &coast__task_alloc, t, 1000, &out)),
		  -EINVAL);
	set[0] = t;
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_any)(
			  &coast__task_alloc, set, 1, &index, &out)),
		  -EINVAL);
	ASSERT(set[0] == NULL);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(index, 99);
	/* The detached task was not disturbed: let go, it finishes. */
	ASSERT_EQ(coast_chan_send(ch, &go), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(coast__timer_count(), 0);
	coast_chan_free(ch);
	return 0;
}

/*
 * A second join of a handle while the first waits: -EINVAL at once, and
 * the first still gets the result.  Then a join_any given one handle
 * twice: the second entry is refused, the task consumed once.
 */
struct join_twice {
	struct coast_frame h;
	int ret;
	int out, out2;
	coast_task *t;
	struct coast_frame *first;
};

TEST_FN(join_twice_fn, struct join_twice, join_twice_poll);

static int join_twice_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct join_twice *j = (struct join_twice *)f;
	struct coast_frame *second;

	switch (f->state) {
	case COAST_STATE_START:
		j->t = spawn_sleeper(100, 5);
		j->first = COAST_START(coast_join)(cx->frames, j->t, &j->out);
		ASSERT_EQ(test_poll(j->first, cx), COAST_PENDING);
		second = COAST_START(coast_join)(cx->frames, j->t, &j->out2);
		ASSERT_EQ(test_poll(second, cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(int, second), -EINVAL);
		test_free(cx, second);
		ASSERT_EQ(j->out2, -1);
		f->state = 1;
		/* fall through */
	case 1:
		if (test_poll(j->first, cx) == COAST_PENDING)
			return COAST_PENDING;
		j->ret = COAST_RESULT(int, j->first);
		test_free(cx, j->first);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

TEST_IMPL(join_twice)
{
	struct join_twice *j;
	coast_task *t[2];
	size_t index = 99;
	int out = -1;

	test_workers(2);
	j = test_frame_new(&coast__task_alloc, &join_twice_fn);
	j->out = -1;
	j->out2 = -1;
	ASSERT_EQ(test_block_on_int(&j->h), 0);
	ASSERT_EQ(test_live_settle(0), 0);

	t[0] = t[1] = spawn_sleeper(100000, 3);
	out = -1;
	ASSERT_EQ(test_block_on_int(COAST_START(coast_join_any)(
			  &coast__task_alloc, t, 2, &index, &out)),
		  -EINVAL);
	ASSERT(t[0] == NULL && t[1] == NULL);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * A registered join polled again before the task completed (a spurious
 * poll: nothing woke it) answers pending and stays armed, taking no second
 * waker; the wake that comes, by completion or by the task's cancellation,
 * then ends it.  One worker: the joined task cannot run between the polls.
 */
struct join_spurious {
	struct coast_frame h;
	int ret;
	int *out; /* the test's: the frame is gone after block_on */
	bool cancel;
	coast_task *t;
	struct coast_frame *sub;
};

TEST_FN(join_spurious_fn, struct join_spurious, join_spurious_poll);

static int join_spurious_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct join_spurious *j = (struct join_spurious *)f;

	switch (f->state) {
	case COAST_STATE_START:
		j->t = coast__spawn_local( /* not joined inline */
			j->cancel ? test_sleeper_start(&coast__task_alloc,
						       10000, 7, NULL, NULL)
				  : test_yielder_start(&coast__task_alloc, 0,
						       7, NULL, NULL));
		ASSERT(j->t != NULL);
		j->sub = COAST_START(coast_join)(cx->frames, j->t, j->out);
		ASSERT_EQ(test_poll(j->sub, cx), COAST_PENDING);
		ASSERT_EQ(test_poll(j->sub, cx), COAST_PENDING);
		ASSERT(coast__task_state(j->t) & COAST__ST_JOIN_WAITING);
		ASSERT_EQ(*j->out, -1);
		if (j->cancel)
			ASSERT_EQ(coast_cancel(j->t), 0);
		f->state = 1;
		return COAST_PENDING;
	case 1:
		if (test_poll(j->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		j->ret = COAST_RESULT(int, j->sub);
		test_free(cx, j->sub);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

TEST_IMPL(join_spurious_poll)
{
	struct join_spurious *j;
	int round, out;

	test_workers(1);
	for (round = 0; round < 2; round++) {
		j = test_frame_new(&coast__task_alloc, &join_spurious_fn);
		out = -1;
		j->out = &out;
		j->cancel = round;
		ASSERT_EQ(test_block_on_int(&j->h), round ? -ECANCELED : 0);
		ASSERT_EQ(out, round ? -1 : 7);
		ASSERT_EQ(test_live_settle(0), 0);
	}
	return 0;
}

/*
 * One worker: a joiner whose poll lent its reference keeps RUNNING until
 * the next poll (rule 11 of task.c), here the joined task's.  That task
 * completes and wakes it (requeued without a CAS), or first cancels it
 * (the cancel finds it RUNNING and sets NOTIFIED): either way it is
 * queued once, by the wake or by the deferred transition, and in the
 * second case its next poll is the cancellation poll.
 */
/* Cancels joiner (when not NULL); 5. */
static int deferred_joined(struct coast_cx *cx, void *joiner, int n)
{
	(void)cx, (void)n;
	if (joiner)
		ASSERT_EQ(coast_cancel(joiner), 0);
	return 5;
}

struct deferred_joiner {
	struct coast_frame h;
	int ret;
	bool cancel;
	int out;
	struct coast_frame *sub;
};

TEST_FN(deferred_joiner_fn, struct deferred_joiner, deferred_joiner_poll);

static int deferred_joiner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct deferred_joiner *j = (struct deferred_joiner *)f;
	int r;

	switch (f->state) {
	case COAST_STATE_START:
		j->out = -1;
		/* Local: not joined inline, and still the next poll. */
		j->sub = COAST_START(coast_join)(
			cx->frames,
			coast__spawn_local(test_leaf_start(
				&coast__task_alloc, deferred_joined,
				j->cancel ? cx->task : NULL, 0)),
			&j->out);
		ASSERT_EQ(test_poll(j->sub, cx), COAST_PENDING);
		f->state = 1;
		return COAST_PENDING;
	case 1:
		if (f->flags & COAST_F_CANCEL)
			j->sub->flags |= COAST_F_CANCEL;
		r = test_poll(j->sub, cx);
		if (r == COAST_PENDING)
			return COAST_PENDING;
		ASSERT_EQ(COAST_RESULT(int, j->sub),
			  f->flags & COAST_F_CANCEL ? -ECANCELED : 0);
		test_free(cx, j->sub);
		j->ret = j->out;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

TEST_IMPL(join_deferred_joiner)
{
	struct deferred_joiner *j;
	int round;

	test_workers(1);
	for (round = 0; round < 2; round++) {
		j = test_frame_new(&coast__task_alloc, &deferred_joiner_fn);
		j->cancel = round;
		ASSERT_EQ(test_join_int(coast__spawn(&j->h)),
			  round ? -ECANCELED : 5);
		ASSERT_EQ(test_live_settle(0), 0);
	}
	return 0;
}

/*
 * One worker, rule 11's window seen from another thread.  A waiter takes
 * its waker (lending the runner's reference) and parks: it stays RUNNING
 * until the next poll ends.  That poll is the root's, which has a foreign
 * thread wake the waiter (dw_wake) or cancel it (dw_cancel) meanwhile,
 * then joins it (a pending poll: the deferred transition comes before the
 * root's own is deferred) or first yields (dw_wake_yield: the transition
 * on the yield path).  With dw_alone the root joins at once, so nothing
 * runs after the waiter's poll: the worker makes the transition before it
 * parks, and the foreign wake comes after it.  The waiter is polled again
 * every time (7, or -ECANCELED with its waker dropped), nothing left live.
 */
enum { DW_WAKE, DW_CANCEL, DW_WAKE_YIELD, DW_ALONE, DW_MODES };

static int dw_mode;
static coast_task *dw_task;
static coast_waker *dw_waker;
static atomic_int dw_parked, dw_go, dw_done;

static bool dw_is_set(const void *p)
{
	return atomic_load((atomic_int *)p);
}

struct dw_waiter {
	struct coast_frame h;
	int ret;
};

TEST_FN(dw_waiter_fn, struct dw_waiter, dw_waiter_poll);

static int dw_waiter_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct dw_waiter *w = (struct dw_waiter *)f;

	if (f->state == COAST_STATE_START) {
		dw_waker = coast_waker_get(cx);
		f->state = 1;
		atomic_store(&dw_parked, 1);
		return COAST_PENDING;
	}
	if (f->flags & COAST_F_CANCEL) {
		coast_waker_drop(dw_waker); /* never woken: still ours */
		w->ret = -ECANCELED;
	} else {
		w->ret = 7;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

static void *dw_thread(void *arg)
{
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };

	(void)arg;
	if (dw_mode == DW_ALONE) {
		ASSERT(test_wait(dw_is_set, &dw_parked));
		nanosleep(&ms10, NULL); /* the worker parks, most times */
	} else {
		ASSERT(test_wait(dw_is_set, &dw_go));
		/* In the window: the root's poll after the waiter's. */
		ASSERT(coast__task_state(dw_task) & COAST__ST_RUNNING);
	}
	if (dw_mode == DW_CANCEL)
		ASSERT_EQ(coast_cancel(dw_task), 0);
	else
		coast_waker_wake(dw_waker);
	atomic_store(&dw_done, 1);
	return NULL;
}

struct dw_root {
	struct coast_frame h;
	int ret;
	int i;
	int out;
	coast_task *t;
	struct coast_frame *sub;
};

TEST_FN(dw_root_fn, struct dw_root, dw_root_poll);

static int dw_root_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct dw_root *r = (struct dw_root *)f;

	switch (f->state) {
	case COAST_STATE_START:
		r->t = coast__spawn(
			test_frame_new(&coast__task_alloc, &dw_waiter_fn));
		dw_task = r->t;
		if (dw_mode == DW_ALONE)
			goto join;
		/* Only two tasks: the poll that sees dw_parked is the one
		 * right after the waiter's. */
		for (r->i = 0; r->i < 1000 && !atomic_load(&dw_parked);
		     r->i++) {
			r->sub = COAST_START(coast_yield)(cx->frames);
			f->state = 1;
			/* fall through */
	case 1:
			if (test_poll(r->sub, cx) == COAST_PENDING)
				return COAST_PENDING;
			test_free(cx, r->sub);
		}
		ASSERT(atomic_load(&dw_parked));
		atomic_store(&dw_go, 1);
		ASSERT(test_wait(dw_is_set, &dw_done));
		if (dw_mode == DW_WAKE_YIELD) {
			r->sub = COAST_START(coast_yield)(cx->frames);
			f->state = 2;
			/* fall through */
	case 2:
			if (test_poll(r->sub, cx) == COAST_PENDING)
				return COAST_PENDING;
			test_free(cx, r->sub);
		}
join:
		r->sub = COAST_START(coast_join)(cx->frames, r->t, &r->out);
		f->state = 3;
		/* fall through */
	case 3:
		if (test_poll(r->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		r->ret = COAST_RESULT(int, r->sub);
		test_free(cx, r->sub);
		if (!r->ret)
			r->ret = r->out;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(join_deferred_foreign)
{
	struct dw_root *r;
	pthread_t th;
	int ret;

	test_workers(1);
	for (dw_mode = 0; dw_mode < DW_MODES; dw_mode++) {
		atomic_store(&dw_parked, 0);
		atomic_store(&dw_go, 0);
		atomic_store(&dw_done, 0);
		ASSERT_EQ(pthread_create(&th, NULL, dw_thread, NULL), 0);
		r = test_frame_new(&coast__task_alloc, &dw_root_fn);
		ret = 0;
		ASSERT_EQ(coast__block_on(&r->h, &ret), 0);
		ASSERT_EQ(pthread_join(th, NULL), 0);
		ASSERT_EQ(ret, dw_mode == DW_CANCEL ? -ECANCELED : 7);
		ASSERT_EQ(test_live_settle(0), 0);
	}
	return 0;
}
