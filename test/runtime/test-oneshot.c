/*
 * test-oneshot.c - coast_oneshot: a value sent from a foreign thread to a
 * waiting task, a cancelled recv that leaves the value for the next one,
 * close before and after send, and the errors.
 */
#include <pthread.h>

#include "test.h"

/* Awaits recv; returns its result, the value in *v (the caller's: the
 * frame is gone when block_on returns). */
struct receiver {
	struct coast_frame h;
	int ret;
	coast_oneshot *o;
	int *v;
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
			   COAST_START(coast_oneshot_recv)(cx->frames, r->o,
							   r->v),
			   int, r->ret);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static struct receiver *receiver_new(coast_oneshot *o, int *v)
{
	struct receiver *r = test_frame_new(&coast__task_alloc, &receiver_fn);

	r->o = o;
	r->v = v;
	return r;
}

static void *send_later(void *arg)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int v = 42;

	nanosleep(&ts, NULL);
	ASSERT_EQ(coast_oneshot_send(arg, &v), 0);
	return NULL;
}

TEST_IMPL(oneshot_foreign_send)
{
	coast_oneshot *o = coast_oneshot_new(sizeof(int));
	int v = 7, got = 0, rc = -1;
	struct receiver *r = receiver_new(o, &got);
	pthread_t th;

	test_workers(2);
	ASSERT(pthread_create(&th, NULL, send_later, o) == 0);
	ASSERT_EQ(coast__block_on(&r->h, &rc), 0);
	pthread_join(th, NULL);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(got, 42);
	/* The value went once: later sends and recvs fail. */
	ASSERT_EQ(coast_oneshot_send(o, &v), -EALREADY);
	ASSERT_EQ(coast_oneshot_recv(o, &v), -EPIPE);
	coast_oneshot_free(o);
	/* The blocking recv, woken by a thread. */
	o = coast_oneshot_new(sizeof(int));
	ASSERT(pthread_create(&th, NULL, send_later, o) == 0);
	ASSERT_EQ(coast_oneshot_recv(o, &v), 0);
	ASSERT_EQ(v, 42);
	pthread_join(th, NULL);
	coast_oneshot_free(o);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

TEST_IMPL(oneshot_cancel_recv)
{
	coast_oneshot *o = coast_oneshot_new(sizeof(int));
	int v = 5, i, got = 0;
	struct receiver *r = receiver_new(o, &got), *again;
	struct coast_frame *j;
	coast_task *t;

	test_workers(2);
	t = coast__spawn(&r->h);
	/* Let it register (or not: both must leave o intact). */
	for (i = 0; i < 3; i++) {
		j = COAST_START(coast_sleep_ms)(&coast__task_alloc, 2);
		ASSERT_EQ(coast__block_on(j, NULL), 0);
	}
	ASSERT_EQ(coast_cancel(t), 0);
	j = COAST_START(coast_join)(&coast__task_alloc, t, NULL);
	ASSERT_EQ(test_block_on_int(j), -ECANCELED);
	ASSERT_EQ(coast_oneshot_send(o, &v), 0);
	ASSERT_EQ(got, 0); /* the cancelled recv took nothing */
	again = receiver_new(o, &got);
	ASSERT_EQ(test_block_on_int(&again->h), 0);
	ASSERT_EQ(got, 5);
	coast_oneshot_free(o);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

TEST_IMPL(oneshot_close)
{
	coast_oneshot *o = coast_oneshot_new(sizeof(int));
	struct coast_frame *j;
	struct receiver *r;
	coast_task *t;
	int v = 9, ret = 0, got = 0;

	test_workers(1);
	/* Closed while a receiver waits: -EPIPE. */
	r = receiver_new(o, &got);
	t = coast__spawn_local(&r->h);
	j = COAST_START(coast_sleep_ms)(&coast__task_alloc, 5);
	ASSERT_EQ(coast__block_on(j, NULL), 0);
	ASSERT_EQ(coast_oneshot_close(o), 0);
	ASSERT_EQ(coast_oneshot_send(o, &v), -EPIPE);
	j = COAST_START(coast_join)(&coast__task_alloc, t, &ret);
	ASSERT_EQ(coast__block_on(j, NULL), 0);
	ASSERT_EQ(ret, -EPIPE);
	coast_oneshot_free(o);
	/* Closed after the send: the value is still delivered. */
	o = coast_oneshot_new(sizeof(int));
	ASSERT_EQ(coast_oneshot_send(o, &v), 0);
	ASSERT_EQ(coast_oneshot_close(o), 0);
	ASSERT_EQ(coast_oneshot_send(o, &v), -EPIPE);
	r = receiver_new(o, &got);
	ASSERT_EQ(test_block_on_int(&r->h), 0);
	ASSERT_EQ(got, 9);
	coast_oneshot_free(o);
	/* A bare signal, and the errors. */
	o = coast_oneshot_new(0);
	ASSERT_EQ(coast_oneshot_send(o, NULL), 0);
	ASSERT_EQ(coast_oneshot_recv(o, NULL), 0);
	coast_oneshot_free(o);
	ASSERT_EQ(coast_oneshot_send(NULL, &v), -EINVAL);
	ASSERT_EQ(coast_oneshot_close(NULL), -EINVAL);
	ASSERT_EQ(coast_oneshot_recv(NULL, &v), -EINVAL);
	coast_oneshot_free(NULL);
	return 0;
}
