/*
 * test-sleep.c - coast_sleep_ms: as a root, awaited from a frame, zero,
 * cancelled while armed and after firing, and the blocking version.
 */
#include "test.h"

TEST_IMPL(sleep_root)
{
	double t0 = test_now_ms(), dt;
	int ret = -1;

	ASSERT_EQ(coast__block_on(COAST_START(coast_sleep_ms)(&coast__task_alloc,
							      30),
				  &ret),
		  0);
	dt = test_now_ms() - t0;
	ASSERT_EQ(ret, 0);
	/* The clock is read in whole ms: up to 1 ms early is possible. */
	ASSERT(dt >= 29.0);
	ASSERT(dt < 5000.0);
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

TEST_IMPL(sleep_zero)
{
	ASSERT_EQ(test_block_on_int(
			  COAST_START(coast_sleep_ms)(&coast__task_alloc, 0)),
		  0);
	ASSERT_EQ(coast__timer_count(), 0);
	return 0;
}

/* The lowering's shape: start on cx->frames, poll to READY, free. */
TEST_IMPL(sleep_await)
{
	int log[3], nlog = 0, id = 0;
	double t0 = test_now_ms();

	ASSERT_EQ(coast__block_on(test_sleeper_start(&coast__task_alloc, 20, 7,
						     log, &nlog),
				  &id),
		  0);
	ASSERT(test_now_ms() - t0 >= 19.0);
	ASSERT_EQ(id, 7);
	ASSERT_EQ(nlog, 1);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * Starts a sleep and cancels it: at once after arming (mode 0), or at the
 * poll after the timer fired (mode 1).
 */
struct sleep_canceller {
	struct coast_frame h;
	int ret; /* the cancelled sleep's result */
	int after_fire;
	struct coast_frame *sub;
};

TEST_FN(sleep_canceller_fn, struct sleep_canceller, sleep_canceller_poll);

static int sleep_canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sleep_canceller *s = (struct sleep_canceller *)f;

	switch (f->state) {
	case COAST_STATE_START:
		s->sub = COAST_START(coast_sleep_ms)(cx->frames,
						     s->after_fire ? 1 : 10000);
		ASSERT_EQ(test_poll(s->sub, cx), COAST_PENDING);
		if (s->after_fire) {
			f->state = 1;
			return COAST_PENDING;
		}
		/*
		 * Only the 10 s timer is counted: another worker may fire the
		 * 1 ms one before this line (seen under TSan).
		 */
		ASSERT_EQ(coast__timer_count(), 1);
		break;
	case 1:
		/* Woken: the timer fired and its waker was consumed. */
		ASSERT_EQ(coast__timer_count(), 0);
		break;
	default:
		abort();
	}
	s->sub->flags |= COAST_F_CANCEL;
	ASSERT_EQ(test_poll(s->sub, cx), COAST_READY);
	ASSERT_EQ(coast__timer_count(), 0);
	s->ret = COAST_RESULT(int, s->sub);
	test_free(cx, s->sub);
	return COAST_READY;
}

static void sleep_cancel_mode(int after_fire)
{
	struct sleep_canceller *s =
		test_frame_new(&coast__task_alloc, &sleep_canceller_fn);
	double t0 = test_now_ms();
	int ret = 0;

	s->after_fire = after_fire;
	ASSERT_EQ(coast__block_on(&s->h, &ret), 0);
	ASSERT(test_now_ms() - t0 < 5000.0); /* not the 10 s sleep */
	ASSERT_EQ(ret, -ECANCELED);
	ASSERT_EQ(coast__timer_count(), 0);
	/* The timer's waker was dropped: nothing keeps the task alive. */
	ASSERT_EQ(test_live_settle(0), 0);
}

TEST_IMPL(sleep_cancel)
{
	sleep_cancel_mode(0);
	return 0;
}

TEST_IMPL(sleep_cancel_after_fire)
{
	sleep_cancel_mode(1);
	return 0;
}

TEST_IMPL(sleep_blocking)
{
	double t0 = test_now_ms();

	ASSERT_EQ(coast_sleep_ms(20), 0);
	ASSERT(test_now_ms() - t0 >= 20.0);
	ASSERT_EQ(coast_sleep_ms(0), 0);
	return 0;
}
