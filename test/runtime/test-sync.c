/*
 * test-sync.c - channels and the async mutex: order and close, many
 * producers on several workers, cancelled sends/receives/locks leave no
 * stale waiter and lose nothing, and the mutex is fair and exclusive.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "test.h"

/* ------------------------------------------------------------- channels */

/*
 * Sends from..from+n-1 (as from + i), then returns how many went; with
 * pace, sleeps 1 ms after every pace-th value.
 */
struct producer {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	int from, n, pace, i, v, r;
	struct coast_frame *sub;
};

TEST_FN(producer_fn, struct producer, producer_poll);

static int producer_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct producer *p = (struct producer *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &p->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		for (p->i = 0; p->i < p->n; p->i++) {
			p->v = p->from + p->i;
			TEST_AWAIT(1, p->sub,
				   COAST_START(coast_chan_send)(cx->frames,
								p->ch, &p->v),
				   int, p->r);
			if (p->r)
				break;
			p->ret++;
			if (p->pace && p->i % p->pace == 0) {
				TEST_AWAIT(2, p->sub,
					   COAST_START(coast_sleep_ms)(
						   cx->frames, 1),
					   int, p->r);
			}
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static coast_task *spawn_paced(coast_chan *ch, int from, int n, int pace)
{
	struct producer *p = test_frame_new(&coast__task_alloc, &producer_fn);

	p->ch = ch;
	p->from = from;
	p->n = n;
	p->pace = pace;
	return coast__spawn(&p->h);
}

static coast_task *spawn_producer(coast_chan *ch, int from, int n)
{
	return spawn_paced(ch, from, n, 0);
}

/* Receives one element: the value, or the (negative) error. */
struct receiver {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	int v, r;
	struct coast_frame *sub;
};

TEST_FN(receiver_fn, struct receiver, receiver_poll);

static int receiver_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct receiver *r = (struct receiver *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &r->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, r->sub,
			   COAST_START(coast_chan_recv)(cx->frames, r->ch,
							&r->v),
			   int, r->r);
		r->ret = r->r ? r->r : r->v;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static coast_task *spawn_receiver(coast_chan *ch)
{
	struct receiver *r = test_frame_new(&coast__task_alloc, &receiver_fn);

	r->ch = ch;
	return coast__spawn(&r->h);
}

/*
 * Receives every element until the channel is closed and empty; checks
 * that each producer's values arrive in order; counts them.
 */
enum { NPROD = 4 };

struct consumer {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	int per; /* values per producer */
	int next[NPROD];
	int v, r;
	struct coast_frame *sub;
};

TEST_FN(consumer_fn, struct consumer, consumer_poll);

static int consumer_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct consumer *c = (struct consumer *)f;

	switch (f->state) {
	case COAST_STATE_START:
		for (;;) {
			TEST_AWAIT(1, c->sub,
				   COAST_START(coast_chan_recv)(cx->frames,
								c->ch, &c->v),
				   int, c->r);
			if (c->r) {
				ASSERT_EQ(c->r, -EPIPE);
				break;
			}
			ASSERT_EQ(c->v % c->per, c->next[c->v / c->per]);
			c->next[c->v / c->per]++;
			c->ret++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* One producer, one consumer, one worker: FIFO; close drains then EPIPE. */
TEST_IMPL(chan_order_close)
{
	coast_chan *ch = coast_chan_new(3, sizeof(int));
	struct consumer *c;
	int v = 1;

	ASSERT(ch != NULL);
	ASSERT(coast_chan_new(0, 4) == NULL && errno == EINVAL);
	test_workers(1);
	ASSERT_EQ(test_join_int(spawn_producer(ch, 0, 3)), 3); /* fits */
	ASSERT_EQ(coast_chan_close(ch), 0);
	c = test_frame_new(&coast__task_alloc, &consumer_fn);
	c->ch = ch;
	c->per = 1000;
	ASSERT_EQ(test_join_int(coast__spawn(&c->h)), 3);
	ASSERT_EQ(test_join_int(spawn_producer(ch, 0, 1)), 0); /* -EPIPE */
	ASSERT_EQ(coast_chan_send(ch, &v), -EPIPE); /* blocking version */
	ASSERT_EQ(coast_chan_recv(ch, &v), -EPIPE);
	ASSERT_EQ(coast_chan_close(NULL), -EINVAL);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Four producers, 20,000 values through 8 slots, on every worker. */
TEST_IMPL(chan_mpsc)
{
	enum { PER = 5000 };
	coast_chan *ch = coast_chan_new(8, sizeof(int));
	coast_task *p[NPROD], *ct;
	struct consumer *c = test_frame_new(&coast__task_alloc, &consumer_fn);
	int i;
	double t0 = test_now_ms();

	c->ch = ch;
	c->per = PER;
	ct = coast__spawn(&c->h);
	for (i = 0; i < NPROD; i++)
		p[i] = spawn_producer(ch, i * PER, PER);
	for (i = 0; i < NPROD; i++)
		ASSERT_EQ(test_join_int(p[i]), PER);
	ASSERT_EQ(coast_chan_close(ch), 0);
	ASSERT_EQ(test_join_int(ct), NPROD * PER);
	fprintf(stderr, "chan_mpsc: %d messages in %.1f ms\n", NPROD * PER,
		test_now_ms() - t0);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* A blocked receive and a blocked send, cancelled: no waiter left. */
TEST_IMPL(chan_cancel)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	coast_task *r, *s;
	int v = 0;
	double t0;

	r = spawn_receiver(ch);
	t0 = test_now_ms();
	while (coast__chan_waiters(ch) != 1) {
		ASSERT_WITHIN(t0, "the channel's waiter");
		ASSERT_EQ(test_join_int(coast__spawn(test_yielder_start(
				  &coast__task_alloc, 1, 0, NULL, NULL))),
			  0);
	}
	ASSERT_EQ(coast_cancel(r), 0);
	ASSERT_EQ(test_join_int(r), -ECANCELED);
	ASSERT_EQ(coast__chan_waiters(ch), 0);

	ASSERT_EQ(test_join_int(spawn_producer(ch, 7, 1)), 1); /* full now */
	s = spawn_producer(ch, 8, 1);
	t0 = test_now_ms();
	while (coast__chan_waiters(ch) != 1) {
		ASSERT_WITHIN(t0, "the channel's waiter");
		ASSERT_EQ(test_join_int(coast__spawn(test_yielder_start(
				  &coast__task_alloc, 1, 0, NULL, NULL))),
			  0);
	}
	ASSERT_EQ(coast_cancel(s), 0);
	ASSERT_EQ(test_join_int(s), -ECANCELED);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	ASSERT_EQ(coast_chan_recv(ch, &v), 0);
	ASSERT_EQ(v, 7); /* the cancelled send sent nothing */
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * Receivers raced against a 0-1 ms timeout (join_timeout cancels them) while
 * producers send: every value arrives exactly once, none is lost in a
 * cancelled receive, and no waiter is left.
 */
struct timed_consumer {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	int total;
	unsigned char *seen;
	int got, r, i;
	coast_task *t;
	struct coast_frame *sub;
};

TEST_FN(timed_consumer_fn, struct timed_consumer, timed_consumer_poll);

static int timed_consumer_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct timed_consumer *c = (struct timed_consumer *)f;

	switch (f->state) {
	case COAST_STATE_START:
		while (c->got < c->total) {
			c->t = spawn_receiver(c->ch);
			c->i = -1;
			TEST_AWAIT(1, c->sub,
				   COAST_START(coast_join_timeout)(
					   cx->frames, c->t,
					   (uint64_t)(c->ret++ % 2), &c->i),
				   int, c->r);
			if (c->r == -ETIMEDOUT)
				continue;
			ASSERT_EQ(c->r, 0);
			ASSERT(c->i >= 0 && c->i < c->total);
			ASSERT(!c->seen[c->i]);
			c->seen[c->i] = 1;
			c->got++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(chan_cancel_storm)
{
	enum { PER = 250, N = NPROD * PER };
	static unsigned char seen[N];
	coast_chan *ch = coast_chan_new(2, sizeof(int));
	struct timed_consumer *c =
		test_frame_new(&coast__task_alloc, &timed_consumer_fn);
	coast_task *p[NPROD];
	int i, tries = 0;

	/* Slow producers: receivers often time out while waiting. */
	for (i = 0; i < NPROD; i++)
		p[i] = spawn_paced(ch, i * PER, PER, 1);
	c->ch = ch;
	c->total = N;
	c->seen = seen;
	ASSERT_EQ(coast__block_on(&c->h, &tries), 0);
	for (i = 0; i < NPROD; i++)
		ASSERT_EQ(test_join_int(p[i]), PER);
	for (i = 0; i < N; i++)
		ASSERT(seen[i]);
	fprintf(stderr, "chan_cancel_storm: %d values, %d receives raced\n", N,
		tries);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ---------------------------------------------------------------- mutex */

static coast_mutex mtx = COAST_MUTEX_INIT;
static long counter;
static int order[16], norder;

/* Locks mtx, logs id, increments counter across yields, unlocks; times. */
struct locker {
	struct coast_frame h;
	int ret;
	int id, times, yields, i, j, r;
	long c; /* live across the yields: in the frame */
	struct coast_frame *sub;
};

TEST_FN(locker_fn, struct locker, locker_poll);

static int locker_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct locker *l = (struct locker *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &l->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		for (l->i = 0; l->i < l->times; l->i++) {
			TEST_AWAIT(1, l->sub,
				   COAST_START(coast_mutex_lock)(cx->frames,
								 &mtx),
				   int, l->r);
			ASSERT_EQ(l->r, 0);
			if (norder < 16)
				order[norder++] = l->id;
			l->c = counter;
			for (l->j = 0; l->j < l->yields; l->j++) {
				TEST_AWAIT(2, l->sub,
					   COAST_START(coast_yield)(cx->frames),
					   int, l->r);
			}
			counter = l->c + 1;
			ASSERT_EQ(coast_mutex_unlock(&mtx), 0);
			l->ret++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static coast_task *spawn_locker(int id, int times, int yields)
{
	struct locker *l = test_frame_new(&coast__task_alloc, &locker_fn);

	l->id = id;
	l->times = times;
	l->yields = yields;
	return coast__spawn(&l->h);
}

/* ------------------------------------------------- blocking versions */

enum { BLOCKING_N = 2000 };

static void *blocking_receiver(void *arg)
{
	coast_chan *ch = arg;
	long sum = 0;
	int v;

	while (coast_chan_recv(ch, &v) == 0)
		sum += v;
	return (void *)sum;
}

/*
 * Threads blocked in the blocking versions (C5 of chan.c): two receivers
 * and the sender block in turn on a one-slot channel; every value arrives
 * once, and the close wakes the receivers blocked on the empty channel.
 */
TEST_IMPL(chan_blocking_threads)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	pthread_t th[2];
	long total = 0;
	void *sum;
	int i;

	ASSERT(ch);
	for (i = 0; i < 2; i++)
		ASSERT(pthread_create(&th[i], NULL, blocking_receiver, ch) == 0);
	for (i = 1; i <= BLOCKING_N; i++)
		ASSERT_EQ(coast_chan_send(ch, &i), 0);
	ASSERT_EQ(coast_chan_close(ch), 0);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], &sum);
		total += (long)sum;
	}
	ASSERT_EQ(total, (long)BLOCKING_N * (BLOCKING_N + 1) / 2);
	coast_chan_free(ch);
	return 0;
}

/* Waiters get the mutex in order of arrival. */
TEST_IMPL(mutex_fair)
{
	coast_task *t[4];
	int i;

	test_workers(1); /* spawn order is arrival order */
	for (i = 0; i < 4; i++)
		t[i] = spawn_locker(i, 1, 3);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(test_join_int(t[i]), 1);
	ASSERT_EQ(norder, 4);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(order[i], i);
	ASSERT_EQ(counter, 4);
	ASSERT_EQ(coast_mutex_unlock(&mtx), -EPERM);
	ASSERT_EQ(coast_mutex_destroy(&mtx), 0);
	return 0;
}

/* 8 tasks x 500 read-yield-write increments on every worker: exclusive. */
TEST_IMPL(mutex_counter)
{
	enum { N = 8, TIMES = 500 };
	coast_task *t[N];
	int i;

	for (i = 0; i < N; i++)
		t[i] = spawn_locker(i, TIMES, 1);
	for (i = 0; i < N; i++)
		ASSERT_EQ(test_join_int(t[i]), TIMES);
	ASSERT_EQ(counter, N * TIMES);
	ASSERT_EQ(coast__mutex_waiters(&mtx), 0);
	return 0;
}

/*
 * A waiting lock cancelled leaves the queue; one cancelled after the
 * mutex was handed to it passes it on.
 */
struct mutex_script {
	struct coast_frame h;
	int ret;
	coast_task *b, *c;
	int r;
	struct coast_frame *sub;
};

TEST_FN(mutex_script_fn, struct mutex_script, mutex_script_poll);

static int mutex_script_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct mutex_script *s = (struct mutex_script *)f;

	switch (f->state) {
	case COAST_STATE_START:
		ASSERT_EQ(coast_mutex_lock(&mtx), 0); /* held by the test */
		s->b = spawn_locker(1, 1, 0);
		s->c = spawn_locker(2, 1, 0);
		/* One worker: b and c run (and queue) while we yield. */
		TEST_AWAIT(1, s->sub, COAST_START(coast_yield)(cx->frames), int,
			   s->r);
		ASSERT_EQ(coast__mutex_waiters(&mtx), 2);
		/* Hand the mutex to b, then cancel b before it runs. */
		ASSERT_EQ(coast_mutex_unlock(&mtx), 0);
		ASSERT_EQ(coast_cancel(s->b), 0);
		TEST_AWAIT(2, s->sub,
			   COAST_START(coast_join)(cx->frames, s->b, NULL), int,
			   s->r);
		ASSERT_EQ(s->r, -ECANCELED);
		TEST_AWAIT(3, s->sub,
			   COAST_START(coast_join)(cx->frames, s->c, NULL), int,
			   s->r);
		ASSERT_EQ(s->r, 0); /* c got it from the cancelled b */
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(mutex_cancel)
{
	coast_task *b;
	double t0;

	test_workers(1);
	ASSERT_EQ(test_join_int(coast__spawn(test_frame_new(&coast__task_alloc,
							&mutex_script_fn))),
		  0);
	ASSERT_EQ(norder, 1);
	ASSERT_EQ(order[0], 2);

	/* Cancelled while queued: no stale waiter. */
	ASSERT_EQ(coast_mutex_lock(&mtx), 0);
	b = spawn_locker(3, 1, 0);
	t0 = test_now_ms();
	while (coast__mutex_waiters(&mtx) != 1) {
		ASSERT_WITHIN(t0, "the mutex's waiter");
		ASSERT_EQ(test_join_int(coast__spawn(test_yielder_start(
				  &coast__task_alloc, 1, 0, NULL, NULL))),
			  0);
	}
	ASSERT_EQ(coast_cancel(b), 0);
	ASSERT_EQ(test_join_int(b), -ECANCELED);
	ASSERT_EQ(coast__mutex_waiters(&mtx), 0);
	ASSERT_EQ(coast_mutex_unlock(&mtx), 0);
	ASSERT_EQ(coast_mutex_destroy(&mtx), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * NULL where a channel, an element or a mutex is expected: -EINVAL from
 * the async operations and their blocking versions, never a crash.
 */
struct null_args {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	struct coast_frame *sub;
};

TEST_FN(null_args_fn, struct null_args, null_args_poll);

static int null_args_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct null_args *n = (struct null_args *)f;
	struct coast_frame *subs[5];
	int v = 1, i;

	subs[0] = COAST_START(coast_chan_send)(cx->frames, NULL, &v);
	subs[1] = COAST_START(coast_chan_recv)(cx->frames, NULL, &v);
	subs[2] = COAST_START(coast_chan_send)(cx->frames, n->ch, NULL);
	subs[3] = COAST_START(coast_chan_recv)(cx->frames, n->ch, NULL);
	subs[4] = COAST_START(coast_mutex_lock)(cx->frames, NULL);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(test_poll(subs[i], cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(int, subs[i]), -EINVAL);
	}
	for (i = 4; i >= 0; i--)
		test_free(cx, subs[i]);
	n->ret = 0;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(sync_null_args)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	struct null_args *n = test_frame_new(&coast__task_alloc, &null_args_fn);
	int v = 7;

	ASSERT(ch != NULL);
	n->ch = ch;
	ASSERT_EQ(test_block_on_int(&n->h), 0);
	ASSERT_EQ(coast_chan_send(NULL, &v), -EINVAL);
	ASSERT_EQ(coast_chan_recv(NULL, &v), -EINVAL);
	ASSERT_EQ(coast_chan_send(ch, NULL), -EINVAL);
	ASSERT_EQ(coast_chan_recv(ch, NULL), -EINVAL);
	/* Refused without touching the channel: it still works. */
	ASSERT_EQ(coast_chan_send(ch, &v), 0);
	v = 0;
	ASSERT_EQ(coast_chan_recv(ch, &v), 0);
	ASSERT_EQ(v, 7);
	coast_chan_free(ch);
	coast_chan_free(NULL);
	ASSERT_EQ(coast_mutex_init(NULL), -EINVAL);
	ASSERT_EQ(coast_mutex_destroy(NULL), -EINVAL);
	ASSERT_EQ(coast_mutex_unlock(NULL), -EINVAL);
	ASSERT_EQ(coast_mutex_lock(NULL), -EINVAL);
	coast_waker_wake(NULL);
	coast_waker_wake_by_ref(NULL);
	coast_waker_drop(NULL);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
