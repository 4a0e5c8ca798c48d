/*
 * test-chan.c - a receive that an element was handed to (or was about to
 * be): spurious polls racing the send leave no waiter node linked once the
 * receive finished, a receive that loses a race or is cancelled never
 * writes its destination and gives its element back, and the elements
 * given back keep their order and are drained after a close.
 */
#include <stdatomic.h>

#include "test.h"

/* Frames from malloc, so that ASan sees a freed receive's node touched. */
static void *heap_alloc(struct coast_alloc *a, size_t size)
{
	(void)a;
	return malloc(size);
}

static void heap_free(struct coast_alloc *a, void *p, size_t size)
{
	(void)a;
	(void)size;
	free(p);
}

static struct coast_alloc heap = { heap_alloc, heap_free, NULL, NULL };

/* Sends 0..n-1 on ch; returns how many went. */
struct sender {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	int n, v, r;
	struct coast_frame *sub;
};

TEST_FN(sender_fn, struct sender, sender_poll);

static int sender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sender *s = (struct sender *)f;

	switch (f->state) {
	case COAST_STATE_START:
		for (s->v = 0; s->v < s->n; s->v++) {
			TEST_AWAIT(1, s->sub,
				   COAST_START(coast_chan_send)(cx->frames,
								s->ch, &s->v),
				   int, s->r);
			ASSERT_EQ(s->r, 0);
			s->ret++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/*
 * Receives n elements, each into a frame of its own from malloc, and
 * while a receive is pending wakes itself, so that it is polled again and
 * again (spuriously, as inside coast_first) while the sender on the other
 * worker hands it elements.  Checks they come in order.
 */
struct spinner {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	int n, v;
	struct coast_frame *sub;
};

TEST_FN(spinner_fn, struct spinner, spinner_poll);

static int spinner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spinner *s = (struct spinner *)f;

	for (; s->ret < s->n; s->ret++) {
		if (!s->sub)
			s->sub = COAST_START(coast_chan_recv)(&heap, s->ch,
							      &s->v);
		ASSERT(s->sub);
		if (test_poll(s->sub, cx) == COAST_PENDING) {
			coast_waker_wake(coast_waker_get(cx));
			return COAST_PENDING;
		}
		ASSERT_EQ(COAST_RESULT(int, s->sub), 0);
		ASSERT_EQ(s->v, s->ret);
		heap.free(&heap, s->sub, s->sub->fn->size);
		s->sub = NULL;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* Spurious polls of a waiting receive race the sends that hand it its
 * elements: each arrives once, in order, and no freed node stays linked. */
TEST_IMPL(chan_spurious_handoff)
{
	enum { N = 20000 };
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	struct spinner *r = test_frame_new(&coast__task_alloc, &spinner_fn);
	struct sender *s = test_frame_new(&coast__task_alloc, &sender_fn);
	coast_task *rt, *st;

	test_workers(2);
	r->ch = s->ch = ch;
	r->n = s->n = N;
	rt = coast__spawn(&r->h);
	st = coast__spawn(&s->h);
	ASSERT_EQ(test_join_int(st), N);
	ASSERT_EQ(test_join_int(rt), N);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------------ selects */

static coast_chan *sel_ch[2];
static int sel_v = -1; /* both receives' destination */
static int sel_rc = -1;

/* coast_first(recv(sel_ch[0], &sel_v), recv(sel_ch[1], &sel_v)): the
 * winner's index; its result goes to sel_rc. */
struct selector {
	struct coast_frame h;
	int ret;
	struct coast_frame *race;
};

TEST_FN(selector_fn, struct selector, selector_poll);

static int selector_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct selector *s = (struct selector *)f;
	int i, rc;

	switch (f->state) {
	case COAST_STATE_START:
		s->race = coast__first__coast_start(cx->frames, 2);
		ASSERT(s->race);
		for (i = 0; i < 2; i++)
			coast__race_arm(s->race, cx->frames,
					COAST_START(coast_chan_recv)(
						cx->frames, sel_ch[i], &sel_v),
					&sel_rc, "recv");
		f->state = 1;
		/* fall through */
	case 1:
		rc = coast__poll_child(s->race, cx);
		if (rc != COAST_READY)
			return rc;
		s->ret = COAST_RESULT(int, s->race);
		test_free(cx, s->race);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Sends 1 on sel_ch[0] and 2 on sel_ch[1] in one poll (both have room). */
struct pair_sender {
	struct coast_frame h;
	int ret;
	int v[2], r;
	struct coast_frame *sub;
};

TEST_FN(pair_sender_fn, struct pair_sender, pair_sender_poll);

static int pair_sender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct pair_sender *p = (struct pair_sender *)f;

	switch (f->state) {
	case COAST_STATE_START:
		p->v[0] = 1;
		p->v[1] = 2;
		TEST_AWAIT(1, p->sub,
			   COAST_START(coast_chan_send)(cx->frames, sel_ch[0],
							&p->v[0]),
			   int, p->r);
		ASSERT_EQ(p->r, 0);
		TEST_AWAIT(2, p->sub,
			   COAST_START(coast_chan_send)(cx->frames, sel_ch[1],
							&p->v[1]),
			   int, p->r);
		ASSERT_EQ(p->r, 0);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Runs the runtime (a yield in a root task) until ch has n waiters. */
static void wait_waiters(coast_chan *ch, size_t n)
{
	while (coast__chan_waiters(ch) != n)
		ASSERT_EQ(test_join_int(coast__spawn(test_yielder_start(
				  &coast__task_alloc, 1, 0, NULL, NULL))),
			  0);
}

/*
 * A select of two receives into one variable, both waiting, then both
 * channels get an element before the select runs again: the first arm
 * wins with its own element in the variable, and the loser's element is
 * still in its channel.
 */
TEST_IMPL(chan_select_one_buffer)
{
	struct selector *s = test_frame_new(&coast__task_alloc, &selector_fn);
	coast_task *t;
	int v = 0;

	test_workers(1);
	sel_ch[0] = coast_chan_new(1, sizeof(int));
	sel_ch[1] = coast_chan_new(1, sizeof(int));
	t = coast__spawn(&s->h);
	wait_waiters(sel_ch[0], 1);
	wait_waiters(sel_ch[1], 1);
	ASSERT_EQ(test_join_int(coast__spawn(
			  test_frame_new(&coast__task_alloc, &pair_sender_fn))),
		  0);
	ASSERT_EQ(test_join_int(t), 0); /* the first arm won */
	ASSERT_EQ(sel_rc, 0);
	ASSERT_EQ(sel_v, 1);
	ASSERT_EQ(coast__chan_waiters(sel_ch[0]), 0);
	ASSERT_EQ(coast__chan_waiters(sel_ch[1]), 0);
	ASSERT_EQ(coast_chan_recv(sel_ch[1], &v), 0);
	ASSERT_EQ(v, 2);
	ASSERT_EQ(coast_chan_close(sel_ch[0]), 0);
	ASSERT_EQ(coast_chan_recv(sel_ch[0], &v), -EPIPE);
	coast_chan_free(sel_ch[0]);
	coast_chan_free(sel_ch[1]);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------ cancelled receive */

static int dest = -1; /* the cancelled receive's destination */

/* Receives one element into *to (dest unless told): 0 or the error. */
struct dest_receiver {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	int *to;
	struct coast_frame *sub;
};

TEST_FN(dest_receiver_fn, struct dest_receiver, dest_receiver_poll);

static int dest_receiver_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct dest_receiver *r = (struct dest_receiver *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &r->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, r->sub,
			   COAST_START(coast_chan_recv)(cx->frames, r->ch,
							r->to ? r->to : &dest),
			   int, r->ret);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/*
 * Sends 1..n on ch, then cancels victim and (with close) closes ch, all in
 * one poll unless a send has to wait for room.
 */
struct cancel_sender {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	coast_task *victim;
	bool close;
	int n, v, r;
	struct coast_frame *sub;
};

TEST_FN(cancel_sender_fn, struct cancel_sender, cancel_sender_poll);

static int cancel_sender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct cancel_sender *s = (struct cancel_sender *)f;

	switch (f->state) {
	case COAST_STATE_START:
		for (s->v = 1; s->v <= s->n; s->v++) {
			TEST_AWAIT(1, s->sub,
				   COAST_START(coast_chan_send)(cx->frames,
								s->ch, &s->v),
				   int, s->r);
			ASSERT_EQ(s->r, 0);
		}
		ASSERT_EQ(coast_cancel(s->victim), 0);
		if (s->close)
			ASSERT_EQ(coast_chan_close(s->ch), 0);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/*
 * A waiting receive, then n sends and its cancellation (and the channel's
 * close) in one poll of the sender: the receive either finished with 1 (a
 * send had to wait and let it run) or was cancelled without touching its
 * destination; every element is received once, in order, the rest after
 * the close.
 */
static void cancel_after_send(size_t cap, int n, bool close)
{
	coast_chan *ch = coast_chan_new(cap, sizeof(int));
	struct dest_receiver *r =
		test_frame_new(&coast__task_alloc, &dest_receiver_fn);
	struct cancel_sender *s =
		test_frame_new(&coast__task_alloc, &cancel_sender_fn);
	coast_task *rt;
	int v, next = 1, rc;

	dest = -1;
	r->ch = ch;
	rt = coast__spawn(&r->h);
	wait_waiters(ch, 1);
	s->ch = ch;
	s->victim = rt;
	s->close = close;
	s->n = n;
	ASSERT_EQ(test_join_int(coast__spawn(&s->h)), 0);
	rc = test_join_int(rt);
	if (rc == 0) {
		ASSERT_EQ(dest, 1);
		next = 2;
	} else {
		ASSERT_EQ(rc, -ECANCELED);
		ASSERT_EQ(dest, -1);
	}
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	if (!close)
		ASSERT_EQ(coast_chan_close(ch), 0);
	while ((rc = coast_chan_recv(ch, &v)) == 0)
		ASSERT_EQ(v, next++);
	ASSERT_EQ(rc, -EPIPE);
	ASSERT_EQ(next, n + 1);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
}

TEST_IMPL(chan_cancel_keeps_element)
{
	test_workers(1);
	cancel_after_send(1, 1, false); /* its destination stays untouched */
	cancel_after_send(2, 2, true);  /* given back in front of 2 */
	cancel_after_send(1, 2, true);  /* ... of a full channel */
	cancel_after_send(3, 4, false);
	return 0;
}

/*
 * Two receives waiting; the first is handed the element and cancelled in
 * the same poll of the sender: the second receives it, whichever way the
 * element went.
 */
TEST_IMPL(chan_cancel_passes_element)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	struct dest_receiver *r1 =
		test_frame_new(&coast__task_alloc, &dest_receiver_fn);
	struct cancel_sender *s =
		test_frame_new(&coast__task_alloc, &cancel_sender_fn);
	struct dest_receiver *r2 =
		test_frame_new(&coast__task_alloc, &dest_receiver_fn);
	coast_task *t1, *t2;
	int dest2 = -1;

	test_workers(1);
	dest = -1;
	r1->ch = r2->ch = ch;
	r2->to = &dest2;
	t1 = coast__spawn(&r1->h);
	wait_waiters(ch, 1);
	t2 = coast__spawn(&r2->h);
	wait_waiters(ch, 2);
	s->ch = ch;
	s->victim = t1;
	s->n = 1;
	ASSERT_EQ(test_join_int(coast__spawn(&s->h)), 0);
	ASSERT_EQ(test_join_int(t1), -ECANCELED);
	ASSERT_EQ(test_join_int(t2), 0);
	ASSERT_EQ(dest2, 1);
	ASSERT_EQ(dest, -1);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
