/*
 * test-lifo.c - the LIFO slot (scheduler.c) and wakes into it, which queue
 * the woken task RUNNING (rule 8 of task.c): two tasks waking each other
 * do not starve a third, queued or injected from another thread, and a
 * task woken into the slot then cancelled or woken again before it runs
 * gets its cancellation poll and every wake.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

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
	unsigned rounds; /* wakes between the pair */
	unsigned rounds_at_third;
	unsigned limit; /* rounds the pair makes at most */
	/* lifo_pair_foreign_spawn's: the third was spawned, and 1 + the
	 * rounds when the pair first saw that (0: not yet). */
	atomic_bool spawned;
	unsigned rounds_at_seen;
	/* lifo_pair_pinned's and lifo_pair_foreign_late's: the rounds at
	 * which a side spawns the third as a local task, or lets a thread
	 * spawn it (late_go) (0: never). */
	unsigned third_at;
	bool third_local;
	atomic_bool late_go;
};

struct pair_side {
	struct coast_frame h;
	int ret;
	int me;
	struct pair_shared *sh;
};

TEST_FN(pair_side_fn, struct pair_side, pair_side_poll);
static int third(struct coast_cx *cx, void *p, int n);

/* Wakes the other side and waits to be woken, until the third ran (one
 * worker: the shared fields need no lock). */
static int pair_side_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct pair_side *p = (struct pair_side *)f;
	struct pair_shared *sh = p->sh;
	coast_waker *other = sh->slot[!p->me];

	sh->slot[!p->me] = NULL;
	if (!sh->rounds_at_seen && atomic_load(&sh->spawned))
		sh->rounds_at_seen = sh->rounds + 1;
	if (sh->third_ran || sh->rounds > sh->limit) {
		coast_waker_wake(other); /* let it see the end too */
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	if (sh->third_at && sh->rounds == sh->third_at) {
		sh->third_at = 0;
		if (sh->third_local)
			ASSERT_EQ(coast_detach(coast__spawn_local(
					  test_leaf_start(&coast__task_alloc,
							  third, sh, 0))),
				  0);
		else
			atomic_store(&sh->late_go, true);
	}
	coast_waker_drop(sh->slot[p->me]);
	sh->slot[p->me] = coast_waker_get(cx);
	if (other)
		sh->rounds++;
	coast_waker_wake(other);
	return COAST_PENDING;
}

static int third(struct coast_cx *cx, void *p, int n)
{
	struct pair_shared *sh = p;

	(void)cx, (void)n;
	sh->third_ran = true;
	sh->rounds_at_third = sh->rounds;
	return 0;
}

/* The pair's two tasks, sharing sh, in tasks[0..2). */
static void spawn_pair(struct pair_shared *sh, coast_task **tasks)
{
	struct pair_side *p;
	int i;

	for (i = 0; i < 2; i++) {
		p = test_frame_new(&coast__task_alloc, &pair_side_fn);
		p->me = i;
		p->sh = sh;
		tasks[i] = coast__spawn(&p->h);
	}
}

/* The pair's end: the wakers they kept dropped, no task left. */
static int pair_end(struct pair_shared *sh)
{
	coast_waker_drop(sh->slot[0]);
	coast_waker_drop(sh->slot[1]);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

TEST_IMPL(lifo_pair_no_starvation)
{
	struct pair_shared sh = { .limit = 100000 };
	coast_task *tasks[3];

	test_workers(1);
	spawn_pair(&sh, tasks);
	tasks[2] = coast__spawn(
		test_leaf_start(&coast__task_alloc, third, &sh, 0));
	ASSERT_EQ(join_all(tasks, 3, NULL), 3);
	ASSERT(sh.third_ran);
	/* The pair runs from the slot at most 3 times in a row, then goes to
	 * the back of the queue, behind the third. */
	ASSERT(sh.rounds_at_third <= 8);
	return pair_end(&sh);
}

/* Spawns the third from off the runtime (the injection queue), then
 * tells the pair. */
static void *spawn_third(void *arg)
{
	struct pair_shared *sh = arg;

	ASSERT_EQ(coast_detach(coast__spawn(
			  test_leaf_start(&coast__task_alloc, third, sh, 0))),
		  0);
	atomic_store(&sh->spawned, true);
	return NULL;
}

/*
 * One worker, the pair alone in its queues: every fourth poll (the slot's
 * count used up) goes to the back of an empty queue, which gives it back
 * at once, and counts a turn; a task injected from another thread
 * meanwhile runs at the tick (every 61 turns), not never.
 */
/* One worker, the pair run to its end while the thread spawner spawns
 * the third. */
static void pair_with_thread(struct pair_shared *sh, void *(*spawner)(void *))
{
	coast_task *tasks[2];
	pthread_t th;

	test_workers(1);
	spawn_pair(sh, tasks);
	ASSERT_EQ(pthread_create(&th, NULL, spawner, sh), 0);
	ASSERT_EQ(join_all(tasks, 2, NULL), 2);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT(sh->third_ran);
}

TEST_IMPL(lifo_pair_foreign_spawn)
{
	/* The limit only ends a broken run. */
	struct pair_shared sh = { .limit = 100000000 };

	pair_with_thread(&sh, spawn_third);
	/* Within a tick's 61 turns, one in 4 polls (unless it ran before
	 * the pair saw it queued). */
	if (sh.rounds_at_seen)
		ASSERT(sh.rounds_at_third + 1 - sh.rounds_at_seen <= 61 * 4 + 4);
	return pair_end(&sh);
}

/*
 * One worker, the pair alone in its list: a fourth poll's task is held
 * back from the empty list (next_task) while the turn looks at the pinned
 * queue, whose local task then runs first; the held task must still go to
 * the list, behind it, or its side is never polled again (a hang).  The
 * turns count down only on such polls, every other one is the pinned
 * queue's: the local task runs within two of them.
 */
TEST_IMPL(lifo_pair_pinned)
{
	struct pair_shared sh = { .limit = 100000,
				  .third_at = 50,
				  .third_local = true };
	coast_task *tasks[2];

	test_workers(1);
	spawn_pair(&sh, tasks);
	ASSERT_EQ(join_all(tasks, 2, NULL), 2);
	ASSERT(sh.third_ran);
	ASSERT(sh.rounds_at_third - 50 <= 8);
	return pair_end(&sh);
}

/* spawn_third once the pair has made its rounds. */
static void *spawn_third_late(void *arg)
{
	struct pair_shared *sh = arg;

	while (!atomic_load(&sh->late_go))
		sched_yield();
	return spawn_third(sh);
}

/*
 * lifo_pair_foreign_spawn with the pair in its stride first: the injected
 * task is taken at a tick, a turn whose fourth-poll task is held back from
 * the empty list (next_task); it must still go to the list, or its side
 * is never polled again (a hang).
 */
TEST_IMPL(lifo_pair_foreign_late)
{
	struct pair_shared sh = { .limit = 100000000, .third_at = 50 };

	pair_with_thread(&sh, spawn_third_late);
	ASSERT(sh.rounds_at_seen > 50);
	ASSERT(sh.rounds_at_third + 1 - sh.rounds_at_seen <= 61 * 4 + 4);
	return pair_end(&sh);
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

/* ------------------------------------- a spawn behind a yielded task */

struct announce_shared {
	_Atomic(coast_waker *) x_waker; /* the spinner's, for the waker */
	atomic_bool z_ran;
	bool seen;  /* by the spinner: z ran while it spun */
};

struct announce_task {
	struct coast_frame h;
	int ret;
	struct announce_shared *sh;
};

TEST_FN(spinner_fn, struct announce_task, spinner_poll);
TEST_FN(yielder_fn, struct announce_task, yielder_poll);

static int spawned(struct coast_cx *cx, void *sh, int n)
{
	(void)cx, (void)n;
	atomic_store(&((struct announce_shared *)sh)->z_ran, true);
	return 0;
}

/* Waits to be woken, then spawns z and spins until z ran (or 10 s, for a
 * loaded machine to get the other worker onto a CPU): z can only run on
 * the other worker. */
static int spinner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct announce_task *x = (struct announce_task *)f;
	coast_task *zt;
	double t0;

	if (f->state == COAST_STATE_START) {
		f->state = 1;
		atomic_store(&x->sh->x_waker, coast_waker_get(cx));
		return COAST_PENDING;
	}
	zt = coast__spawn(
		test_leaf_start(&coast__task_alloc, spawned, x->sh, 0));
	if (zt)
		coast_detach(zt);
	t0 = test_now_ms();
	while (!atomic_load(&x->sh->z_ran) && test_now_ms() - t0 < 10000)
		;
	x->sh->seen = atomic_load(&x->sh->z_ran);
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* Wakes the spinner (into this worker's LIFO slot), then yields: the
 * yield queues it without a notify (P7). */
static int yielder_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct announce_task *r = (struct announce_task *)f;

	if (f->state == COAST_STATE_START) {
		f->state = 1;
		coast_waker_wake(atomic_exchange(&r->sh->x_waker, NULL));
		coast__task_wake_self(cx);
		return COAST_PENDING;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

static void *spawn_yielder(void *arg)
{
	struct announce_shared *sh = arg;
	struct timespec tick = { 0, 1000 * 1000 };
	struct announce_task *r;
	coast_task *t;
	int i;

	for (i = 0; i < 5000 && !atomic_load(&sh->x_waker); i++)
		nanosleep(&tick, NULL);
	/* Both workers park: the yielder's spawn wakes one of them. */
	tick.tv_nsec = 50 * 1000 * 1000;
	nanosleep(&tick, NULL);
	r = test_frame_new(&coast__task_alloc, &yielder_fn);
	r->sh = sh;
	t = coast__spawn(&r->h);
	if (t)
		coast_detach(t);
	return NULL;
}

/*
 * P8 of scheduler.c: a task spawned into a local queue that is not empty
 * only because of a yield (which did not notify) must still wake an idle
 * worker.  Otherwise, with the spawner spinning, it waits behind it while
 * the other worker sleeps.
 */
TEST_IMPL(lifo_spawn_behind_yield_announced)
{
	struct announce_shared sh = { .seen = false };
	struct announce_task *x;
	coast_task *tasks[1];
	pthread_t th;

	atomic_init(&sh.x_waker, NULL);
	atomic_init(&sh.z_ran, false);
	test_workers(2);
	x = test_frame_new(&coast__task_alloc, &spinner_fn);
	x->sh = &sh;
	tasks[0] = coast__spawn(&x->h);
	ASSERT_EQ(pthread_create(&th, NULL, spawn_yielder, &sh), 0);
	ASSERT_EQ(join_all(tasks, 1, NULL), 1);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT(sh.seen);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
