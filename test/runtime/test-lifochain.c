/*
 * The LIFO slot runs at most MAX_LIFO_POLLS (3) tasks in a row
 * (docs/runtime.md, scheduler.c's run loop step 1), also when each task run from the slot wakes the next into
 * it and then yields (the one-worker yield loop restarted the count before
 * taking from the queue: 8 in a row).
 */
#include "test.h"

#define LC_LINKS 8
#define LC_ROUNDS 10
#define LC_SPINNERS 3

struct lc_shared {
	unsigned polls; /* the worker's alone */
	coast_waker *slot[LC_LINKS];
	unsigned woke_at, lifo_at;
	int run, max_run, rounds;
	bool stop;
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
	unsigned now = ++sh->polls;
	int i;

	if (f->flags & COAST_F_CANCEL || sh->stop) {
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	ASSERT_WITHIN(sh->t0, "the LIFO chain rounds");
	s->ret++;
	for (i = 0; i < LC_LINKS && sh->slot[i]; i++)
		;
	if (s->hook && i == LC_LINKS && s->ret % 37 == 0) {
		if (sh->rounds++ == LC_ROUNDS) {
			sh->stop = true;
			for (i = 0; i < LC_LINKS; i++) {
				coast_waker_wake(sh->slot[i]);
				sh->slot[i] = NULL;
			}
		} else {
			coast_waker_wake(sh->slot[0]);
			sh->slot[0] = NULL;
			sh->woke_at = now;
		}
	}
	coast__task_wake_self(cx);
	return COAST_PENDING;
}

/* Woken: wakes the next link, then yields once; then waits again. */
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

	if (f->flags & COAST_F_CANCEL || sh->stop) {
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	if (f->state == 1) {
		/* Woken, and polled right after the poll that woke it. */
		if (sh->woke_at == now - 1) {
			sh->run = sh->lifo_at == now - 1 ? sh->run + 1 : 1;
			sh->lifo_at = now;
			if (sh->run > sh->max_run)
				sh->max_run = sh->run;
		}
		if (l->id + 1 < LC_LINKS) {
			coast_waker_wake(sh->slot[l->id + 1]);
			sh->slot[l->id + 1] = NULL;
			sh->woke_at = now;
		}
		f->state = 2;
		coast__task_wake_self(cx);
		return COAST_PENDING;
	}
	f->state = 1;
	sh->slot[l->id] = coast_waker_get(cx);
	return COAST_PENDING;
}

static coast_task *lc_ts[LC_LINKS + LC_SPINNERS];

/* Spawns the links, then the spinners, from the worker, into lc_ts. */
static int lc_spawner(struct coast_cx *cx, void *sh, int n)
{
	struct lc_link *l;
	struct lc_spinner *s;
	int i;

	(void)cx, (void)n;
	for (i = 0; i < LC_LINKS; i++) {
		l = test_frame_new(&coast__task_alloc, &lc_link_fn);
		l->sh = sh;
		l->id = i;
		lc_ts[i] = test_spawn(&l->h);
	}
	for (i = 0; i < LC_SPINNERS; i++) {
		s = test_frame_new(&coast__task_alloc, &lc_spinner_fn);
		s->sh = sh;
		s->hook = i == 0;
		lc_ts[LC_LINKS + i] = test_spawn(&s->h);
	}
	return 0;
}

TEST_IMPL(yield_loop_lifo_chain)
{
	struct lc_shared sh = { 0 };
	int i, ret = -1;

	test_workers(1);
	sh.t0 = test_now_ms();
	ASSERT_EQ(coast__block_on(test_leaf_start(&coast__task_alloc,
						  lc_spawner, &sh, 0),
				  &ret),
		  0);
	for (i = 0; i < LC_LINKS + LC_SPINNERS; i++)
		test_join_int(lc_ts[i]);
	ASSERT(sh.max_run >= 1);
	ASSERT(sh.max_run <= 3);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
