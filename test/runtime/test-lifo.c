/*
 * test-lifo.c - the LIFO slot (scheduler.c) and wakes into it, which queue
 * the woken task RUNNING (rule 8 of task.c): two tasks waking each other
 * do not starve a third, and a task woken into the slot then cancelled or
 * woken again before it runs gets its cancellation poll and every wake.
 */
#include "test.h"

/* Joins tasks[0..n) from a block_on; returns how many joins returned 0
 * (results, ints, in outs). */
static int join_all(coast_task **tasks, size_t n, int *outs)
{
	int ok = -1;

	ASSERT_EQ(coast__block_on(test_join_all_start(&coast__task_alloc,
						      tasks, n, outs,
						      sizeof(int)),
				  &ok),
		  0);
	return ok;
}

/* ------------------------------------------------------------ fairness */

struct pair_shared {
	coast_waker *slot[2]; /* each side's waker, for the other to wake */
	bool third_ran;
	unsigned rounds;       /* wakes between the pair */
	unsigned rounds_at_third;
};

struct pair_side {
	struct coast_frame h;
	int ret;
	int me;
	struct pair_shared *sh;
};

TEST_FN(pair_side_fn, struct pair_side, pair_side_poll);

/* Wakes the other side and waits to be woken, until the third ran (one
 * worker: the shared fields need no lock). */
static int pair_side_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct pair_side *p = (struct pair_side *)f;
	struct pair_shared *sh = p->sh;
	coast_waker *other = sh->slot[!p->me];

	sh->slot[!p->me] = NULL;
	if (sh->third_ran || sh->rounds > 100000) {
		coast_waker_wake(other); /* let it see the end too */
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	coast_waker_drop(sh->slot[p->me]);
	sh->slot[p->me] = coast_waker_get(cx);
	if (other)
		sh->rounds++;
	coast_waker_wake(other);
	return COAST_PENDING;
}

struct third {
	struct coast_frame h;
	int ret;
	struct pair_shared *sh;
};

TEST_FN(third_fn, struct third, third_poll);

static int third_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct third *t = (struct third *)f;

	(void)cx;
	t->sh->third_ran = true;
	t->sh->rounds_at_third = t->sh->rounds;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(lifo_pair_no_starvation)
{
	struct pair_shared sh = { { NULL, NULL }, false, 0, 0 };
	struct pair_side *p[2];
	struct third *t;
	coast_task *tasks[3];
	unsigned i;

	test_workers(1);
	for (i = 0; i < 2; i++) {
		p[i] = test_frame_new(&coast__task_alloc, &pair_side_fn);
		p[i]->me = (int)i;
		p[i]->sh = &sh;
		tasks[i] = coast__spawn(&p[i]->h);
	}
	t = test_frame_new(&coast__task_alloc, &third_fn);
	t->sh = &sh;
	tasks[2] = coast__spawn(&t->h);
	ASSERT_EQ(join_all(tasks, 3, NULL), 3);
	ASSERT(sh.third_ran);
	/* The pair runs from the slot at most 3 times in a row, then goes to
	 * the back of the queue, behind the third. */
	ASSERT(sh.rounds_at_third <= 8);
	coast_waker_drop(sh.slot[0]);
	coast_waker_drop(sh.slot[1]);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------- woken into the slot, then */

/* In the test's frame: a task's own frame is gone once it is joined. */
struct sleeper_seen {
	unsigned polls, cancel_polls;
	coast_waker *waker;
};

struct sleeper {
	struct coast_frame h;
	int ret;
	struct sleeper_seen *seen;
};

TEST_FN(sleeper_fn, struct sleeper, sleeper_poll);

/* Waits for a wake once, then completes (1); a cancellation poll ends it. */
static int sleeper_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sleeper *s = (struct sleeper *)f;

	s->seen->polls++;
	if (f->flags & COAST_F_CANCEL) {
		s->seen->cancel_polls++;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	if (f->state == COAST_STATE_START) {
		s->seen->waker = coast_waker_get(cx);
		f->state = 1;
		return COAST_PENDING;
	}
	s->ret = 1;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

struct poker {
	struct coast_frame h;
	int ret;
	struct sleeper_seen *seen;
	coast_task *t;
	bool cancel;
};

TEST_FN(poker_fn, struct poker, poker_poll);

/* Wakes the sleeper (into this worker's LIFO slot: RUNNING, rule 8), then
 * cancels it, or wakes it again, before it can run. */
static int poker_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct poker *k = (struct poker *)f;
	coast_waker *w = k->seen->waker;

	(void)cx;
	ASSERT(w != NULL);
	k->seen->waker = NULL;
	coast_waker_wake_by_ref(w);
	ASSERT(coast__task_state(k->t) & COAST__ST_RUNNING);
	if (k->cancel)
		ASSERT_EQ(coast_cancel(k->t), 0);
	else
		coast_waker_wake_by_ref(w);
	coast_waker_drop(w);
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

static void poke(bool cancel)
{
	struct sleeper *s = test_frame_new(&coast__task_alloc, &sleeper_fn);
	struct poker *k = test_frame_new(&coast__task_alloc, &poker_fn);
	struct sleeper_seen seen = { 0, 0, NULL };
	coast_task *tasks[2];
	int outs[2] = { -7, -7 };

	test_workers(1);
	s->seen = &seen;
	k->seen = &seen;
	k->cancel = cancel;
	tasks[0] = coast__spawn(&s->h);
	k->t = tasks[0];
	tasks[1] = coast__spawn(&k->h);
	ASSERT_EQ(join_all(tasks, 2, outs), cancel ? 1 : 2);
	ASSERT_EQ(outs[0], cancel ? -7 : 1);
	ASSERT_EQ(seen.polls, 2);
	ASSERT_EQ(seen.cancel_polls, cancel ? 1 : 0);
	ASSERT_EQ(test_live_settle(0), 0);
}

/* The cancel finds it RUNNING: its next poll, the one the wake queued,
 * is the cancellation poll. */
TEST_IMPL(lifo_woken_then_cancelled)
{
	poke(true);
	return 0;
}

/* The second wake finds it RUNNING and sets NOTIFIED; the poll the first
 * wake queued completes it, and nothing is left queued. */
TEST_IMPL(lifo_woken_twice)
{
	poke(false);
	return 0;
}
