/*
 * race.c - coast_timeout and coast_first: futures raced inside one task.
 *
 * await(coast_timeout(ms, f(x), &out)) and await(coast_first(coast_arm(...),
 * ...)) are lowered to a race frame from the awaiting frame's allocator,
 * then each arm's frame (start function, same allocator, or boxed), handed
 * over with coast__race_arm, and the race is awaited like any sub-future.
 * No task, no thread: the arms are polled in place, so they may borrow the
 * awaiting frame's locals.
 *
 * Protocol:
 *  1. RUN: every poll polls the unfinished arms in index order (any of
 *     them may have been woken), then the timer.  The first arm READY wins;
 *     a fired timer wins if no arm did in that poll.
 *  2. CANCEL: the timer is disarmed, every other arm gets COAST_F_CANCEL
 *     and is polled until READY; the race stays PENDING while one of them
 *     runs async clean-up (it arranged its wake, rule 4 of future.h).
 *  3. Then the winner's result is copied to its out, the arms are freed in
 *     reverse order and the race is READY with its outcome.
 *  4. A race polled with COAST_F_CANCEL (its awaiter is dropped) goes to
 *     CANCEL with no winner: every arm is cancelled, nothing is copied.
 *  5. A timeout's arm whose cancel did not take (a leaf that completed
 *     first clears COAST_F_CANCEL and returns its result: a ring write,
 *     io.c) wins after all: what it did is reported, not -ETIMEDOUT.  A
 *     coast_first has its winner already: a loser's result is dropped,
 *     and a loser's write that completed first stays written, unreported.
 *
 * Frame memory: the arms' frames sit above the race on the awaiting
 * frame's allocator, so freeing them (3), then the race, is LIFO.  What the
 * arms allocate while they run must be LIFO too, but arms run interleaved:
 * only the last arm allocates from the allocator the race was polled with
 * (on top of everything); the others take their callees' frames from
 * coast__box_alloc.  A timeout has one arm: it never mallocs.
 *
 * The arms are polled with coast__poll_here, never answering COAST_DESCEND
 * to the executor: a descended frame inside one arm would otherwise be
 * polled alone while the timer or another arm wins.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define RACE_MAX_ARMS 16

enum { RACE_RUN = 1, RACE_CANCEL = 2 };

/* The outcome of a race dropped by its awaiter: nothing to copy. */
#define RACE_DROPPED (-ECANCELED)

struct race_arm {
	struct coast_frame *f;
	struct coast_alloc *a; /* it came from; the race frees it there */
	void *out;             /* its result goes there if it wins */
	bool done;             /* READY: polled no more */
};

struct race_frame {
	struct coast_frame h;
	int ret;
	int outcome;       /* winner index, -ETIMEDOUT, -EINVAL, ... */
	long long ms;      /* coast_timeout's; < 0 for coast_first */
	bool timed;        /* coast_timeout */
	bool armed;        /* the timer holds our waker */
	unsigned narms;
	unsigned added;    /* arms handed over so far */
	struct coast__timer timer;
	struct race_arm arms[];
};

#define RACE_SIZE(n) \
	(offsetof(struct race_frame, arms) + (n) * sizeof(struct race_arm))

static int race_poll(struct coast_frame *f, struct coast_cx *cx);

/* The arm the race waits for first: what a task dump follows. */
static void *race_child(void *f, const struct coast_fn **cfn)
{
	struct race_frame *r = f;
	unsigned i;

	*cfn = NULL;
	for (i = 0; i < r->added; i++)
		if (!r->arms[i].done)
			return r->arms[i].f;
	return NULL;
}

/* One descriptor per arity: fn->size is what the frame is freed with. */
#define RACE_FN(n, label)                                                 \
	{ .poll = race_poll, .child = race_child, .size = RACE_SIZE(n),   \
	  .ret_offset = offsetof(struct race_frame, ret),                 \
	  .ret_size = sizeof(int), .name = label, .file = __FILE__ }
#define RACE_FNS(name)                                                    \
	{ RACE_FN(1, name),  RACE_FN(2, name),  RACE_FN(3, name),         \
	  RACE_FN(4, name),  RACE_FN(5, name),  RACE_FN(6, name),         \
	  RACE_FN(7, name),  RACE_FN(8, name),  RACE_FN(9, name),         \
	  RACE_FN(10, name), RACE_FN(11, name), RACE_FN(12, name),        \
	  RACE_FN(13, name), RACE_FN(14, name), RACE_FN(15, name),        \
	  RACE_FN(16, name) }

static const struct coast_fn timeout_fn = RACE_FN(1, "coast_timeout");
static const struct coast_fn first_fns[RACE_MAX_ARMS] = RACE_FNS("coast_first");

static struct coast_frame *race_start(struct coast_alloc *a,
				      const struct coast_fn *fn,
				      unsigned narms, long long ms,
				      bool timed)
{
	struct race_frame *r = coast__frame_new(a, fn);

	if (!r)
		return NULL;
	r->ret = 0;
	r->outcome = 0;
	r->ms = ms;
	r->timed = timed;
	r->armed = false;
	r->narms = narms;
	r->added = 0;
	coast__timer_init(&r->timer);
	return &r->h;
}

struct coast_frame *coast__timeout__coast_start(struct coast_alloc *a,
						long long ms)
{
	return race_start(a, &timeout_fn, 1, ms, true);
}

struct coast_frame *coast__first__coast_start(struct coast_alloc *a,
					      unsigned narms)
{
	/* The lowering counts the arms; it never asks for more. */
	if (narms == 0 || narms > RACE_MAX_ARMS)
		abort();
	return race_start(a, &first_fns[narms - 1], narms, -1, false);
}

void coast__race_arm(struct coast_frame *race, struct coast_alloc *a,
		     struct coast_frame *arm, void *out, const char *name)
{
	struct race_frame *r = (struct race_frame *)race;
	struct race_arm *x;

	if (!arm)
		coast__out_of_frames(name);
	/* Lowered code hands over exactly narms arms before the first poll. */
	if (r->added == r->narms)
		abort();
	x = &r->arms[r->added++];
	x->f = arm;
	x->a = a;
	x->out = out;
	x->done = false;
}

/* Polls arm i in place with the allocator it may use (see the top). */
static int poll_arm(struct race_frame *r, unsigned i, struct coast_cx *cx)
{
	struct coast_cx sub = *cx;
	int rc;

	if (i + 1 < r->narms)
		sub.frames = &coast__box_alloc;
	rc = coast__poll_here(r->arms[i].f, &sub);
	cx->yield_now = sub.yield_now; /* an arm's yield is the task's */
	if (rc == COAST_READY)
		r->arms[i].done = true;
	return rc;
}

static void disarm(struct race_frame *r)
{
	if (r->armed)
		coast_waker_drop(coast__timer_cancel(&r->timer));
	r->armed = false;
}

/* Rules 2 and 3: READY once every arm is, with the outcome stored. */
static int cancel_losers(struct race_frame *r, struct coast_cx *cx)
{
	bool pending = false;
	struct race_arm *w;
	unsigned i;

	for (i = 0; i < r->narms; i++) {
		if (r->arms[i].done)
			continue;
		r->arms[i].f->flags |= COAST_F_CANCEL;
		if (poll_arm(r, i, cx) != COAST_READY)
			pending = true;
		else if (r->outcome == -ETIMEDOUT &&
			 !(r->arms[i].f->flags & COAST_F_CANCEL))
			r->outcome = (int)i; /* rule 5 */
	}
	if (pending)
		return COAST_PENDING;
	if (r->outcome >= 0) {
		w = &r->arms[r->outcome];
		if (w->out && w->f->fn->ret_size)
			memcpy(w->out, (char *)w->f + w->f->fn->ret_offset,
			       w->f->fn->ret_size);
	}
	for (i = r->narms; i-- > 0;)
		r->arms[i].a->free(r->arms[i].a, r->arms[i].f,
				   r->arms[i].f->fn->size);
	r->ret = r->outcome == RACE_DROPPED ? -ECANCELED : r->outcome;
	r->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

static void finish_with(struct race_frame *r, int outcome)
{
	disarm(r);
	r->outcome = outcome;
	r->h.state = RACE_CANCEL;
}

static int race_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct race_frame *r = (struct race_frame *)f;
	coast_waker *w;
	unsigned i;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (r->added != r->narms)
		abort(); /* polled before the lowering handed over its arms */
	if ((f->flags & COAST_F_CANCEL) && f->state != RACE_CANCEL)
		finish_with(r, RACE_DROPPED);
	switch (f->state) {
	case COAST_STATE_START:
		f->state = RACE_RUN;
		if (!r->timed)
			break;
		if (r->ms < 0) {
			finish_with(r, -EINVAL);
			return cancel_losers(r, cx);
		}
		w = coast_waker_get(cx);
		if (coast__timer_start(&r->timer,
				       coast__now_ms() + (uint64_t)r->ms, w)) {
			coast_waker_drop(w); /* -ENOMEM: still ours */
			finish_with(r, -ENOMEM);
			return cancel_losers(r, cx);
		}
		r->armed = true;
		break;
	case RACE_RUN:
		break;
	case RACE_CANCEL:
		return cancel_losers(r, cx);
	default:
		abort();
	}
	/* RUN: an arm that is ready wins over a timer that fired too. */
	for (i = 0; i < r->narms; i++) {
		if (poll_arm(r, i, cx) == COAST_READY) {
			finish_with(r, (int)i);
			return cancel_losers(r, cx);
		}
	}
	if (r->armed && coast__timer_fired(&r->timer)) {
		finish_with(r, -ETIMEDOUT);
		return cancel_losers(r, cx);
	}
	return COAST_PENDING;
}
