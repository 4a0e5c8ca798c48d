/*
 * test-scheduler.c - the multi-threaded scheduler: tasks stolen across
 * workers, a million tasks spawned and joined, wakes from eight foreign
 * threads, timers firing on time while every worker is busy.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "test.h"

/* ------------------------------------------------------------- stealing */

/*
 * Records the worker it ran on, spins a little and on while no other
 * worker ran a marker (until steal_deadline: a loaded machine may keep
 * the stealers off their CPUs for a while), yields, records again.
 */
struct marker {
	struct coast_frame h;
	int ret;
	atomic_uint *seen; /* bit i: worker i ran a marker */
	struct coast_frame *sub;
};

TEST_FN(marker_fn, struct marker, marker_poll);

static double steal_deadline;

static void spin_us(unsigned us)
{
	double end = test_now_ms() + us / 1000.0;

	while (test_now_ms() < end)
		;
}

static int marker_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct marker *m = (struct marker *)f;

	switch (f->state) {
	case COAST_STATE_START:
		ASSERT(coast__worker_id() >= 0);
		atomic_fetch_or(m->seen, 1u << coast__worker_id());
		spin_us(50);
		while (__builtin_popcount(atomic_load(m->seen)) < 2 &&
		       test_now_ms() < steal_deadline)
			;
		TEST_AWAIT_YIELD(1, m->sub);
		atomic_fetch_or(m->seen, 1u << coast__worker_id());
		m->ret = 1;
		return COAST_READY;
	}
	abort();
}

/* Spawns n markers from one task and joins them. */
struct spawn_markers {
	struct coast_frame h;
	int ret;
	int n;
	atomic_uint *seen;
	coast_task **tasks;
	struct coast_frame *sub;
};

TEST_FN(spawn_markers_fn, struct spawn_markers, spawn_markers_poll);

static int spawn_markers_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spawn_markers *s = (struct spawn_markers *)f;
	struct marker *m;
	int i;

	switch (f->state) {
	case COAST_STATE_START:
		s->tasks = calloc((size_t)s->n, sizeof(*s->tasks));
		ASSERT(s->tasks != NULL);
		for (i = 0; i < s->n; i++) {
			m = test_frame_new(&coast__task_alloc, &marker_fn);
			m->seen = s->seen;
			s->tasks[i] = test_spawn(&m->h);
		}
		TEST_AWAIT(1, s->sub,
			   test_join_all_start(cx->frames, s->tasks,
					       (size_t)s->n, NULL, 0),
			   int, s->ret);
		free(s->tasks);
		return COAST_READY;
	}
	abort();
}

/* One spawner fills its own queue: idle workers must steal to help. */
TEST_IMPL(sched_steal)
{
	struct spawn_markers *s;
	atomic_uint seen;
	int distinct = 0;
	unsigned i;

	test_workers(4);
	atomic_init(&seen, 0);
	steal_deadline = test_now_ms() + 10000.0;
	s = test_frame_new(&coast__task_alloc, &spawn_markers_fn);
	s->n = 2000;
	s->seen = &seen;
	ASSERT_EQ(test_block_on_int(&s->h), 2000);
	ASSERT_EQ(coast__worker_count(), 4);
	for (i = 0; i < 4; i++)
		distinct += !!(atomic_load(&seen) & (1u << i));
	fprintf(stderr, "sched_steal: markers ran on %d of 4 workers\n",
		distinct);
	ASSERT(distinct >= 2);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------ a million tasks */

static int tiny(struct coast_cx *cx, void *p, int v)
{
	(void)cx, (void)p;
	return v + 1;
}

/* Spawns and joins total tasks, batch at a time, summing results. */
struct million {
	struct coast_frame h;
	long long ret;
	int total, batch, done, i;
	int out;
	coast_task **tasks;
	struct coast_frame *sub;
	int r;
};

TEST_FN(million_fn, struct million, million_poll);

static int million_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct million *m = (struct million *)f;

	switch (f->state) {
	case COAST_STATE_START:
		m->tasks = calloc((size_t)m->batch, sizeof(*m->tasks));
		ASSERT(m->tasks != NULL);
		for (m->done = 0; m->done < m->total; m->done += m->batch) {
			for (m->i = 0; m->i < m->batch; m->i++)
				m->tasks[m->i] = test_leaf_spawn(
					tiny, NULL, m->done + m->i);
			for (m->i = 0; m->i < m->batch; m->i++) {
				TEST_AWAIT(1, m->sub,
					   COAST_START(coast_join)(
						   cx->frames, m->tasks[m->i],
						   &m->out),
					   int, m->r);
				ASSERT_EQ(m->r, 0);
				ASSERT_EQ(m->out, m->done + m->i + 1);
				m->ret += m->out;
			}
		}
		free(m->tasks);
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(sched_million)
{
	struct million *m = test_frame_new(&coast__task_alloc, &million_fn);
	long long sum = 0, n = 1000000;
	double t0 = test_now_ms(), dt;

	m->total = (int)n;
	m->batch = 10000;
	ASSERT_EQ(coast__block_on(&m->h, &sum), 0);
	dt = test_now_ms() - t0;
	ASSERT_EQ(sum, n * (n + 1) / 2);
	fprintf(stderr, "sched_million: %lld spawn+join in %.0f ms, %.0f ns each"
			" (%u workers)\n",
		n, dt, dt * 1e6 / (double)n, coast__worker_count());
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------ foreign wakes */

enum { NTHREADS = 8, ROUNDS = 2000 };

struct pong_shared {
	_Atomic(coast_waker *) waker;
	atomic_uint counter; /* bumped by the thread before each wake */
	atomic_uint ack;     /* what the task saw at its last poll */
};

struct pong {
	struct coast_frame h;
	unsigned ret;
	struct pong_shared *sh;
};

TEST_FN(pong_fn, struct pong, pong_poll);

static int pong_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct pong *p = (struct pong *)f;
	unsigned c;

	p->ret++;
	if (f->state == COAST_STATE_START) {
		atomic_store(&p->sh->waker, coast_waker_get(cx));
		f->state = 1;
	}
	c = atomic_load_explicit(&p->sh->counter, memory_order_acquire);
	atomic_store_explicit(&p->sh->ack, c, memory_order_release);
	return c == ROUNDS ? COAST_READY : COAST_PENDING;
}

static void *pong_thread(void *arg)
{
	struct pong_shared *sh = arg;
	coast_waker *w;
	unsigned i;
	double t0 = test_now_ms();

	while (!(w = atomic_load(&sh->waker))) {
		ASSERT_WITHIN(t0, "the pong task's waker");
		sched_yield();
	}
	for (i = 1; i <= ROUNDS; i++) {
		/* Each step waits for the task to see the previous one: a
		 * single lost wake-up fails here. */
		t0 = test_now_ms();
		while (atomic_load_explicit(&sh->ack, memory_order_acquire) !=
		       i - 1) {
			ASSERT_WITHIN(t0, "the pong task's ack of a wake");
			sched_yield();
		}
		atomic_store_explicit(&sh->counter, i, memory_order_release);
		coast_waker_wake_by_ref(w);
	}
	coast_waker_drop(w);
	return NULL;
}

/* Eight threads ping-pong with eight tasks at once, through wakers. */
TEST_IMPL(sched_foreign_wakes)
{
	static struct pong_shared sh[NTHREADS];
	coast_task *tasks[NTHREADS];
	pthread_t th[NTHREADS];
	unsigned polls[NTHREADS];
	struct pong *p;
	int i;

	for (i = 0; i < NTHREADS; i++) {
		atomic_init(&sh[i].waker, NULL);
		atomic_init(&sh[i].counter, 0);
		atomic_init(&sh[i].ack, 0);
		p = test_frame_new(&coast__task_alloc, &pong_fn);
		p->sh = &sh[i];
		tasks[i] = coast__spawn(&p->h);
		ASSERT_EQ(pthread_create(&th[i], NULL, pong_thread, &sh[i]), 0);
	}
	ASSERT_EQ(test_block_on_int(test_join_all_start(&coast__task_alloc,
							tasks, NTHREADS, polls,
							sizeof(unsigned))),
		  NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
		ASSERT(polls[i] >= ROUNDS);
		ASSERT_EQ(atomic_load(&sh[i].ack), ROUNDS);
	}
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* --------------------------------------------------- timers under load */

enum { NSLEEP = 12, NBUSY = 6, SPACING_MS = 25 };

struct busy {
	struct coast_frame h;
	int ret;
	atomic_int *stop;
	double t0;
	struct coast_frame *sub;
};

TEST_FN(busy_fn, struct busy, busy_poll);

/*
 * Burns CPU in short polls, yielding, until told to stop: once every
 * sleeper woke, which busy workers' ticks must see to within TEST_WAIT_MS
 * of t0 (then the busy tasks would keep every worker from idling forever).
 */
static int busy_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct busy *b = (struct busy *)f;

	switch (f->state) {
	case COAST_STATE_START:
		while (!atomic_load(b->stop)) {
			ASSERT_WITHIN(b->t0, "every sleeper woke while busy "
					     "tasks kept the workers busy");
			spin_us(20);
			TEST_AWAIT_YIELD(1, b->sub);
			b->ret++;
		}
		return COAST_READY;
	}
	abort();
}

struct timed {
	struct coast_frame h;
	int ret;
	uint64_t ms;
	double armed;
	double *late; /* ms after its deadline, stored on wake */
	int r;
	struct coast_frame *sub;
};

TEST_FN(timed_fn, struct timed, timed_poll);

static int timed_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct timed *t = (struct timed *)f;

	switch (f->state) {
	case COAST_STATE_START:
		t->armed = test_now_ms();
		TEST_AWAIT(1, t->sub, COAST_START(coast_sleep_ms)(cx->frames,
								  t->ms),
			   int, t->r);
		ASSERT_EQ(t->r, 0);
		*t->late = test_now_ms() - t->armed - (double)t->ms;
		return COAST_READY;
	}
	abort();
}

/*
 * Sleepers armed in shuffled order wake on time, never early, while more
 * busy tasks than workers keep every worker from idling.  Not in deadline
 * order: each arms at its first poll, which a stalled worker delays, and
 * timers that fire in one turn wake tasks other workers may run in any
 * order (timer_fire_order checks the order, with one worker).
 */
TEST_IMPL(sched_timers_under_load)
{
	coast_task *busy[NBUSY], *timed[NSLEEP];
	struct timed *tf[NSLEEP];
	int i, k;
	atomic_int stop;
	double late[NSLEEP], worst = 0, t0;
	struct busy *b;

	atomic_init(&stop, 0);
	t0 = test_now_ms();
	for (i = 0; i < NBUSY; i++) {
		b = test_frame_new(&coast__task_alloc, &busy_fn);
		b->stop = &stop;
		b->t0 = t0;
		busy[i] = coast__spawn(&b->h);
	}
	for (i = 0; i < NSLEEP; i++) {
		k = (i * 7) % NSLEEP; /* 0, 7, 2, 9, ...: a permutation */
		tf[k] = test_frame_new(&coast__task_alloc, &timed_fn);
		tf[k]->ms = (uint64_t)(k + 1) * SPACING_MS;
		tf[k]->late = &late[k];
		timed[k] = coast__spawn(&tf[k]->h);
	}
	ASSERT_EQ(test_block_on_int(test_join_all_start(
			  &coast__task_alloc, timed, NSLEEP, NULL, 0)),
		  NSLEEP);
	atomic_store(&stop, 1);
	ASSERT_EQ(test_block_on_int(test_join_all_start(&coast__task_alloc,
							busy, NBUSY, NULL, 0)),
		  NBUSY);
	for (i = 0; i < NSLEEP; i++) {
		/* Whole-ms clock: up to 1 ms early.  "On time" is 10 s:
		 * starved of CPU, a sanitizer build was 2 s late, and what
		 * this catches, a timer that busy workers never fire, is
		 * late for good. */
		ASSERT(late[i] > -1.5);
		ASSERT(late[i] < 10000.0);
		if (late[i] > worst)
			worst = late[i];
	}
	fprintf(stderr, "sched_timers_under_load: %d sleepers, worst %.2f ms "
			"late\n", NSLEEP, worst);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ---------------------------------------------------------- the spill */

/* Counts itself done in *count. */
static int tally(struct coast_cx *cx, void *count, int n)
{
	(void)cx, (void)n;
	atomic_fetch_add((atomic_int *)count, 1);
	return 0;
}

#define SPILLED 2000

/* Yields until *count reaches SPILLED; returns it. */
struct waiter {
	struct coast_frame h;
	int ret;
	double t0;
	atomic_int *count;
	struct coast_frame *sub;
};

TEST_FN(waiter_fn, struct waiter, waiter_poll);

static int waiter_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct waiter *w = (struct waiter *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &w->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		w->t0 = test_now_ms();
		while (atomic_load(w->count) < SPILLED) {
			ASSERT_WITHIN(w->t0, "the spilled tasks' runs");
			TEST_AWAIT_YIELD(1, w->sub);
		}
		w->ret = atomic_load(w->count);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Spawns a waiter, then more tallies than a ring holds, and joins the
 * waiter: the waiter keeps the queue from emptying while the tallies
 * behind it wait. */
struct spiller {
	struct coast_frame h;
	int ret;
	atomic_int count;
	int i;
	coast_task *waiter;
	struct coast_frame *sub;
};

TEST_FN(spiller_fn, struct spiller, spiller_poll);

static int spiller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spiller *s = (struct spiller *)f;
	struct waiter *w;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &s->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		w = test_frame_new(&coast__task_alloc, &waiter_fn);
		w->count = &s->count;
		s->waiter = coast__spawn(&w->h);
		for (s->i = 0; s->i < SPILLED; s->i++)
			ASSERT_EQ(coast_detach(test_leaf_spawn(tally, &s->count,
							       0)),
				  0);
		TEST_AWAIT(1, s->sub,
			   COAST_START(coast_join)(cx->frames, s->waiter,
						   &s->ret),
			   int, s->i);
		ASSERT_EQ(s->i, 0);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/*
 * One worker: more tasks than a ring holds go to the worker's own list
 * (scheduler.c, push_list), never to the injection queue, and each gets
 * its turn while a yielding task keeps the worker busy, so every spawned
 * task runs.
 */
TEST_IMPL(sched_spill_fair)
{
	struct spiller *s;

	test_workers(1);
	s = test_frame_new(&coast__task_alloc, &spiller_fn);
	atomic_init(&s->count, 0);
	ASSERT_EQ(test_block_on_int(&s->h), SPILLED);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
