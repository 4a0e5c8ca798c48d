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
 *
 * A handle consumed before, by a join still waiting or a detach of a task
 * still running, is answered -EINVAL without touching the task.
 * coast_join takes the handle at its first poll, in the CAS that registers
 * the joiner (coast__task_join_first) or, when the task is complete
 * already, in the one that drops the handle's reference
 * (coast__task_consume_release): one atomic a join fewer than taking it
 * in the start function.  (Two joins racing for one complete task may
 * both copy the result out; the loser returns -EINVAL.)  The join sets
 * take their handles in their start functions (coast__task_take_handle).
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

/* Ends the join; a handle taken (state JOIN_WAIT) is released. */
static int join_done(struct join_frame *j, int ret)
{
	if (j->task && j->h.state == JOIN_WAIT)
		coast__task_unref(j->task);
	j->task = NULL;
	j->ret = ret;
	j->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

/* Ends a join whose first poll found the task done: takes and releases
 * the handle in one step. */
static int join_consume(struct join_frame *j, int ret)
{
	if (!coast__task_consume_release(j->task))
		ret = COAST__ERR(EINVAL);
	j->task = NULL;
	return join_done(j, ret);
}

static void join_copy_out(struct join_frame *j)
{
	struct coast_frame *root = coast__task_root(j->task);

	/* COMPLETE was read with acquire ordering: the result is visible. */
	if (j->out && root->fn->ret_size)
		coast__copy(j->out, (char *)root + root->fn->ret_offset,
			    root->fn->ret_size);
}

/*
 * A registered join polled again: its waker was the completer's to wake
 * once COMPLETE is set (task.c's join handshake), so the acquire load of
 * the word says all join_arm would, without the call; a poll before
 * COMPLETE is spurious and the waker stays armed.
 */
static int join_wait_poll(struct join_frame *j)
{
	uint64_t st = atomic_load_explicit(&j->task->state,
					   memory_order_acquire);

	if (!(st & COAST__ST_COMPLETE))
		return COAST_PENDING;
	if (st & COAST__ST_CANCELLED)
		return join_done(j, COAST__ERR(ECANCELED));
	join_copy_out(j);
	return join_done(j, 0);
}

static int join_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct join_frame *j = (struct join_frame *)f;

	/* The wake after a wait first: one test of each word to get here. */
	if (f->state == JOIN_WAIT && !(f->flags & COAST_F_CANCEL))
		return join_wait_poll(j);
	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (!j->task)
		return join_done(j, COAST__ERR(f->flags & COAST_F_CANCEL
						       ? ECANCELED
						       : EINVAL));
	if (f->flags & COAST_F_CANCEL) {
		if (f->state == JOIN_WAIT)
			coast__task_join_unregister(j->task);
		else if (!coast__task_consume_release(j->task))
			j->task = NULL; /* another consumer's */
		return join_done(j, COAST__ERR(ECANCELED));
	}
	if (f->state != COAST_STATE_START)
		abort(); /* a state this function never sets */
	/* Work-first: a task next in this worker's queue runs here, and
	 * its completion ends the join.  Without a cx this is the
	 * companion's poll, which has tried already. */
	if (cx && coast__join_inline(j->task, j->out, &j->ret)) {
		j->task = NULL;
		return join_done(j, j->ret);
	}
	switch (coast__task_join_first(j->task, cx)) {
	case COAST__JOIN_WAITING:
		f->state = JOIN_WAIT;
		return COAST_PENDING;
	case COAST__JOIN_HELD:
		f->state = JOIN_WAIT;
		return join_wait_poll(j);
	case COAST__JOIN_TAKEN:
		j->task = NULL;
		return join_done(j, COAST__ERR(EINVAL));
	case COAST__JOIN_CANCELLED:
		return join_consume(j, COAST__ERR(ECANCELED));
	case COAST__JOIN_COMPLETE:
		break;
	}
	join_copy_out(j);
	return join_consume(j, 0);
}

COAST_EXTERN struct coast_frame *
coast_join__coast_start(struct coast_alloc *a, coast_task *t, void *out)
{
	struct join_frame *j = coast__frame_new(a, &join_fn);

	if (!j)
		return NULL;
	j->ret = 0;
	j->task = t; /* taken at the first poll */
	j->out = out;
	return &j->h;
}

/*
 * coast_join__coast_ready's out-of-line part: a task completed by an
 * inline poll (scheduler.c) is joined there, the join's frame not even
 * made; one found COMPLETE gets join's first poll on a frame of the C
 * stack, which then answers without registering (COMPLETE is never
 * cleared while the handle holds the task), so no cx is needed: the
 * result, -ECANCELED or -EINVAL and the handle's consumption are join's
 * own.  NULL is -EINVAL at once as well.  A task polled inline that is
 * still pending answers 0: the join's frame waits for it (its first poll
 * does not run it again, coast__join_inline).
 */
/*
 * Binaries built against the earlier coast/runtime.h still call this only
 * after their own inline relaxed load of the state word, at offset 0 of
 * the task, found its COMPLETE bit, then (UINT64_C(1) << 3): that layout
 * and that bit stay, or such a binary would take a complete task for a
 * pending one (or the reverse) without being rebuilt.
 */
_Static_assert(offsetof(struct coast_task, state) == 0 &&
		       COAST__ST_COMPLETE == (UINT64_C(1) << 3),
	       "the earlier header's coast_join__coast_ready reads the state "
	       "word inline");

static __attribute__((noinline)) int join_ready_complete(coast_task *t,
							  void *out,
							  int *result)
{
	struct join_frame j = { .h = { .fn = &join_fn }, .task = t, .out = out };

	if (join_poll(&j.h, NULL) != COAST_READY)
		abort(); /* a complete task does not wait */
	*result = j.ret;
	return 1;
}

COAST_EXTERN int coast__join_ready(coast_task *t, void *out, int *result)
{
	/* acquire: a complete task's result is read next.  Both calls are
	 * tail calls: the frame of C stack is join_ready_complete's. */
	if (t && !(atomic_load_explicit(&t->state, memory_order_acquire) &
		   COAST__ST_COMPLETE))
		return coast__join_inline(t, out, result);
	return join_ready_complete(t, out, result);
}

/* ------------------------------------------------ join_any, join_timeout */

/*
 * coast_join_any(tasks, n, &index, out) and coast_join_timeout(t, ms, out):
 * one frame type, "a join set", waits for the first of n tasks to complete
 * with a result, optionally until a deadline, then cancels the others and
 * waits for them to finish.  Every handle is consumed whatever happens;
 * join_any sets each entry of tasks to NULL as it consumes it (the array is
 * the set's state: entries still non-NULL are the tasks still owned).
 *
 * States
 *   START  nothing registered.
 *   WAIT   the joining task's waker is registered with every owned task
 *          (task.c's join handshake, one join_waker per task) and, with a
 *          deadline, with a timer.  A task that completes wakes us; we scan
 *          the set in index order: the first found complete with a result
 *          wins (on one poll, the lowest index among those done), tasks
 *          found ended by cancellation are consumed and skipped.
 *   DRAIN  the outcome is known (a winner, the deadline, a NULL entry): the
 *          timer is disarmed, every task left is cancelled (task.c rule 5)
 *          and we wait for each to complete, still through its join waker.
 *          After a timeout, a task that completes with a result anyway (its
 *          cancellation came too late) becomes the winner: no result is
 *          thrown away for a timeout.
 * Cancelling the join set itself (COAST_F_CANCEL) cancels every task left,
 * unregisters and drops the handles without waiting: a spawned task owns
 * everything it uses, so its clean-up may finish after we are gone.
 */
enum { SET_WAIT = 1, SET_DRAIN = 2 };

struct joinset_frame {
	struct coast_frame h;
	int ret;
	coast_task **tasks;
	size_t n;
	size_t *index;
	void *out;
	uint64_t ms;
	bool timed;
	bool timer_armed;
	coast_task *one; /* join_timeout's task: tasks points here */
	struct coast__timer timer;
};

static int joinset_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn join_any_fn = {
	.poll = joinset_poll,
	.child = coast__no_child,
	.size = sizeof(struct joinset_frame),
	.ret_offset = offsetof(struct joinset_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_join_any",
	.file = __FILE__,
};

static const struct coast_fn join_timeout_fn = {
	.poll = joinset_poll,
	.child = coast__no_child,
	.size = sizeof(struct joinset_frame),
	.ret_offset = offsetof(struct joinset_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_join_timeout",
	.file = __FILE__,
};

static void set_consume(struct joinset_frame *s, size_t i)
{
	coast__task_unref(s->tasks[i]);
	s->tasks[i] = NULL;
}

/* The result of the complete task i goes to out; it is consumed. */
static void set_win(struct joinset_frame *s, size_t i)
{
	struct coast_frame *root = coast__task_root(s->tasks[i]);

	if (s->out && root->fn->ret_size)
		coast__copy(s->out, (char *)root + root->fn->ret_offset,
			    root->fn->ret_size);
	if (s->index)
		*s->index = i;
	s->ret = 0;
	set_consume(s, i);
}

static void set_disarm(struct joinset_frame *s)
{
	if (s->timer_armed) {
		coast_waker_drop(coast__timer_cancel(&s->timer));
		s->timer_armed = false;
	}
}

static int set_finish(struct joinset_frame *s)
{
	set_disarm(s);
	s->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

/* Starts DRAIN with result ret. */
static void set_drain(struct joinset_frame *s, int ret)
{
	size_t i;

	set_disarm(s);
	s->ret = ret;
	for (i = 0; i < s->n; i++)
		if (s->tasks[i])
			coast__task_cancel(s->tasks[i]);
	s->h.state = SET_DRAIN;
}

static int joinset_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct joinset_frame *s = (struct joinset_frame *)f;
	coast_waker *w;
	size_t i;
	bool left;
	int r;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (f->flags & COAST_F_CANCEL) {
		for (i = 0; i < s->n; i++) {
			if (!s->tasks[i])
				continue;
			coast__task_join_unregister(s->tasks[i]);
			coast__task_cancel(s->tasks[i]);
			set_consume(s, i);
		}
		s->ret = COAST__ERR(ECANCELED);
		return set_finish(s);
	}
	switch (f->state) {
	case COAST_STATE_START:
		for (i = 0; i < s->n && s->tasks[i]; i++)
			;
		if (!s->n || i < s->n) {
			set_drain(s, COAST__ERR(EINVAL));
			break;
		}
		if (s->timed) {
			uint64_t now = coast__now_ms();

			w = coast_waker_get(cx);
			r = coast__timer_start(&s->timer,
					       s->ms > UINT64_MAX - now
						       ? UINT64_MAX
						       : now + s->ms,
					       w);
			if (r) {
				coast_waker_drop(w);
				set_drain(s, r);
				break;
			}
			s->timer_armed = true;
		}
		f->state = SET_WAIT;
		/* fall through */
	case SET_WAIT:
		left = false;
		for (i = 0; i < s->n; i++) {
			if (!s->tasks[i])
				continue;
			switch (coast__task_join_register(s->tasks[i], cx)) {
			case COAST__JOIN_WAITING:
				left = true;
				continue;
			case COAST__JOIN_CANCELLED:
				set_consume(s, i);
				continue;
			case COAST__JOIN_COMPLETE:
				set_win(s, i);
				break;
			case COAST__JOIN_TAKEN:
			case COAST__JOIN_HELD:
				abort(); /* taken by the start function */
			}
			break;
		}
		if (i < s->n) {
			set_drain(s, 0);
		} else if (!left) {
			s->ret = COAST__ERR(ECANCELED); /* all ended cancelled */
			return set_finish(s);
		} else if (s->timer_armed && coast__timer_fired(&s->timer)) {
			s->timer_armed = false; /* its waker was consumed */
			set_drain(s, COAST__ERR(ETIMEDOUT));
		} else {
			return COAST_PENDING;
		}
		break;
	case SET_DRAIN:
		break;
	default:
		abort(); /* a state this function never sets */
	}
	/* SET_DRAIN */
	left = false;
	for (i = 0; i < s->n; i++) {
		if (!s->tasks[i])
			continue;
		switch (coast__task_join_register(s->tasks[i], cx)) {
		case COAST__JOIN_WAITING:
			left = true;
			break;
		case COAST__JOIN_COMPLETE:
			if (s->ret == COAST__ERR(ETIMEDOUT)) {
				set_win(s, i); /* too late to cancel */
				break;
			}
			/* A loser's result is discarded. */
			/* fall through */
		case COAST__JOIN_CANCELLED:
			set_consume(s, i);
			break;
		case COAST__JOIN_TAKEN:
		case COAST__JOIN_HELD:
			abort(); /* taken by the start function */
		}
	}
	if (left)
		return COAST_PENDING;
	return set_finish(s);
}

static struct joinset_frame *joinset_new(struct coast_alloc *a,
					 const struct coast_fn *fn)
{
	struct joinset_frame *s = coast__frame_new(a, fn);

	if (!s)
		return NULL;
	memset((char *)s + sizeof(s->h), 0, sizeof(*s) - sizeof(s->h));
	coast__timer_init(&s->timer);
	return s;
}

COAST_EXTERN struct coast_frame *
coast_join_any__coast_start(struct coast_alloc *a, coast_task **tasks,
			    size_t n, size_t *index, void *out)
{
	struct joinset_frame *s = joinset_new(a, &join_any_fn);
	size_t i;

	if (!s)
		return NULL;
	s->tasks = tasks;
	s->n = tasks ? n : 0;
	for (i = 0; i < s->n; i++)
		if (tasks[i] && !coast__task_take_handle(tasks[i]))
			tasks[i] = NULL; /* not ours: a bad entry, like NULL */
	s->index = index;
	s->out = out;
	return &s->h;
}

COAST_EXTERN struct coast_frame *
coast_join_timeout__coast_start(struct coast_alloc *a, coast_task *t,
				uint64_t ms, void *out)
{
	struct joinset_frame *s = joinset_new(a, &join_timeout_fn);

	if (!s)
		return NULL;
	s->one = t && coast__task_take_handle(t) ? t : NULL;
	s->tasks = &s->one;
	s->n = 1;
	s->out = out;
	s->ms = ms;
	s->timed = true;
	return &s->h;
}
