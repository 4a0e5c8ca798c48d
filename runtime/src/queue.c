/*
 * queue.c - run queues: each worker's bounded local queue, which other
 * workers steal from, and the global injection queue.
 *
 * The local queue is tokio's (runtime/scheduler/multi_thread/queue.rs): a
 * ring of COAST_LOCAL_QUEUE_CAP task pointers, a tail only its owner moves,
 * and a head word packing two 32-bit positions, "real" (the next task to
 * pop) and "steal" (the first slot a stealer may still be copying).  Counts
 * wrap; every distance is computed as an unsigned 32-bit difference.
 *
 * Protocol
 *  1. Only the owner writes tail and the slots.  It writes a slot, then
 *     publishes it with a release store of tail.
 *  2. Slots [steal, tail) are in use: the owner never writes one until
 *     steal has moved past it, so it checks tail - steal < CAP before a push
 *     (not tail - real: a stealer may still be reading the old slots).
 *  3. A pop claims one slot by CAS on head, moving real (and steal with it
 *     when nobody steals).  The owner reads the slot after the CAS: only the
 *     owner writes slots, so nobody can have changed it.  (A runtime of
 *     one worker, which nobody steals from, has no ring: its worker's
 *     queue is a list, scheduler.c's push_list.)
 *  4. A stealer claims half of [real, tail) by CAS moving real while leaving
 *     steal where it was; only one stealer at a time (steal != real means
 *     someone is stealing: others back off).  It copies the claimed slots
 *     into its own queue, then CASes steal up to real to release them.
 *  5. A push that finds the ring full with no stealer busy moves half of it
 *     (and the new task) to the injection queue by CAS on head (claiming them
 *     like a pop); with a stealer busy it pushes the one task to inject.
 *
 * The owner's push (its room case) is inline in internal.h: a handful of
 * instructions, where a call cost as much as the work.
 *
 * Safety: rule 2 keeps the owner off slots a stealer copies; rule 3/4's CAS
 * on head gives every task in [real, tail) to exactly one of the owner or a
 * stealer.  Memory: the task's own fields (and everything written before it
 * was scheduled) travel with the release store of tail (rule 1) to the
 * acquire load of tail by a stealer or by the owner's pop (same thread).
 * Slots are atomics accessed relaxed: the ordering comes from head and tail
 * (they cost nothing more than plain loads and stores on x86 and arm64, and
 * keep the protocol inside the C11 model that ThreadSanitizer checks).
 *
 * The injection queue is a mutex and a linked list: wakes from foreign
 * threads and overflow land there, and workers take batches.  Simple on
 * purpose: it is off the hot path (a busy worker checks it every 61 polls).
 */
#include <stdlib.h>

#include "internal.h"

#define CAP COAST_LOCAL_QUEUE_CAP
#define MASK (CAP - 1)

_Static_assert((CAP & (CAP - 1)) == 0 && CAP >= 4,
	       "the local queue's capacity is a power of two");

static uint32_t real_of(uint64_t head)
{
	return (uint32_t)head;
}

static uint32_t steal_of(uint64_t head)
{
	return (uint32_t)(head >> 32);
}

static uint64_t pack(uint32_t steal, uint32_t real)
{
	return (uint64_t)steal << 32 | real;
}

void coast__local_init(struct coast__local_queue *q)
{
	uint32_t i;

	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	for (i = 0; i < CAP; i++)
		atomic_init(&q->buf[i], NULL);
}

uint32_t coast__local_len(struct coast__local_queue *q)
{
	uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);

	return tail - real_of(head);
}

/*
 * Rule 5: moves CAP/2 tasks starting at real, plus t, to inject.  Returns
 * false when a pop or steal moved head first (the caller retries the push).
 */
static bool push_overflow(struct coast__local_queue *q, struct coast_task *t,
			  uint32_t head, uint32_t tail,
			  struct coast__inject *inject)
{
	const uint32_t n = CAP / 2;
	uint64_t prev = pack(head, head);
	struct coast_task *first, *last, *cur;
	uint32_t i;

	if (tail - head != CAP)
		abort(); /* only called on a full ring */
	/*
	 * Claim the n oldest.  acq_rel: pairs with the stealer's and our own
	 * earlier head CASes; failure means someone moved head: retry.
	 */
	if (!atomic_compare_exchange_strong_explicit(
		    &q->head, &prev, pack(head + n, head + n),
		    memory_order_acq_rel, memory_order_relaxed))
		return false;
	first = atomic_load_explicit(&q->buf[head & MASK],
				     memory_order_relaxed);
	last = first;
	for (i = 1; i < n; i++) {
		cur = atomic_load_explicit(&q->buf[(head + i) & MASK],
					   memory_order_relaxed);
		last->next = cur;
		last = cur;
	}
	last->next = t;
	t->next = NULL;
	coast__inject_push_list(inject, first, t, n + 1);
	return true;
}

void coast__local_push_full(struct coast__local_queue *q, struct coast_task *t,
			    struct coast__inject *inject)
{
	uint64_t head;
	uint32_t tail;

	for (;;) {
		/* As in coast__local_push_room: a stealer may have made room
		 * since; the checks below need this one snapshot of head. */
		head = atomic_load_explicit(&q->head, memory_order_acquire);
		tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
		if (tail - steal_of(head) < CAP) {
			coast__local_put(q, t, tail);
			return;
		}
		if (steal_of(head) != real_of(head)) {
			/* A stealer is freeing room; don't wait for it. */
			coast__inject_push(inject, t);
			return;
		}
		if (push_overflow(q, t, real_of(head), tail, inject))
			return;
	}
}

struct coast_task *coast__local_pop(struct coast__local_queue *q)
{
	uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	uint32_t tail, real, steal, next_real;
	uint64_t next;

	for (;;) {
		real = real_of(head);
		steal = steal_of(head);
		/* relaxed: our own writes. */
		tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
		if (real == tail)
			return NULL;
		next_real = real + 1;
		next = steal == real ? pack(next_real, next_real)
				     : pack(steal, next_real);
		/* acq_rel: orders against stealers' claims (rule 3). */
		if (atomic_compare_exchange_weak_explicit(
			    &q->head, &head, next, memory_order_acq_rel,
			    memory_order_acquire))
			return atomic_load_explicit(&q->buf[real & MASK],
						    memory_order_relaxed);
	}
}

/*
 * Rule 3 for one given task: the owner claims the oldest slot only if it
 * holds t (an inline join, scheduler.c).  The slot is read before the
 * claim: only the owner writes slots, and a slot in [real, tail) is not
 * rewritten before real and steal have passed it.  A head that moved
 * meanwhile (a stealer's claim) is a refusal, never a retry: the slot
 * read may then be a stealer's.
 */
bool coast__local_pop_if(struct coast__local_queue *q, struct coast_task *t)
{
	uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	uint32_t real = real_of(head), steal = steal_of(head), next_real;

	if (real == atomic_load_explicit(&q->tail, memory_order_relaxed) ||
	    atomic_load_explicit(&q->buf[real & MASK], memory_order_relaxed) !=
		    t)
		return false;
	next_real = real + 1;
	return atomic_compare_exchange_strong_explicit(
		&q->head, &head,
		steal == real ? pack(next_real, next_real)
			      : pack(steal, next_real),
		memory_order_acq_rel, memory_order_relaxed);
}

/* Rule 4: claims and copies up to half of src into dst at dst_tail. */
static uint32_t steal_into(struct coast__local_queue *src,
			   struct coast__local_queue *dst, uint32_t dst_tail)
{
	uint64_t prev = atomic_load_explicit(&src->head, memory_order_acquire);
	uint64_t next;
	uint32_t src_real, src_tail, n, i;
	struct coast_task *t;

	for (;;) {
		if (steal_of(prev) != real_of(prev))
			return 0; /* another stealer is at work */
		src_real = real_of(prev);
		/* acquire: the owner's release of tail (rule 1). */
		src_tail = atomic_load_explicit(&src->tail,
						memory_order_acquire);
		n = src_tail - src_real;
		n -= n / 2;
		if (n == 0 || n > CAP)
			return 0; /* empty, or a stale head: retry later */
		next = pack(src_real, src_real + n);
		if (atomic_compare_exchange_weak_explicit(
			    &src->head, &prev, next, memory_order_acq_rel,
			    memory_order_acquire))
			break;
	}
	for (i = 0; i < n; i++) {
		t = atomic_load_explicit(&src->buf[(src_real + i) & MASK],
					 memory_order_relaxed);
		atomic_store_explicit(&dst->buf[(dst_tail + i) & MASK], t,
				      memory_order_relaxed);
	}
	/* Release the claimed slots: steal catches up with real. */
	prev = next;
	for (;;) {
		next = pack(real_of(prev), real_of(prev));
		/* release: our reads of the slots happen before the owner
		 * reuses them (it acquires head before pushing). */
		if (atomic_compare_exchange_weak_explicit(
			    &src->head, &prev, next, memory_order_acq_rel,
			    memory_order_acquire))
			return n;
	}
}

struct coast_task *coast__local_steal(struct coast__local_queue *src,
				      struct coast__local_queue *dst)
{
	uint32_t dst_tail = atomic_load_explicit(&dst->tail,
						 memory_order_relaxed);
	uint64_t dst_head = atomic_load_explicit(&dst->head,
						 memory_order_acquire);
	uint32_t n;
	struct coast_task *t;

	/* Room for half a ring of stolen tasks (the caller's queue is
	 * normally empty when it steals). */
	if (dst_tail - steal_of(dst_head) > CAP / 2)
		return NULL;
	n = steal_into(src, dst, dst_tail);
	if (n == 0)
		return NULL;
	/* Keep the last one to run now; publish the others. */
	n--;
	t = atomic_load_explicit(&dst->buf[(dst_tail + n) & MASK],
				 memory_order_relaxed);
	if (n)
		atomic_store_explicit(&dst->tail, dst_tail + n,
				      memory_order_release);
	return t;
}

/* ------------------------------------------------------------ injection */

void coast__inject_init(struct coast__inject *q)
{
	pthread_mutex_init(&q->lock, NULL);
	q->head = NULL;
	q->tail = NULL;
	atomic_init(&q->len, 0);
}

void coast__inject_push_list(struct coast__inject *q, struct coast_task *first,
			     struct coast_task *last, size_t n)
{
	last->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = first;
	else
		q->head = first;
	q->tail = last;
	/* relaxed under the lock: readers without it only take a hint; the
	 * notify protocol (scheduler.c) adds its own fence. */
	atomic_store_explicit(&q->len,
			      atomic_load_explicit(&q->len,
						   memory_order_relaxed) + n,
			      memory_order_relaxed);
	pthread_mutex_unlock(&q->lock);
}

void coast__inject_push(struct coast__inject *q, struct coast_task *t)
{
	coast__inject_push_list(q, t, t, 1);
}

struct coast_task *coast__inject_pop_batch(struct coast__inject *q, size_t max,
					   size_t *n)
{
	struct coast_task *first, *last;
	size_t k = 0;

	*n = 0;
	if (!coast__inject_len(q) || !max)
		return NULL;
	pthread_mutex_lock(&q->lock);
	first = q->head;
	last = NULL;
	while (q->head && k < max) {
		last = q->head;
		q->head = last->next;
		k++;
	}
	if (!q->head)
		q->tail = NULL;
	if (last)
		last->next = NULL;
	atomic_store_explicit(&q->len,
			      atomic_load_explicit(&q->len,
						   memory_order_relaxed) - k,
			      memory_order_relaxed);
	pthread_mutex_unlock(&q->lock);
	*n = k;
	return k ? first : NULL;
}
