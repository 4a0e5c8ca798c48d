/*
 * mutex.c - coast_mutex, a fair async mutex: await(coast_mutex_lock(&m))
 * suspends the task (not the thread) until the mutex is its own;
 * coast_mutex_unlock hands it to the longest waiter.  Without the plugin,
 * coast_mutex_lock blocks the thread, in the same FIFO.
 *
 * Protocol (m->lock, a pthread mutex held for a few instructions, guards
 * locked, the waiter list and every linked waiter's fields)
 *  M1. locked is true while some task or thread owns the mutex.  A lock
 *      takes it at once only when it is free and nobody waits (no barging
 *      past the queue: fairness).
 *  M2. Unlock with waiters does not clear locked: it unlinks the first
 *      waiter, marks it acquired (the mutex is now that waiter's) and wakes
 *      it (its waker, or the condvar for a blocked thread).  Ownership
 *      passes directly, so the order of acquisition is the order of
 *      arrival.
 *  M3. Cancel-safety: a cancelled lock that is still linked unlinks and
 *      drops its waker; one that was already handed the mutex (acquired)
 *      but is cancelled before its caller saw it unlocks it (M2 again), so
 *      the next waiter gets it.  No stale waiter, no mutex owned by nobody.
 *  M4. Wakes happen under m->lock (a wake takes only run-queue locks).
 * Blocked threads wait on m->cond; M2 broadcasts it when the new owner is
 * a thread (waker NULL), and each thread checks its own node.
 */
#include <stdlib.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

struct coast__mutex_waiter {
	struct coast__mutex_waiter *next, *prev;
	coast_waker *waker; /* NULL for a blocked thread */
	bool linked;
	bool acquired;
};

/* locked changes by relaxed atomic stores, under m->lock all the same:
 * coast_mutex_lock__coast_ready looks at it without the lock first. */
static void set_locked(coast_mutex *m, bool locked)
{
	__atomic_store_n(&m->locked, locked, __ATOMIC_RELAXED);
}

/* M1, under m->lock: a mutex neither held nor awaited is taken at once
 * (the waiters queued keep their turn: the mutex is fair). */
static bool take_free(coast_mutex *m)
{
	if (m->locked || m->head)
		return false;
	set_locked(m, true);
	return true;
}

static void mq_push(coast_mutex *m, struct coast__mutex_waiter *w)
{
	w->next = NULL;
	w->prev = m->tail;
	if (m->tail)
		m->tail->next = w;
	else
		m->head = w;
	m->tail = w;
	w->linked = true;
	w->acquired = false;
}

static void mq_unlink(coast_mutex *m, struct coast__mutex_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		m->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		m->tail = w->prev;
	w->next = w->prev = NULL;
	w->linked = false;
}

/* M2: m->lock held, m->locked true. */
static void release(coast_mutex *m)
{
	struct coast__mutex_waiter *w = m->head;
	coast_waker *k;

	if (!w) {
		set_locked(m, false);
		return;
	}
	mq_unlink(m, w);
	w->acquired = true;
	k = w->waker;
	w->waker = NULL;
	if (k)
		coast_waker_wake(k); /* M4; w is not touched after this */
	else
		pthread_cond_broadcast(&m->cond);
}

COAST_EXTERN int coast_mutex_init(coast_mutex *m)
{
	int err;

	if (!m)
		return COAST__ERR(EINVAL);
	err = pthread_mutex_init(&m->lock, NULL);
	if (err)
		return COAST__ERR(err);
	err = pthread_cond_init(&m->cond, NULL);
	if (err) {
		pthread_mutex_destroy(&m->lock);
		return COAST__ERR(err);
	}
	m->locked = false;
	m->head = m->tail = NULL;
	return 0;
}

COAST_EXTERN int coast_mutex_destroy(coast_mutex *m)
{
	if (!m)
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&m->lock);
	if (m->locked || m->head) {
		pthread_mutex_unlock(&m->lock);
		return COAST__ERR(EBUSY);
	}
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	return 0;
}

COAST_EXTERN int coast_mutex_unlock(coast_mutex *m)
{
	if (!m)
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&m->lock);
	if (!m->locked) {
		pthread_mutex_unlock(&m->lock);
		return COAST__ERR(EPERM);
	}
	release(m);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

size_t coast__mutex_waiters(coast_mutex *m)
{
	struct coast__mutex_waiter *w;
	size_t n = 0;

	pthread_mutex_lock(&m->lock);
	for (w = m->head; w; w = w->next)
		n++;
	pthread_mutex_unlock(&m->lock);
	return n;
}

/* ------------------------------------------------------------ the future */

enum { LOCK_WAIT = 1 };

struct lock_frame {
	struct coast_frame h;
	int ret;
	coast_mutex *m;
	struct coast__mutex_waiter w;
};

static int lock_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn lock_fn = {
	.poll = lock_poll,
	.child = coast__no_child,
	.size = sizeof(struct lock_frame),
	.ret_offset = offsetof(struct lock_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_mutex_lock",
	.file = __FILE__,
};

static int lock_done(struct lock_frame *l, int ret)
{
	l->ret = ret;
	l->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

static int lock_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct lock_frame *l = (struct lock_frame *)f;
	coast_mutex *m = l->m;
	coast_waker *k;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (!m)
		return lock_done(l, COAST__ERR(EINVAL));
	if (f->state == COAST_STATE_START && (f->flags & COAST_F_CANCEL))
		return lock_done(l, COAST__ERR(ECANCELED));
	pthread_mutex_lock(&m->lock);
	if (f->flags & COAST_F_CANCEL) {
		if (l->w.linked) {
			mq_unlink(m, &l->w);
			k = l->w.waker;
			l->w.waker = NULL;
			coast_waker_drop(k);
		} else if (l->w.acquired) {
			release(m); /* M3 */
		}
		pthread_mutex_unlock(&m->lock);
		return lock_done(l, COAST__ERR(ECANCELED));
	}
	if (f->state == COAST_STATE_START) {
		if (take_free(m)) {
			pthread_mutex_unlock(&m->lock);
			return lock_done(l, 0);
		}
		l->w.waker = coast_waker_get(cx);
		mq_push(m, &l->w);
		pthread_mutex_unlock(&m->lock);
		f->state = LOCK_WAIT;
		return COAST_PENDING;
	}
	if (f->state != LOCK_WAIT)
		abort(); /* a state this function never sets */
	if (!l->w.acquired) {
		pthread_mutex_unlock(&m->lock);
		return COAST_PENDING; /* spurious: still queued */
	}
	pthread_mutex_unlock(&m->lock);
	return lock_done(l, 0);
}

COAST_EXTERN struct coast_frame *
coast_mutex_lock__coast_start(struct coast_alloc *a, coast_mutex *m)
{
	struct lock_frame *l = coast__frame_new(a, &lock_fn);

	if (!l)
		return NULL;
	l->ret = 0;
	l->m = m;
	l->w.next = l->w.prev = NULL;
	l->w.waker = NULL;
	l->w.linked = false;
	l->w.acquired = false;
	return &l->h;
}

/* The ready companion's locked part (coast/runtime.h): the first poll's
 * M1 without a frame; a mutex held or awaited is left as it was. */
COAST_EXTERN int coast__mutex_lock_ready(coast_mutex *m, int *result)
{
	bool took;

	if (!m) {
		*result = COAST__ERR(EINVAL);
		return 1;
	}
	pthread_mutex_lock(&m->lock);
	took = take_free(m);
	pthread_mutex_unlock(&m->lock);
	if (took)
		*result = 0;
	return took;
}

/* The blocking version: the same queue, a thread waiting on m->cond. */
COAST_EXTERN int coast_mutex_lock(coast_mutex *m)
{
	struct coast__mutex_waiter w = { 0 };

	if (!m)
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&m->lock);
	if (!take_free(m)) {
		mq_push(m, &w);
		while (!w.acquired)
			pthread_cond_wait(&m->cond, &m->lock);
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}
