/*
 * reactor.c - the driver: fd readiness (epoll, reactor_epoll.c) and the
 * runtime's timers, behind one wait that a parked worker performs.
 *
 * There is no reactor thread.  A worker with nothing to run parks; the first
 * parking worker that takes the driver lock sleeps in the backend's wait
 * (epoll_wait with the earliest timer as timeout) instead of on its
 * condvar, the others sleep on their condvars (scheduler.c).  Busy workers
 * poll the driver without blocking every 61 task polls, so I/O and timers
 * make progress when nobody is idle.  Tokio's design; the reasons are in
 * docs/runtime.md.
 *
 * Timers
 *  T1. The heap (timer.c) and every armed timer's fields are only touched
 *      under timers.lock.  A timer is armed iff its index is not NONE.
 *  T2. The driver removes expired timers under the lock and takes their
 *      wakers; it wakes them after unlocking.  So "fired" (index NONE) and
 *      "waker consumed" happen in one critical section: a frame that sees
 *      its timer still armed has its waker registered, one that sees it
 *      fired will be (or was) woken.
 *  T3. A blocking turn publishes how long it sleeps (driver_until) under
 *      the lock before it waits; a start that makes an earlier deadline
 *      interrupts it.  The interrupt is an eventfd write, so one made before
 *      the wait begins still ends it.
 *
 * Fd waits
 *  F1. Each fd has a slot (two-level table, slots never freed) with a lock,
 *      a list of waiting nodes and the interest armed in the backend; list
 *      and nodes' fields are only touched under the slot lock.
 *  F2. A wait links its node and re-arms the fd with the union of the list's
 *      interests, in one critical section.  Arming is one-shot and checks
 *      readiness immediately, so readiness that came before the arm is not
 *      lost (the caller saw EAGAIN before arming).
 *  F3. An event unlinks every node whose interest it satisfies (an error or
 *      hang-up satisfies all), takes their wakers and re-arms for the rest,
 *      under the lock; wakes happen after unlocking.  As with timers,
 *      "unlinked" and "waker consumed" are one step.
 *  F4. Cancel unlinks under the lock and returns the waker if the node was
 *      still linked; the backend keeps a possibly stale interest, whose
 *      event finds no node (harmless).
 *
 * The driver lock is a flag, not a mutex: try_lock never waits, the holder
 * is the only caller of backend_wait and the only reader of be.out/be.ev.
 */
#include <stdlib.h>

#include "internal.h"

#include "reactor_epoll.c"

#define FD_CHUNK 1024
#define FD_CHUNKS 4096 /* fds up to 4M */

struct fd_slot {
	pthread_mutex_t lock;
	struct coast__io_wait *head;
	bool added; /* ADDed to epoll once: later arms start with MOD */
	_Atomic unsigned char hint; /* HINT_*, advisory: relaxed, no lock */
};

/*
 * What the last operation on a stream socket left behind.  A read that
 * returned less than it asked for emptied the receive queue, a write that
 * took less than it was given filled the send buffer: the next operation
 * in that direction would almost surely fail with EAGAIN, so it arms the
 * wait at once instead (tokio clears its readiness the same way).  Only a
 * hint: arming checks readiness itself (F2), so a stale one costs an epoll
 * round trip, never a wake.  Not for datagram or seqpacket sockets, where a
 * short read is one message: HINT_STREAM is set from SO_TYPE by accept and
 * connect, for the fd they return or connect, and cleared when an operation
 * sees the end of the stream or an error (what usually comes before a
 * close; a number reused without either keeps a stale STREAM: slower, not
 * wrong).
 */
#define HINT_STREAM 0x1u
#define HINT_DRAINED 0x2u
#define HINT_FULL 0x4u

static struct {
	pthread_mutex_t lock; /* guards chunk creation only */
	_Atomic(struct fd_slot *) chunk[FD_CHUNKS];
} fds = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct {
	pthread_mutex_t lock;
	struct coast__timer_heap heap;
	uint64_t driver_until; /* T3: 0 when no blocking turn */
} timers = { .lock = PTHREAD_MUTEX_INITIALIZER };

static atomic_flag driver_busy = ATOMIC_FLAG_INIT;

int coast__reactor_init(void)
{
	return backend_create();
}

bool coast__driver_try_lock(void)
{
	/* acquire: the previous holder's writes to be.* happen before ours. */
	return !atomic_flag_test_and_set_explicit(&driver_busy,
						  memory_order_acquire);
}

void coast__driver_unlock(void)
{
	atomic_flag_clear_explicit(&driver_busy, memory_order_release);
}

void coast__driver_interrupt(void)
{
	backend_interrupt();
}

/* -------------------------------------------------------------- fd table */

static struct fd_slot *slot_get(int fd, bool create)
{
	size_t hi, i;
	struct fd_slot *c;

	if (fd < 0 || (size_t)fd >= (size_t)FD_CHUNK * FD_CHUNKS)
		return NULL;
	hi = (size_t)fd / FD_CHUNK;
	/* acquire: pairs with the release below; the slots' mutexes are
	 * initialised before the chunk is published. */
	c = atomic_load_explicit(&fds.chunk[hi], memory_order_acquire);
	if (!c && create) {
		pthread_mutex_lock(&fds.lock);
		c = atomic_load_explicit(&fds.chunk[hi], memory_order_relaxed);
		if (!c) {
			c = calloc(FD_CHUNK, sizeof(*c));
			if (c) {
				for (i = 0; i < FD_CHUNK; i++)
					pthread_mutex_init(&c[i].lock, NULL);
				atomic_store_explicit(&fds.chunk[hi], c,
						      memory_order_release);
			}
		}
		pthread_mutex_unlock(&fds.lock);
	}
	return c ? &c[(size_t)fd % FD_CHUNK] : NULL;
}

static unsigned slot_interest(struct fd_slot *s)
{
	struct coast__io_wait *w;
	unsigned ev = 0;

	for (w = s->head; w; w = w->next)
		ev |= w->events;
	return ev;
}

static void slot_unlink(struct fd_slot *s, struct coast__io_wait *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		s->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->next = w->prev = NULL;
	w->linked = false;
}

void coast__io_wait_init(struct coast__io_wait *w)
{
	w->next = w->prev = NULL;
	w->waker = NULL;
	w->fd = -1;
	w->events = 0;
	w->linked = false;
}

int coast__io_wait_start(struct coast__io_wait *w, int fd, unsigned events,
			 coast_waker *waker)
{
	struct fd_slot *s;
	int r;

	if (fd < 0)
		return COAST__ERR(EBADF);
	if (w->linked || !(events & (COAST__IO_READ | COAST__IO_WRITE)))
		abort(); /* armed twice, or waiting for nothing */
	s = slot_get(fd, true);
	if (!s)
		return COAST__ERR(fd >= FD_CHUNK * FD_CHUNKS ? EBADF : ENOMEM);
	pthread_mutex_lock(&s->lock);
	w->fd = fd;
	w->events = events;
	w->waker = waker;
	w->prev = NULL;
	w->next = s->head;
	if (s->head)
		s->head->prev = w;
	s->head = w;
	w->linked = true;
	/* F2: arm with everything the list wants. */
	r = backend_arm(fd, slot_interest(s), &s->added);
	if (r) {
		slot_unlink(s, w);
		w->waker = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

coast_waker *coast__io_wait_cancel(struct coast__io_wait *w)
{
	struct fd_slot *s = slot_get(w->fd, false);
	coast_waker *k = NULL;

	if (!s)
		return NULL; /* never armed */
	pthread_mutex_lock(&s->lock);
	if (w->linked) {
		slot_unlink(s, w);
		k = w->waker;
		w->waker = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	return k;
}

size_t coast__io_wait_count(int fd)
{
	struct fd_slot *s = slot_get(fd, false);
	struct coast__io_wait *w;
	size_t n = 0;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	for (w = s->head; w; w = w->next)
		n++;
	pthread_mutex_unlock(&s->lock);
	return n;
}

bool coast__io_wait_fired(struct coast__io_wait *w)
{
	struct fd_slot *s = slot_get(w->fd, false);
	bool fired;

	if (!s)
		return true;
	pthread_mutex_lock(&s->lock);
	fired = !w->linked;
	pthread_mutex_unlock(&s->lock);
	return fired;
}

static unsigned char hint_bit(unsigned dir)
{
	return dir == COAST__IO_READ ? HINT_DRAINED : HINT_FULL;
}

void coast__io_hint_stream(int fd, bool stream)
{
	struct fd_slot *s = slot_get(fd, stream);

	if (s)
		atomic_store_explicit(&s->hint, stream ? HINT_STREAM : 0,
				      memory_order_relaxed);
}

void coast__io_hint_short(int fd, unsigned dir)
{
	struct fd_slot *s = slot_get(fd, false);

	if (s && (atomic_load_explicit(&s->hint, memory_order_relaxed) &
		  HINT_STREAM))
		atomic_fetch_or_explicit(&s->hint, hint_bit(dir),
					 memory_order_relaxed);
}

bool coast__io_hint_take(int fd, unsigned dir)
{
	struct fd_slot *s = slot_get(fd, false);
	unsigned char bit = hint_bit(dir);

	if (!s || !(atomic_load_explicit(&s->hint, memory_order_relaxed) & bit))
		return false;
	atomic_fetch_and_explicit(&s->hint, (unsigned char)~bit,
				  memory_order_relaxed);
	return true;
}

/*
 * F3: one event of the backend; returns the wakes done.  The wakes happen
 * under the slot lock (a wake only queues the task: it takes the run
 * queues' locks, never a slot's, so the order slot -> queue is the only
 * one).  The unlinked nodes are not touched after their wake, which may
 * free the frame they live in.
 */
static size_t fd_event(int fd, unsigned ready)
{
	struct fd_slot *s = slot_get(fd, false);
	struct coast__io_wait *w, *next;
	coast_waker *k;
	unsigned rest;
	size_t n = 0;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	for (w = s->head; w; w = next) {
		next = w->next;
		if (!(w->events & ready))
			continue;
		slot_unlink(s, w);
		k = w->waker;
		w->waker = NULL;
		coast_waker_wake(k);
		n++;
	}
	rest = slot_interest(s);
	/* A failed re-arm fires the rest: they retry and see the error. */
	if (rest && backend_arm(fd, rest, &s->added)) {
		while ((w = s->head)) {
			slot_unlink(s, w);
			k = w->waker;
			w->waker = NULL;
			coast_waker_wake(k);
			n++;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* ---------------------------------------------------------------- timers */

int coast__timer_start(struct coast__timer *t, uint64_t deadline,
		       coast_waker *w)
{
	bool interrupt = false;
	int r;

	pthread_mutex_lock(&timers.lock);
	t->deadline = deadline;
	t->waker = w;
	r = coast__timer_heap_insert(&timers.heap, t);
	if (r)
		t->waker = NULL;
	else if (timers.driver_until && deadline < timers.driver_until &&
		 coast__timer_heap_min(&timers.heap) == t)
		interrupt = true; /* T3 */
	pthread_mutex_unlock(&timers.lock);
	if (interrupt)
		backend_interrupt();
	return r;
}

coast_waker *coast__timer_cancel(struct coast__timer *t)
{
	coast_waker *w = NULL;

	pthread_mutex_lock(&timers.lock);
	if (t->index != COAST__TIMER_NONE) {
		coast__timer_heap_remove(&timers.heap, t);
		w = t->waker;
		t->waker = NULL;
	}
	pthread_mutex_unlock(&timers.lock);
	return w;
}

bool coast__timer_fired(struct coast__timer *t)
{
	bool fired;

	pthread_mutex_lock(&timers.lock);
	fired = t->index == COAST__TIMER_NONE;
	pthread_mutex_unlock(&timers.lock);
	return fired;
}

size_t coast__timer_count(void)
{
	size_t n;

	pthread_mutex_lock(&timers.lock);
	n = timers.heap.len;
	pthread_mutex_unlock(&timers.lock);
	return n;
}

#define FIRE_BATCH 64

/* T2: removes up to max expired timers.  timers.lock held. */
static size_t timers_expire(uint64_t now, coast_waker **out, size_t max)
{
	struct coast__timer *t = coast__timer_heap_min(&timers.heap);
	size_t k = 0;

	while (k < max && t && t->deadline <= now) {
		coast__timer_heap_remove(&timers.heap, t);
		out[k++] = t->waker;
		t->waker = NULL;
		t = coast__timer_heap_min(&timers.heap);
	}
	return k;
}

/* Fires every expired timer, FIRE_BATCH per lock hold; returns how many. */
static size_t timers_fire(void)
{
	coast_waker *w[FIRE_BATCH];
	size_t n, i, total = 0;

	do {
		pthread_mutex_lock(&timers.lock);
		n = timers_expire(coast__now_ms(), w, FIRE_BATCH);
		pthread_mutex_unlock(&timers.lock);
		/* In deadline order: equal deadlines wake in arming order. */
		for (i = 0; i < n; i++)
			coast_waker_wake(w[i]);
		total += n;
	} while (n == FIRE_BATCH);
	return total;
}

/* ---------------------------------------------------------------- driver */

size_t coast__driver_turn(bool block)
{
	struct coast__timer *min;
	uint64_t now;
	size_t k;
	int timeout = 0, n, i;

	k = timers_fire();
	if (block && !k) {
		pthread_mutex_lock(&timers.lock);
		now = coast__now_ms();
		min = coast__timer_heap_min(&timers.heap);
		if (!min) {
			timeout = -1;
			timers.driver_until = UINT64_MAX;
		} else if (min->deadline > now) {
			timeout = min->deadline - now > INT32_MAX
					  ? INT32_MAX
					  : (int)(min->deadline - now);
			timers.driver_until = min->deadline;
		}
		pthread_mutex_unlock(&timers.lock);
	}

	n = backend_wait(timeout);

	if (timeout) {
		pthread_mutex_lock(&timers.lock);
		timers.driver_until = 0;
		pthread_mutex_unlock(&timers.lock);
		k += timers_fire();
	}
	for (i = 0; i < n; i++)
		k += fd_event(be.out[i].fd, be.out[i].events);
	return k;
}
