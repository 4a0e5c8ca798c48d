/*
 * test-join.c - coast_join: NULL handles, joining a finished task, and
 * cancelling a join before and after the joined task completes.
 */
#include "test.h"

TEST_IMPL(join_null)
{
	int ret = 0;

	ASSERT_EQ(coast__block_on(COAST_START(coast_join)(&coast__task_alloc,
							  NULL, NULL),
				  &ret),
		  0);
	ASSERT_EQ(ret, -EINVAL);
	ASSERT_EQ(coast__task_live(), 0);
	return 0;
}

/* The task finished in an earlier block_on; join takes the result. */
TEST_IMPL(join_completed)
{
	coast_task *t = coast__spawn(
		test_yielder_start(&coast__task_alloc, 0, 99, NULL, NULL));
	int out = 0, ret = -1;

	ASSERT(t != NULL);
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 3, 0,
						     NULL, NULL),
				  NULL),
		  0);
	ASSERT(coast__task_is_complete(t));
	ASSERT_EQ(coast__task_live(), 1);
	ASSERT_EQ(coast__block_on(COAST_START(coast_join)(&coast__task_alloc, t,
							  &out),
				  &ret),
		  0);
	ASSERT_EQ(ret, 0);
	ASSERT_EQ(out, 99);
	ASSERT_EQ(coast__task_live(), 0);
	return 0;
}

/*
 * Starts a join of a spawned task and cancels it: right after the first
 * (pending) poll, or at the poll after the joined task completed.
 */
struct join_canceller {
	struct coast_frame h;
	int ret; /* the cancelled join's result */
	int after_complete;
	int out;
	struct coast_frame *sub;
};

TEST_FN(join_canceller_fn, struct join_canceller, join_canceller_poll);

static int join_canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct join_canceller *j = (struct join_canceller *)f;
	coast_task *t;

	switch (f->state) {
	case COAST_STATE_START:
		t = coast__spawn(j->after_complete
					 ? test_yielder_start(&coast__task_alloc,
							      0, 5, NULL, NULL)
					 : test_sleeper_start(&coast__task_alloc,
							      50, 5, NULL, NULL));
		j->sub = COAST_START(coast_join)(cx->frames, t, &j->out);
		ASSERT_EQ(test_poll(j->sub, cx), COAST_PENDING);
		if (j->after_complete) {
			f->state = 1;
			return COAST_PENDING; /* woken by the completion */
		}
		break;
	case 1:
		break;
	default:
		abort();
	}
	j->sub->flags |= COAST_F_CANCEL;
	ASSERT_EQ(test_poll(j->sub, cx), COAST_READY);
	j->ret = COAST_RESULT(int, j->sub);
	test_free(cx, j->sub);
	return COAST_READY;
}

TEST_IMPL(join_cancel)
{
	struct join_canceller *j;
	int ret = 0;

	test_workers(1); /* the joined task must not finish before the join */
	/* Cancelled while waiting: the task runs on, detached. */
	j = test_frame_new(&coast__task_alloc, &join_canceller_fn);
	ASSERT_EQ(coast__block_on(&j->h, &ret), 0);
	ASSERT_EQ(ret, -ECANCELED);
	ASSERT_EQ(coast__task_live(), 1);
	ASSERT_EQ(coast__block_on(test_sleeper_start(&coast__task_alloc, 100,
						     0, NULL, NULL),
				  NULL),
		  0);
	ASSERT_EQ(coast__task_live(), 0);

	/* Cancelled after the completer took (and woke) the waker. */
	j = test_frame_new(&coast__task_alloc, &join_canceller_fn);
	j->after_complete = 1;
	ASSERT_EQ(coast__block_on(&j->h, &ret), 0);
	ASSERT_EQ(ret, -ECANCELED);
	ASSERT_EQ(coast__task_live(), 0);
	return 0;
}
