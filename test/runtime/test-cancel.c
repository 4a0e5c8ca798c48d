/*
 * test-cancel.c - task cancellation: a task blocked in a sleep or a read is
 * dropped at that await (its timer / fd wait gone, join gives -ECANCELED);
 * cancelling unstarted and finished tasks; a cancellation poll that does
 * asynchronous clean-up; unreachable pending tasks get their cancellation
 * poll; and a storm of cancels from several threads.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test.h"

/* ------------------------------------------------------------- victims */

enum victim_kind { V_SLEEP, V_READ, V_CLEANUP };

/*
 * A task that awaits one leaf: a long sleep, or a read of fd.  V_CLEANUP
 * sleeps too, and its cancellation poll awaits a 20 ms sleep before it
 * finishes (asynchronous clean-up), then sets *cleaned.
 */
struct victim {
	struct coast_frame h;
	int ret;
	enum victim_kind kind;
	int fd;
	char buf[8];
	atomic_int *cleaned;
	struct coast_frame *sub;
};

TEST_FN(victim_fn, struct victim, victim_poll);

static int victim_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct victim *v = (struct victim *)f;

	if (f->flags & COAST_F_CANCEL) {
		if (v->kind != V_CLEANUP)
			return test_drop(f, &v->sub, cx);
		switch (f->state) {
		case COAST_STATE_START:
			break;
		case 1:
			/* Drop the awaited sleep, then clean up asynchronously. */
			v->sub->flags |= COAST_F_CANCEL;
			ASSERT_EQ(test_poll(v->sub, cx), COAST_READY);
			test_free(cx, v->sub);
			v->sub = COAST_START(coast_sleep_ms)(cx->frames, 20);
			f->state = 2;
			/* fall through */
		case 2:
			if (test_poll(v->sub, cx) == COAST_PENDING)
				return COAST_PENDING;
			test_free(cx, v->sub);
			v->sub = NULL;
			atomic_store(v->cleaned, 1);
			break;
		default:
			abort();
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	switch (f->state) {
	case COAST_STATE_START:
		v->sub = v->kind == V_READ
				 ? COAST_START(coast_read)(cx->frames, v->fd,
							   v->buf, sizeof(v->buf))
				 : COAST_START(coast_sleep_ms)(cx->frames, 100000);
		f->state = 1;
		/* fall through */
	case 1:
		if (test_poll(v->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		v->ret = v->kind == V_READ ? (int)COAST_RESULT(ssize_t, v->sub)
					   : COAST_RESULT(int, v->sub);
		test_free(cx, v->sub);
		v->sub = NULL;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static coast_task *spawn_victim(enum victim_kind kind, int fd,
				atomic_int *cleaned)
{
	struct victim *v = test_frame_new(&coast__task_alloc, &victim_fn);

	v->kind = kind;
	v->fd = fd;
	v->cleaned = cleaned;
	return coast__spawn(&v->h);
}

/* ------------------------------------------------------------- the root */

/*
 * Spawns a victim, yields until it is blocked (armed_now() true), cancels
 * it (twice), and joins: ret is the join's result, out the victim's.
 */
struct canceller {
	struct coast_frame h;
	int ret;
	enum victim_kind kind;
	int fd;
	atomic_int *cleaned;
	bool (*armed_now)(int fd);
	coast_task *t;
	int out;
	double t0;
	int y;
	struct coast_frame *sub;
};

TEST_FN(canceller_fn, struct canceller, canceller_poll);

static int canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct canceller *c = (struct canceller *)f;

	switch (f->state) {
	case COAST_STATE_START:
		c->out = -1;
		c->t = spawn_victim(c->kind, c->fd, c->cleaned);
		ASSERT(c->t != NULL);
		/* The victim may wait on a stalled worker: a deadline in
		 * time, not a count of yields, bounds the wait. */
		c->t0 = test_now_ms();
		while (!c->armed_now(c->fd)) {
			ASSERT(test_now_ms() - c->t0 < 10000.0);
			TEST_AWAIT(1, c->sub,
				   COAST_START(coast_yield)(cx->frames), int,
				   c->y);
		}
		ASSERT_EQ(coast_cancel(c->t), 0);
		ASSERT_EQ(coast_cancel(c->t), 0); /* twice is fine */
		TEST_AWAIT(2, c->sub,
			   COAST_START(coast_join)(cx->frames, c->t, &c->out),
			   int, c->ret);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static bool timer_armed(int fd)
{
	(void)fd;
	return coast__timer_count() == 1;
}

static bool read_armed(int fd)
{
	return test_io_waiting(fd);
}

static int run_canceller(enum victim_kind kind, int fd, atomic_int *cleaned,
			 bool (*armed_now)(int), int *out)
{
	struct canceller *c = test_frame_new(&coast__task_alloc, &canceller_fn);
	int ret = 0;

	c->kind = kind;
	c->fd = fd;
	c->cleaned = cleaned;
	c->armed_now = armed_now;
	ASSERT_EQ(coast__block_on(&c->h, &ret), 0);
	(void)out;
	return ret;
}

/* A task asleep is dropped at its sleep: the timer is gone. */
TEST_IMPL(cancel_sleep)
{
	ASSERT_EQ(run_canceller(V_SLEEP, -1, NULL, timer_armed, NULL),
		  -ECANCELED);
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* A task blocked in a read: the fd wait is gone, no byte was consumed. */
TEST_IMPL(cancel_read)
{
	int sv[2];
	char c = 0;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(run_canceller(V_READ, sv[0], NULL, read_armed, NULL),
		  -ECANCELED);
	ASSERT_EQ(coast__io_wait_count(sv[0]), 0);
	ASSERT_EQ(write(sv[1], "x", 1), 1);
	ASSERT_EQ(recv(sv[0], &c, 1, 0), 1);
	ASSERT_EQ(c, 'x');
	ASSERT_EQ(test_live_settle(0), 0);
	close(sv[0]);
	close(sv[1]);
	return 0;
}

/* The cancellation poll returns pending while it cleans up; join waits. */
TEST_IMPL(cancel_async_cleanup)
{
	atomic_int cleaned = 0;
	double t0 = test_now_ms();

	ASSERT_EQ(run_canceller(V_CLEANUP, -1, &cleaned, timer_armed, NULL),
		  -ECANCELED);
	ASSERT_EQ(atomic_load(&cleaned), 1);
	ASSERT(test_now_ms() - t0 >= 19.0);
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Cancelled before its first poll: polled once, with COAST_F_CANCEL. */
TEST_IMPL(cancel_unstarted)
{
	coast_task *t = spawn_victim(V_SLEEP, -1, NULL);
	int out = -1;

	ASSERT_EQ(coast_cancel(t), 0);
	ASSERT_EQ(coast_cancel(NULL), -EINVAL);
	ASSERT_EQ(test_block_on_int(
			  COAST_START(coast_join)(&coast__task_alloc, t, &out)),
		  -ECANCELED);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Cancelling a finished task changes nothing: join gives its result. */
TEST_IMPL(cancel_finished)
{
	coast_task *t = coast__spawn(
		test_yielder_start(&coast__task_alloc, 0, 42, NULL, NULL));
	int out = 0;
	double t0;

	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 3, 0,
						     NULL, NULL),
				  NULL),
		  0);
	t0 = test_now_ms();
	while (!coast__task_is_complete(t)) {
		ASSERT_WITHIN(t0, "the spawned task's completion");
		sched_yield();
	}
	ASSERT_EQ(coast_cancel(t), 0);
	ASSERT_EQ(coast_cancel(t), 0);
	ASSERT_EQ(test_block_on_int(
			  COAST_START(coast_join)(&coast__task_alloc, t, &out)),
		  0);
	ASSERT_EQ(out, 42);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------- unreachable */

static atomic_int forgotten_cancels;

struct forgotten {
	struct coast_frame h;
	int ret;
};

TEST_FN(forgotten_fn, struct forgotten, forgotten_poll);

/* Pending with no waker anywhere; counts its cancellation polls. */
static int forgotten_poll(struct coast_frame *f, struct coast_cx *cx)
{
	(void)cx;
	if (f->flags & COAST_F_CANCEL) {
		atomic_fetch_add(&forgotten_cancels, 1);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	return COAST_PENDING;
}

/*
 * A detached task that nothing can wake runs its cancellation poll (once)
 * instead of being freed with its frames as they are; so does one whose
 * handle is dropped by a cancelled join.
 */
TEST_IMPL(cancel_unreachable)
{
	coast_detach(coast__spawn(test_frame_new(&coast__task_alloc,
						 &forgotten_fn)));
	ASSERT_EQ(coast__block_on(test_yielder_start(&coast__task_alloc, 4, 0,
						     NULL, NULL),
				  NULL),
		  0);
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(atomic_load(&forgotten_cancels), 1);
	return 0;
}

/* -------------------------------------------------------------- storm */

enum { STORM_THREADS = 4, STORM_TASKS = 2500 };

struct storm {
	coast_task *t[STORM_TASKS];
	int out[STORM_TASKS];
	bool cancel[STORM_TASKS];
	unsigned seed;
	atomic_bool go;
};

static unsigned storm_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

/* Cancels the chosen tasks in random order, at random moments. */
static void *storm_canceller(void *arg)
{
	struct storm *s = arg;
	unsigned seed = s->seed ^ 0x5bd1e995u;
	struct timespec ts = { 0, 0 };
	int i, j, k;
	int order[STORM_TASKS];
	double t0;

	for (i = 0; i < STORM_TASKS; i++)
		order[i] = i;
	for (i = STORM_TASKS - 1; i > 0; i--) {
		j = (int)(storm_rand(&seed) % (unsigned)(i + 1));
		k = order[i];
		order[i] = order[j];
		order[j] = k;
	}
	t0 = test_now_ms();
	while (!atomic_load(&s->go)) {
		ASSERT_WITHIN(t0, "the storm's go");
		sched_yield();
	}
	for (i = 0; i < STORM_TASKS; i++) {
		k = order[i];
		if (!s->cancel[k])
			continue;
		if (storm_rand(&seed) % 8 == 0) {
			ts.tv_nsec = (long)(storm_rand(&seed) % 200) * 1000;
			nanosleep(&ts, NULL);
		}
		ASSERT_EQ(coast_cancel(s->t[k]), 0);
		coast__task_unref(s->t[k]); /* the reference taken for us */
	}
	return NULL;
}

static void *storm_thread(void *arg)
{
	struct storm *s = arg;
	pthread_t th;
	int i, joined = -1;
	unsigned r;
	uint64_t ms;

	for (i = 0; i < STORM_TASKS; i++) {
		r = storm_rand(&s->seed);
		s->out[i] = -1;
		s->cancel[i] = r % 3 != 0;
		/*
		 * A sleeper to cancel at every 8th index sleeps for good:
		 * on a loaded machine the others may all finish before the
		 * canceller runs, and then nothing would end cancelled.
		 */
		ms = s->cancel[i] && i % 8 == 0 ? 100000 : r % 4;
		s->t[i] = test_spawn(
			r % 2 ? test_sleeper_start(&coast__task_alloc, ms, i,
						   NULL, NULL)
			      : test_yielder_start(&coast__task_alloc,
						   (int)(r % 6), i, NULL, NULL));
		/* The canceller's own reference: the join consumes ours. */
		if (s->cancel[i])
			coast__task_ref(s->t[i]);
	}
	ASSERT_EQ(pthread_create(&th, NULL, storm_canceller, s), 0);
	atomic_store(&s->go, true);
	ASSERT_EQ(coast__block_on(test_join_all_start(&coast__task_alloc, s->t,
						      STORM_TASKS, s->out,
						      sizeof(int)),
				  &joined),
		  0);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	for (i = 0; i < STORM_TASKS; i++) {
		/* Completed with its result, or cancelled with none. */
		ASSERT(s->out[i] == i || (s->cancel[i] && s->out[i] == -1));
		if (s->out[i] == i)
			joined--;
	}
	ASSERT_EQ(joined, 0);
	return NULL;
}

/*
 * 10,000 sleeping and yielding tasks, two thirds cancelled at random
 * moments by other threads while their spawners join them.
 */
TEST_IMPL(cancel_storm)
{
	static struct storm s[STORM_THREADS];
	pthread_t th[STORM_THREADS];
	int i, cancelled = 0, j;

	for (i = 0; i < STORM_THREADS; i++) {
		s[i].seed = 0x9e3779b9u * (unsigned)(i + 1);
		ASSERT_EQ(pthread_create(&th[i], NULL, storm_thread, &s[i]), 0);
	}
	for (i = 0; i < STORM_THREADS; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	for (i = 0; i < STORM_THREADS; i++)
		for (j = 0; j < STORM_TASKS; j++)
			cancelled += s[i].out[j] == -1;
	fprintf(stderr, "cancel_storm: %d of %d tasks ended cancelled\n",
		cancelled, STORM_THREADS * STORM_TASKS);
	ASSERT(cancelled > 0);
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(coast__timer_count(), 0);
	return 0;
}
