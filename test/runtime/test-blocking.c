/*
 * test-blocking.c - the blocking pool: results, calls running in parallel
 * while the workers stay free, the thread cap, idle threads retiring, and
 * cancellation of a queued call (never runs) and of a running call (waits
 * for it: the call may borrow the caller's frame).
 */
#include <stdatomic.h>

#include "test.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct job {
	int ms;
	int value;
	int meet;        /* waits until this many calls ran at once, or 0 */
	atomic_int *gate; /* waits until it is set, or NULL */
	atomic_int started;
	atomic_int finished;
	char *write_to; /* a buffer in the caller's frame, or NULL */
};

static atomic_int running_now, running_max;

/*
 * Waits until *v >= at_least, for 10 s at most: the condition a test
 * needs, not a guess of how long a loaded machine takes to reach it.
 */
static void wait_at_least(atomic_int *v, int at_least)
{
	double t0 = test_now_ms();

	while (atomic_load(v) < at_least && test_now_ms() - t0 < 10000.0)
		sleep_ms(1);
}

static int job_fn(void *arg)
{
	struct job *j = arg;
	int now = atomic_fetch_add(&running_now, 1) + 1, max;

	max = atomic_load(&running_max);
	while (now > max && !atomic_compare_exchange_weak(&running_max, &max,
							   now))
		;
	atomic_store(&j->started, 1);
	wait_at_least(&running_max, j->meet);
	if (j->gate)
		wait_at_least(j->gate, 1);
	sleep_ms(j->ms);
	if (j->write_to)
		memcpy(j->write_to, "written", 8); /* after the cancel */
	atomic_fetch_sub(&running_now, 1);
	atomic_store(&j->finished, 1);
	return j->value;
}

/*
 * A task that awaits coast_blocking(job_fn, job); with borrow, the job
 * writes into this frame's buffer.
 */
struct caller {
	struct coast_frame h;
	int ret;
	struct job *job;
	bool borrow;
	char buf[16];
	struct coast_frame *sub;
};

TEST_FN(caller_fn, struct caller, caller_poll);

static int caller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct caller *c = (struct caller *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &c->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		if (c->borrow)
			c->job->write_to = c->buf;
		TEST_AWAIT(1, c->sub,
			   COAST_START(coast_blocking)(cx->frames, job_fn,
						       c->job),
			   int, c->ret);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static coast_task *spawn_caller(struct job *j, bool borrow)
{
	struct caller *c = test_frame_new(&coast__task_alloc, &caller_fn);

	c->job = j;
	c->borrow = borrow;
	return coast__spawn(&c->h);
}

static int join_int(coast_task *t)
{
	int ret = 0, out = -1;

	ASSERT_EQ(coast__block_on(COAST_START(coast_join)(&coast__task_alloc,
							  t, &out),
				  &ret),
		  0);
	return ret ? ret : out;
}

TEST_IMPL(blocking_result)
{
	struct job j = { .ms = 5, .value = 42 };

	ASSERT_EQ(join_int(spawn_caller(&j, false)), 42);
	ASSERT_EQ(test_block_on_int(COAST_START(coast_blocking)(
			  &coast__task_alloc, NULL, NULL)),
		  -EINVAL);
	ASSERT_EQ(coast_blocking(job_fn, &j), 42); /* the blocking version */
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * Eight 50 ms calls on one worker run at once: they do not hold it.  Each
 * waits (bounded) until two run at once, so the pool or the worker making
 * them one at a time fails, and a slow machine does not.
 */
TEST_IMPL(blocking_parallel)
{
	enum { N = 8 };
	static struct job j[N];
	coast_task *t[N];
	int outs[N], i;
	double t0;

	test_workers(1);
	t0 = test_now_ms();
	for (i = 0; i < N; i++) {
		j[i].ms = 50;
		j[i].value = i;
		j[i].meet = 2;
		t[i] = spawn_caller(&j[i], false);
	}
	ASSERT_EQ(test_block_on_int(test_join_all_start(&coast__task_alloc, t,
							N, outs, sizeof(int))),
		  N);
	for (i = 0; i < N; i++)
		ASSERT_EQ(outs[i], i);
	fprintf(stderr, "blocking_parallel: %d x 50 ms in %.1f ms, %d at once\n",
		N, test_now_ms() - t0, atomic_load(&running_max));
	ASSERT(atomic_load(&running_max) >= 2);
	return 0;
}

/* COAST_BLOCKING_THREADS caps the pool; idle threads retire. */
TEST_IMPL(blocking_cap_and_retire)
{
	enum { N = 6 };
	static struct job j[N];
	coast_task *t[N];
	int i;
	double t0 = test_now_ms(), idle;

	setenv("COAST_BLOCKING_THREADS", "2", 1);
	coast__blocking_idle_ms = 50;
	for (i = 0; i < N; i++) {
		j[i].ms = 20;
		t[i] = spawn_caller(&j[i], false);
	}
	ASSERT_EQ(test_block_on_int(test_join_all_start(&coast__task_alloc, t,
							N, NULL, 0)),
		  N);
	ASSERT(atomic_load(&running_max) <= 2);
	ASSERT(test_now_ms() - t0 >= 20.0 * N / 2 - 1);
	ASSERT(coast__blocking_threads() <= 2);
	idle = test_now_ms();
	while (coast__blocking_threads() && test_now_ms() - idle < 10000.0)
		sleep_ms(2);
	ASSERT_EQ(coast__blocking_threads(), 0);
	return 0;
}

/*
 * Cancelling a task whose call is running waits for the call: it writes
 * into the task's frame after the cancel, and the join only returns once
 * it has finished (ASan would see a write to a freed frame otherwise).
 * The call waits for the gate, which opens after the cancel: a timed call
 * could finish first on a loaded machine, and the join give its result.
 */
TEST_IMPL(blocking_cancel_running)
{
	static atomic_int gate;
	static struct job j = { .value = 1, .gate = &gate };
	coast_task *t = spawn_caller(&j, true);
	coast_task *other;
	double t0;

	other = coast__spawn(
		test_yielder_start(&coast__task_alloc, 1, 0, NULL, NULL));
	ASSERT_EQ(join_int(other), 0); /* starts the runtime */
	t0 = test_now_ms();
	while (!atomic_load(&j.started)) {
		ASSERT_WITHIN(t0, "the blocking call's start");
		sleep_ms(1);
	}
	t0 = test_now_ms();
	ASSERT_EQ(coast_cancel(t), 0);
	sleep_ms(20); /* mostly, the cancellation poll finds the call running */
	atomic_store(&gate, 1);
	ASSERT_EQ(join_int(t), -ECANCELED);
	ASSERT_EQ(atomic_load(&j.finished), 1);
	fprintf(stderr, "blocking_cancel_running: join waited %.1f ms\n",
		test_now_ms() - t0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * A queued call that is cancelled never runs.  a's call holds the one
 * pool thread until the gate opens, so "b's cancel did not wait for a"
 * does not depend on how fast the machine is.
 */
TEST_IMPL(blocking_cancel_queued)
{
	static atomic_int gate;
	static struct job a = { .value = 1, .gate = &gate }, b = { .ms = 1 },
			  c = { .value = 3 };
	coast_task *ta, *tb;
	double t0;

	setenv("COAST_BLOCKING_THREADS", "1", 1);
	test_workers(1); /* a's call is queued first */
	ta = spawn_caller(&a, false);
	tb = spawn_caller(&b, false);
	ASSERT_EQ(join_int(coast__spawn(test_yielder_start(
			  &coast__task_alloc, 3, 0, NULL, NULL))),
		  0);
	t0 = test_now_ms();
	while (!atomic_load(&a.started)) {
		ASSERT_WITHIN(t0, "the first blocking call's start");
		sleep_ms(1);
	}
	ASSERT_EQ(coast_cancel(tb), 0);
	ASSERT_EQ(join_int(tb), -ECANCELED);
	ASSERT_EQ(atomic_load(&a.finished), 0); /* did not wait for a */
	atomic_store(&gate, 1);
	ASSERT_EQ(join_int(ta), 1);
	/* One FIFO, one thread: had b stayed queued, it would run before c. */
	ASSERT_EQ(join_int(spawn_caller(&c, false)), 3);
	ASSERT_EQ(atomic_load(&b.started), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
