/*
 * test-local.c - coast__spawn_local: a local task never changes thread,
 * whether it yields, is woken by a timer the driver fires on another worker
 * or by a blocking-pool thread, while other workers steal everything they
 * can; spawned off the runtime it runs where block_on's root runs; it gets
 * its home's every other turn while tasks in the home's own queue yield
 * (P6).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "test.h"

/* Records its thread, then checks it after every kind of wake. */
struct pinned {
	struct coast_frame h;
	int ret;
	int rounds;
	int i;
	int dummy;
	int worker;
	pthread_t thread;
	struct coast_frame *sub;
};

TEST_FN(pinned_fn, struct pinned, pinned_poll);

static int nothing(void *arg)
{
	(void)arg;
	return 0;
}

static void same_thread(struct pinned *p)
{
	ASSERT(pthread_equal(pthread_self(), p->thread));
	ASSERT_EQ(coast__worker_id(), p->worker);
}

static int pinned_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct pinned *p = (struct pinned *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &p->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		p->thread = pthread_self();
		p->worker = coast__worker_id();
		ASSERT(p->worker >= 0);
		for (p->i = 0; p->i < p->rounds; p->i++) {
			TEST_AWAIT_YIELD(1, p->sub);
			same_thread(p);
			TEST_AWAIT(2, p->sub,
				   COAST_START(coast_sleep_ms)(cx->frames,
							       p->i % 4 == 0),
				   int, p->dummy);
			same_thread(p);
			TEST_AWAIT(3, p->sub,
				   COAST_START(coast_blocking)(cx->frames,
							       nothing, NULL),
				   int, p->dummy);
			same_thread(p);
		}
		p->ret = p->worker;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static struct coast_frame *pinned_new(int rounds)
{
	struct pinned *p = test_frame_new(&coast__task_alloc, &pinned_fn);

	p->rounds = rounds;
	return &p->h;
}

/* Spins, yields, spins: busy work for stealers. */
struct busy {
	struct coast_frame h;
	int ret;
	struct coast_frame *sub;
};

TEST_FN(busy_fn, struct busy, busy_poll);

static void spin_us(unsigned us)
{
	double end = test_now_ms() + us / 1000.0;

	while (test_now_ms() < end)
		;
}

static int busy_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct busy *b = (struct busy *)f;

	switch (f->state) {
	case COAST_STATE_START:
		spin_us(20);
		TEST_AWAIT_YIELD(1, b->sub);
		spin_us(20);
		b->ret = 1;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

#define NLOCAL 8
#define NBUSY 600

/* Spawns busy tasks and local ones in turn from one worker, joins all. */
struct mixer {
	struct coast_frame h;
	int ret;
	coast_task *tasks[NLOCAL + NBUSY];
	int outs[NLOCAL + NBUSY];
	struct coast_frame *sub;
};

TEST_FN(mixer_fn, struct mixer, mixer_poll);

static int mixer_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct mixer *m = (struct mixer *)f;
	struct busy *b;
	int i, n = 0;

	switch (f->state) {
	case COAST_STATE_START:
		for (i = 0; i < NBUSY; i++) {
			if (i % (NBUSY / NLOCAL) == 0)
				m->tasks[n++] = coast__spawn_local(pinned_new(40));
			b = test_frame_new(&coast__task_alloc, &busy_fn);
			m->tasks[n++] = coast__spawn(&b->h);
		}
		ASSERT_EQ(n, NLOCAL + NBUSY);
		TEST_AWAIT(1, m->sub,
			   test_join_all_start(cx->frames, m->tasks, (size_t)n,
					       m->outs, sizeof(int)),
			   int, m->ret);
		/* Every local task stayed on the spawner's worker. */
		for (i = 0; i < n; i += NBUSY / NLOCAL + 1)
			ASSERT_EQ(m->outs[i], coast__worker_id());
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(local_never_moves)
{
	struct mixer *m;

	test_workers(4);
	m = test_frame_new(&coast__task_alloc, &mixer_fn);
	ASSERT_EQ(test_block_on_int(&m->h), NLOCAL + NBUSY);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Reports the worker it runs on. */
static int where(struct coast_cx *cx, void *p, int n)
{
	(void)cx, (void)p, (void)n;
	return coast__worker_id();
}

/* Local tasks spawned from main before block_on run on the root's worker,
 * also when other workers are idle and looking for work. */
TEST_IMPL(local_off_runtime)
{
	coast_task *t[NLOCAL];
	int outs[NLOCAL], root = -1, i;
	struct coast_frame *j;

	test_workers(4);
	for (i = 0; i < NLOCAL; i++) {
		t[i] = coast__spawn_local(pinned_new(10));
		ASSERT(t[i] != NULL);
	}
	ASSERT_EQ(coast__block_on(test_leaf_start(&coast__task_alloc, where,
						  NULL, 0),
				  &root),
		  0);
	ASSERT(root >= 0);
	j = test_join_all_start(&coast__task_alloc, t, NLOCAL, outs,
				sizeof(int));
	ASSERT_EQ(test_block_on_int(j), NLOCAL);
	for (i = 0; i < NLOCAL; i++)
		ASSERT_EQ(outs[i], root);
	ASSERT_EQ(coast__spawn_local(NULL), NULL);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* A local task is cancelled (and detached) like any other. */
TEST_IMPL(local_cancel)
{
	coast_task *t;
	struct coast_frame *j;

	test_workers(2);
	t = coast__spawn_local(pinned_new(1000000));
	ASSERT_EQ(coast_cancel(t), 0);
	j = COAST_START(coast_join)(&coast__task_alloc, t, NULL);
	ASSERT_EQ(test_block_on_int(j), -ECANCELED);
	coast_detach(coast__spawn_local(pinned_new(3)));
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

#define TURN_SPINNERS 4
#define TURN_YIELDS 1000
#define SPIN_CAP 100000

/* Cap on a spinner's yields while *go is not yet set. */
#define GO_CAP 100000000

/*
 * Yields until *go is set (uncounted: the main thread may be preempted
 * between the spawns, and the cap must not run out meanwhile), then until
 * *stop is set, SPIN_CAP times at most, counting in *yields.
 */
struct counting_spinner {
	struct coast_frame h;
	int ret;
	int i;
	atomic_int *go;
	atomic_int *stop;
	atomic_int *yields;
	struct coast_frame *sub;
};

TEST_FN(counting_spinner_fn, struct counting_spinner, counting_spinner_poll);

static int counting_spinner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct counting_spinner *s = (struct counting_spinner *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &s->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		for (s->i = 0; s->i < GO_CAP && !atomic_load(s->go); s->i++)
			TEST_AWAIT(2, s->sub,
				   COAST_START(coast_yield)(cx->frames), int,
				   s->ret);
		for (s->i = 0; s->i < SPIN_CAP && !atomic_load(s->stop);
		     s->i++) {
			TEST_AWAIT(1, s->sub,
				   COAST_START(coast_yield)(cx->frames), int,
				   s->ret);
			atomic_fetch_add(s->yields, 1);
		}
		s->ret = s->i;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* A local task that yields TURN_YIELDS times, then sets *stop; returns how
 * many times the spinners yielded meanwhile. */
struct turn_taker {
	struct coast_frame h;
	int ret;
	int i;
	int start;
	atomic_int *stop;
	atomic_int *yields;
	struct coast_frame *sub;
};

TEST_FN(turn_taker_fn, struct turn_taker, turn_taker_poll);

static int turn_taker_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct turn_taker *t = (struct turn_taker *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &t->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		t->start = atomic_load(t->yields);
		for (t->i = 0; t->i < TURN_YIELDS; t->i++)
			TEST_AWAIT_YIELD(1, t->sub);
		t->ret = atomic_load(t->yields) - t->start;
		atomic_store(t->stop, 1);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/*
 * P6: one worker, its own queue never empty (spinners that yield), and a
 * local task that yields: the pinned queue has every other turn, so the
 * spinners yield about TURN_YIELDS times while it does.  Without the turn
 * it would run only once they stopped on their own (SPIN_CAP each).
 */
TEST_IMPL(local_turn_while_busy)
{
	coast_task *ts[TURN_SPINNERS], *tl;
	struct counting_spinner *s;
	struct turn_taker *t;
	atomic_int go, stop, yields;
	int i, ret = -1;

	test_workers(1);
	atomic_init(&go, 0);
	atomic_init(&stop, 0);
	atomic_init(&yields, 0);
	/* Starts the runtime: the spawns below go to a running worker. */
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 1,
						     7, NULL, NULL),
				  &ret),
		  0);
	for (i = 0; i < TURN_SPINNERS; i++) {
		s = test_frame_new(&coast__task_alloc, &counting_spinner_fn);
		s->go = &go;
		s->stop = &stop;
		s->yields = &yields;
		ts[i] = test_spawn(&s->h);
	}
	t = test_frame_new(&coast__task_alloc, &turn_taker_fn);
	t->stop = &stop;
	t->yields = &yields;
	tl = coast__spawn_local(&t->h);
	ASSERT(tl != NULL);
	atomic_store(&go, 1);
	ret = test_join_int(tl);
	/* About TURN_YIELDS; SPIN_CAP * TURN_SPINNERS without the turn. */
	ASSERT(ret <= 4 * TURN_YIELDS);
	for (i = 0; i < TURN_SPINNERS; i++)
		ASSERT(test_join_int(ts[i]) < SPIN_CAP);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
