/*
 * test-task.c - tasks: state-word transitions, reference counting, the
 * frame stack, and wakers called from a foreign thread.
 */
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>

#include "test.h"

#define FLAGS(t) (atomic_load(&(t)->state) & COAST__ST_FLAGS)
#define REFS(t) (atomic_load(&(t)->state) >> COAST__ST_REF_SHIFT)

static struct coast_task *new_task(void)
{
	void *root = coast__task_alloc.alloc(&coast__task_alloc, 64);

	ASSERT(root != NULL);
	ASSERT((uintptr_t)root % alignof(max_align_t) == 0);
	return coast__task_of(root);
}

/* Every transition on its own, the test playing queue and runner. */
TEST_IMPL(task_transitions)
{
	struct coast_task *t = new_task();

	ASSERT(coast__task_of(coast__task_root(t)) == t);
	ASSERT_EQ(coast__task_live(), 1);
	coast__task_init(t, 2, false); /* handle + queue */
	ASSERT_EQ(FLAGS(t), COAST__ST_SCHEDULED);
	ASSERT_EQ(REFS(t), 2);

	/* Already queued: nothing to do, no reference taken. */
	ASSERT_EQ(coast__task_transition_to_notified(t, false),
		  COAST__NOTIFY_NOTHING);
	ASSERT_EQ(REFS(t), 2);

	coast__task_transition_to_running(t);
	ASSERT_EQ(FLAGS(t), COAST__ST_RUNNING);

	/* A wake while running is remembered, then requeues. */
	ASSERT_EQ(coast__task_transition_to_notified(t, false),
		  COAST__NOTIFY_NOTHING);
	ASSERT_EQ(FLAGS(t), COAST__ST_RUNNING | COAST__ST_NOTIFIED);
	ASSERT_EQ(coast__task_transition_to_notified(t, false),
		  COAST__NOTIFY_NOTHING);
	ASSERT_EQ(coast__task_transition_to_idle(t, false), COAST__IDLE_NOTIFIED);
	ASSERT_EQ(FLAGS(t), COAST__ST_SCHEDULED);
	ASSERT_EQ(REFS(t), 2);

	/* Pending without a wake: idle, the runner's reference dropped. */
	coast__task_transition_to_running(t);
	ASSERT_EQ(coast__task_transition_to_idle(t, false), COAST__IDLE_OK);
	ASSERT_EQ(FLAGS(t), 0);
	ASSERT_EQ(REFS(t), 1);

	/* A wake of an idle task submits it and takes the queue's ref. */
	ASSERT_EQ(coast__task_transition_to_notified(t, false),
		  COAST__NOTIFY_SUBMIT);
	ASSERT_EQ(FLAGS(t), COAST__ST_SCHEDULED);
	ASSERT_EQ(REFS(t), 2);

	coast__task_transition_to_running(t);
	coast__task_complete(t);
	ASSERT_EQ(FLAGS(t), COAST__ST_COMPLETE);
	ASSERT(coast__task_is_complete(t));
	coast__task_unref(t); /* the runner's */
	ASSERT_EQ(REFS(t), 1);

	/* Wakes after completion do nothing. */
	ASSERT_EQ(coast__task_transition_to_notified(t, false),
		  COAST__NOTIFY_NOTHING);
	ASSERT_EQ(FLAGS(t), COAST__ST_COMPLETE);
	coast__task_unref(t); /* the handle's: frees */
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* A consuming wake of a finished task drops the last reference. */
TEST_IMPL(task_wake_consumes_ref)
{
	struct coast_task *t = new_task();

	coast__task_init(t, 1, false);
	coast__task_transition_to_running(t);
	coast__task_ref(t); /* a waker */
	coast__task_complete(t);
	coast__task_unref(t); /* the runner's */
	ASSERT_EQ(REFS(t), 1);
	ASSERT_EQ(coast__task_transition_to_notified(t, true),
		  COAST__NOTIFY_DEALLOC);
	coast__task_dealloc(t);
	ASSERT_EQ(test_live_settle(0), 0);

	/* By value while running: the reference becomes NOTIFIED's. */
	t = new_task();
	coast__task_init(t, 1, false);
	coast__task_transition_to_running(t);
	coast__task_ref(t);
	ASSERT_EQ(coast__task_transition_to_notified(t, true),
		  COAST__NOTIFY_NOTHING);
	ASSERT_EQ(REFS(t), 2);
	ASSERT_EQ(coast__task_transition_to_idle(t, false), COAST__IDLE_NOTIFIED);
	ASSERT(!coast__task_transition_to_running(t));
	/* Pending and unreachable: requeued for its cancellation poll. */
	ASSERT_EQ(coast__task_transition_to_idle(t, false), COAST__IDLE_CANCEL);
	ASSERT_EQ(FLAGS(t), COAST__ST_SCHEDULED | COAST__ST_CANCELLED);
	ASSERT_EQ(REFS(t), 1);
	ASSERT(coast__task_transition_to_running(t));
	/* Still pending after it: freed as it is. */
	ASSERT_EQ(coast__task_transition_to_idle(t, false), COAST__IDLE_DEALLOC);
	coast__task_dealloc(t);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* LIFO frames across many chunks: aligned, never moved, reused. */
/* Rule 10: the last reference of a complete task is dropped by a load and
 * a store; with another holder left it takes the RMW, and frees nothing. */
TEST_IMPL(task_last_ref_of_complete)
{
	struct coast_task *t = new_task();

	coast__task_init(t, 2, false); /* the handle's and the queue's */
	coast__task_transition_to_running(t);
	coast__task_ref(t); /* a waker */
	coast__task_complete_release(t, false);
	ASSERT_EQ(REFS(t), 2);
	coast__task_unref(t); /* not the last: the RMW */
	ASSERT_EQ(REFS(t), 1);
	ASSERT_EQ(coast__task_live(), 1);
	coast__task_unref(t); /* the last: freed */
	ASSERT_EQ(coast__task_live(), 0);

	/* A join's consume of a complete task, the last reference too. */
	t = new_task();
	coast__task_init(t, 2, false);
	coast__task_transition_to_running(t);
	coast__task_ref(t);
	coast__task_complete_release(t, false);
	ASSERT(coast__task_consume_release(t)); /* not the last */
	ASSERT_EQ(FLAGS(t), COAST__ST_COMPLETE | COAST__ST_CONSUMED);
	ASSERT(!coast__task_consume_release(t)); /* consumed before */
	ASSERT_EQ(REFS(t), 1);
	coast__task_unref(t);
	ASSERT_EQ(coast__task_live(), 0);

	t = new_task();
	coast__task_init(t, 2, false);
	coast__task_transition_to_running(t);
	coast__task_complete_release(t, false);
	ASSERT_EQ(REFS(t), 1);
	ASSERT(coast__task_consume_release(t)); /* the last: freed */
	ASSERT_EQ(coast__task_live(), 0);
	return 0;
}

TEST_IMPL(task_frame_stack)
{
	enum { N = 300 };
	struct coast_task *t = new_task();
	struct coast_alloc *a = &t->frames;
	unsigned char *p[N], *bottom = NULL;
	size_t size[N];
	int round, i;
	size_t j;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < N; i++) {
			size[i] = (size_t)(i * 37 % 500) + (i % 7 == 0 ? 0 : 1);
			p[i] = a->alloc(a, size[i]);
			ASSERT(p[i] != NULL);
			/* Emptied, the stack starts again at its bottom. */
			if (i == 0 && round > 0)
				ASSERT(p[0] == bottom);
			bottom = p[0];
			ASSERT((uintptr_t)p[i] % alignof(max_align_t) == 0);
			memset(p[i], i & 0xff, size[i]);
		}
		/* Nothing overlapped or moved: every pattern intact. */
		for (i = 0; i < N; i++)
			for (j = 0; j < size[i]; j++)
				ASSERT_EQ(p[i][j], i & 0xff);
		for (i = N - 1; i >= 0; i--)
			a->free(a, p[i], size[i]);
		/* Only the bottom chunk is kept, empty. */
		ASSERT(a->alloc(a, 1) == bottom);
		a->free(a, bottom, 1);
	}

	/* A frame that straddles a chunk boundary, again and again. */
	p[0] = a->alloc(a, 4000);
	for (i = 0; i < 1000; i++) {
		p[1] = a->alloc(a, 200);
		ASSERT(p[1] != NULL);
		a->free(a, p[1], 200);
	}
	a->free(a, p[0], 4000);

	coast__task_alloc.free(&coast__task_alloc, coast__task_root(t), 64);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * The inline paths lowered code takes (future.h), mixed with the
 * allocator's own: a frame whose chunk empties stays on top until a frame
 * below it is freed, and a frame straddling a chunk boundary again and
 * again reuses that chunk.  The other allocators take alloc and free.
 */
TEST_IMPL(task_frame_stack_inline)
{
	struct coast_task *t = new_task();
	struct coast_alloc *a = &t->frames;
	unsigned char *p0, *p1, *first, *q;
	char *end;
	int i;

	p0 = coast__frame_alloc(a, 4000);
	ASSERT(p0 != NULL);
	end = a->end;
	first = coast__frame_alloc(a, 200);
	ASSERT(first != NULL && a->end != end);
	memset(first, 1, 200);
	coast__frame_free(a, first, 200);
	for (i = 0; i < 1000; i++) {
		p1 = i % 2 ? coast__frame_alloc(a, 200) : a->alloc(a, 200);
		ASSERT(p1 == first);
		if (i % 3)
			coast__frame_free(a, p1, 200);
		else
			a->free(a, p1, 200);
	}
	/* Popped when the frame below goes: the stack is its bottom again. */
	coast__frame_free(a, p0, 4000);
	ASSERT(a->end == end);
	ASSERT(coast__frame_alloc(a, 1) == p0);
	q = coast__frame_alloc(a, 0);
	ASSERT(q != NULL && q != p0);
	ASSERT((uintptr_t)q % alignof(max_align_t) == 0);
	coast__frame_free(a, q, 0);
	coast__frame_free(a, p0, 1);
	ASSERT(coast__frame_alloc(a, 1) == p0);
	coast__frame_free(a, p0, 1);

	q = coast__frame_alloc(&coast__box_alloc, 24);
	ASSERT(q != NULL);
	memset(q, 2, 24);
	coast__frame_free(&coast__box_alloc, q, 24);

	coast__task_alloc.free(&coast__task_alloc, coast__task_root(t), 64);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

#ifdef TEST_ASAN
#define POISONED(p) __asan_address_is_poisoned(p)
#else
#define POISONED(p) true /* checked only under ASan */
#endif

/*
 * Under AddressSanitizer the frame stack's free memory is poisoned: the
 * rounding after a frame, the redzone after it (up to a chunk's header at
 * its end), the room, and a frame once freed; frames handed out, also by
 * the inline paths of future.h, are not.
 */
TEST_IMPL(task_frame_stack_poison)
{
	struct coast_task *t = new_task();
	struct coast_alloc *a = &t->frames;
	unsigned char *p, *q, *big;

	p = coast__frame_alloc(a, 40);
	q = coast__frame_alloc(a, 16);
	ASSERT(p != NULL && q != NULL && q > p + 40);
	memset(p, 1, 40);
	memset(q, 2, 16);
	ASSERT(POISONED(p + 40));      /* rounding */
	ASSERT(POISONED(q - 1));       /* p's redzone */
	ASSERT(POISONED(q + 16));      /* q's, then the room */
	coast__frame_free(a, q, 16);
	ASSERT(POISONED(q));           /* freed */
	ASSERT(POISONED(p + 40));
	coast__frame_free(a, p, 40);
	ASSERT(POISONED(p));

	/* The bottom chunk filled by one frame: its redzone ends at the
	 * chunk's header. */
	big = a->alloc(a, 4096 - 32);
	p = coast__frame_alloc(a, 1);
	ASSERT(big != NULL && p != NULL);
	memset(big, 3, 4096 - 32);
	ASSERT(POISONED(big + 4096 - 32));
	ASSERT(POISONED(big + 4096 - 1));
	coast__frame_free(a, p, 1);
	ASSERT(POISONED(p));
	a->free(a, big, 4096 - 32);
	ASSERT(POISONED(big));

	coast__task_alloc.free(&coast__task_alloc, coast__task_root(t), 64);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Frames larger than a chunk, and a task freed with frames still out. */
TEST_IMPL(task_frame_stack_large)
{
	struct coast_task *t = new_task();
	struct coast_alloc *a = &t->frames;
	unsigned char *small = a->alloc(a, 16);
	unsigned char *big = a->alloc(a, 1 << 20);
	unsigned char *after = a->alloc(a, 16);

	ASSERT(small && big && after);
	memset(big, 0xab, 1 << 20);
	ASSERT(after < big || after >= big + (1 << 20));
	a->free(a, after, 16);
	a->free(a, big, 1 << 20);
	/* small is still allocated: dealloc releases the chunks. */
	ASSERT(a->alloc(a, SIZE_MAX - 8) == NULL);
	coast__task_alloc.free(&coast__task_alloc, coast__task_root(t), 64);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------- foreign-thread wakes */

struct wake_shared {
	_Atomic(coast_waker *) waker;
	atomic_uint counter; /* bumped by the foreign thread before a wake */
	atomic_uint ack;     /* what the task saw at its last poll */
	unsigned n;
	int pingpong;
};

struct wake_frame {
	struct coast_frame h;
	unsigned ret; /* polls it took */
	struct wake_shared *sh;
};

TEST_FN(wake_fn, struct wake_frame, wake_poll);

static int wake_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct wake_frame *w = (struct wake_frame *)f;
	unsigned c;

	w->ret++;
	if (f->state == COAST_STATE_START) {
		atomic_store(&w->sh->waker, coast_waker_get(cx));
		f->state = 1;
	}
	c = atomic_load_explicit(&w->sh->counter, memory_order_acquire);
	atomic_store_explicit(&w->sh->ack, c, memory_order_release);
	return c == w->sh->n ? COAST_READY : COAST_PENDING;
}

static void *waker_thread(void *arg)
{
	struct wake_shared *sh = arg;
	coast_waker *w;
	unsigned i;
	double t0 = test_now_ms();

	while (!(w = atomic_load(&sh->waker))) {
		ASSERT_WITHIN(t0, "the task's waker");
		sched_yield();
	}
	for (i = 1; i <= sh->n; i++) {
		/* Ping-pong: the task must see every step (a lost wake-up
		 * fails here). */
		t0 = test_now_ms();
		while (sh->pingpong &&
		       atomic_load_explicit(&sh->ack, memory_order_acquire) !=
			       i - 1) {
			ASSERT_WITHIN(t0, "the task's ack of a wake");
			sched_yield();
		}
		atomic_store_explicit(&sh->counter, i, memory_order_release);
		coast_waker_wake_by_ref(w);
	}
	coast_waker_drop(w);
	return NULL;
}

static void foreign_wake(unsigned n, int pingpong)
{
	struct wake_shared sh = { .n = n, .pingpong = pingpong };
	struct wake_frame *f = test_frame_new(&coast__task_alloc, &wake_fn);
	unsigned polls = 0;
	pthread_t th;

	atomic_init(&sh.waker, NULL);
	atomic_init(&sh.counter, 0);
	atomic_init(&sh.ack, 0);
	f->sh = &sh;
	ASSERT_EQ(pthread_create(&th, NULL, waker_thread, &sh), 0);
	ASSERT_EQ(coast__block_on(&f->h, &polls), 0);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	ASSERT(polls >= 2);
	if (pingpong)
		ASSERT(polls >= n);
	ASSERT_EQ(atomic_load(&sh.ack), n);
	ASSERT_EQ(test_live_settle(0), 0);
}

/* Each wake is waited for: a single lost wake-up hangs the task. */
TEST_IMPL(task_foreign_wake_pingpong)
{
	double t0 = test_now_ms();

	foreign_wake(2000, 1);
	fprintf(stderr, "task_foreign_wake_pingpong: %.2f us per foreign "
			"wake round trip\n", (test_now_ms() - t0) * 1e3 / 2000);
	return 0;
}

/* Wakes racing with polls: the last one must still be seen. */
TEST_IMPL(task_foreign_wake_burst)
{
	int i;

	for (i = 0; i < 20; i++)
		foreign_wake(5000, 0);
	return 0;
}

/* ------------------------------------------------ a lent reference (rule 9) */

/*
 * A detached task whose first poll takes a waker (the runner's reference,
 * lent: the only one left) and drops it at once, or wakes it first: the
 * count reaches zero while it runs, and the runner's transition, not the
 * drop, decides: unreachable, it gets its cancellation poll; woken, it is
 * polled again.
 */
static atomic_int lent_polls, lent_cancel_polls;

struct lender {
	struct coast_frame h;
	int ret;
	bool wake;
};

TEST_FN(lender_fn, struct lender, lender_poll);

static int lender_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct lender *l = (struct lender *)f;
	coast_waker *w;

	atomic_fetch_add(&lent_polls, 1);
	if (f->flags & COAST_F_CANCEL) {
		atomic_fetch_add(&lent_cancel_polls, 1);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	if (f->state == COAST_STATE_START) {
		w = coast_waker_get(cx);
		if (l->wake)
			coast_waker_wake_by_ref(w);
		coast_waker_drop(w);
		f->state = 1;
		return COAST_PENDING;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

static void lend(bool wake)
{
	struct lender *l = test_frame_new(&coast__task_alloc, &lender_fn);
	struct coast_frame *y;

	test_workers(1);
	l->wake = wake;
	ASSERT_EQ(coast_detach(coast__spawn(&l->h)), 0);
	/* Starts the runtime; the detached task runs before the yield's
	 * second poll. */
	y = test_yielder_start(&coast__task_alloc, 2, 0, NULL, NULL);
	ASSERT_EQ(coast__block_on(y, NULL), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(atomic_load(&lent_polls), 2);
	ASSERT_EQ(atomic_load(&lent_cancel_polls), wake ? 0 : 1);
}

TEST_IMPL(task_lent_ref_dropped)
{
	lend(false);
	return 0;
}

TEST_IMPL(task_lent_ref_woken)
{
	lend(true);
	return 0;
}
