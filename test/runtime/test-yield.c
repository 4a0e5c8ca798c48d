/*
 * test-yield.c - coast_yield: round-robin order among ready tasks, and
 * cancelling a pending yield.
 */
#include "test.h"

/* Each yield sends the task behind every other ready task. */
TEST_IMPL(yield_interleave)
{
	static const int expect[] = { 1, 2, 1, 2, 1, 2 };
	coast_task *t[2];
	int log[6], nlog = 0;

	test_workers(1); /* the order of one run queue */

	t[0] = coast__spawn(test_yielder_start(&coast__task_alloc, 3, 1, log,
					       &nlog));
	t[1] = coast__spawn(test_yielder_start(&coast__task_alloc, 3, 2, log,
					       &nlog));
	ASSERT_EQ(test_block_on_int(test_join_all_start(&coast__task_alloc, t,
							2, NULL, 0)),
		  2);
	ASSERT_EQ(nlog, 6);
	ASSERT(!memcmp(log, expect, sizeof(expect)));
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(coast_yield(), 0); /* the blocking version */
	return 0;
}

struct yield_canceller {
	struct coast_frame h;
	int ret;
};

TEST_FN(yield_canceller_fn, struct yield_canceller, yield_canceller_poll);

static int yield_canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yield_canceller *y = (struct yield_canceller *)f;
	struct coast_frame *sub = COAST_START(coast_yield)(cx->frames);

	ASSERT_EQ(test_poll(sub, cx), COAST_PENDING);
	sub->flags |= COAST_F_CANCEL;
	ASSERT_EQ(test_poll(sub, cx), COAST_READY);
	y->ret = COAST_RESULT(int, sub);
	test_free(cx, sub);
	return COAST_READY;
}

TEST_IMPL(yield_cancel)
{
	ASSERT_EQ(test_block_on_int(test_frame_new(&coast__task_alloc,
						   &yield_canceller_fn)),
		  -ECANCELED);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

static void *cancel_later(void *arg)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	nanosleep(&pause, NULL);
	coast_cancel(arg);
	return NULL;
}

/*
 * A yielding task goes back to the queue still RUNNING (scheduler.c): a
 * cancel that finds it there, or mid-poll, must still make its next poll
 * the cancellation poll, although no transition to RUNNING comes to see
 * it.  Ten million yields take far longer than the 20 ms before the
 * cancel; were it missed, the join would get the result.
 */
TEST_IMPL(yield_cancel_queued)
{
	coast_task *t;
	pthread_t th;
	int ret = 0, out = 0;

	test_workers(1);
	t = coast__spawn(test_yielder_start(&coast__task_alloc, 10000000, 7,
					    NULL, NULL));
	ASSERT(pthread_create(&th, NULL, cancel_later, t) == 0);
	ASSERT_EQ(coast__block_on(COAST_START(coast_join)(&coast__task_alloc,
							 t, &out),
				  &ret),
		  0);
	pthread_join(th, NULL);
	ASSERT_EQ(ret, -ECANCELED);
	ASSERT_EQ(out, 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
