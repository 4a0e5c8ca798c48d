/*
 * test-ready.c - the ready companions (coast/runtime.h): each completes
 * at once exactly when the first poll of its future would, with that
 * result, and otherwise does nothing (the handle still joinable, nothing
 * linked, the mutex untouched); futures that await as lowered code does,
 * companion first, under two workers (a join's task finishing on the
 * other one); cancellation of such an await on
 * its slow path.
 */
#include <stdatomic.h>

#include "test.h"

/* coast_join__coast_ready on NULL, a running task, a complete one, a
 * cancelled one and one whose handle was taken before. */
TEST_IMPL(ready_join)
{
	int slot = 0, out = -1, r = 1;
	coast_task *t;

	ASSERT_EQ(coast_join__coast_ready(NULL, &out, &r), 1);
	ASSERT_EQ(r, -EINVAL);

	/* Running: nothing happens, the handle joins as before. */
	test_workers(2);
	t = coast__spawn(test_stuck_start(&coast__task_alloc, -1, &slot, NULL));
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 1, 0,
						     NULL, NULL),
				  NULL),
		  0);
	r = 7;
	ASSERT_EQ(coast_join__coast_ready(t, &out, &r), 0);
	ASSERT_EQ(r, 7);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(coast_cancel(t), 0);
	ASSERT_EQ(test_join_int(t), -ECANCELED);
	ASSERT_EQ(slot, TEST_SLOT_DROPPED);

	/* Complete: the result, the handle consumed, the task freed. */
	t = coast__spawn(test_yielder_start(&coast__task_alloc, 0, 99, NULL,
					    NULL));
	ASSERT(test_complete_settle(t));
	ASSERT_EQ(coast_join__coast_ready(t, &out, &r), 1);
	ASSERT_EQ(r, 0);
	ASSERT_EQ(out, 99);
	ASSERT_EQ(test_live_settle(0), 0);

	/* Ended by cancellation: -ECANCELED, out untouched. */
	out = -1;
	t = coast__spawn(test_stuck_start(&coast__task_alloc, -1, &slot, NULL));
	ASSERT_EQ(coast_cancel(t), 0);
	ASSERT(test_complete_settle(t));
	ASSERT_EQ(coast_join__coast_ready(t, &out, &r), 1);
	ASSERT_EQ(r, -ECANCELED);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(test_live_settle(0), 0);

	/* Consumed before (a join that still holds it): -EINVAL, untouched. */
	t = coast__spawn(test_yielder_start(&coast__task_alloc, 0, 5, NULL,
					    NULL));
	ASSERT(test_complete_settle(t));
	ASSERT(coast__task_take_handle(t));
	ASSERT_EQ(coast_join__coast_ready(t, &out, &r), 1);
	ASSERT_EQ(r, -EINVAL);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(test_live_settle(1), 1);
	coast__task_unref(t);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* The channel's companions on NULL, room, full, empty and closed (full,
 * empty and with room). */
TEST_IMPL(ready_chan)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	int v = 1, got = -1, r = 7;

	ASSERT_EQ(coast_chan_send__coast_ready(NULL, &v, &r), 1);
	ASSERT_EQ(r, -EINVAL);
	ASSERT_EQ(coast_chan_send__coast_ready(ch, NULL, &r), 1);
	ASSERT_EQ(r, -EINVAL);
	ASSERT_EQ(coast_chan_recv__coast_ready(NULL, &got, &r), 1);
	ASSERT_EQ(r, -EINVAL);
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, NULL, &r), 1);
	ASSERT_EQ(r, -EINVAL);

	r = 7;
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, &got, &r), 0);
	ASSERT_EQ(r, 7);
	ASSERT_EQ(got, -1);
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1);
	ASSERT_EQ(r, 0);
	v = 2;
	r = 7;
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 0); /* full */
	ASSERT_EQ(r, 7);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, &got, &r), 1);
	ASSERT_EQ(r, 0);
	ASSERT_EQ(got, 1); /* not 2: the full send left nothing */
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1);

	ASSERT_EQ(coast_chan_close(ch), 0);
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1);
	ASSERT_EQ(r, -EPIPE);
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, &got, &r), 1);
	ASSERT_EQ(r, 0);
	ASSERT_EQ(got, 2);
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, &got, &r), 1);
	ASSERT_EQ(r, -EPIPE);
	/* Closed with room: the look sends it to the try, which answers. */
	r = 7;
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1);
	ASSERT_EQ(r, -EPIPE);
	coast_chan_free(ch);
	return 0;
}

/*
 * The companions' tries without the inline look before them (what a stale
 * look, or a direct call, comes to): full and empty answer 0 under the
 * lock, without effect; the rest completes.
 */
TEST_IMPL(ready_chan_try)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	int v = 1, got = -1;

	ASSERT_EQ(coast__chan_recv_try(ch, &got), COAST__CHAN_WAIT); /* empty */
	ASSERT_EQ(got, -1);
	ASSERT_EQ(coast__chan_send_try(ch, &v), 0);
	v = 2;
	ASSERT_EQ(coast__chan_send_try(ch, &v), COAST__CHAN_WAIT); /* full */
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	ASSERT_EQ(coast__chan_recv_try(ch, &got), 0);
	ASSERT_EQ(got, 1);
	ASSERT_EQ(coast_chan_close(ch), 0);
	ASSERT_EQ(coast__chan_send_try(ch, &v), -EPIPE);
	ASSERT_EQ(coast__chan_recv_try(ch, &got), -EPIPE);
	coast_chan_free(ch);
	return 0;
}

/* Polls a fresh frame once: it must wait. */
static struct coast_frame *waiting(struct coast_cx *cx, struct coast_frame *f)
{
	ASSERT(f);
	ASSERT_EQ(f->fn->poll(f, cx), COAST_PENDING);
	return f;
}

/* Polls f to READY (its wake came) and frees it: its int result. */
static int finish(struct coast_cx *cx, struct coast_frame *f)
{
	int r;

	ASSERT_EQ(f->fn->poll(f, cx), COAST_READY);
	r = COAST_RESULT(int, f);
	test_free(cx, f);
	return r;
}

/*
 * The other side waiting: a send completes at once by handing its element
 * to a waiting receive, a receive by taking the element of a full channel
 * (whose waiting sender then gets the room).
 */
static void other_side_waits(struct coast_cx *cx)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	int v = 3, got = -1, got2 = -1, r = 7;
	struct coast_frame *f;

	f = waiting(cx, COAST_START(coast_chan_recv)(cx->frames, ch, &got));
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1);
	ASSERT_EQ(r, 0);
	ASSERT_EQ(finish(cx, f), 0);
	ASSERT_EQ(got, 3);

	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1);
	v = 4;
	f = waiting(cx, COAST_START(coast_chan_send)(cx->frames, ch, &v));
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, &got2, &r), 1);
	ASSERT_EQ(r, 0);
	ASSERT_EQ(got2, 3);
	ASSERT_EQ(finish(cx, f), 0);
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, &got2, &r), 1);
	ASSERT_EQ(got2, 4);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
}

TEST_SCRIPT(ready_chan_other_side, other_side_waits)

/* coast_mutex_lock__coast_ready on NULL, free, held and awaited mutexes. */
static void mutex_states(struct coast_cx *cx)
{
	coast_mutex m = COAST_MUTEX_INIT;
	struct coast_frame *f;
	int r = 7;

	ASSERT_EQ(coast_mutex_lock__coast_ready(NULL, &r), 1);
	ASSERT_EQ(r, -EINVAL);
	ASSERT_EQ(coast_mutex_lock__coast_ready(&m, &r), 1);
	ASSERT_EQ(r, 0);
	r = 7;
	ASSERT_EQ(coast_mutex_lock__coast_ready(&m, &r), 0); /* held */
	ASSERT_EQ(r, 7);
	ASSERT_EQ(coast__mutex_waiters(&m), 0);
	f = waiting(cx, COAST_START(coast_mutex_lock)(cx->frames, &m));
	ASSERT_EQ(coast_mutex_unlock(&m), 0); /* handed to f */
	ASSERT_EQ(coast_mutex_lock__coast_ready(&m, &r), 0);
	ASSERT_EQ(r, 7);
	ASSERT_EQ(finish(cx, f), 0);
	ASSERT_EQ(coast_mutex_unlock(&m), 0);
	ASSERT_EQ(coast_mutex_lock__coast_ready(&m, &r), 1);
	ASSERT_EQ(coast_mutex_unlock(&m), 0);
	ASSERT_EQ(coast_mutex_destroy(&m), 0);
}

TEST_SCRIPT(ready_mutex, mutex_states)

/*
 * An await the way lowered code has it with a companion: the companion
 * first; only when it answers 0, the start function, suspension point st
 * and the polls (TEST_AWAIT).  Counts the awaits that took each path.
 */
#define READY_AWAIT(st, sub, ready, start, out, nfast, nslow)        \
	if (ready) {                                                   \
		atomic_fetch_add(&(nfast), 1);                         \
	} else {                                                       \
		atomic_fetch_add(&(nslow), 1);                         \
		TEST_AWAIT(st, sub, start, int, out);                  \
	}

static _Atomic int fast, slow;

/* Sends 0..n-1 on ch, or receives n elements checking their order. */
struct pipe_end {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	bool send;
	int n, i, v, r;
	struct coast_frame *sub;
};

TEST_FN(pipe_end_fn, struct pipe_end, pipe_end_poll);

static int pipe_end_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct pipe_end *p = (struct pipe_end *)f;

	switch (f->state) {
	case COAST_STATE_START:
		for (p->i = 0; p->i < p->n; p->i++) {
			if (p->send) {
				p->v = p->i;
				READY_AWAIT(1, p->sub,
					    coast_chan_send__coast_ready(
						    p->ch, &p->v, &p->r),
					    COAST_START(coast_chan_send)(
						    cx->frames, p->ch, &p->v),
					    p->r, fast, slow);
			} else {
				READY_AWAIT(2, p->sub,
					    coast_chan_recv__coast_ready(
						    p->ch, &p->v, &p->r),
					    COAST_START(coast_chan_recv)(
						    cx->frames, p->ch, &p->v),
					    p->r, fast, slow);
				ASSERT_EQ(p->v, p->i);
			}
			ASSERT_EQ(p->r, 0);
			p->ret++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static coast_task *pipe_end(coast_chan *ch, bool send, int n)
{
	struct pipe_end *p = test_frame_new(&coast__task_alloc, &pipe_end_fn);

	p->ch = ch;
	p->send = send;
	p->n = n;
	return coast__spawn(&p->h);
}

/* A sender and a receiver on two workers, both through the companions:
 * every element once, in order, whichever path each await takes. */
TEST_IMPL(ready_chan_two_workers)
{
	enum { N = 20000 };
	int cap;

	test_workers(2);
	for (cap = 1; cap <= 4; cap += 3) {
		coast_chan *ch = coast_chan_new(cap, sizeof(int));
		coast_task *rt = pipe_end(ch, false, N);
		coast_task *st = pipe_end(ch, true, N);

		ASSERT_EQ(test_join_int(st), N);
		ASSERT_EQ(test_join_int(rt), N);
		ASSERT_EQ(coast__chan_waiters(ch), 0);
		coast_chan_free(ch);
	}
	ASSERT_EQ(atomic_load(&fast) + atomic_load(&slow), 4 * N);
	ASSERT(atomic_load(&fast) > 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Locks m n times through the companion, counting under the lock. */
struct locker {
	struct coast_frame h;
	int ret;
	coast_mutex *m;
	long *count;
	int n, i, r;
	struct coast_frame *sub;
};

TEST_FN(locker_fn, struct locker, locker_poll);

static int locker_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct locker *l = (struct locker *)f;

	switch (f->state) {
	case COAST_STATE_START:
		for (l->i = 0; l->i < l->n; l->i++) {
			READY_AWAIT(1, l->sub,
				    coast_mutex_lock__coast_ready(l->m, &l->r),
				    COAST_START(coast_mutex_lock)(cx->frames,
								  l->m),
				    l->r, fast, slow);
			ASSERT_EQ(l->r, 0);
			(*l->count)++; /* TSan: only the holder */
			ASSERT_EQ(coast_mutex_unlock(l->m), 0);
			l->ret++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(ready_mutex_two_workers)
{
	enum { TASKS = 4, N = 5000 };
	coast_mutex m = COAST_MUTEX_INIT;
	coast_task *t[TASKS];
	long count = 0;
	int i;

	test_workers(2);
	for (i = 0; i < TASKS; i++) {
		struct locker *l = test_frame_new(&coast__task_alloc,
						  &locker_fn);

		l->m = &m;
		l->count = &count;
		l->n = N;
		t[i] = coast__spawn(&l->h);
	}
	for (i = 0; i < TASKS; i++)
		ASSERT_EQ(test_join_int(t[i]), N);
	ASSERT_EQ(count, TASKS * N);
	ASSERT_EQ(atomic_load(&fast) + atomic_load(&slow), TASKS * N);
	ASSERT(atomic_load(&fast) > 0);
	ASSERT_EQ(coast_mutex_destroy(&m), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Spawns n tasks one after another, each joined through the companion
 * after a spin of its own length, while it may be finishing on the other
 * worker. */
struct joiner {
	struct coast_frame h;
	int ret;
	int n, i, out, r;
	coast_task *t;
	struct coast_frame *sub;
};

TEST_FN(joiner_fn, struct joiner, joiner_poll);

/* Sweeps the join across the other worker's run of the task. */
static void spin(int n)
{
	for (volatile int k = 0; k < n; k++)
		;
}

static int joiner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct joiner *j = (struct joiner *)f;

	switch (f->state) {
	case COAST_STATE_START:
		for (j->i = 0; j->i < j->n; j->i++) {
			j->t = coast__spawn(test_yielder_start(
				&coast__task_alloc, j->i % 2, j->i, NULL, NULL));
			j->out = -1;
			spin(j->i % 64 * 100);
			READY_AWAIT(1, j->sub,
				    coast_join__coast_ready(j->t, &j->out,
							    &j->r),
				    COAST_START(coast_join)(cx->frames, j->t,
							    &j->out),
				    j->r, fast, slow);
			ASSERT_EQ(j->r, 0);
			ASSERT_EQ(j->out, j->i);
			j->ret++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* The companion's relaxed look at a state word another worker is setting
 * COMPLETE (TSan): each join once, with its task's result, on either
 * path. */
TEST_IMPL(ready_join_two_workers)
{
	enum { N = 5000 };
	struct joiner *j;

	test_workers(2);
	j = test_frame_new(&coast__task_alloc, &joiner_fn);
	j->n = N;
	ASSERT_EQ(test_join_int(coast__spawn(&j->h)), N);
	ASSERT_EQ(atomic_load(&fast) + atomic_load(&slow), N);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * Awaits a receive on ch, or a lock of m, through the companion, and
 * cancelled leaves through the drop path of the slow path it is on.
 */
struct blocked {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	coast_mutex *m;
	int v, r;
	struct coast_frame *sub;
};

TEST_FN(blocked_fn, struct blocked, blocked_poll);

static int blocked_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct blocked *b = (struct blocked *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &b->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		if (b->ch) {
			READY_AWAIT(1, b->sub,
				    coast_chan_recv__coast_ready(b->ch, &b->v,
								 &b->r),
				    COAST_START(coast_chan_recv)(cx->frames,
								 b->ch, &b->v),
				    b->r, fast, slow);
		} else {
			READY_AWAIT(2, b->sub,
				    coast_mutex_lock__coast_ready(b->m, &b->r),
				    COAST_START(coast_mutex_lock)(cx->frames,
								  b->m),
				    b->r, fast, slow);
		}
		b->ret = b->r;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static bool has_waiter(const void *ch)
{
	return coast__chan_waiters((coast_chan *)ch) == 1;
}

static bool has_lock_waiter(const void *m)
{
	return coast__mutex_waiters((coast_mutex *)m) == 1;
}

/* Cancelled on the slow path, each await leaves no waiter behind: what
 * is sent next stays in the channel, the mutex unlocks to nobody. */
TEST_IMPL(ready_cancel_slow_path)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	coast_mutex m = COAST_MUTEX_INIT;
	struct blocked *b;
	coast_task *t;
	int v = 9, got = -1, r = 7;

	test_workers(2);
	/* The workers start with the first block_on. */
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 1, 0,
						     NULL, NULL),
				  NULL),
		  0);
	b = test_frame_new(&coast__task_alloc, &blocked_fn);
	b->ch = ch;
	t = coast__spawn(&b->h);
	ASSERT(test_wait(has_waiter, ch));
	ASSERT_EQ(coast_cancel(t), 0);
	ASSERT_EQ(test_join_int(t), -ECANCELED);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1);
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, &got, &r), 1);
	ASSERT_EQ(got, 9);
	coast_chan_free(ch);

	ASSERT_EQ(coast_mutex_lock__coast_ready(&m, &r), 1);
	b = test_frame_new(&coast__task_alloc, &blocked_fn);
	b->m = &m;
	t = coast__spawn(&b->h);
	ASSERT(test_wait(has_lock_waiter, &m));
	ASSERT_EQ(coast_cancel(t), 0);
	ASSERT_EQ(test_join_int(t), -ECANCELED);
	ASSERT_EQ(coast__mutex_waiters(&m), 0);
	ASSERT_EQ(coast_mutex_unlock(&m), 0);
	ASSERT_EQ(coast_mutex_destroy(&m), 0); /* unlocked: nobody got it */
	ASSERT_EQ(atomic_load(&slow), 2);
	ASSERT_EQ(atomic_load(&fast), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
