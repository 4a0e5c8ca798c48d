/*
 * test-dump.c - coast_dump_tasks while tasks run, wake and finish on every
 * worker: the claim of a waiting task must not lose its wakes (every task
 * finishes) nor race with its runner (TSan), and a task dumped as waiting
 * is released the way a runner releases it.  Every live task is listed,
 * also one running without a reference of its own.
 */
#include <sched.h>
#include <stdatomic.h>

#include "test.h"

TEST_IMPL(dump_under_load)
{
	enum { N = 200 };
	coast_task *t[N];
	struct coast_frame *j;
	int outs[N], joined = 0, i, dumps;

	test_workers(2);
	for (i = 0; i < N; i++)
		t[i] = coast__spawn(i % 2 ? test_yielder_start(
						    &coast__task_alloc, 50, i,
						    NULL, NULL)
					  : test_sleeper_start(
						    &coast__task_alloc,
						    (uint64_t)(i % 7), i, NULL,
						    NULL));
	test_dumps_start();
	j = test_join_all_start(&coast__task_alloc, t, N, outs, sizeof(int));
	ASSERT_EQ(coast__block_on(j, &joined), 0);
	dumps = test_dumps_stop();
	ASSERT_EQ(joined, N);
	for (i = 0; i < N; i++)
		ASSERT_EQ(outs[i], i);
	ASSERT(dumps > 0);
	fprintf(stderr, "dump_under_load: %d dumps\n", dumps);
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(coast_dump_tasks(), 0);
	return 0;
}

/* ------------------------------------------- a running task with no ref */

static atomic_bool lent_dropped, lent_dumped;

/* Lends the runner's reference to a waker and drops it (task.c, rule
 * 9), then runs on until the dump is done. */
struct lender {
	struct coast_frame h;
	int ret;
};

TEST_FN(lender_fn, struct lender, lender_poll);

static int lender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	double t0 = test_now_ms();

	coast_waker_drop(coast_waker_get(cx));
	atomic_store(&lent_dropped, true);
	while (!atomic_load(&lent_dumped)) {
		ASSERT_WITHIN(t0, "the main thread's dump");
		sched_yield();
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/*
 * A detached task whose lent waker was dropped runs with a count of 0:
 * the dump lists it (running), though a count of 0 is otherwise a dead
 * block it skips.
 */
TEST_IMPL(dump_lent_running)
{
	struct coast_frame *f;
	coast_task *t;
	int r = 0, n;
	double t0;

	test_workers(1);
	f = test_frame_new(&coast__task_alloc, &lender_fn);
	/* Start the runtime with a task that is done at once. */
	ASSERT_EQ(coast__block_on(COAST_START(coast_yield)(&coast__task_alloc),
				  &r),
		  0);
	t = test_spawn(f);
	t0 = test_now_ms();
	while (!atomic_load(&lent_dropped)) {
		ASSERT_WITHIN(t0, "the lender's first poll");
		sched_yield();
	}
	ASSERT_EQ(coast_detach(t), 0);
	ASSERT_EQ(coast__task_state(t) >> COAST__ST_REF_SHIFT, 0);
	n = coast_dump_tasks();
	atomic_store(&lent_dumped, true);
	ASSERT_EQ(n, 1);
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(coast_dump_tasks(), 0);
	return 0;
}
