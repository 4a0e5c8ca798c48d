/*
 * timer.c - the timer min-heap and the monotonic clock.
 *
 * All of a timer heap's operations: insert, remove (cancellation), minimum.
 * The heap does no locking and knows nothing of wakers beyond carrying one:
 * its owner (reactor.c, the driver) holds its lock
 * around every call, reads the minimum for its sleep deadline, and removes
 * expired timers to wake them.
 *
 * A binary heap in an array of node pointers, ordered by (deadline, seq);
 * seq is the insertion count, so timers with equal deadlines fire in the
 * order they were armed.  Each node stores its index, which makes
 * cancellation O(log n) without a search.  The array grows by doubling and
 * never shrinks: its peak is the peak of concurrently armed timers.
 */
#include <stdlib.h>
#include <time.h>

#include "internal.h"

static bool timer_less(const struct coast__timer *a,
		       const struct coast__timer *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

static void heap_set(struct coast__timer_heap *h, size_t i,
		     struct coast__timer *t)
{
	h->v[i] = t;
	t->index = i;
}

static void sift_up(struct coast__timer_heap *h, size_t i)
{
	struct coast__timer *t = h->v[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!timer_less(t, h->v[parent]))
			break;
		heap_set(h, i, h->v[parent]);
		i = parent;
	}
	heap_set(h, i, t);
}

static void sift_down(struct coast__timer_heap *h, size_t i)
{
	struct coast__timer *t = h->v[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= h->len)
			break;
		if (child + 1 < h->len && timer_less(h->v[child + 1], h->v[child]))
			child++;
		if (!timer_less(h->v[child], t))
			break;
		heap_set(h, i, h->v[child]);
		i = child;
	}
	heap_set(h, i, t);
}

void coast__timer_init(struct coast__timer *t)
{
	t->deadline = 0;
	t->seq = 0;
	t->index = COAST__TIMER_NONE;
	t->waker = NULL;
}

/* t must not be in a heap; its deadline is set.  0 or -ENOMEM. */
int coast__timer_heap_insert(struct coast__timer_heap *h,
			     struct coast__timer *t)
{
	struct coast__timer **v;
	size_t cap;

	if (t->index != COAST__TIMER_NONE)
		abort(); /* armed twice */
	if (h->len == h->cap) {
		cap = h->cap ? 2 * h->cap : 16;
		if (cap > SIZE_MAX / sizeof(*v))
			return COAST__ERR(ENOMEM);
		v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return COAST__ERR(ENOMEM);
		h->v = v;
		h->cap = cap;
	}
	t->seq = h->seq++;
	h->len++;
	heap_set(h, h->len - 1, t);
	sift_up(h, h->len - 1);
	return 0;
}

/* Removes t, which must be in h. */
void coast__timer_heap_remove(struct coast__timer_heap *h,
			      struct coast__timer *t)
{
	size_t i = t->index;
	struct coast__timer *last;

	if (i >= h->len || h->v[i] != t)
		abort(); /* not in this heap */
	last = h->v[--h->len];
	h->v[h->len] = NULL; /* no stale pointer to a frame that may be freed */
	if (last != t) {
		heap_set(h, i, last);
		sift_down(h, i);
		sift_up(h, last->index);
	}
	t->index = COAST__TIMER_NONE;
}

struct coast__timer *coast__timer_heap_min(const struct coast__timer_heap *h)
{
	return h->len ? h->v[0] : NULL;
}

void coast__timer_heap_free(struct coast__timer_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->len = 0;
	h->cap = 0;
}

uint64_t coast__now_ms(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock id and pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
