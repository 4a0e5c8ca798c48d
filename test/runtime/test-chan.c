/*
 * test-chan.c - a receive that an element was handed to (or was about to
 * be): spurious polls racing the send leave no waiter node linked once the
 * receive finished, a receive that loses a race or is cancelled never
 * writes its destination and gives its element back, and the elements
 * given back keep their order and are drained after a close; that
 * cancelled receives keep each sender's order and nothing is received
 * after -EPIPE, that a hand-off counts against cap, that a channel
 * may be freed as soon as its receive completed, and that the hand-off's
 * wake of a receiver whose transition is deferred (one worker) requeues
 * it, cancelled or not, from this thread or another, the LIFO slot free
 * or taken.
 */
#include <pthread.h>
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
	double t0; /* when the pending receive started */
};

TEST_FN(spinner_fn, struct spinner, spinner_poll);

static int spinner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spinner *s = (struct spinner *)f;

	for (; s->ret < s->n; s->ret++) {
		if (!s->sub) {
			s->sub = COAST_START(coast_chan_recv)(&heap, s->ch,
							      &s->v);
			s->t0 = test_now_ms();
		}
		ASSERT(s->sub);
		if (test_poll(s->sub, cx) == COAST_PENDING) {
			ASSERT_WITHIN(s->t0, "the sender's hand-off to the "
					     "spinning receive");
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
	double t0 = test_now_ms();

	while (coast__chan_waiters(ch) != n) {
		ASSERT_WITHIN(t0, "the channel's count of waiters");
		ASSERT_EQ(test_join_int(coast__spawn(test_yielder_start(
				  &coast__task_alloc, 1, 0, NULL, NULL))),
			  0);
	}
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

/* --------------------------------- the hand-off's wake of a deferred task */

/* What the deferred receiver's sender does before its send. */
enum deferred_how {
	DEFERRED_PLAIN,
	DEFERRED_CANCEL,         /* cancels it here: NOTIFIED */
	DEFERRED_CANCEL_FOREIGN, /* has another thread cancel it */
	DEFERRED_SLOT_TAKEN,     /* wakes a third task into the LIFO slot */
};

/*
 * With one worker, in the poll right after the receive's pending one (rule
 * 11 of task.c: the receiver is still RUNNING, its transition to idle
 * deferred): sends v on ch, the hand-off waking the receiver, after what
 * how says.
 */
struct deferred_sender {
	struct coast_frame h;
	int ret;
	coast_chan *ch;
	coast_task *victim;
	enum deferred_how how;
	coast_waker *third; /* DEFERRED_SLOT_TAKEN's, a sleeper's waker */
	int v;
};

TEST_FN(deferred_sender_fn, struct deferred_sender, deferred_sender_poll);

static void *cancel_thread(void *arg)
{
	ASSERT_EQ(coast_cancel(arg), 0);
	return NULL;
}

static int deferred_sender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct deferred_sender *s = (struct deferred_sender *)f;
	pthread_t th;
	int r = 7;

	(void)cx;
	/* What the test is about: the receiver's transition put off. */
	ASSERT(coast__polling.deferred == (struct coast_task *)s->victim);
	switch (s->how) {
	case DEFERRED_PLAIN:
		break;
	case DEFERRED_CANCEL:
		ASSERT_EQ(coast_cancel(s->victim), 0);
		break;
	case DEFERRED_CANCEL_FOREIGN:
		ASSERT_EQ(pthread_create(&th, NULL, cancel_thread, s->victim),
			  0);
		ASSERT_EQ(pthread_join(th, NULL), 0);
		break;
	case DEFERRED_SLOT_TAKEN:
		ASSERT(s->third != NULL);
		coast_waker_wake(s->third);
		ASSERT(coast__polling.lifo != NULL);
		break;
	}
	ASSERT_EQ(coast_chan_send__coast_ready(s->ch, &s->v, &r), 1);
	ASSERT_EQ(r, 0);
	if (s->how == DEFERRED_SLOT_TAKEN) /* it runs next, the third after */
		ASSERT(coast__polling.lifo == (struct coast_task *)s->victim);
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* DEFERRED_SLOT_TAKEN's third task: waits once (its waker in *w), then
 * completes. */
struct waits_once {
	struct coast_frame h;
	int ret;
	coast_waker **w;
};

TEST_FN(waits_once_fn, struct waits_once, waits_once_poll);

static int waits_once_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct waits_once *o = (struct waits_once *)f;

	if (f->state == COAST_STATE_START && !(f->flags & COAST_F_CANCEL)) {
		*o->w = coast_waker_get(cx);
		f->state = 1;
		return COAST_PENDING;
	}
	o->ret = 5;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/*
 * One worker: a receive waits, and the next poll, its sender's, hands it
 * an element.  The hand-off's wake requeues the receiver without a word
 * changed (coast__waker_wake_deferred; one that left the deferred
 * transition to be made as well queued the task twice).  With a cancel
 * first (NOTIFIED, with a reference of its own; from this worker or from
 * another thread), what is checked is the outcome: the cancellation poll
 * gives the element back, no waiter stays linked and no reference is left
 * (a fast path that also requeued a NOTIFIED task would pass too: that is
 * correct as well).  With the LIFO slot taken by a third task, the wake
 * takes coast_waker_wake's path: the receiver still runs next, the third
 * after it.
 */
static void handoff_to_deferred(enum deferred_how how)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	struct waits_once *o;
	struct dest_receiver *r =
		test_frame_new(&coast__task_alloc, &dest_receiver_fn);
	struct deferred_sender *s =
		test_frame_new(&coast__task_alloc, &deferred_sender_fn);
	bool cancel = how == DEFERRED_CANCEL || how == DEFERRED_CANCEL_FOREIGN;
	coast_task *ot = NULL, *rt, *st;
	int v = -1;

	dest = -1;
	r->ch = s->ch = ch;
	s->v = 42;
	s->how = how;
	s->third = NULL;
	/* Before the runtime starts: the worker takes them in order. */
	if (how == DEFERRED_SLOT_TAKEN) {
		o = test_frame_new(&coast__task_alloc, &waits_once_fn);
		o->w = &s->third;
		ot = coast__spawn(&o->h);
	}
	rt = coast__spawn(&r->h);
	s->victim = rt;
	st = coast__spawn(&s->h);
	ASSERT_EQ(test_join_int(st), 0);
	if (ot)
		ASSERT_EQ(test_join_int(ot), 5);
	if (cancel) {
		ASSERT_EQ(test_join_int(rt), -ECANCELED);
		ASSERT_EQ(dest, -1);
		ASSERT_EQ(coast_chan_close(ch), 0);
		ASSERT_EQ(coast_chan_recv(ch, &v), 0); /* given back */
		ASSERT_EQ(v, 42);
	} else {
		ASSERT_EQ(test_join_int(rt), 0);
		ASSERT_EQ(dest, 42);
	}
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
}

TEST_IMPL(chan_handoff_wakes_deferred)
{
	test_workers(1);
	handoff_to_deferred(DEFERRED_PLAIN);
	return 0;
}

TEST_IMPL(chan_handoff_wakes_deferred_cancelled)
{
	test_workers(1);
	handoff_to_deferred(DEFERRED_CANCEL);
	return 0;
}

TEST_IMPL(chan_handoff_wakes_deferred_cancelled_foreign)
{
	test_workers(1);
	handoff_to_deferred(DEFERRED_CANCEL_FOREIGN);
	return 0;
}

TEST_IMPL(chan_handoff_wakes_deferred_slot_taken)
{
	test_workers(1);
	handoff_to_deferred(DEFERRED_SLOT_TAKEN);
	return 0;
}

/* ------------------------------------------- hand-offs, polled by hand */

enum { NOT_YET = 1 }; /* step()'s pending: results are 0 or -errno */

/* Polls f once: its result, or NOT_YET. */
static int step(struct coast_frame *f, struct coast_cx *cx)
{
	if (test_poll(f, cx) != COAST_READY)
		return NOT_YET;
	return COAST_RESULT(int, f);
}

/* A receive into *to, polled once: it waits. */
static struct coast_frame *waiting_recv(struct coast_cx *cx, coast_chan *ch,
					int *to)
{
	struct coast_frame *f = COAST_START(coast_chan_recv)(&heap, ch, to);

	ASSERT(f);
	ASSERT_EQ(step(f, cx), NOT_YET);
	return f;
}

/* Cancels f (polls it until it is done) and frees it: its result. */
static int cancel_frame(struct coast_frame *f, struct coast_cx *cx)
{
	double t0 = test_now_ms();
	int rc;

	f->flags |= COAST_F_CANCEL;
	while ((rc = step(f, cx)) == NOT_YET)
		ASSERT_WITHIN(t0, "the cancelled frame's end");
	heap.free(&heap, f, f->fn->size);
	return rc;
}

/*
 * Polls r2 once, cancels r1 (it must not have received), then finishes r2
 * and frees it: r2 must receive 1.
 */
static void cancel_first_finish_second(struct coast_cx *cx,
				       struct coast_frame *r1, const int *a,
				       struct coast_frame *r2, const int *b)
{
	int rc = step(r2, cx);
	double t0;

	ASSERT_EQ(cancel_frame(r1, cx), -ECANCELED);
	ASSERT_EQ(*a, -1);
	t0 = test_now_ms();
	while (rc == NOT_YET) {
		ASSERT_WITHIN(t0, "the second receive's element");
		rc = step(r2, cx);
	}
	heap.free(&heap, r2, r2->fn->size);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(*b, 1);
}

/* Closes ch, receives what is left: it must be want[0..n-1], then -EPIPE. */
static void drain_expect(coast_chan *ch, const int *want, int n)
{
	int i, v;

	ASSERT_EQ(coast_chan_close(ch), 0);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(coast_chan_recv(ch, &v), 0);
		ASSERT_EQ(v, want[i]);
	}
	ASSERT_EQ(coast_chan_recv(ch, &v), -EPIPE);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
}

/*
 * First polls (COAST_STATE_START goes straight to the lock; a fresh
 * frame's node is always idle, so the skipped looks could never fire and
 * this test checks behaviour, not the shortcut): a receive and a send cancelled before their first poll finish
 * with -ECANCELED and link nothing; a first poll completes a receive with
 * an element there and a send with room, and links one that must wait.
 */
static void first_polls(struct coast_cx *cx)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	struct coast_frame *f;
	int v = 5, got = -1;

	f = COAST_START(coast_chan_recv)(&heap, ch, &got);
	ASSERT_EQ(cancel_frame(f, cx), -ECANCELED);
	f = COAST_START(coast_chan_send)(&heap, ch, &v);
	ASSERT_EQ(cancel_frame(f, cx), -ECANCELED);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	ASSERT_EQ(got, -1);

	f = waiting_recv(cx, ch, &got); /* empty: linked */
	ASSERT_EQ(coast__chan_waiters(ch), 1);
	ASSERT_EQ(cancel_frame(f, cx), -ECANCELED);
	ASSERT_EQ(coast__chan_waiters(ch), 0);

	f = COAST_START(coast_chan_send)(&heap, ch, &v); /* room */
	ASSERT_EQ(step(f, cx), 0);
	heap.free(&heap, f, f->fn->size);
	f = COAST_START(coast_chan_send)(&heap, ch, &v); /* full: linked */
	ASSERT_EQ(step(f, cx), NOT_YET);
	ASSERT_EQ(coast__chan_waiters(ch), 1);
	ASSERT_EQ(cancel_frame(f, cx), -ECANCELED);
	f = COAST_START(coast_chan_recv)(&heap, ch, &got); /* an element */
	ASSERT_EQ(step(f, cx), 0);
	ASSERT_EQ(got, 5);
	heap.free(&heap, f, f->fn->size);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
}

TEST_SCRIPT(chan_first_polls, first_polls)

/*
 * A receive that a hand-off completed keeps its node HANDED: polled again
 * (a done frame answers READY) it neither copies nor settles again, so its
 * destination stays as the caller left it and the channel counts no
 * second settle (which would leave every later receive waiting).
 */
static void poll_after_handed(struct coast_cx *cx)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	struct coast_frame *f;
	int v = 1, got = -1, r = 7;

	f = waiting_recv(cx, ch, &got);
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1); /* handed */
	ASSERT_EQ(r, 0);
	ASSERT_EQ(step(f, cx), 0);
	ASSERT_EQ(got, 1);
	got = -1;
	ASSERT_EQ(step(f, cx), 0);
	ASSERT_EQ(got, -1);
	heap.free(&heap, f, f->fn->size);
	v = 2;
	ASSERT_EQ(coast_chan_send__coast_ready(ch, &v, &r), 1);
	ASSERT_EQ(coast_chan_recv__coast_ready(ch, &got, &r), 1);
	ASSERT_EQ(r, 0);
	ASSERT_EQ(got, 2);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
}

TEST_SCRIPT(chan_poll_after_handed, poll_after_handed)

/*
 * Two waiting receives, 1 and 2 sent, both receives cancelled in the order
 * they waited (as coast_first's losers and a scope's tasks are), and in
 * the other: the elements stay in the order they were sent.
 */
static void cancel_both(struct coast_cx *cx)
{
	static const int want[] = { 1, 2 };
	int a = -1, b = -1, v, rev;

	for (rev = 0; rev < 2; rev++) {
		coast_chan *ch = coast_chan_new(4, sizeof(int));
		struct coast_frame *r1 = waiting_recv(cx, ch, &a);
		struct coast_frame *r2 = waiting_recv(cx, ch, &b);

		for (v = 1; v <= 2; v++)
			ASSERT_EQ(coast_chan_send(ch, &v), 0);
		ASSERT_EQ(cancel_frame(rev ? r2 : r1, cx), -ECANCELED);
		ASSERT_EQ(cancel_frame(rev ? r1 : r2, cx), -ECANCELED);
		ASSERT_EQ(a, -1);
		ASSERT_EQ(b, -1);
		drain_expect(ch, want, 2);
	}
}

TEST_SCRIPT(chan_cancel_keeps_order, cancel_both)

/*
 * Two waiting receives of one consumer, 1 and 2 sent; the second is
 * polled (it may complete), then the first cancelled: what the consumer
 * receives next is younger than what the second got.
 */
static void cancel_older(struct coast_cx *cx)
{
	coast_chan *ch = coast_chan_new(4, sizeof(int));
	int a = -1, b = -1, v;
	struct coast_frame *r1 = waiting_recv(cx, ch, &a);
	struct coast_frame *r2 = waiting_recv(cx, ch, &b);

	for (v = 1; v <= 2; v++)
		ASSERT_EQ(coast_chan_send(ch, &v), 0);
	cancel_first_finish_second(cx, r1, &a, r2, &b);
	ASSERT_EQ(coast_chan_recv(ch, &v), 0);
	ASSERT_EQ(v, 2);
	drain_expect(ch, NULL, 0);
}

TEST_SCRIPT(chan_cancel_older_receive, cancel_older)

/*
 * A waiting receive may be handed the element; the channel is closed, a
 * second receive polled, the first cancelled: the element is received
 * once, and never after a receive was told -EPIPE.
 */
static void close_then_cancel(struct coast_cx *cx)
{
	coast_chan *ch = coast_chan_new(4, sizeof(int));
	int a = -1, b = -1, v = 1;
	struct coast_frame *r1 = waiting_recv(cx, ch, &a);
	struct coast_frame *r2 = waiting_recv(cx, ch, &b);

	ASSERT_EQ(coast_chan_send(ch, &v), 0);
	ASSERT_EQ(coast_chan_close(ch), 0);
	cancel_first_finish_second(cx, r1, &a, r2, &b);
	ASSERT_EQ(coast_chan_recv(ch, &v), -EPIPE);
	coast_chan_free(ch);
}

TEST_SCRIPT(chan_close_after_handoff, close_then_cancel)

/*
 * cap 1: a waiting receive, 1 sent (it may be handed over), a send of 2
 * waits; the receive is cancelled: 1 is kept, in the one slot there is,
 * and 2 still waits until 1 is received.
 */
static void full_give_back(struct coast_cx *cx)
{
	static const int want[] = { 2 };
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	int a = -1, v = 1, two = 2;
	struct coast_frame *r1 = waiting_recv(cx, ch, &a), *s2;

	ASSERT_EQ(coast_chan_send(ch, &v), 0);
	s2 = COAST_START(coast_chan_send)(&heap, ch, &two);
	ASSERT(s2);
	ASSERT_EQ(step(s2, cx), NOT_YET);
	ASSERT_EQ(cancel_frame(r1, cx), -ECANCELED);
	ASSERT_EQ(step(s2, cx), NOT_YET);
	ASSERT_EQ(coast_chan_recv(ch, &v), 0);
	ASSERT_EQ(v, 1);
	ASSERT_EQ(step(s2, cx), 0);
	heap.free(&heap, s2, s2->fn->size);
	drain_expect(ch, want, 1);
}

TEST_SCRIPT(chan_give_back_full, full_give_back)

/*
 * Cap 1: a is in the ring, sends of b and c wait; a receive takes a and
 * wakes b's send, which hands b to a waiting receive.  When that receive
 * settles, the ring has room again: c's send must have been woken (it
 * waited for room, not for the hand-off, so it never marked the channel).
 */
static void settle_wakes_sender(struct coast_cx *cx)
{
	static const int want[] = { 0 };
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	int a = 1, b = 2, c = 3, v = -1, d2 = -1, d3 = -1;
	struct coast_frame *s2, *s3, *r2, *r3;

	ASSERT_EQ(coast_chan_send(ch, &a), 0);
	s2 = COAST_START(coast_chan_send)(&heap, ch, &b);
	s3 = COAST_START(coast_chan_send)(&heap, ch, &c);
	ASSERT(s2 && s3);
	ASSERT_EQ(step(s2, cx), NOT_YET);
	ASSERT_EQ(step(s3, cx), NOT_YET);
	ASSERT_EQ(coast_chan_recv(ch, &v), 0);
	ASSERT_EQ(v, 1);
	r2 = waiting_recv(cx, ch, &d2);
	ASSERT_EQ(step(s2, cx), 0);
	ASSERT_EQ(step(r2, cx), 0);
	ASSERT_EQ(d2, 2);
	r3 = waiting_recv(cx, ch, &d3);
	ASSERT_EQ(step(s3, cx), 0);
	ASSERT_EQ(step(r3, cx), 0);
	ASSERT_EQ(d3, 3);
	heap.free(&heap, s2, s2->fn->size);
	heap.free(&heap, s3, s3->fn->size);
	heap.free(&heap, r2, r2->fn->size);
	heap.free(&heap, r3, r3->fn->size);
	drain_expect(ch, want, 0);
}

TEST_SCRIPT(chan_settle_wakes_sender, settle_wakes_sender)

/*
 * Cap 2, full, three sends waiting: two receives wake the first two.  The
 * first of them hands its element to a waiting receive instead of using
 * the room it was woken for; when that receive settles, the room is
 * free again and the third send must have been woken for it, or every
 * send can end up waiting on an empty channel (a server's request
 * channel fed by more clients than its cap: all hung).
 */
static void handoff_passes_room(struct coast_cx *cx)
{
	static const int want[] = { 4, 5 };
	coast_chan *ch = coast_chan_new(2, sizeof(int));
	int one = 1, two = 2, v[3] = { 3, 4, 5 }, got = -1, d = -1;
	struct coast_frame *s[3], *r;
	int i;

	ASSERT_EQ(coast_chan_send(ch, &one), 0);
	ASSERT_EQ(coast_chan_send(ch, &two), 0);
	for (i = 0; i < 3; i++) {
		s[i] = COAST_START(coast_chan_send)(&heap, ch, &v[i]);
		ASSERT(s[i]);
		ASSERT_EQ(step(s[i], cx), NOT_YET);
	}
	ASSERT_EQ(coast_chan_recv(ch, &got), 0);
	ASSERT_EQ(got, 1);
	ASSERT_EQ(coast_chan_recv(ch, &got), 0);
	ASSERT_EQ(got, 2);
	r = waiting_recv(cx, ch, &d);
	ASSERT_EQ(step(s[0], cx), 0);
	ASSERT_EQ(step(r, cx), 0);
	ASSERT_EQ(d, 3);
	ASSERT_EQ(step(s[1], cx), 0);
	ASSERT_EQ(step(s[2], cx), 0);
	for (i = 0; i < 3; i++)
		heap.free(&heap, s[i], s[i]->fn->size);
	heap.free(&heap, r, r->fn->size);
	drain_expect(ch, want, 2);
}

TEST_SCRIPT(chan_handoff_passes_room, handoff_passes_room)

/* ------------------------------------------ a channel freed at once */

static coast_chan *_Atomic uaf_ch; /* the channel the sender sends on */

/* A round that takes longer than TEST_WAIT_MS is a receive that never
 * completes (a lost hand-off): fail, not hang. */
enum { UAF_ROUNDS = 300 };

/* Sends 42 on every channel published in uaf_ch, n times; each must be
 * published within TEST_WAIT_MS, or the main thread is stuck in a round. */
static void *uaf_sender(void *arg)
{
	int n = *(int *)arg, v = 42;
	coast_chan *ch;
	double t0;

	while (n--) {
		t0 = test_now_ms();
		while (!(ch = atomic_exchange(&uaf_ch, NULL)))
			ASSERT_WITHIN(t0, "the next round's channel");
		ASSERT_EQ(coast_chan_send(ch, &v), 0);
	}
	return NULL;
}

/* Each round: a receive waits on a new channel, polled until it has the
 * sender's element, and the channel is freed at once. */
static void free_after_recv(struct coast_cx *cx)
{
	int i, d, n = UAF_ROUNDS;
	double t0;
	pthread_t th;

	ASSERT_EQ(pthread_create(&th, NULL, uaf_sender, &n), 0);
	for (i = 0; i < UAF_ROUNDS; i++) {
		coast_chan *ch = coast_chan_new(1, sizeof(int));
		struct coast_frame *f;

		d = 0;
		f = waiting_recv(cx, ch, &d);
		atomic_store(&uaf_ch, ch);
		t0 = test_now_ms();
		while (step(f, cx) == NOT_YET)
			ASSERT_WITHIN(t0, "the receive of the element sent");
		ASSERT_EQ(COAST_RESULT(int, f), 0);
		ASSERT_EQ(d, 42);
		heap.free(&heap, f, f->fn->size);
		coast_chan_free(ch);
	}
	ASSERT_EQ(pthread_join(th, NULL), 0);
}

TEST_SCRIPT(chan_free_after_handoff, free_after_recv)

/* ------------------------------ cancelling receivers, per-sender order */

enum { ST_SENDERS = 2, ST_RECEIVERS = 3, ST_PER = 3000 };

static coast_chan *st_ch;
static _Atomic int st_seen[ST_SENDERS * ST_PER];

/* Sends ST_PER elements tagged with its index, blocking. */
static void *st_sender(void *arg)
{
	int base = (int)(intptr_t)arg * ST_PER, i, v;

	for (i = 0; i < ST_PER; i++) {
		v = base + i;
		ASSERT_EQ(coast_chan_send(st_ch, &v), 0);
	}
	return NULL;
}

/*
 * Receives until -EPIPE; each receive is polled a random number of times
 * (each poll a spurious one, by its own wake) and then cancelled if it is
 * still waiting.  Checks that what it receives from each sender comes in
 * the order sent, and that a cancelled receive left its destination alone.
 */
struct st_receiver {
	struct coast_frame h;
	int ret;
	unsigned seed;
	int spins, d;
	int last[ST_SENDERS];
	struct coast_frame *sub;
};

TEST_FN(st_receiver_fn, struct st_receiver, st_receiver_poll);

static int st_receiver_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct st_receiver *r = (struct st_receiver *)f;
	int rc;

	for (;;) {
		if (!r->sub) {
			r->d = -1;
			r->sub = COAST_START(coast_chan_recv)(&heap, st_ch,
							      &r->d);
			ASSERT(r->sub);
			r->spins = (int)(rand_r(&r->seed) % 64);
		}
		rc = step(r->sub, cx);
		if (rc == NOT_YET) {
			if (r->spins-- <= 0)
				r->sub->flags |= COAST_F_CANCEL;
			coast_waker_wake(coast_waker_get(cx));
			return COAST_PENDING;
		}
		heap.free(&heap, r->sub, r->sub->fn->size);
		r->sub = NULL;
		if (rc == -ECANCELED) {
			ASSERT_EQ(r->d, -1);
			continue;
		}
		if (rc == -EPIPE)
			break;
		ASSERT_EQ(rc, 0);
		ASSERT_EQ(atomic_fetch_add(&st_seen[r->d], 1), 0);
		ASSERT(r->d % ST_PER > r->last[r->d / ST_PER]);
		r->last[r->d / ST_PER] = r->d % ST_PER;
		r->ret++;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(chan_cancel_order_stress)
{
	coast_task *rt[ST_RECEIVERS];
	pthread_t th[ST_SENDERS];
	int i, j, v, n = 0;

	test_workers(2);
	st_ch = coast_chan_new(4, sizeof(int));
	for (i = 0; i < ST_RECEIVERS; i++) {
		struct st_receiver *r =
			test_frame_new(&coast__task_alloc, &st_receiver_fn);

		r->seed = (unsigned)i * 7919 + 1;
		for (j = 0; j < ST_SENDERS; j++)
			r->last[j] = -1;
		rt[i] = coast__spawn(&r->h);
	}
	/* The workers start with the first block_on. */
	ASSERT_EQ(test_join_int(coast__spawn(test_yielder_start(
			  &coast__task_alloc, 1, 0, NULL, NULL))),
		  0);
	for (i = 0; i < ST_SENDERS; i++)
		ASSERT_EQ(pthread_create(&th[i], NULL, st_sender,
					 (void *)(intptr_t)i),
			  0);
	for (i = 0; i < ST_SENDERS; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	ASSERT_EQ(coast_chan_close(st_ch), 0);
	for (i = 0; i < ST_RECEIVERS; i++)
		n += test_join_int(rt[i]);
	ASSERT_EQ(coast_chan_recv(st_ch, &v), -EPIPE);
	ASSERT_EQ(n, ST_SENDERS * ST_PER);
	ASSERT_EQ(coast__chan_waiters(st_ch), 0);
	coast_chan_free(st_ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* --------------------------------------------- elements of other sizes */

/*
 * Elements neither an int nor a word go through chan.c's out-of-line copy
 * (preserve_most: a register it failed to keep would corrupt a section):
 * 3 bytes, handed off, and 24, through the ring only.  Two async senders
 * and a blocking one, an async receiver and a blocking one (C5's
 * broadcasts), on two workers: every element arrives once, intact, and in
 * its sender's order at each receiver.
 */
enum { ODD_SENDERS = 3, ODD_PER = 2000 };

static coast_chan *odd_ch;
static size_t odd_size;

static void odd_fill(unsigned char *e, int id, int seq)
{
	size_t i;

	e[0] = (unsigned char)id;
	e[1] = (unsigned char)seq;
	e[2] = (unsigned char)(seq >> 8);
	for (i = 3; i < odd_size; i++)
		e[i] = (unsigned char)(seq * 7 + (int)i);
}

/* Checks e and that it comes after last[its sender]; returns 1. */
static int odd_check(const unsigned char *e, int *last)
{
	int id = e[0], seq = e[1] | e[2] << 8;
	size_t i;

	ASSERT(id < ODD_SENDERS && seq < ODD_PER);
	for (i = 3; i < odd_size; i++)
		ASSERT_EQ(e[i], (unsigned char)(seq * 7 + (int)i));
	ASSERT(seq > last[id]);
	last[id] = seq;
	return 1;
}

struct odd_sender {
	struct coast_frame h;
	int ret;
	int id, i, r;
	unsigned char e[24];
	struct coast_frame *sub;
};

TEST_FN(odd_sender_fn, struct odd_sender, odd_sender_poll);

static int odd_sender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct odd_sender *s = (struct odd_sender *)f;

	switch (f->state) {
	case COAST_STATE_START:
		for (s->i = 0; s->i < ODD_PER; s->i++) {
			odd_fill(s->e, s->id, s->i);
			TEST_AWAIT(1, s->sub,
				   COAST_START(coast_chan_send)(cx->frames,
								odd_ch, s->e),
				   int, s->r);
			ASSERT_EQ(s->r, 0);
			s->ret++;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

struct odd_receiver {
	struct coast_frame h;
	int ret;
	int r;
	int last[ODD_SENDERS];
	unsigned char d[24];
	struct coast_frame *sub;
};

TEST_FN(odd_receiver_fn, struct odd_receiver, odd_receiver_poll);

static int odd_receiver_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct odd_receiver *r = (struct odd_receiver *)f;

	switch (f->state) {
	case COAST_STATE_START:
		for (;;) {
			TEST_AWAIT(1, r->sub,
				   COAST_START(coast_chan_recv)(cx->frames,
								odd_ch, r->d),
				   int, r->r);
			if (r->r == -EPIPE)
				break;
			ASSERT_EQ(r->r, 0);
			r->ret += odd_check(r->d, r->last);
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static void *odd_blocking_sender(void *arg)
{
	unsigned char e[24];
	int i;

	(void)arg;
	for (i = 0; i < ODD_PER; i++) {
		odd_fill(e, ODD_SENDERS - 1, i);
		ASSERT_EQ(coast_chan_send(odd_ch, e), 0);
	}
	return NULL;
}

static void *odd_blocking_receiver(void *arg)
{
	int last[ODD_SENDERS] = { -1, -1, -1 };
	unsigned char d[24];
	intptr_t n = 0;

	(void)arg;
	while (coast_chan_recv(odd_ch, d) == 0)
		n += odd_check(d, last);
	return (void *)n;
}

TEST_IMPL(chan_odd_sizes)
{
	static const size_t sizes[] = { 3, 24 };
	pthread_t snd, rcv;
	void *got;
	size_t z;
	int i, n;

	test_workers(2);
	for (z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		struct odd_receiver *r =
			test_frame_new(&coast__task_alloc, &odd_receiver_fn);
		coast_task *st[ODD_SENDERS - 1], *rt;

		odd_size = sizes[z];
		odd_ch = coast_chan_new(2, odd_size);
		ASSERT(odd_ch);
		for (i = 0; i < ODD_SENDERS; i++)
			r->last[i] = -1;
		rt = coast__spawn(&r->h);
		for (i = 0; i < ODD_SENDERS - 1; i++) {
			struct odd_sender *s = test_frame_new(
				&coast__task_alloc, &odd_sender_fn);

			s->id = i;
			st[i] = coast__spawn(&s->h);
		}
		ASSERT_EQ(pthread_create(&rcv, NULL, odd_blocking_receiver,
					 NULL),
			  0);
		ASSERT_EQ(pthread_create(&snd, NULL, odd_blocking_sender,
					 NULL),
			  0);
		for (i = 0; i < ODD_SENDERS - 1; i++)
			ASSERT_EQ(test_join_int(st[i]), ODD_PER);
		ASSERT_EQ(pthread_join(snd, NULL), 0);
		ASSERT_EQ(coast_chan_close(odd_ch), 0);
		n = test_join_int(rt);
		ASSERT_EQ(pthread_join(rcv, &got), 0);
		ASSERT_EQ(n + (int)(intptr_t)got, ODD_SENDERS * ODD_PER);
		ASSERT_EQ(coast__chan_waiters(odd_ch), 0);
		coast_chan_free(odd_ch);
	}
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
