/*
 * test-executor.c - block_on (results, errors, nesting), spawning from
 * inside and outside tasks, detached and leftover tasks, and several
 * threads running block_on at once.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "test.h"

TEST_IMPL(executor_block_on_null)
{
	int out = 7;

	ASSERT_EQ(coast__block_on(NULL, &out), -ENOMEM);
	ASSERT_EQ(out, 7);
	return 0;
}

/* ------------------------------------------------------------- results */

struct big_result {
	int a;
	double b;
	char s[13];
};

struct result_frame {
	struct coast_frame h;
	struct big_result ret;
};

TEST_FN(result_fn, struct result_frame, result_poll);

static int result_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct result_frame *r = (struct result_frame *)f;

	(void)cx;
	r->ret.a = 42;
	r->ret.b = 2.5;
	memcpy(r->ret.s, "hello, coast", 13);
	return COAST_READY;
}

/* The result is copied out (ret_size bytes at ret_offset); out may be NULL. */
TEST_IMPL(executor_block_on_result)
{
	struct big_result out;

	memset(&out, 0, sizeof(out));
	ASSERT_EQ(coast__block_on(test_frame_new(&coast__task_alloc, &result_fn),
				  &out),
		  0);
	ASSERT_EQ(out.a, 42);
	ASSERT(out.b == 2.5);
	ASSERT(!strcmp(out.s, "hello, coast"));
	ASSERT_EQ(coast__block_on(test_frame_new(&coast__task_alloc, &result_fn),
				  NULL),
		  0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* -------------------------------------------------------------- nesting */

struct nested_frame {
	struct coast_frame h;
	int ret;
};

TEST_FN(nested_fn, struct nested_frame, nested_poll);

static int nested_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct nested_frame *n = (struct nested_frame *)f;
	int out = 0;

	(void)cx;
	n->ret = coast__block_on(
		COAST_START(coast_sleep_ms)(&coast__task_alloc, 1), &out);
	ASSERT_EQ(coast__block_on(NULL, NULL), -ENOMEM);
	/* The refused root is not freed here but gets its cancellation poll
	 * as a detached task (rule 5 of future.h): the caller's settle sees
	 * it gone. */
	return COAST_READY;
}

TEST_IMPL(executor_block_on_nested)
{
	ASSERT_EQ(test_block_on_int(
			  test_frame_new(&coast__task_alloc, &nested_fn)),
		  -EDEADLK);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------------- spawning */

/* Spawns n yielders from inside its poll and joins them all. */
struct spawner {
	struct coast_frame h;
	int ret; /* joins that returned 0 */
	int n;
	int yields;
	int *outs;
	coast_task **tasks;
	struct coast_frame *sub;
};

TEST_FN(spawner_fn, struct spawner, spawner_poll);

static int spawner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spawner *s = (struct spawner *)f;
	int i;

	switch (f->state) {
	case COAST_STATE_START:
		s->tasks = calloc((size_t)s->n, sizeof(*s->tasks));
		ASSERT(s->tasks != NULL);
		for (i = 0; i < s->n; i++) {
			s->tasks[i] = test_spawn(test_yielder_start(
				&coast__task_alloc, s->yields ? i % s->yields : 0,
				i * 3, NULL, NULL));
		}
		TEST_AWAIT(1, s->sub,
			   test_join_all_start(cx->frames, s->tasks,
					       (size_t)s->n, s->outs, sizeof(int)),
			   int, s->ret);
		free(s->tasks);
		return COAST_READY;
	}
	abort();
}

static void spawn_and_join(int n, int yields)
{
	struct spawner *s = test_frame_new(&coast__task_alloc, &spawner_fn);
	int *outs = calloc((size_t)n, sizeof(int));
	int i;

	ASSERT(outs != NULL);
	s->n = n;
	s->yields = yields;
	s->outs = outs;
	ASSERT_EQ(test_block_on_int(&s->h), n);
	for (i = 0; i < n; i++)
		ASSERT_EQ(outs[i], i * 3);
	free(outs);
}

TEST_IMPL(executor_spawn_join)
{
	spawn_and_join(10, 3);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

TEST_IMPL(executor_spawn_10000)
{
	spawn_and_join(10000, 2);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------ detached tasks */

/* Yields once, then counts itself. */
struct counter {
	struct coast_frame h;
	int ret;
	atomic_int *count;
	struct coast_frame *sub;
};

TEST_FN(counter_fn, struct counter, counter_poll);

static int counter_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct counter *c = (struct counter *)f;

	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT_YIELD(1, c->sub);
		atomic_fetch_add(c->count, 1);
		return COAST_READY;
	}
	abort();
}

static coast_task *spawn_counter(atomic_int *count)
{
	struct counter *c = test_frame_new(&coast__task_alloc, &counter_fn);

	c->count = count;
	return coast__spawn(&c->h);
}

/* Optionally spawns n detached counters, then yields until count >= n. */
struct waiter {
	struct coast_frame h;
	int ret; /* yields it took */
	int n;
	int spawn;
	double t0;
	atomic_int *count;
	struct coast_frame *sub;
};

TEST_FN(waiter_fn, struct waiter, waiter_poll);

static int waiter_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct waiter *w = (struct waiter *)f;
	int i;

	switch (f->state) {
	case COAST_STATE_START:
		for (i = 0; w->spawn && i < w->n; i++)
			coast_detach(spawn_counter(w->count));
		w->t0 = test_now_ms();
		while (atomic_load(w->count) < w->n) {
			ASSERT_WITHIN(w->t0, "the counters' runs");
			TEST_AWAIT_YIELD(1, w->sub);
			w->ret++;
		}
		return COAST_READY;
	}
	abort();
}

static int wait_for(atomic_int *count, int n, int spawn)
{
	struct waiter *w = test_frame_new(&coast__task_alloc, &waiter_fn);
	int yields = -1;

	w->count = count;
	w->n = n;
	w->spawn = spawn;
	ASSERT_EQ(coast__block_on(&w->h, &yields), 0);
	return yields;
}

TEST_IMPL(executor_spawn_detach_10000)
{
	atomic_int count;

	atomic_init(&count, 0);
	wait_for(&count, 10000, 1);
	ASSERT_EQ(atomic_load(&count), 10000);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Spawned before any block_on: queued, run by the next one. */
TEST_IMPL(executor_spawn_outside)
{
	atomic_int count;

	atomic_init(&count, 0);
	coast_detach(spawn_counter(&count));
	coast_detach(spawn_counter(&count));
	coast_detach(NULL);
	ASSERT_EQ(coast__task_live(), 2);
	wait_for(&count, 2, 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------- leftover tasks */

/*
 * Spawns a detached 500 ms sleeper and returns at once.  The sleep is the
 * time the test has to see the sleeper alive after this block_on: 50 ms
 * was short for a loaded machine.
 */
static int leaver(struct coast_cx *cx, void *p, int n)
{
	(void)cx, (void)p, (void)n;
	coast_detach(coast__spawn(
		test_sleeper_start(&coast__task_alloc, 500, 1, NULL, NULL)));
	return 0;
}

/* A task left behind by one block_on finishes in the next, not leaked. */
TEST_IMPL(executor_leftover_task)
{
	ASSERT_EQ(coast__block_on(test_leaf_start(&coast__task_alloc, leaver,
						  NULL, 0),
				  NULL),
		  0);
	ASSERT_EQ(test_live_settle(1), 1);
	ASSERT_EQ(coast__block_on(test_sleeper_start(&coast__task_alloc, 600, 2,
						     NULL, NULL),
				  NULL),
		  0);
	/* Settled first: a stalled worker may arm the leftover's timer
	 * after the 600 ms one. */
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(coast__timer_count(), 0);
	return 0;
}

struct stuck {
	struct coast_frame h;
	int ret;
};

TEST_FN(stuck_fn, struct stuck, stuck_poll);

/* Breaks rule 3 on purpose: pending with no waker anywhere. */
static int stuck_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct coast_frame *sub = cx->frames->alloc(cx->frames, 100);

	(void)f;
	ASSERT(sub != NULL); /* left on the frame stack */
	return COAST_PENDING;
}

/* A pending task nobody references is freed after its poll. */
TEST_IMPL(executor_unreachable_task)
{
	coast_detach(coast__spawn(test_frame_new(&coast__task_alloc, &stuck_fn)));
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 2, 0,
						     NULL, NULL),
				  NULL),
		  0);
	/* Another worker may still be polling it when the root is done. */
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------- concurrent block_on */

static void *block_on_thread(void *arg)
{
	enum { NS = 40 };
	coast_task *t[NS];
	int ids[NS], i;

	(void)arg;
	spawn_and_join(2000, 4);
	/* Sleepers: timers armed on one thread may fire on the other. */
	for (i = 0; i < NS; i++)
		t[i] = coast__spawn(test_sleeper_start(
			&coast__task_alloc, (uint64_t)(i % 7), i, NULL, NULL));
	ASSERT_EQ(test_block_on_int(test_join_all_start(&coast__task_alloc, t,
							NS, ids, sizeof(int))),
		  NS);
	for (i = 0; i < NS; i++)
		ASSERT_EQ(ids[i], i);
	return NULL;
}

/* Two threads share the runtime: tasks and joins cross between them. */
TEST_IMPL(executor_concurrent_block_on)
{
	pthread_t th[2];
	int i;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, block_on_thread, NULL), 0);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
