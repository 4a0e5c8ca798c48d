/*
 * test-tick.c - the busy worker's tick (scheduler.c): its non-blocking
 * driver turn asks the kernel nothing before an fd was registered, and
 * still delivers fd events to a worker that never parks once one is
 * (reactor_epoll.c); it skips the timer heap while it is empty, and still
 * fires a timer armed later (reactor.c, T4).
 */
#include <time.h>
#include <unistd.h>

#include "test.h"

/*
 * Yields until *stop is set; returns how many times it yielded.  Keeps the
 * one worker busy, so whatever should set *stop must come from a tick; if
 * it does not within TEST_WAIT_MS of t0, fails saying what it waited for.
 */
struct spinner {
	struct coast_frame h;
	int ret;
	atomic_int *stop;
	double t0;
	const char *awaited;
	struct coast_frame *sub;
};

TEST_FN(spinner_fn, struct spinner, spinner_poll);

static int spinner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spinner *s = (struct spinner *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &s->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		while (!atomic_load(s->stop)) {
			ASSERT_WITHIN(s->t0, s->awaited);
			TEST_AWAIT_YIELD(1, s->sub);
			s->ret++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Reads one byte of fd, then sets *stop; returns the read's result. */
struct reader {
	struct coast_frame h;
	int ret;
	int fd;
	atomic_int *stop;
	struct coast_frame *sub;
	char c;
};

TEST_FN(reader_fn, struct reader, reader_poll);

static int reader_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct reader *r = (struct reader *)f;
	ssize_t n;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &r->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, r->sub,
			   COAST_START(coast_read)(cx->frames, r->fd, &r->c, 1),
			   ssize_t, n);
		r->ret = (int)n;
		atomic_store(r->stop, 1);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Sleeps ms, then sets *stop. */
struct alarm {
	struct coast_frame h;
	int ret;
	uint64_t ms;
	atomic_int *stop;
	struct coast_frame *sub;
};

TEST_FN(alarm_fn, struct alarm, alarm_poll);

static int alarm_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct alarm *a = (struct alarm *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &a->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, a->sub,
			   COAST_START(coast_sleep_ms)(cx->frames, a->ms), int,
			   a->ret);
		atomic_store(a->stop, 1);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* 10,000 polls of a busy worker, 160 ticks, and no epoll_wait (nor
 * io_uring_enter): there is no fd to ask about. */
TEST_IMPL(tick_no_fd_no_poll)
{
	test_workers(1);
	ASSERT_EQ(test_block_on_int(test_yielder_start(&coast__task_alloc,
						       10000, 7, NULL, NULL)),
		  7);
	ASSERT_EQ(coast__driver_polls(), 0);
	ASSERT_EQ(coast__uring_polls(), 0); /* COAST_IO=uring: no op, no call */
	return 0;
}

/*
 * The one worker stays busy with a spinner, so it never parks: the read's
 * event can only come from a tick's non-blocking turn, which must ask the
 * kernel now that the read registered its fd.
 */
TEST_IMPL(tick_fd_event_while_busy)
{
	struct timespec ms = { 0, 1000 * 1000 };
	struct spinner *s;
	struct reader *r;
	coast_task *ts, *tr;
	atomic_int stop;
	int p[2], i, ret = -1;

	test_workers(1);
	atomic_init(&stop, 0);
	ASSERT_EQ(pipe(p), 0);
	/* Starts the runtime: the spawns below go to a running worker. */
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 1,
						     7, NULL, NULL),
				  &ret),
		  0);
	s = test_frame_new(&coast__task_alloc, &spinner_fn);
	s->stop = &stop;
	s->t0 = test_now_ms();
	s->awaited = "the read's fd event, delivered by a busy worker's tick";
	ts = coast__spawn(&s->h);
	r = test_frame_new(&coast__task_alloc, &reader_fn);
	r->fd = p[0];
	r->stop = &stop;
	tr = coast__spawn(&r->h);
	ASSERT(ts && tr);
	for (i = 0; i < 5000 && !test_io_waiting(p[0]); i++)
		nanosleep(&ms, NULL);
	ASSERT(test_io_waiting(p[0]));
	ASSERT_EQ(write(p[1], "x", 1), 1);
	ASSERT_EQ(test_join_int(tr), 1);
	ASSERT(test_join_int(ts) > 0);
	/* With COAST_IO=uring the tick's turn of the worker's ring. */
	if (coast__uring_rings())
		ASSERT(coast__uring_polls() > 0);
	else
		ASSERT(coast__driver_polls() > 0);
	close(p[0]);
	close(p[1]);
	return 0;
}

/*
 * The one worker is busy from before the first timer is armed until it
 * fires: only a tick can fire it, and the tick must see the heap no longer
 * empty.
 */
TEST_IMPL(tick_timer_while_busy)
{
	struct spinner *s;
	struct alarm *a;
	coast_task *ts, *ta;
	atomic_int stop;
	double t0;
	int ret = -1;

	test_workers(1);
	atomic_init(&stop, 0);
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 1,
						     7, NULL, NULL),
				  &ret),
		  0);
	ASSERT_EQ(coast__timer_count(), 0);
	s = test_frame_new(&coast__task_alloc, &spinner_fn);
	s->stop = &stop;
	s->t0 = test_now_ms();
	s->awaited = "the 5 ms timer, fired by a busy worker's tick";
	ts = coast__spawn(&s->h);
	a = test_frame_new(&coast__task_alloc, &alarm_fn);
	a->ms = 5;
	a->stop = &stop;
	t0 = test_now_ms();
	ta = coast__spawn(&a->h);
	ASSERT(ts && ta);
	ASSERT_EQ(test_join_int(ta), 0);
	ASSERT(test_join_int(ts) > 0);
	ASSERT(test_now_ms() - t0 >= 4.0);
	ASSERT_EQ(coast__timer_count(), 0);
	return 0;
}
