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
 * docs/runtime.md.  With COAST_IO=uring a worker with a ring makes its
 * blocking turn in its ring instead, the epoll fd polled from there (U4
 * of uring.c).
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
 *  T4. timers.armed mirrors the heap's length, stored under the lock, so
 *      that a turn finds an empty heap without the lock and the clock (a
 *      busy worker's tick: 2 of its 3 atomic RMWs).  A timer armed on
 *      another thread may be seen a tick late; a blocking turn reads the
 *      heap under the lock for its timeout, and a deadline already past
 *      makes it a non-blocking turn, whose next timers_fire sees it.
 *
 * Fd waits
 *  F1. Each fd has a slot (two-level table, slots never freed) with a lock,
 *      a list of waiting nodes, a tick and whether the fd is registered;
 *      list, nodes' fields and `added` are only touched under the slot
 *      lock.  The tick counts the events the driver handled for the fd.
 *  F2. Registrations are persistent and edge-triggered, read and write: one
 *      EPOLL_CTL_ADD per file, made by the first wait that finds the slot
 *      unregistered (accept and connect unregister the slot of the fd they
 *      make: a new file).  Every readiness change after that is an event.
 *  F3. An operation reads the tick (acquire) before its syscall and hands
 *      it to the wait it starts after EAGAIN.  The wait links its node only
 *      if the tick has not moved under the slot lock; otherwise an event
 *      came since the syscall and the operation tries again.  So readiness
 *      that came between the failed syscall and the link is never lost: its
 *      event either moved the tick before the link or finds the node after.
 *  F4. An event bumps the tick, unlinks every node whose interest it
 *      satisfies (an error or hang-up satisfies all), takes their wakers,
 *      under the lock; "unlinked" and "waker consumed" are one step.
 *  F5. Cancel unlinks under the lock and returns the waker if the node was
 *      still linked.
 *  F6. A raw fd may be closed and its number reused by a file the runtime
 *      never saw (dup2, socketpair, a plain accept): the kernel dropped the
 *      old registration and the slot does not know.  A wait linked without
 *      a system call is therefore unverified: the driver sweeps the table
 *      every SWEEP_MS and re-registers the fd of every wait that has been
 *      unverified that long (EPOLL_CTL_MOD, ADD on ENOENT; readiness is
 *      reported at once).  A wait on a reused number is late by at most
 *      two sweeps, never lost; a wait on a live registration costs no
 *      system call at all (the price of the one-shot re-arm it replaces
 *      was an epoll_ctl per wait).
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
	bool added;                      /* F2: ADDed for the current file */
	_Atomic uint32_t tick;           /* F3: written under lock */
	_Atomic uint64_t unverified;     /* F6: sweep epoch + 1, 0 if none */
	_Atomic unsigned char stream;    /* hints below: relaxed, no lock */
	_Atomic uint64_t short_at[2];    /* HINT_SHORT | tick, per direction */
};

/*
 * What the last operation on a stream socket left behind.  A read that
 * returned less than it asked for emptied the receive queue, a write that
 * took less than it was given filled the send buffer: the next operation
 * in that direction would almost surely fail with EAGAIN, so it waits at
 * once, with the tick read before that short syscall (F3: an event since
 * makes it try after all; tokio clears its readiness the same way).  Not
 * for datagram or seqpacket sockets, where a short read is one message:
 * `stream` is set from SO_TYPE by accept and connect, for the fd they
 * return or connect, and cleared when an operation sees the end of the
 * stream or an error (what usually comes before a close).  A number
 * closed without either and reused by a file the runtime did not make
 * keeps the stale hint: its next operation waits without trying first,
 * and the sweep's re-registration wakes it, up to two sweeps late, never
 * lost.
 */
#define HINT_SHORT (1ull << 32)

static struct {
	pthread_mutex_t lock; /* guards chunk creation only */
	_Atomic(struct fd_slot *) chunk[FD_CHUNKS];
	_Atomic size_t top; /* chunks up to here may exist */
} fds = { .lock = PTHREAD_MUTEX_INITIALIZER };

#define SWEEP_MS 50

/* F6.  armed: some wait may be unverified, so the driver sleeps at most
 * until next; epoch counts sweeps (a wait's mark is the epoch it was
 * linked in, plus one: no clock read per wait).  Only the driver lock's
 * holder writes next and epoch. */
static struct {
	_Atomic bool armed;
	_Atomic uint64_t epoch;
	uint64_t next;
} sweep;

static struct {
	pthread_mutex_t lock;
	struct coast__timer_heap heap;
	uint64_t driver_until; /* T3: 0 when no blocking turn */
	/* T4: heap.len, stored under the lock, read without it. */
	_Atomic size_t armed;
} timers = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* T4: after every change of the heap, under timers.lock. */
static void armed_update(void)
{
	atomic_store_explicit(&timers.armed, timers.heap.len,
			      memory_order_relaxed);
}

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

unsigned long coast__driver_polls(void)
{
	return backend_polls();
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
				if (atomic_load_explicit(&fds.top,
							 memory_order_relaxed) <=
				    hi)
					atomic_store_explicit(
						&fds.top, hi + 1,
						memory_order_relaxed);
			}
		}
		pthread_mutex_unlock(&fds.lock);
	}
	return c ? &c[(size_t)fd % FD_CHUNK] : NULL;
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
	atomic_store_explicit(&w->linked, false, memory_order_release);
	if (!s->head)
		atomic_store_explicit(&s->unverified, 0, memory_order_relaxed);
}

/*
 * Unlinks w and wakes its task.  Under the slot lock (see fd_event).
 * slot_unlink's release of linked must be the last access to *w: the
 * waiting frame reads linked without the lock (coast__io_wait_fired) and
 * may be freed as soon as it sees it false.
 */
static void slot_fire(struct fd_slot *s, struct coast__io_wait *w)
{
	coast_waker *k = w->waker;

	w->waker = NULL;
	slot_unlink(s, w);
	coast_waker_wake(k);
}

void coast__io_wait_init(struct coast__io_wait *w)
{
	w->next = w->prev = NULL;
	w->waker = NULL;
	w->fd = -1;
	w->events = 0;
	atomic_init(&w->linked, false);
}

uint32_t coast__io_tick(int fd)
{
	struct fd_slot *s = slot_get(fd, false);

	/* acquire: pairs with fd_event's release, so a syscall after this
	 * load sees the readiness of every event the tick counts. */
	return s ? atomic_load_explicit(&s->tick, memory_order_acquire) : 0;
}

/* F6: a wait linked on a registration nobody checked since. */
static void mark_unverified(struct fd_slot *s)
{
	if (atomic_load_explicit(&s->unverified, memory_order_relaxed))
		return;
	atomic_store_explicit(
		&s->unverified,
		atomic_load_explicit(&sweep.epoch, memory_order_relaxed) + 1,
		memory_order_seq_cst);
	/* seq_cst: either the sweep that disarms sees this mark, or we see
	 * it disarmed and arm it again. */
	if (!atomic_load_explicit(&sweep.armed, memory_order_seq_cst)) {
		atomic_store_explicit(&sweep.armed, true, memory_order_seq_cst);
		backend_interrupt(); /* a driver asleep without a bound */
	}
}

int coast__io_wait_start(struct coast__io_wait *w, int fd, unsigned events,
			 coast_waker *waker, uint32_t tick)
{
	struct fd_slot *s;
	bool verified = false;
	int r = 0;

	if (fd < 0)
		return COAST__ERR(EBADF);
	if (atomic_load_explicit(&w->linked, memory_order_relaxed) ||
	    !(events & (COAST__IO_READ | COAST__IO_WRITE)))
		abort(); /* armed twice, or waiting for nothing */
	s = slot_get(fd, true);
	if (!s)
		return COAST__ERR(fd >= FD_CHUNK * FD_CHUNKS ? EBADF : ENOMEM);
	pthread_mutex_lock(&s->lock);
	if (atomic_load_explicit(&s->tick, memory_order_relaxed) != tick) {
		pthread_mutex_unlock(&s->lock);
		return COAST__ERR(EAGAIN); /* F3: an event since the syscall */
	}
	if (!s->added) {
		r = backend_register(fd);
		s->added = !r;
		verified = true;
	}
	if (!r) {
		w->fd = fd;
		w->events = events;
		w->waker = waker;
		w->prev = NULL;
		w->next = s->head;
		if (s->head)
			s->head->prev = w;
		s->head = w;
		atomic_store_explicit(&w->linked, true, memory_order_relaxed);
		if (!verified)
			mark_unverified(s);
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
	if (atomic_load_explicit(&w->linked, memory_order_relaxed)) {
		k = w->waker;
		w->waker = NULL;
		slot_unlink(s, w);
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
	/* acquire: pairs with slot_unlink's release; only the waiting frame
	 * links its node, so a node seen unlinked stays so. */
	return !atomic_load_explicit(&w->linked, memory_order_acquire);
}

void coast__io_fd_new(int fd, bool stream)
{
	struct fd_slot *s = slot_get(fd, true);

	if (!s)
		return; /* its first wait fails with the reason */
	pthread_mutex_lock(&s->lock);
	s->added = false; /* F2: a new file under the number */
	pthread_mutex_unlock(&s->lock);
	atomic_store_explicit(&s->stream, stream, memory_order_relaxed);
	atomic_store_explicit(&s->short_at[0], 0, memory_order_relaxed);
	atomic_store_explicit(&s->short_at[1], 0, memory_order_relaxed);
}

void coast__io_hint_ended(int fd)
{
	struct fd_slot *s = slot_get(fd, false);

	if (s)
		atomic_store_explicit(&s->stream, false, memory_order_relaxed);
}

void coast__io_hint_short(int fd, unsigned dir, uint32_t tick)
{
	struct fd_slot *s = slot_get(fd, false);

	if (s && atomic_load_explicit(&s->stream, memory_order_relaxed))
		atomic_store_explicit(&s->short_at[dir == COAST__IO_WRITE],
				      HINT_SHORT | tick, memory_order_relaxed);
}

bool coast__io_hint_take(int fd, unsigned dir, uint32_t *tick)
{
	struct fd_slot *s = slot_get(fd, false);
	_Atomic uint64_t *at;
	uint64_t h;

	if (!s)
		return false;
	at = &s->short_at[dir == COAST__IO_WRITE];
	if (!atomic_load_explicit(at, memory_order_relaxed))
		return false;
	h = atomic_exchange_explicit(at, 0, memory_order_relaxed);
	*tick = (uint32_t)h;
	return h & HINT_SHORT;
}

/*
 * F4: one event of the backend; returns the wakes done.  The wakes happen
 * under the slot lock (a wake only queues the task: it takes the run
 * queues' locks, never a slot's, so the order slot -> queue is the only
 * one).  The unlinked nodes are not touched after their wake, which may
 * free the frame they live in.
 */
static size_t fd_event(int fd, unsigned ready)
{
	struct fd_slot *s = slot_get(fd, false);
	struct coast__io_wait *w, *next;
	size_t n = 0;

	if (!s)
		return 0;
	pthread_mutex_lock(&s->lock);
	/* release: an operation that reads the new tick sees the slot as
	 * this event left it. */
	atomic_store_explicit(&s->tick,
			      atomic_load_explicit(&s->tick,
						   memory_order_relaxed) + 1,
			      memory_order_release);
	for (w = s->head; w; w = next) {
		next = w->next;
		if (!(w->events & ready))
			continue;
		slot_fire(s, w);
		n++;
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

/*
 * F6: re-registers the fd of every wait linked before the previous sweep
 * (at least SWEEP_MS ago, at most two sweeps); a failure (the fd was
 * closed: EBADF) fires its waits, which retry and see it.  Driver lock
 * held.  Returns the wakes done.
 */
static size_t sweep_fds(uint64_t now)
{
	size_t hi, top, i, n = 0;
	struct fd_slot *c, *s;
	struct coast__io_wait *w;
	uint64_t since, epoch;
	bool left = false;

	epoch = atomic_load_explicit(&sweep.epoch, memory_order_relaxed) + 1;
	atomic_store_explicit(&sweep.epoch, epoch, memory_order_relaxed);

	/* Disarmed before the scan: a wait marked after it re-arms (see
	 * mark_unverified). */
	atomic_store_explicit(&sweep.armed, false, memory_order_seq_cst);
	top = atomic_load_explicit(&fds.top, memory_order_relaxed);
	for (hi = 0; hi < top; hi++) {
		c = atomic_load_explicit(&fds.chunk[hi], memory_order_acquire);
		for (i = 0; c && i < FD_CHUNK; i++) {
			s = &c[i];
			since = atomic_load_explicit(&s->unverified,
						     memory_order_seq_cst);
			if (!since)
				continue;
			if (since + 1 > epoch) {
				left = true;
				continue;
			}
			pthread_mutex_lock(&s->lock);
			if (s->head && backend_verify((int)(hi * FD_CHUNK + i))) {
				while ((w = s->head)) {
					slot_fire(s, w);
					n++;
				}
			}
			atomic_store_explicit(&s->unverified, 0,
					      memory_order_relaxed);
			pthread_mutex_unlock(&s->lock);
		}
	}
	if (left)
		atomic_store_explicit(&sweep.armed, true, memory_order_seq_cst);
	sweep.next = now + SWEEP_MS;
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
	armed_update();
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
		armed_update();
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

/* T4's mirror, read under the lock: every test that counts timers checks
 * that each change of the heap updated it. */
size_t coast__timer_count(void)
{
	size_t n;

	pthread_mutex_lock(&timers.lock);
	n = atomic_load_explicit(&timers.armed, memory_order_relaxed);
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
	armed_update();
	return k;
}

/* Fires every expired timer, FIRE_BATCH per lock hold; returns how many. */
static size_t timers_fire(void)
{
	coast_waker *w[FIRE_BATCH];
	size_t n, i, total = 0;

	/* T4: no lock and no clock read for an empty heap (a busy worker's
	 * every tick). */
	if (!atomic_load_explicit(&timers.armed, memory_order_relaxed))
		return 0;
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
	bool ready;

	k = timers_fire();
	if (atomic_load_explicit(&sweep.armed, memory_order_relaxed) &&
	    coast__now_ms() >= sweep.next)
		k += sweep_fds(coast__now_ms());
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
		/* F6: an armed sweep bounds the sleep (an arming during it
		 * interrupts it). */
		if (timeout &&
		    atomic_load_explicit(&sweep.armed, memory_order_relaxed) &&
		    (timeout < 0 || (uint64_t)timeout > SWEEP_MS))
			timeout = SWEEP_MS;
	}

	/* U4 of uring.c: a worker with a ring sleeps in it, the epoll fd
	 * polled from it; epoll_wait only when that poll fired. */
	if (timeout && coast__uring_mine()) {
		ready = false;
		k += coast__uring_turn(timeout, be.epfd, &ready);
		n = ready ? backend_wait(0, true) : 0;
	} else {
		n = backend_wait(timeout, false);
	}

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
