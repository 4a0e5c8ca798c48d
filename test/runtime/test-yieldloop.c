/*
 * test-yieldloop.c - the yield loop of one worker (scheduler.c,
 * run_yielders): while the tasks of its list yield, it polls them in turn
 * without the general run loop, and still leaves every other duty to it:
 * the tick's injected task, a task woken into the LIFO slot, more tasks
 * than a ring holds, a cancellation, a yield whose poll lent its
 * reference to a waker, a task that descended, an inline join.  Each test
 * keeps the list busy with yielding spinners, and one worker: the shared
 * counts need no lock beyond relaxed atomics (the main thread reads
 * some).
 */
#include <errno.h>

#include "test.h"

#define SPINNERS 3

struct yl_shared {
	atomic_uint polls; /* every poll of every task of the test */
	atomic_uint started; /* spinners polled at least once */
	atomic_int stop;
	double t0;
	const char *awaited;
	/* The LIFO test: the waiter's waker, the count at its wake, how
	 * many of its polls were not the next one, its rounds. */
	coast_waker *waker;
	unsigned woke_at, late, rounds;
	/* The cancel test: the target (spawned by the main thread while the
	 * hook runs), its polls, and those after the cancel that were not
	 * the cancellation poll (in late). */
	_Atomic(coast_task *) target;
	unsigned target_polls;
	bool cancelled;
	bool cancel_polled;
};

/* Yields until stop; its result is how many times it was polled.  The
 * first (hook) runs a test's action on its polls. */
struct yl_spinner {
	struct coast_frame h;
	int ret;
	struct yl_shared *sh;
	bool hook;
};

TEST_FN(yl_spinner_fn, struct yl_spinner, yl_spinner_poll);

static unsigned yl_count(struct yl_shared *sh)
{
	return atomic_fetch_add_explicit(&sh->polls, 1,
					 memory_order_relaxed) +
	       1;
}

static void yl_hook(struct yl_shared *sh, int n, unsigned now)
{
	/* The LIFO test: a wake every 37 polls of the hook, 20 times. */
	if (sh->waker && n % 37 == 0) {
		coast_waker_wake(sh->waker);
		sh->waker = NULL;
		sh->woke_at = now;
	}
	/* The cancel test: once the target has yielded 10 times. */
	if (!sh->cancelled && sh->target_polls >= 10 &&
	    atomic_load(&sh->target)) {
		ASSERT_EQ(coast_cancel(atomic_load(&sh->target)), 0);
		sh->cancelled = true;
	}
}

static int yl_spinner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yl_spinner *s = (struct yl_spinner *)f;
	unsigned now = yl_count(s->sh);

	if (f->flags & COAST_F_CANCEL || atomic_load(&s->sh->stop)) {
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	ASSERT_WITHIN(s->sh->t0, s->sh->awaited);
	if (!s->ret)
		atomic_fetch_add(&s->sh->started, 1);
	s->ret++;
	if (s->hook)
		yl_hook(s->sh, s->ret, now);
	coast__task_wake_self(cx);
	return COAST_PENDING;
}

/* Starts the runtime with one worker, then SPINNERS spinners (injected:
 * the worker moves them into its ring), the first with the hook. */
static void yl_start(struct yl_shared *sh, coast_task **ts, const char *what)
{
	struct yl_spinner *s;
	int i, ret = -1;

	test_workers(1);
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 1,
						     7, NULL, NULL),
				  &ret),
		  0);
	sh->t0 = test_now_ms();
	sh->awaited = what;
	for (i = 0; i < SPINNERS; i++) {
		s = test_frame_new(&coast__task_alloc, &yl_spinner_fn);
		s->sh = sh;
		s->hook = i == 0;
		ts[i] = test_spawn(&s->h);
	}
}

static void yl_finish(coast_task **ts)
{
	int i;

	for (i = 0; i < SPINNERS; i++)
		ASSERT(test_join_int(ts[i]) > 0);
	ASSERT_EQ(test_live_settle(0), 0);
}

static bool yl_spinning(const void *sh)
{
	return atomic_load(&((const struct yl_shared *)sh)->started) == SPINNERS &&
	       atomic_load(&((const struct yl_shared *)sh)->polls) >= 1000;
}

/* Sets stop when polled; its result is the poll count then. */
static int yl_marker(struct coast_cx *cx, void *sh, int n)
{
	int now = (int)yl_count(sh);

	(void)cx, (void)n;
	atomic_store(&((struct yl_shared *)sh)->stop, 1);
	return now;
}

/*
 * A task injected (spawned off the runtime) while the worker's ring
 * yields runs at a tick (every 61 polls the tick takes one injected task
 * and runs it next), counted from after the spawn returned so that the
 * main thread's delays cannot widen it, and after every spinner was
 * polled once (spinners still in the injection queue would take the
 * first ticks: up to 181 polls were seen before that wait).  So the bound
 * is one tick.  Without the tick the task never runs.
 */
TEST_IMPL(yield_loop_injected)
{
	struct yl_shared sh = { 0 };
	coast_task *ts[SPINNERS], *tm;
	unsigned after;
	int ran_at;

	yl_start(&sh, ts, "the injected task, taken by the tick");
	ASSERT(test_wait(yl_spinning, &sh));
	tm = test_leaf_spawn(yl_marker, &sh, 0);
	after = atomic_load(&sh.polls);
	ran_at = test_join_int(tm);
	ASSERT((long)ran_at - (long)after <= 61);
	yl_finish(ts);
	return 0;
}

/* Waits for the hook's wake 20 times; counts the polls of it that were
 * not the poll right after the wake's. */
struct yl_waiter {
	struct coast_frame h;
	int ret;
	struct yl_shared *sh;
};

TEST_FN(yl_waiter_fn, struct yl_waiter, yl_waiter_poll);

static int yl_waiter_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yl_waiter *w = (struct yl_waiter *)f;
	struct yl_shared *sh = w->sh;
	unsigned now = yl_count(sh);

	if (f->state == 1) {
		if (now != sh->woke_at + 1)
			sh->late++;
		if (++sh->rounds == 20) {
			atomic_store(&sh->stop, 1);
			f->state = COAST_STATE_DONE;
			return COAST_READY;
		}
	}
	f->state = 1;
	sh->waker = coast_waker_get(cx);
	return COAST_PENDING;
}

/* A task woken into the LIFO slot by a yielding task runs next, not when
 * the loop next hands over to the run loop. */
TEST_IMPL(yield_loop_lifo)
{
	struct yl_shared sh = { 0 };
	coast_task *ts[SPINNERS], *tw;
	struct yl_waiter *w;

	w = test_frame_new(&coast__task_alloc, &yl_waiter_fn);
	w->sh = &sh;
	yl_start(&sh, ts, "the waiter's 20 wakes");
	tw = test_spawn(&w->h);
	ASSERT_EQ(test_join_int(tw), 0);
	ASSERT_EQ(sh.rounds, 20);
	ASSERT_EQ(sh.late, 0);
	yl_finish(ts);
	return 0;
}

/* Yields until cancelled; counts its polls after the cancel that were
 * not the cancellation poll. */
struct yl_target {
	struct coast_frame h;
	int ret;
	struct yl_shared *sh;
};

TEST_FN(yl_target_fn, struct yl_target, yl_target_poll);

static int yl_target_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yl_target *t = (struct yl_target *)f;
	struct yl_shared *sh = t->sh;

	yl_count(sh);
	sh->target_polls++;
	if (f->flags & COAST_F_CANCEL) {
		sh->cancel_polled = true;
		atomic_store(&sh->stop, 1);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	if (sh->cancelled)
		sh->late++;
	coast__task_wake_self(cx);
	return COAST_PENDING;
}

/* The hook cancels tt once it yielded 10 times: tt's next poll must be
 * its cancellation poll; then the spinners finish. */
static void yl_cancel_target(struct yl_shared *sh, coast_task **ts,
			     coast_task *tt)
{
	atomic_store(&sh->target, tt);
	ASSERT_EQ(test_join_int(tt), -ECANCELED);
	ASSERT(sh->cancel_polled);
	ASSERT_EQ(sh->late, 0);
	yl_finish(ts);
}

/* A yielding task cancelled by another yielding task: its next poll is
 * its cancellation poll. */
TEST_IMPL(yield_loop_cancel)
{
	struct yl_shared sh = { 0 };
	coast_task *ts[SPINNERS];
	struct yl_target *t;

	yl_start(&sh, ts, "the target's cancellation poll");
	ASSERT(test_wait(yl_spinning, &sh));
	t = test_frame_new(&coast__task_alloc, &yl_target_fn);
	t->sh = &sh;
	yl_cancel_target(&sh, ts, test_spawn(&t->h));
	return 0;
}

/* Takes a waker and yields in the same poll, 200 times, dropping the
 * previous poll's waker: each yield lent the runner's reference. */
struct yl_lender {
	struct coast_frame h;
	int ret;
	struct yl_shared *sh;
	coast_waker *w;
};

TEST_FN(yl_lender_fn, struct yl_lender, yl_lender_poll);

static int yl_lender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yl_lender *l = (struct yl_lender *)f;

	yl_count(l->sh);
	coast_waker_drop(l->w);
	l->w = NULL;
	if (f->flags & COAST_F_CANCEL || l->ret == 200) {
		atomic_store(&l->sh->stop, 1);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	l->ret++;
	l->w = coast_waker_get(cx);
	coast__task_wake_self(cx);
	return COAST_PENDING;
}

/* A yield whose poll lent the runner's reference to a waker: the queue
 * still holds one of its own (the task is neither freed under the queue
 * nor leaked). */
TEST_IMPL(yield_loop_lent)
{
	struct yl_shared sh = { 0 };
	coast_task *ts[SPINNERS], *tl;
	struct yl_lender *l;

	yl_start(&sh, ts, "the lender's 200 yields");
	l = test_frame_new(&coast__task_alloc, &yl_lender_fn);
	l->sh = &sh;
	tl = test_spawn(&l->h);
	ASSERT_EQ(test_join_int(tl), 200);
	yl_finish(ts);
	return 0;
}

#define SPILL_TASKS ((int)COAST_LOCAL_QUEUE_CAP + 44)
#define SPILL_YIELDS 20

/* Yields SPILL_YIELDS times; its result is the largest number of polls
 * (of any task) between two of its own, or before its first. */
struct yl_counter {
	struct coast_frame h;
	int ret;
	struct yl_shared *sh;
	unsigned last;
	int n;
};

TEST_FN(yl_counter_fn, struct yl_counter, yl_counter_poll);

static int yl_counter_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yl_counter *c = (struct yl_counter *)f;
	unsigned now = yl_count(c->sh);

	/* The first poll's gap is from the spawns (the count's 0). */
	if ((int)(now - c->last) > c->ret)
		c->ret = (int)(now - c->last);
	c->n++;
	c->last = now;
	if (f->flags & COAST_F_CANCEL || c->n > SPILL_YIELDS) {
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	coast__task_wake_self(cx);
	return COAST_PENDING;
}

static coast_task *spill_ts[SPILL_TASKS];

/* Spawns SPILL_TASKS counters from the worker into spill_ts: the ring's
 * 256, the rest in the spill list behind them. */
static int yl_spawner(struct coast_cx *cx, void *sh, int n)
{
	struct yl_counter *c;
	int i;

	(void)cx, (void)n;
	for (i = 0; i < SPILL_TASKS; i++) {
		c = test_frame_new(&coast__task_alloc, &yl_counter_fn);
		c->sh = sh;
		spill_ts[i] = test_spawn(&c->h);
	}
	return 0;
}

/*
 * More yielding tasks than a ring holds take turns as one FIFO: every
 * task is polled once before any twice, and between two polls of one
 * every other is polled once.  (Written when one worker had a ring and a
 * spill list: a loop rotating the ring alone would have left the list's
 * tasks waiting for all the ring's yields.)
 */
TEST_IMPL(yield_loop_spill)
{
	struct yl_shared sh = { 0 };
	int i, ret = -1;

	test_workers(1);
	ASSERT_EQ(coast__block_on(test_leaf_start(&coast__task_alloc,
						  yl_spawner, &sh, 0),
				  &ret),
		  0);
	for (i = 0; i < SPILL_TASKS; i++)
		ASSERT(test_join_int(spill_ts[i]) <= SPILL_TASKS + 2);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

static int yl_unit(struct coast_cx *cx, void *p, int n)
{
	(void)cx, (void)p, (void)n;
	return 1;
}

#define TICK_POLLS 61 /* scheduler.c's TICK_INTERVAL */
#define JOIN_ROUNDS 10

/*
 * Alone in its worker's queues, so that every task it spawns is the next
 * and a join of it runs it inline: first joins until one waits (a tick's
 * worth of inline polls was made), then JOIN_ROUNDS rounds of two plain
 * yields and TICK_POLLS joins in one poll.  Its result is how many joins
 * of the rounds waited.
 */
struct yl_joiner {
	struct coast_frame h;
	int ret;
	struct coast_frame *sub;
	bool synced;
	int round, joins, yields, out;
};

TEST_FN(yl_joiner_fn, struct yl_joiner, yl_joiner_poll);

static int yl_joiner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yl_joiner *j = (struct yl_joiner *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &j->sub, cx);
	for (;;) {
		if (j->sub) {
			if (test_poll(j->sub, cx) == COAST_PENDING)
				return COAST_PENDING;
			ASSERT_EQ(COAST_RESULT(int, j->sub), 0);
			test_free(cx, j->sub);
			j->sub = NULL;
			continue;
		}
		if (j->synced && j->yields == 2 && j->joins < TICK_POLLS) {
			j->joins++;
		} else if (j->yields < 2) {
			j->yields++;
			coast__task_wake_self(cx);
			return COAST_PENDING;
		} else if (j->synced) {
			if (++j->round == JOIN_ROUNDS) {
				f->state = COAST_STATE_DONE;
				return COAST_READY;
			}
			j->yields = j->joins = 0;
			continue;
		}
		j->sub = COAST_START(coast_join)(
			cx->frames, test_leaf_spawn(yl_unit, NULL, 0), &j->out);
		if (!j->sub)
			coast__out_of_frames("yl_joiner");
		if (test_poll(j->sub, cx) == COAST_PENDING) {
			if (j->synced)
				j->ret++;
			else
				j->synced = true, j->yields = 0;
			return COAST_PENDING;
		}
		test_free(cx, j->sub);
		j->sub = NULL;
	}
}

/* Spawns the joiner and joins it: the root's join is over before the
 * joiner's rounds (a root's join made meanwhile could poll the joiner
 * inline, one inline poll more in a round). */
struct yl_jroot {
	struct coast_frame h;
	int ret;
	struct coast_frame *sub;
};

TEST_FN(yl_jroot_fn, struct yl_jroot, yl_jroot_poll);

static int yl_jroot_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yl_jroot *r = (struct yl_jroot *)f;
	int joined;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &r->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, r->sub,
			   COAST_START(coast_join)(
				   cx->frames,
				   coast__spawn(test_frame_new(
					   &coast__task_alloc, &yl_joiner_fn)),
				   &r->ret),
			   int, joined);
		ASSERT_EQ(joined, 0);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/*
 * Once a tick's worth of inline polls was made, the yield loop hands the
 * next odd turn to the run loop, which makes the tick (and clears the
 * count) before the joiner joins again: the joins after two yields all
 * run inline.  A loop that left the count to the 61-poll countdown would
 * make the first join of nearly every round wait.
 */
TEST_IMPL(yield_loop_inline_tick)
{
	struct yl_jroot *r;

	test_workers(1);
	r = test_frame_new(&coast__task_alloc, &yl_jroot_fn);
	ASSERT_EQ(test_block_on_int(&r->h), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * The LIFO count test.  Each round: a hook spinner wakes X, which runs
 * from the LIFO slot (its first run there) and yields; then the hook
 * wakes A, whose poll wakes B, whose poll wakes C: three runs from the
 * slot in a row, the most it allows.  C's poll must be the one right
 * after B's.
 */
struct lc_shared {
	unsigned polls; /* the worker's alone: no atomics */
	coast_waker *slot[4]; /* X, A, B, C */
	int phase;            /* 0: wake X, 1: X yielded, wake A */
	int rounds, late;
	unsigned b_at;
	double t0;
};

struct lc_spinner {
	struct coast_frame h;
	int ret;
	struct lc_shared *sh;
	bool hook;
};

TEST_FN(lc_spinner_fn, struct lc_spinner, lc_spinner_poll);

static int lc_spinner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct lc_spinner *s = (struct lc_spinner *)f;
	struct lc_shared *sh = s->sh;
	int i;

	sh->polls++;
	if (f->flags & COAST_F_CANCEL || sh->rounds == JOIN_ROUNDS) {
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	ASSERT_WITHIN(sh->t0, "the LIFO rounds");
	s->ret++;
	for (i = 0; i < 4 && sh->slot[i]; i++)
		;
	if (s->hook && i == 4 && sh->phase == 0 && s->ret % 37 == 0) {
		coast_waker_wake(sh->slot[0]);
		sh->slot[0] = NULL;
	} else if (s->hook && sh->phase == 1) {
		coast_waker_wake(sh->slot[1]);
		sh->slot[1] = NULL;
		sh->phase = 0;
	}
	coast__task_wake_self(cx);
	return COAST_PENDING;
}

/* X (id 0) yields once when woken; A, B, C (1-3) wake the next. */
struct lc_link {
	struct coast_frame h;
	int ret;
	struct lc_shared *sh;
	int id;
};

TEST_FN(lc_link_fn, struct lc_link, lc_link_poll);

static int lc_link_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct lc_link *l = (struct lc_link *)f;
	struct lc_shared *sh = l->sh;
	unsigned now = ++sh->polls;

	if (f->flags & COAST_F_CANCEL || sh->rounds == JOIN_ROUNDS) {
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	if (f->state == 1 && l->id == 0) {
		/* Woken: yield once, from the slot's first run. */
		f->state = 2;
		sh->phase = 1;
		coast__task_wake_self(cx);
		return COAST_PENDING;
	}
	if (f->state == 1 && l->id < 3) {
		if (l->id == 2)
			sh->b_at = now;
		coast_waker_wake(sh->slot[l->id + 1]);
		sh->slot[l->id + 1] = NULL;
	} else if (f->state == 1) {
		if (now != sh->b_at + 1)
			sh->late++;
		if (++sh->rounds == JOIN_ROUNDS) {
			/* The others wait: their last wake. */
			for (int i = 0; i < 3; i++) {
				coast_waker_wake(sh->slot[i]);
				sh->slot[i] = NULL;
			}
			f->state = COAST_STATE_DONE;
			return COAST_READY;
		}
	}
	f->state = 1;
	sh->slot[l->id] = coast_waker_get(cx);
	return COAST_PENDING;
}

/* A task run from the LIFO slot that yields does not take a run of the
 * slot's next burst: the count restarts with the yield loop. */
TEST_IMPL(yield_loop_lifo_count)
{
	struct lc_shared sh = { 0 };
	coast_task *ts[SPINNERS + 4];
	struct lc_spinner *s;
	struct lc_link *l;
	int i, ret = -1;

	test_workers(1);
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 1,
						     7, NULL, NULL),
				  &ret),
		  0);
	sh.t0 = test_now_ms();
	for (i = 0; i < 4; i++) {
		l = test_frame_new(&coast__task_alloc, &lc_link_fn);
		l->sh = &sh;
		l->id = i;
		ts[i] = test_spawn(&l->h);
	}
	for (i = 0; i < SPINNERS; i++) {
		s = test_frame_new(&coast__task_alloc, &lc_spinner_fn);
		s->sh = &sh;
		s->hook = i == 0;
		ts[4 + i] = test_spawn(&s->h);
	}
	for (i = 0; i < SPINNERS + 4; i++)
		test_join_int(ts[i]);
	ASSERT_EQ(sh.rounds, JOIN_ROUNDS);
	ASSERT_EQ(sh.late, 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------- how the loop polls a root */

/* Yields (a plain self-wake) k times, then answers 5. */
struct yl_yleaf {
	struct coast_frame h;
	int ret;
	int k;
};

TEST_FN(yl_yleaf_fn, struct yl_yleaf, yl_yleaf_poll);

static int yl_yleaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yl_yleaf *l = (struct yl_yleaf *)f;

	ASSERT(!(f->flags & COAST_F_CANCEL));
	if (l->k-- > 0) {
		coast__task_wake_self(cx);
		return COAST_PENDING;
	}
	l->ret = 5;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

#define BODY_LEAVES 3
#define LEAF_YIELDS 3

/*
 * A root described as a lowered one is: fn->body_poll, its body at
 * fn->body_offset, coast__heap_poll its poll.  Awaits BODY_LEAVES leaves
 * in turn, polled in place, or with descend each through coast__descend
 * (then the executor polls the leaf from its record, and the body only
 * once a leaf is done).  Its result: 5 a leaf, and 100 a poll of its
 * body.  With target it is yl_target instead: it yields until
 * cancelled.
 */
struct yl_body {
	struct coast_head h;
	int ret;
	int done, polls;
	bool descend, target;
	struct coast_frame *sub;
	struct yl_shared *sh;
};

struct yl_broot {
	struct coast_frame f;
	struct yl_body b;
};

static int yl_body_poll(struct coast_head *h, struct coast_cx *cx);

static const struct coast_fn yl_broot_fn = {
	.poll = coast__heap_poll,
	.size = sizeof(struct yl_broot),
	.ret_offset = offsetof(struct yl_broot, b.ret),
	.ret_size = sizeof(int),
	.name = "yl_broot",
	.file = __FILE__,
	.body_poll = yl_body_poll,
	.body_offset = offsetof(struct yl_broot, b),
};

static int yl_body_target(struct yl_body *b, struct coast_cx *cx)
{
	struct yl_shared *sh = b->sh;

	yl_count(sh);
	sh->target_polls++;
	if (b->h.flags & COAST_F_CANCEL) {
		sh->cancel_polled = true;
		atomic_store(&sh->stop, 1);
		b->ret = -ECANCELED;
		b->h.state = COAST_STATE_DONE;
		return COAST_READY;
	}
	if (sh->cancelled)
		sh->late++;
	coast__task_wake_self(cx);
	return COAST_PENDING;
}

static int yl_body_poll(struct coast_head *h, struct coast_cx *cx)
{
	struct yl_body *b = (struct yl_body *)h;
	struct yl_yleaf *l;
	int r;

	if (b->target)
		return yl_body_target(b, cx);
	b->polls++;
	for (;;) {
		if (!b->sub) {
			if (b->done == BODY_LEAVES) {
				b->ret += 100 * b->polls;
				h->state = COAST_STATE_DONE;
				return COAST_READY;
			}
			l = test_frame_new(cx->frames, &yl_yleaf_fn);
			l->k = LEAF_YIELDS;
			b->sub = &l->h;
			h->state = 1;
		}
		if (b->descend) {
			/* The executor polled it to READY and marked it. */
			if (b->sub->state != COAST_STATE_DONE)
				return coast__descend(cx, b->sub);
		} else if ((r = coast__poll_child(b->sub, cx)) !=
			   COAST_READY) {
			return r;
		}
		b->ret += COAST_RESULT(int, b->sub);
		test_free(cx, b->sub);
		b->sub = NULL;
		b->done++;
	}
}

static coast_task *yl_body_spawn(struct yl_shared *sh, bool descend,
				 bool target)
{
	struct yl_broot *r = test_frame_new(&coast__task_alloc, &yl_broot_fn);

	r->b.sh = sh;
	r->b.descend = descend;
	r->b.target = target;
	return test_spawn(&r->f);
}

/* Runs a body root (not a target) among the spinners: its result. */
static int yl_body_run(bool descend, const char *what)
{
	struct yl_shared sh = { 0 };
	coast_task *ts[SPINNERS];
	int ret;

	yl_start(&sh, ts, what);
	ASSERT(test_wait(yl_spinning, &sh));
	ret = test_join_int(yl_body_spawn(&sh, descend, false));
	atomic_store(&sh.stop, 1);
	yl_finish(ts);
	return ret;
}

/*
 * A lowered root's yields in the loop: its body polled directly (after
 * its first yield the task is queued COAST__YIELDED_BODY), once a yield,
 * each leaf's three yields and its answer in turn: the first poll and
 * three for each leaf.
 */
TEST_IMPL(yield_loop_body)
{
	ASSERT_EQ(yl_body_run(false, "the body root's yields"),
		  5 * BODY_LEAVES + 100 * (BODY_LEAVES * LEAF_YIELDS + 1));
	return 0;
}

/*
 * A root that descended yields from its record, which coast__task_poll
 * polls: the loop leaves such a task to run_task (queued
 * COAST__YIELDED).  Its body is polled once for each leaf and once at the
 * end; polling the body directly at a yield would descend into the leaf
 * again (more body polls, a second record of one leaf).
 */
TEST_IMPL(yield_loop_descended)
{
	ASSERT_EQ(yl_body_run(true, "the descended root's yields"),
		  5 * BODY_LEAVES + 100 * (BODY_LEAVES + 1));
	return 0;
}

/* yield_loop_cancel with a lowered root's body as the target: the loop
 * tests CANCELLED on that path too. */
TEST_IMPL(yield_loop_body_cancel)
{
	struct yl_shared sh = { 0 };
	coast_task *ts[SPINNERS];

	yl_start(&sh, ts, "the body target's cancellation poll");
	ASSERT(test_wait(yl_spinning, &sh));
	yl_cancel_target(&sh, ts, yl_body_spawn(&sh, false, true));
	return 0;
}

/* ------------------------------------- an inline join from the loop */

/* Yields once, then answers 7. */
struct ij_leaf {
	struct coast_frame h;
	int ret;
};

TEST_FN(ij_leaf_fn, struct ij_leaf, ij_leaf_poll);

static int ij_leaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct ij_leaf *l = (struct ij_leaf *)f;

	if (f->state == COAST_STATE_START) {
		f->state = 1;
		coast__task_wake_self(cx);
		return COAST_PENDING;
	}
	l->ret = 7;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* Yields once, then joins b: its answer is b's, plus 1000 when the
 * join's ready companion answered at once (it polled b inline). */
struct ij_joiner {
	struct coast_frame h;
	int ret;
	coast_task *b;
	int out;
	struct coast_frame *sub;
};

TEST_FN(ij_joiner_fn, struct ij_joiner, ij_joiner_poll);

/* The joiner's answer, published: main's join of it, made before, would
 * be a root on the pinned queue, whose turn could take the joiner's second
 * poll out of the yield loop. */
static atomic_int ij_answer;

static int ij_joiner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct ij_joiner *j = (struct ij_joiner *)f;
	int r = 0;

	switch (f->state) {
	case COAST_STATE_START:
		f->state = 2;
		coast__task_wake_self(cx);
		return COAST_PENDING;
	case 2:
		if (coast_join__coast_ready(j->b, &j->out, &r)) {
			j->ret = 1000;
		} else {
			TEST_AWAIT(1, j->sub,
				   COAST_START(coast_join)(cx->frames, j->b,
							   &j->out),
				   int, r);
		}
		ASSERT_EQ(r, 0);
		j->ret += j->out;
		atomic_store(&ij_answer, j->ret);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static coast_task *ij_joined;

static bool ij_answered(const void *p)
{
	(void)p;
	return atomic_load(&ij_answer) != 0;
}

/* Spawns the joiner, then the task it joins: the list holds them in
 * that order. */
static int ij_spawner(struct coast_cx *cx, void *p, int n)
{
	struct ij_joiner *j = test_frame_new(&coast__task_alloc, &ij_joiner_fn);

	(void)cx, (void)p, (void)n;
	ij_joined = test_spawn(&j->h);
	j->b = test_spawn(test_frame_new(&coast__task_alloc, &ij_leaf_fn));
	return 0;
}

/*
 * The two tasks alone, each yields once, and the joiner's second poll is
 * the yield loop's, the joiner polled in place at the list's head with
 * the task it joins right behind it: that task is the next the worker
 * would run, so the join polls it inline (1007), where looking at the
 * list's head (the joiner itself) would make the join wait (7).
 */
TEST_IMPL(yield_loop_inline_join)
{
	int ret = -1;

	test_workers(1);
	ASSERT_EQ(coast__block_on(test_leaf_start(&coast__task_alloc,
						  ij_spawner, NULL, 0),
				  &ret),
		  0);
	ASSERT(test_wait(ij_answered, NULL));
	ASSERT_EQ(test_join_int(ij_joined), 1007);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
