/*
 * scheduler.c - the multi-threaded work-stealing scheduler: workers, their
 * run loop, the LIFO slot, stealing, parking and unparking, the budget, and
 * the entry points coast__block_on, coast__spawn, coast_detach.
 *
 * One global runtime, started by the first coast__block_on: N workers
 * (COAST_WORKERS, default the online CPUs), each a thread with
 *   - a LIFO slot: the task most recently woken by the task it polls (a
 *     message's receiver runs next, while the data is in cache);
 *   - a bounded local queue (queue.c) other workers steal half of;
 * and one global injection queue for wakes from threads that are not
 * workers, overflow, and block_on's roots.  Tasks themselves are task.c's:
 * this file only moves SCHEDULED tasks between queues and polls them.
 *
 * The run loop of a worker:
 *   1. the LIFO slot, at most 3 times in a row (then it goes to the queue's
 *      back, so two tasks waking each other cannot starve the queue);
 *   2. every 61st task the injection queue first (fairness for foreign
 *      wakes), and a non-blocking turn of the driver (I/O and timers make
 *      progress while nobody is idle);
 *   3. the local queue (with one worker, a list instead of the ring:
 *      push_list), then a batch from the injection queue (its share:
 *      len / N + 1, at most half a ring);
 *   4. searching: steal half of another worker's queue, from a random one;
 *   5. parking: in the driver (epoll, reactor.c) if nobody else is, else on
 *      the worker's condvar, or with COAST_IO=uring in its io_uring's
 *      enter (uring.c, U4), so that its completions wake it.
 * A task woken by itself (coast_yield) goes to the back of the local queue,
 * still RUNNING: no state transition for a yield (run_task).  With one
 * worker the yielding tasks of its list are polled in turn, each where it
 * is, by the yield loop (run_yielders) until anything else is due.
 * A join whose task is the next this worker would pop from its own queues
 * polls it inline, inside the joiner's poll (coast__join_inline, "inline
 * joins" below and in docs/runtime.md).
 *
 * Local tasks (coast__spawn_local, and block_on's roots, which are local to
 * rt.main) have a home worker and never enter a stealable queue: every
 * push of one goes to its home's pinned queue (a mutex FIFO any thread may
 * push to) or, when its home wakes it while polling, to the home's LIFO
 * slot.  The home pops its pinned queue and its local queue in turn (every
 * other task prefers the pinned one), so neither starves the other.
 *  P6. A push to another worker's pinned queue takes idle_lock and, if
 *      that worker is on the idle list, takes it off, counts it as
 *      searching and unparks it (notify for one given worker).  A parker
 *      re-checks its own pinned queue in P2 after putting itself on the
 *      idle list under the same lock: either its re-check sees the push
 *      or the pusher sees it idle.  Other workers' pinned queues are not
 *      work for a searcher, so they do not count in P2/P3's re-checks.
 *
 * Parking and notification.  rt.nidle counts workers on the idle list,
 * rt.nsearching workers looking for work (stealing, or just woken).
 *  P1. Whoever makes work available (a push to any queue) then calls
 *      notify: a seq_cst fence, then if nobody searches and someone is idle,
 *      it pops an idle worker under idle_lock, counts it as searching, and
 *      unparks it.  Nobody searching yet someone idle is the only case that
 *      needs a wake: a searcher will find the work or, by P3, re-check.
 *  P2. A worker about to park puts itself on the idle list (nidle++), stops
 *      searching (nsearching--), issues a seq_cst fence and re-checks every
 *      queue; it sleeps only if all are empty.
 *  P3. A searcher that finds work stops searching; the last one to stop
 *      (nsearching 1 -> 0) fences, re-checks every queue and notifies if
 *      work is left.
 *  P4. Parkers remember an unpark that comes before the park (state
 *      NOTIFIED); an unpark of a worker parked in the driver interrupts the
 *      backend's wait (eventfd), one parked on its condvar signals it, one
 *      with a ring (in the driver or not) kicks the ring (an eventfd the
 *      ring reads while it waits: a kick before the wait still ends it).
 *  P5. A woken worker takes itself off the idle list if it is still there
 *      (a driver event or timer woke it, not a notify) and searches.
 *  P7. A task that yielded goes back to its worker's queue without
 *      notify: it adds no work (it was running here), and this worker
 *      looks at its own queues before it parks (P2), so nothing is left
 *      behind; at worst an idle worker is not woken to share a queue that
 *      a yield made one longer.  (The fence was most of a yield's cost
 *      with several workers.)
 *  P8. A worker pushing to its own local queue notifies only when the
 *      queue was empty and no push since its last notify skipped one
 *      (P7's yields and the LIFO slot's overflow set `unannounced`): the
 *      tasks it is pushed behind were pushed by an earlier push that
 *      notified (or are there because a searcher left them), so a worker
 *      woken for them, or the last searcher's P3 re-check, is already on
 *      its way; at worst the owner, which is busy, runs them itself.
 *      Without `unannounced`, a task spawned behind a yielded one by a
 *      task that then runs long (or spins on what the spawned task does)
 *      would wait for it while another worker sleeps.  A spawn burst pays one fence, not one a
 *      task (a busy owner's local pushes never need a wake to be run at
 *      all: P1 is about parallelism there, not progress).
 *  P9. A remote free that makes a worker's slab stack non-empty (slab.c)
 *      is work for that worker alone, like a P6 push: the pusher fences
 *      and, if the worker is idle-listed, unparks it under idle_lock
 *      (coast__worker_slab_wake); the parker's P2 re-check includes its
 *      stacks and the spans it has left to give back (coast__slab_idle_left).
 *
 * Why no wake-up is lost.  Take a push W and a worker that parks.  Both
 * sides run store; seq_cst fence; load (W: push, fence, load nsearching and
 * nidle; parker: nidle++ and nsearching--, fence, load queues).  By the
 * fences' total order either the parker's loads see W's push (it does not
 * sleep) or W's loads see the parker's stores: nsearching without it and
 * nidle with it.  Then if nsearching is 0, W pops some idle worker (maybe
 * this one) and unparks it (P4: not lost even before it sleeps); if
 * nsearching > 0, a searcher S is counted, and S either finds the work or
 * reaches P2 (then S's own re-check sees W, as above) or P3 (its re-check
 * sees W).  The same argument covers a driver event: the parked driver
 * worker is woken by the backend itself.
 *
 * Busy workers are never woken: the work in their queues is stolen by a
 * searcher or run when they come back (P2 re-check covers the moment they
 * run out).  A task in a LIFO slot is not stealable; it runs right after
 * the poll in progress on that worker.
 *
 * coast__block_on (from a thread that is not polling a task) starts the
 * runtime, injects the root and sleeps on rt.bo_cond until the root is
 * COMPLETE; the worker that completes a root broadcasts under rt.bo_lock,
 * after setting COMPLETE, and block_on checks COMPLETE under the same lock:
 * the broadcast cannot fall between its check and its wait.
 *
 * Who may touch what: a worker's LIFO slot, tick, searching and polling
 * flags only by its own thread; its local queue per queue.c; its parker
 * state under its parker lock; idle-list links and `idle` under idle_lock.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define MAX_WORKERS 1024
#define MAX_LIFO_POLLS 3
#define TICK_INTERVAL 61 /* prime: decorrelates from task patterns */
#define MAX_INLINE_DEPTH 8 /* joins polling their task inside one another */

enum park_state {
	PARK_EMPTY,
	PARK_NOTIFIED,    /* an unpark waits to be consumed */
	PARK_ON_CONDVAR,  /* asleep on cond */
	PARK_IN_DRIVER,   /* asleep in the driver's backend wait */
	PARK_IN_RING,     /* asleep in its io_uring's enter, not the driver */
};

struct worker {
	struct coast__local_queue q;
	struct coast__inject pinned; /* local tasks of this home (P6) */
	unsigned id;
	/* Owner only (its LIFO slot is coast__polling.lifo; its tick is a
	 * local of worker_loop): the LIFO runs left in a row, counted down
	 * (a subtraction and its carry: next_task). */
	unsigned lifo_left;
	/* Inline joins (coast__join_inline): how many nest on the C stack
	 * now, and how many were made since the last tick (next_task). */
	unsigned inline_depth;
	unsigned inline_polls;
	/* The last task an inline poll left pending: a join's companion
	 * ran it, and its frame's first poll must not run it again (it may
	 * be next once more, after a yield).  Compared, never read, and
	 * cleared by the refusal: a stale pointer (a block freed and
	 * reused) costs one inline poll, never correctness. */
	struct coast_task *inline_pending;
	/* Owner-written (a load and a store, no RMW), read by tests
	 * (coast__inline_cas_pops): inline takes by the ring's CAS pop. */
	atomic_ulong inline_cas_pops;
	bool searching;
	/* One worker only: its queue, a circular list through task->next,
	 * by its last task (NULL: empty; push_list).  in_place: the yield
	 * loop polls the list's head where it is (run_yielders). */
	struct coast_task *last;
	bool in_place;
	bool parked_in_driver;  /* wakes during a parked turn: no notify */
	bool unannounced;       /* P8: a push since the last notify had none */
	uint32_t rng;
	/* Under idle_lock. */
	bool idle;
	struct worker *idle_next;
	/* Under park_lock (P4). */
	pthread_mutex_t park_lock;
	pthread_cond_t park_cond;
	enum park_state park;
	/* Its io_uring (uring.c), NULL on epoll; set before it first parks. */
	struct coast__uring *ring;
};

static struct {
	unsigned n;
	struct worker *w;
	_Atomic bool started; /* release: publishes n and w */
	bool uring; /* COAST_IO=uring: each worker tries to make a ring */
	int start_err;
	unsigned main; /* home of roots and of local tasks spawned off it */
	struct coast__inject inject;
	pthread_mutex_t idle_lock;
	struct worker *idle_head;
	_Atomic unsigned nidle;
	_Atomic unsigned nsearching;
	pthread_mutex_t bo_lock;
	pthread_cond_t bo_cond;
} rt = {
	.inject = { .lock = PTHREAD_MUTEX_INITIALIZER },
	.idle_lock = PTHREAD_MUTEX_INITIALIZER,
	.bo_lock = PTHREAD_MUTEX_INITIALIZER,
	.bo_cond = PTHREAD_COND_INITIALIZER,
};

static pthread_once_t rt_once = PTHREAD_ONCE_INIT;

/* The worker this thread is, NULL for other threads. */
static _Thread_local struct worker *me COAST__TLS_IE;
/* The poll in progress (internal.h); current also makes
 * coast__block_on's -EDEADLK. */
_Thread_local struct coast__polling coast__polling;

static void *worker_main(void *arg);

/* ------------------------------------------------------------ notifying */

static bool started(void)
{
	return atomic_load_explicit(&rt.started, memory_order_acquire);
}

/* Any queue non-empty.  Called after a seq_cst fence (P2, P3). */
static bool work_visible(void)
{
	unsigned i;

	if (coast__inject_len(&rt.inject))
		return true;
	/* (Only one worker has a list, and only it calls this then.) */
	for (i = 0; i < rt.n; i++)
		if (coast__local_len(&rt.w[i].q) || rt.w[i].last)
			return true;
	return false;
}

static void unpark(struct worker *w)
{
	enum park_state prev;

	pthread_mutex_lock(&w->park_lock);
	prev = w->park;
	w->park = PARK_NOTIFIED;
	if (prev == PARK_ON_CONDVAR)
		pthread_cond_signal(&w->park_cond);
	pthread_mutex_unlock(&w->park_lock);
	if ((prev == PARK_IN_DRIVER || prev == PARK_IN_RING) && w->ring)
		coast__uring_kick(w->ring);
	else if (prev == PARK_IN_DRIVER)
		coast__driver_interrupt();
}

/* Takes w off the idle list.  Under idle_lock, w->idle set. */
static void unidle(struct worker *w)
{
	struct worker **p;

	for (p = &rt.idle_head; *p != w; p = &(*p)->idle_next)
		;
	*p = w->idle_next;
	w->idle_next = NULL;
	w->idle = false;
	atomic_fetch_sub_explicit(&rt.nidle, 1, memory_order_seq_cst);
}

/* Wakes the idle worker w, counted as searching on its behalf: no more
 * wakes until it looks.  Under idle_lock, w->idle set; unlocks it. */
static void wake_idle(struct worker *w)
{
	unidle(w);
	atomic_fetch_add_explicit(&rt.nsearching, 1, memory_order_seq_cst);
	pthread_mutex_unlock(&rt.idle_lock);
	unpark(w);
}

/* P1: after making work available. */
static void notify(void)
{
	struct worker *w;

	if (!started())
		return; /* the first block_on starts workers; they look */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&rt.nsearching, memory_order_seq_cst) ||
	    !atomic_load_explicit(&rt.nidle, memory_order_seq_cst))
		return;
	pthread_mutex_lock(&rt.idle_lock);
	w = rt.idle_head;
	if (!w || atomic_load_explicit(&rt.nsearching, memory_order_seq_cst)) {
		pthread_mutex_unlock(&rt.idle_lock);
		return;
	}
	wake_idle(w);
}

/* P6: after a push to home's pinned queue by another thread. */
static void notify_home(struct worker *home)
{
	pthread_mutex_lock(&rt.idle_lock);
	if (home->idle)
		wake_idle(home);
	else
		pthread_mutex_unlock(&rt.idle_lock);
}

/* P3, once w->searching was found set (the test stays inline in the
 * worker loop). */
static __attribute__((noinline)) void end_search(struct worker *w)
{
	w->searching = false;
	if (atomic_fetch_sub_explicit(&rt.nsearching, 1,
				      memory_order_seq_cst) != 1)
		return;
	atomic_thread_fence(memory_order_seq_cst);
	if (work_visible())
		notify();
}

/* ------------------------------------------------------------- queueing */

/*
 * One worker's queue.  Nothing is stolen from it, so it needs no ring: it
 * is a FIFO through task->next that only w touches, circular, held by its
 * last task (the head is last->next), unbounded (no overflow to the
 * injection queue: its mutex, and batches taken back by take_injected,
 * were a third of a spawn when a task spawns thousands).  Circular for
 * the yield loop: a task that yields while at the head goes to the back
 * by becoming the last, one store (run_yielders).
 */
static inline void push_behind(struct worker *w, struct coast_task *last,
			       struct coast_task *t)
{
	t->next = last->next;
	last->next = t;
	w->last = t;
}

static inline void push_list(struct worker *w, struct coast_task *t)
{
	struct coast_task *last = w->last;

	if (__builtin_expect(last != NULL, 1)) {
		push_behind(w, last, t);
		return;
	}
	t->next = t;
	w->last = t;
}

/* The head of w's list out, or NULL. */
static inline struct coast_task *pop_list(struct worker *w)
{
	struct coast_task *last = w->last, *t;

	if (!last)
		return NULL;
	t = last->next;
	if (t == last)
		w->last = NULL;
	else
		last->next = t->next;
	return t;
}

/* Several workers, w's ring full: half of it to the injection queue. */
static __attribute__((noinline)) void push_full(struct worker *w,
						struct coast_task *t)
{
	coast__local_push_full(&w->q, t, &rt.inject);
}

/* The back of w's own queue. */
static inline void push_own(struct worker *w, struct coast_task *t)
{
	if (rt.n == 1)
		push_list(w, t);
	else if (!coast__local_push_room(&w->q, t))
		push_full(w, t);
}

/* Inline: every wake on a worker comes here (coast__spawn has its own
 * copy, with its calls as tail calls). */
static inline void push_local(struct worker *w, struct coast_task *t)
{
	/*
	 * P1 wakes another worker; with one, there is none, and w itself
	 * looks at its queue before it parks.  (The fence in notify was a
	 * quarter of a yield with one worker.)  P8: only a push into an
	 * empty queue.
	 */
	bool notify_others =
		rt.n > 1 && !w->parked_in_driver &&
		(w->unannounced || !coast__local_len(&w->q));

	push_own(w, t);
	if (notify_others) {
		w->unannounced = false;
		notify();
	}
}

static void push_remote(struct coast_task *t)
{
	coast__inject_push(&rt.inject, t);
	notify();
}

/* A local task to its home.  Its home itself needs no wake: it looks at
 * its pinned queue before it parks. */
static void push_pinned(struct coast_task *t)
{
	struct worker *home = &rt.w[t->home];

	coast__inject_push(&home->pinned, t);
	if (me != home)
		notify_home(home);
}

/* The back of w's queue, or of the home's pinned queue. */
static void push_task(struct worker *w, struct coast_task *t)
{
	if (t->home >= 0)
		push_pinned(t);
	else
		push_local(w, t);
}

/* Woken by the task being polled: it runs next here. */
static void push_lifo(struct worker *w, struct coast_task *t)
{
	struct coast_task *prev = coast__polling.lifo;

	coast__polling.lifo = t;
	if (prev)
		push_task(w, prev);
}

void coast__schedule(struct coast_task *t)
{
	struct worker *w = me;

	if (t->home >= 0 && w != &rt.w[t->home]) {
		push_pinned(t);
		return;
	}
	if (!w) {
		push_remote(t);
		return;
	}
	if (coast__polling.current) {
		push_lifo(w, t);
		return;
	}
	push_task(w, t);
}

void coast__lifo_displaced(struct coast_task *t)
{
	push_task(me, t);
}

static inline void schedule_new(struct coast_task *t)
{
	if (t->home >= 0)
		push_pinned(t);
	else if (me)
		push_local(me, t); /* the back: keeps spawn order */
	else
		push_remote(t);
}

void coast__schedule_new(struct coast_task *t)
{
	schedule_new(t);
}

int coast__worker_id(void)
{
	return me ? (int)me->id : -1;
}

unsigned coast__worker_count(void)
{
	return started() ? rt.n : 0;
}

/*
 * Like P6's push, with the remote-free stack as the queue: the pusher's
 * CAS, fence, nidle against the parker's nidle++, fence, re-check of its
 * stacks (coast__slab_idle_left in park).  Idle-listed as it is, the
 * owner has nothing to run: a wake only has it park again, which drains.
 */
void coast__worker_slab_wake(int id)
{
	struct worker *w = &rt.w[id];

	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&rt.nidle, memory_order_seq_cst))
		return;
	pthread_mutex_lock(&rt.idle_lock);
	if (w->idle)
		wake_idle(w);
	else
		pthread_mutex_unlock(&rt.idle_lock);
}

bool coast__budget_spend(void)
{
	if (!coast__polling.current)
		return true;
	if (coast__polling.budget > 0) {
		coast__polling.budget--;
		return true;
	}
	return false;
}

struct coast_task *coast__task_current(void)
{
	return coast__polling.current;
}

/* ------------------------------------------------------------- polling */

/*
 * A task that yielded stayed RUNNING in the queue, and one spawned or
 * woken into the LIFO slot was queued RUNNING (rule 8 of task.c), so it is
 * not made RUNNING again (3 CASes a yield fewer: the wake, idle, running;
 * one a spawn or a LIFO wake).  Wakes and cancels meanwhile found it
 * RUNNING and set NOTIFIED, which the transition after this poll sees;
 * the acquire load synchronises with them as the CAS would, and makes a
 * cancel that came meanwhile this poll's business (rule 5 of task.c).
 * t->yielded stays set through the poll: run_task clears it only when
 * the task does not yield again (a store a yield fewer), and when it is
 * deferred (rule 11 of task.c) not before settle_deferred_now's
 * transition (a requeue sets it again); nothing else reads it.
 *
 * Returns t->cancel_polled, known here without loading it: it is only
 * ever set here, when the state says CANCELLED, which stays set until
 * the task completes (rule 6 of task.c).
 */
static bool start_running(struct coast_task *t)
{
	uint64_t st;

	/* Queued RUNNING is the common case (every yield, spawn and LIFO
	 * wake): it falls through, the transition is the branch. */
	if (__builtin_expect(!t->yielded, 0)) {
		/* coast__task_poll sets COAST_F_CANCEL on the root. */
		if (coast__task_transition_to_running(t)) {
			t->cancel_polled = true;
			return true;
		}
		return false;
	}
	st = atomic_load_explicit(&t->state, memory_order_acquire);
	if (__builtin_expect(st & COAST__ST_CANCELLED, 0)) {
		t->cancel_polled = true;
		return true;
	}
	return false;
}

/*
 * t's root polled directly: a lowered root's body without
 * coast__heap_poll's flags, which only coast__task_poll sets on a root,
 * and the header's state, which nothing reads of a running root
 * (coast_dump_tasks reads the body's).  They cost a yield 3 instructions.
 * COAST_DESCEND is the caller's.
 */
static __attribute__((always_inline)) inline int
poll_root(struct coast_task *t, struct coast_cx *cx)
{
	struct coast_frame *root = coast__task_root(t);
	const struct coast_fn *fn = root->fn;
	struct coast_head *h;

	if (!fn->body_poll)
		return fn->poll(root, cx);
	h = (struct coast_head *)((char *)root + fn->body_offset);
	return fn->body_poll(h, cx);
}

/*
 * coast__task_poll without its loop in the common case: nothing descended
 * into (descend.c; a task that ever descended keeps its array, and takes
 * the general path) and no cancellation to mark on the root.  A yield
 * paid 30 instructions for the loop and its call.
 */
static int poll_task(struct coast_task *t, struct coast_cx *cx,
		     bool cancel_polled)
{
	int r;

	if (cancel_polled || t->descended)
		return coast__task_poll(t, cx);
	r = poll_root(t, cx);
	/* PENDING first: the common result (a yield, a wait) then takes
	 * one test to run_task's pending path.  It descended just now: the
	 * loop polls from the innermost. */
	if (__builtin_expect(r == COAST_PENDING, 1))
		return r;
	return r == COAST_DESCEND ? coast__task_poll(t, cx) : r;
}

/* After a pending poll of t: the transition to idle, and what it asks.
 * Inline: a call and its spills were 18 instructions a wait. */
static __attribute__((always_inline)) inline void
after_pending(struct worker *w, struct coast_task *t, bool lent)
{
	switch (coast__task_transition_to_idle(t, lent)) {
	case COAST__IDLE_NOTIFIED:
		push_task(w, t); /* woken during the poll: to the back */
		break;
	case COAST__IDLE_CANCEL:
		/*
		 * Pending and unreachable: no waker, no handle.  Rule 7 of
		 * task.c: it gets its cancellation poll, so what its frames
		 * own is released.
		 */
		push_task(w, t);
		break;
	case COAST__IDLE_DEALLOC:
		/* Unreachable again after its cancellation poll: a future that
		 * returned pending with no wake arranged.  Nothing can poll
		 * it; its frames are freed as they are. */
		coast__task_dealloc(t);
		break;
	case COAST__IDLE_OK:
		break;
	}
}

/* The transition rule 11 of task.c put off, unless a wake made it moot. */
static __attribute__((noinline)) void settle_deferred_now(struct worker *w)
{
	struct coast_task *t = coast__polling.deferred;

	coast__polling.deferred = NULL;
	t->yielded = COAST__NOT_YIELDED; /* after_poll left it: see there */
	after_pending(w, t, true);
}

static inline void settle_deferred(struct worker *w)
{
	if (__builtin_expect(coast__polling.deferred != NULL, 0))
		settle_deferred_now(w);
}

/*
 * How the yield loop (run_yielders) polls t after a yield, as poll_task
 * would: t->descended (coast__task_poll's records) is only ever set by a
 * poll, and a poll that sets it either answers COAST_DESCEND (the loop
 * leaves, and after_poll looks again) or, from a race's arm
 * (coast__poll_here), leaves no record behind: the root is still what
 * coast__task_poll polls first.
 */
static inline uint8_t yield_mode(struct coast_task *t)
{
	if (t->descended)
		return COAST__YIELDED;
	return coast__task_root(t)->fn->body_poll ? COAST__YIELDED_BODY
						  : COAST__YIELDED_POLL;
}

/*
 * What follows a poll of t that returned r, run_task's and the yield loop's
 * (run_yielders).  Returns a task that yielded with one worker (`single`):
 * the caller queues it at the back of w's list (the yield loop, which
 * polls the tasks ahead of it).  Otherwise NULL.
 */
static __attribute__((always_inline)) inline struct coast_task *
after_poll(struct worker *w, struct coast_task *t, int r,
	   const struct coast_cx *cx, bool single)
{
	if (r == COAST_READY) {
		bool root = t->is_root;
		bool scoped = atomic_load_explicit(&t->scope,
						   memory_order_relaxed);

		/* Still polling: the joiner it wakes runs next, here.  The
		 * runner's reference goes with COMPLETE: t may be freed by
		 * a joiner or block_on from here on. */
		coast__task_complete_release(t, coast__polling.lent);
		coast__polling.current = NULL;
		if (single)
			settle_deferred(w);
		if (scoped)
			coast__scope_task_done(t); /* the scope's ref keeps t */
		if (root) {
			/* block_on checks COMPLETE under this lock. */
			pthread_mutex_lock(&rt.bo_lock);
			pthread_cond_broadcast(&rt.bo_cond);
			pthread_mutex_unlock(&rt.bo_lock);
		}
		return NULL;
	}
	coast__polling.current = NULL;
	if (cx->yield_now) {
		/* The runner's reference becomes the queue's.  P7: no
		 * notify. */
		t->yielded = single ? yield_mode(t) : COAST__YIELDED;
		if (single)
			settle_deferred(w);
		if (coast__polling.lent)
			coast__task_ref(t); /* the queue's: ours was lent */
		if (t->home >= 0) {
			push_pinned(t);
			return NULL;
		}
		/* P8 is about waking other workers: one has none. */
		if (single)
			return t;
		w->unannounced = true;
		push_own(w, t);
		return NULL;
	}
	if (single)
		settle_deferred(w);
	if (single && coast__polling.lent) {
		/* Rule 11 of task.c: a wake of t in the next poll here
		 * (the task it joins, run next) requeues it without an
		 * RMW; else the transition follows that poll.  t->yielded
		 * stays: the requeue sets it again, and settle_deferred_now
		 * clears it before the transition (a store a wait fewer:
		 * nothing reads it of a task deferred, which is in no
		 * queue). */
		coast__polling.deferred = t;
		return NULL;
	}
	/* Before the transition: then another thread may queue t. */
	t->yielded = COAST__NOT_YIELDED;
	after_pending(w, t, coast__polling.lent);
	return NULL;
}

/*
 * Inline in both of worker_loop's copies: a call and its spills were 15
 * instructions a yield.  Returns what after_poll does.
 */
static __attribute__((always_inline)) inline struct coast_task *
run_task(struct worker *w, struct coast_task *t, bool single)
{
	struct coast_cx cx = { .task = t, .frames = &t->frames };
	bool cancel_polled = start_running(t);
	int r;

	coast__polling.current = t;
	coast__polling.lent = false;
	coast__polling.budget = COAST__BUDGET;
	r = poll_task(t, &cx, cancel_polled);
	return after_poll(w, t, r, &cx, single);
}

void coast__task_unclaim(struct coast_task *t, struct coast_task **freed)
{
	switch (coast__task_transition_to_idle(t, false)) {
	case COAST__IDLE_NOTIFIED:
	case COAST__IDLE_CANCEL: /* rule 7, as after a poll */
		coast__schedule(t);
		break;
	case COAST__IDLE_DEALLOC:
		t->next = *freed;
		*freed = t;
		break;
	case COAST__IDLE_OK:
		break;
	}
}

void coast__settle_deferred(void)
{
	/* Only set on a worker (me), and only by this thread. */
	settle_deferred(me);
}

/* A batch from the injection queue: one to run, the rest queued here. */
static struct coast_task *take_injected(struct worker *w)
{
	size_t len = coast__inject_len(&rt.inject), n, max;
	struct coast_task *first, *t, *next;

	if (!len)
		return NULL;
	max = len / rt.n + 1;
	if (max > COAST_LOCAL_QUEUE_CAP / 2)
		max = COAST_LOCAL_QUEUE_CAP / 2;
	first = coast__inject_pop_batch(&rt.inject, max, &n);
	if (!first)
		return NULL;
	for (t = first->next; t; t = next) {
		next = t->next;
		t->next = NULL;
		push_own(w, t);
	}
	first->next = NULL;
	if (n > 1)
		notify();
	return first;
}

static void maintenance(struct worker *w)
{
	if (w->ring)
		coast__uring_turn(0, -1, NULL);
	if (coast__driver_try_lock()) {
		coast__driver_turn(false);
		coast__driver_unlock();
	}
}

static struct coast_task *pop_pinned(struct worker *w)
{
	size_t n;

	if (!coast__inject_len(&w->pinned))
		return NULL;
	return coast__inject_pop_batch(&w->pinned, 1, &n);
}

/* ---------------------------------------------------------- inline joins */

/*
 * One worker: takes t out of w's list if it is the task w would pop next:
 * its head, or while the yield loop polls the head in place (the joiner
 * itself, or the joiner of an inline poll in progress), the one behind
 * it.
 */
static bool pop_list_if(struct worker *w, struct coast_task *t)
{
	struct coast_task *prev = w->last, *next;

	if (!prev)
		return false;
	next = prev->next;
	if (__builtin_expect(!w->in_place, 1)) {
		if (next != t)
			return false;
		if (next == prev)
			w->last = NULL; /* alone */
		else
			prev->next = next->next;
		return true;
	}
	if (next == prev)
		return false; /* the head alone, polled */
	prev = next;
	next = prev->next;
	if (next != t)
		return false;
	prev->next = next->next;
	if (next == w->last)
		w->last = prev;
	return true;
}

/*
 * Whether t is the task w would run next from its own queues (its LIFO
 * slot, the ring's oldest, or with one worker its list's head) and if so
 * takes it out.  A local task is only ever in its home's pinned queue or
 * LIFO slot, so one of another worker is never taken; the ring's is
 * claimed with the owner's pop (a stealer racing for it wins or loses as
 * against any pop).
 */
static bool take_next(struct worker *w, struct coast_task *t)
{
	if (coast__polling.lifo == t) {
		coast__polling.lifo = NULL;
		return true;
	}
	/* A local task is never in the list. */
	if (rt.n == 1)
		return pop_list_if(w, t);
	if (t->home >= 0)
		return false;
	if (!coast__local_pop_if(&w->q, t))
		return false;
	atomic_store_explicit(&w->inline_cas_pops,
			      atomic_load_explicit(&w->inline_cas_pops,
						   memory_order_relaxed) + 1,
			      memory_order_relaxed);
	return true;
}

/*
 * A poll of t made by a join inside the poll of its joiner: run_task's,
 * with t's own cx, frame stack and polling state but the joiner's budget
 * (coast__join_inline), and a pending t goes idle (or back to the queue)
 * at once, never deferred (rule 11 of task.c): the deferred slot may
 * hold the task polled before the joiner.  A complete t ends the join
 * (coast__task_complete_joined): true, with its answer in *ret.
 */
static bool poll_inline(struct worker *w, struct coast_task *t, void *out,
			int *ret)
{
	struct coast_cx cx = { .task = t, .frames = &t->frames };
	bool cancel_polled = start_running(t);
	int r;

	coast__polling.current = t;
	coast__polling.lent = false;
	/* poll_task's, READY tested first: what a task joined inline
	 * mostly answers (poll_task's order is the run loop's). */
	if (__builtin_expect(cancel_polled || t->descended, 0))
		r = coast__task_poll(t, &cx);
	else if ((r = poll_root(t, &cx)) == COAST_DESCEND)
		r = coast__task_poll(t, &cx);
	if (__builtin_expect(r == COAST_READY, 1)) {
		/*
		 * Nothing else to tell, unlike run_task: a task with a
		 * handle is neither a scope's (whose spawn gives none) nor a
		 * block_on root (nor is a joined pointer that is no handle:
		 * coast_join's contract).
		 */
		*ret = coast__task_complete_joined(t, coast__polling.lent, out);
		return true;
	}
	if (cx.yield_now) {
		t->yielded = COAST__YIELDED;
		if (coast__polling.lent)
			coast__task_ref(t); /* the queue's: ours was lent */
		if (t->home >= 0) {
			push_pinned(t);
			return false;
		}
		w->unannounced = true; /* P7 */
		push_own(w, t);
		return false;
	}
	t->yielded = COAST__NOT_YIELDED;
	after_pending(w, t, coast__polling.lent);
	return false;
}

unsigned long coast__inline_cas_pops(void)
{
	unsigned long n = 0;
	unsigned i;

	for (i = 0; i < rt.n; i++)
		n += atomic_load_explicit(&rt.w[i].inline_cas_pops,
					  memory_order_relaxed);
	return n;
}

int coast__join_inline(struct coast_task *t, void *out, int *ret)
{
	struct worker *w = me;
	struct coast_task *joiner = coast__polling.current;
	bool lent, done;

	if (!joiner)
		return false;
	if (__builtin_expect(t == w->inline_pending, 0)) {
		w->inline_pending = NULL;
		return false;
	}
	/*
	 * A handle consumed already (a detach, or a join that waits) is
	 * join_first's -EINVAL, and the task is not ours to run: the
	 * queue's reference may be its last, dropped by a completion here
	 * before join_first reads the state.  Relaxed is enough: CONSUMED
	 * is never cleared, and a consume this join must see (made before
	 * the handle reached this joiner: program order, or whatever
	 * passed the handle on) happens before this load, which coherence
	 * then makes see it.  A consume racing from another thread,
	 * ordered with nothing here, is the misuse task.c does not detect
	 * (its top comment) with or without an acquire.
	 */
	/*
	 * Inline polls count toward the tick, which is next_task's, not
	 * ours: its injected task runs next there, where a poll in
	 * progress has no place for it (the LIFO slot's next occupant
	 * would push it behind the whole queue).  So once a tick's worth
	 * were made the join waits, the joiner's poll ends, and next_task
	 * makes the tick at its next odd turn.
	 */
	if (w->inline_depth >= MAX_INLINE_DEPTH || !coast__polling.budget ||
	    w->inline_polls >= TICK_INTERVAL ||
	    (atomic_load_explicit(&t->state, memory_order_relaxed) &
	     COAST__ST_CONSUMED) ||
	    !take_next(w, t))
		return false;
	w->inline_polls++;
	/*
	 * One budget for the whole nest: the poll spends a unit of the
	 * joiner's, t spends the rest (and what t joins inline spends
	 * t's), and the joiner goes on with what t left.  So a poll of a
	 * task polls at most COAST__BUDGET tasks inline, however nested,
	 * and a task joining inline for ever still ends its poll.
	 */
	coast__polling.budget--;
	lent = coast__polling.lent;
	w->inline_depth++;
	done = poll_inline(w, t, out, ret);
	w->inline_depth--;
	if (!done)
		w->inline_pending = t;
	coast__polling.current = joiner;
	coast__polling.lent = lent;
	return done;
}

/*
 * `single` is rt.n == 1, a constant in each of worker_loop's two copies:
 * the one-worker loop pops its list (no ring, no steal-safe CAS) and has
 * no test of rt.n on its path.
 */
static __attribute__((always_inline)) inline struct coast_task *
next_task(struct worker *w, unsigned *turn, bool single)
{
	struct coast_task *t = coast__polling.lifo, *back = NULL;
	size_t n;

	if (t) {
		coast__polling.lifo = NULL;
		/* Wrapped when none was left: the reset below follows. */
		if (!__builtin_sub_overflow(w->lifo_left, 1u, &w->lifo_left))
			return t;
		if (t->home >= 0) {
			coast__inject_push(&w->pinned, t);
		} else if (single && !w->last) {
			/* The back of an empty list is its head: the list's
			 * pop below would take it back at once (a ping-pong's
			 * every fourth poll), so it is held, and pushed only
			 * when the turn's duties come first.  P8 is about
			 * other workers. */
			back = t;
		} else {
			push_own(w, t);
			w->unannounced = true; /* P8 */
		}
	}
	w->lifo_left = MAX_LIFO_POLLS;
	/*
	 * One countdown for both turns, one test a poll on the even
	 * values: the odd ones are the pinned queue's turn (P6), and 1, one
	 * in TICK_INTERVAL, is also the tick's (before the pinned turn), as
	 * is any once TICK_INTERVAL polls were made inline (the inline
	 * joins of coast__join_inline wait for it meanwhile).
	 */
	if (--*turn & 1) {
		if (*turn == 1 || w->inline_polls >= TICK_INTERVAL) {
			*turn = TICK_INTERVAL + 1;
			w->inline_polls = 0;
			/* Queued before what the driver's turn wakes. */
			if (back)
				push_list(w, back);
			back = NULL;
			maintenance(w);
			t = coast__inject_pop_batch(&rt.inject, 1, &n);
			if (t)
				return t;
		}
		t = pop_pinned(w);
		if (t) {
			if (back)
				push_list(w, back);
			return t;
		}
	}
	if (back)
		return back;
	t = single ? pop_list(w) : coast__local_pop(&w->q);
	if (!t)
		t = pop_pinned(w);
	if (t)
		return t;
	return take_injected(w);
}

/* A task the yield loop popped and leaves to run_task: cancelled (its
 * next poll is the cancellation poll).  Acquire: as start_running's. */
static inline bool cancelled(struct coast_task *t)
{
	return atomic_load_explicit(&t->state, memory_order_acquire) &
	       COAST__ST_CANCELLED;
}

/* run_task's setup of a poll of t, in the yield loop: cx is reused
 * (`current` stays set between two polls, nothing reads it). */
static __attribute__((always_inline)) inline void
yield_loop_start(struct coast_task *t, struct coast_cx *cx)
{
	cx->task = t;
	cx->frames = &t->frames;
	cx->depth = 0;
	cx->yield_now = 0;
	coast__polling.current = t;
	coast__polling.lent = false;
	coast__polling.budget = COAST__BUDGET;
}

/*
 * The yield loop's poll of a task queued otherwise than by a lowered
 * root's plain yield: a hand-written root's (fn->poll), or -1 for one
 * that needs run_task (a transition, a descent, a cancellation).
 */
static __attribute__((noinline)) int yield_poll_other(struct coast_task *t,
						       struct coast_cx *cx)
{
	struct coast_frame *root = coast__task_root(t);

	if (t->yielded != COAST__YIELDED_POLL || cancelled(t))
		return -1;
	yield_loop_start(t, cx);
	return root->fn->poll(root, cx);
}

/*
 * A turn of the yield loop after its duties: the list's head, behind *tp
 * (the last), polled in place.  True when the turn ends in a yield, *tp
 * the list's last again; false when the loop ends, *tp the task for
 * run_task (out of the list, not polled) or NULL.
 */
static __attribute__((always_inline)) inline bool
yield_turn(struct worker *w, struct coast_task **tp, struct coast_cx *cx)
{
	struct coast_task *t = (*tp)->next;
	const struct coast_fn *fn;
	struct coast_frame *root;
	int r;

	/* A lowered root's poll takes one test of the byte (enum
	 * coast__yielded); anything else is out of line. */
	if (__builtin_expect(t->yielded == COAST__YIELDED_BODY, 1)) {
		if (cancelled(t))
			goto out;
		yield_loop_start(t, cx);
		root = coast__task_root(t);
		fn = root->fn;
		r = fn->body_poll((struct coast_head *)((char *)root +
							fn->body_offset),
				  cx);
	} else if ((r = yield_poll_other(t, cx)) < 0) {
		goto out;
	}
	if (__builtin_expect(r == COAST_PENDING, 1) &&
	    __builtin_expect(cx->yield_now != 0, 1) &&
	    __builtin_expect(!coast__polling.lent, 1)) {
		w->last = t;
		*tp = t;
		return true;
	}
	/* Still the head: what its poll pushed went behind the last. */
	pop_list(w);
	w->in_place = false;
	if (r == COAST_DESCEND)
		r = coast__task_poll(t, cx);
	t = after_poll(w, t, r, cx, true);
	*tp = t;
	if (!t)
		return false;
	push_list(w, t);
	w->in_place = true;
	return true;
out:
	pop_list(w);
	*tp = t;
	return false;
}

/*
 * One worker, t just yielded (after_poll returned it): the yield loop.  It
 * polls the queue's tasks in turn for as long as each yields and nothing
 * else is due, without run_task and next_task's general protocol, which
 * is what it keeps, in another order:
 *  - t goes to the back of the list at once (as next_task would first
 *    thing); then, unless the LIFO slot holds a task or the turn about to
 *    start is odd and has a duty (the tick, its inline-poll count, a
 *    pinned task: next_task makes the turn, from the same countdown), the
 *    list's head is polled where it is, and a plain yield takes it to the
 *    back by making it the list's last (circular: one store, where the
 *    ring's pop and push were 15 instructions).  Tasks pushed during its
 *    poll went behind the last, before the head: they stay ahead of it;
 *    an inline join meanwhile takes the one behind the head
 *    (pop_list_if, w->in_place);
 *  - the head is polled as after_poll's yield recorded (t->yielded): a
 *    lowered root's body directly, a hand-written root's poll out of line
 *    (yield_poll_other); a task queued otherwise (a spawn, a wake: the
 *    transition to RUNNING; a descended task: coast__task_poll), or one
 *    cancelled, is popped and goes to run_task, unpolled;
 *  - a poll that did not end in a plain yield (ready, a wait, a descent, a
 *    waker that borrowed the runner's reference) pops it and goes on as
 *    run_task's.
 * What it drops is what a plain yield of a queued task with one worker
 * never needs: the yielded byte is already set and stays set; the
 * deferred task of rule 11 (task.c) is none, since only a poll that waits
 * leaves one, and such a poll leaves this loop; a task of the list has no
 * home (local tasks never enter it); the LIFO count restarts at the
 * loop's first poll from the queue, as after any pop that is not the
 * slot's; `current` stays set between two polls here, where nothing reads
 * it (no call), and is cleared on the way out.  The cx is reused, its
 * depth and yield_now zeroed (one store).
 *
 * Returns the next task for run_task, or NULL: the queues are empty or
 * the poll ended in something other than a plain yield, and worker_loop
 * goes on with next_task.
 */
static __attribute__((always_inline)) inline struct coast_task *
run_yielders(struct worker *w, unsigned *turn, struct coast_task *t)
{
	unsigned n = *turn;
	struct coast_cx cx;

	/* The count restarts with a pop from the queue, not before one: a
	 * task run from the slot that woke the next into it and yielded
	 * leaves the slot to next_task with its count, or a chain of such
	 * tasks would run from the slot without limit. */
	if (!coast__polling.lifo)
		w->lifo_left = MAX_LIFO_POLLS;
	push_list(w, t);
	w->in_place = true;
	/*
	 * Unrolled by the turns' parity: an even turn has no duty to test.
	 * The countdown is n - 1 during the odd turn's poll, n - 2 during
	 * the even turn's (one subtraction for both).
	 */
	if (n & 1) {
		n++;
		goto even;
	}
	for (;;) {
		if (coast__polling.lifo)
			break;
		if (n == 2 || w->inline_polls >= TICK_INTERVAL ||
		    coast__inject_len(&w->pinned))
			break; /* next_task's turn */
		if (__builtin_expect(!yield_turn(w, &t, &cx), 0)) {
			n--;
			goto out;
		}
even:
		if (coast__polling.lifo) {
			n--;
			break;
		}
		if (__builtin_expect(!yield_turn(w, &t, &cx), 0)) {
			n -= 2;
			goto out;
		}
		n -= 2;
	}
	w->in_place = false;
	*turn = n;
	coast__polling.current = NULL;
	/* next_task loads the LIFO slot again: the loop's tests of it
	 * then compare memory, no register holds it across the polls. */
	__asm__ volatile("" ::: "memory");
	return next_task(w, turn, true);
out:
	/* t: popped for run_task, or NULL (after_poll's). */
	w->in_place = false;
	*turn = n;
	coast__polling.current = NULL;
	return t;
}

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static struct coast_task *search(struct worker *w)
{
	struct coast_task *t;
	unsigned i, start, v;

	if (!w->searching) {
		/* At most half the workers steal at once (tokio's limit). */
		if (2 * atomic_load_explicit(&rt.nsearching,
					     memory_order_relaxed) >= rt.n)
			return NULL;
		w->searching = true;
		atomic_fetch_add_explicit(&rt.nsearching, 1,
					  memory_order_seq_cst);
	}
	start = xorshift(&w->rng) % rt.n;
	for (i = 0; i < rt.n; i++) {
		v = (start + i) % rt.n;
		if (v == w->id)
			continue;
		t = coast__local_steal(&rt.w[v].q, &w->q);
		if (t)
			return t;
	}
	return take_injected(w);
}

/* --------------------------------------------------------------- parking */

static void park_sleep(struct worker *w)
{
	if (coast__driver_try_lock()) {
		pthread_mutex_lock(&w->park_lock);
		if (w->park == PARK_NOTIFIED) {
			w->park = PARK_EMPTY;
			pthread_mutex_unlock(&w->park_lock);
			coast__driver_unlock();
			return;
		}
		w->park = PARK_IN_DRIVER;
		pthread_mutex_unlock(&w->park_lock);
		w->parked_in_driver = true;
		coast__driver_turn(true);
		w->parked_in_driver = false;
		pthread_mutex_lock(&w->park_lock);
		w->park = PARK_EMPTY;
		pthread_mutex_unlock(&w->park_lock);
		coast__driver_unlock();
		return;
	}
	pthread_mutex_lock(&w->park_lock);
	if (w->ring && w->park != PARK_NOTIFIED) {
		w->park = PARK_IN_RING;
		pthread_mutex_unlock(&w->park_lock);
		w->parked_in_driver = true; /* its wakes: as a driver turn's */
		coast__uring_turn(-1, -1, NULL);
		w->parked_in_driver = false;
		pthread_mutex_lock(&w->park_lock);
	} else if (w->park != PARK_NOTIFIED) {
		w->park = PARK_ON_CONDVAR;
		while (w->park == PARK_ON_CONDVAR)
			pthread_cond_wait(&w->park_cond, &w->park_lock);
	}
	w->park = PARK_EMPTY;
	pthread_mutex_unlock(&w->park_lock);
}

static void park(struct worker *w)
{
	bool counted = false;

	/* Off the hot path: remote frees taken back, idle memory given back
	 * a few spans at a time (slab.c). */
	coast__slab_idle();
	coast__chunk_cache_idle();
	/* P2 */
	pthread_mutex_lock(&rt.idle_lock);
	w->idle = true;
	w->idle_next = rt.idle_head;
	rt.idle_head = w;
	atomic_fetch_add_explicit(&rt.nidle, 1, memory_order_seq_cst);
	pthread_mutex_unlock(&rt.idle_lock);
	if (w->searching) {
		w->searching = false;
		atomic_fetch_sub_explicit(&rt.nsearching, 1,
					  memory_order_seq_cst);
	}
	atomic_thread_fence(memory_order_seq_cst);
	if (!work_visible() && !coast__inject_len(&w->pinned) &&
	    !coast__slab_idle_left())
		park_sleep(w);

	/* P5 */
	pthread_mutex_lock(&rt.idle_lock);
	if (w->idle) {
		unidle(w);
		counted = true;
	}
	if (counted)
		atomic_fetch_add_explicit(&rt.nsearching, 1,
					  memory_order_seq_cst);
	w->searching = true; /* else notify counted us already */
	pthread_mutex_unlock(&rt.idle_lock);
	/* A notify that raced with our own wake-up: drop it (at worst the
	 * next park returns at once: a spurious loop, never a lost wake). */
	pthread_mutex_lock(&w->park_lock);
	w->park = PARK_EMPTY;
	pthread_mutex_unlock(&w->park_lock);
}

static __attribute__((always_inline)) inline void
worker_loop(struct worker *w, bool single)
{
	/* next_task's countdown of the pinned and tick turns: a local, kept
	 * in a register across the polls (in struct worker it cost a load
	 * and a store a poll).  The LIFO count stays in w: resetting it is
	 * one store, and a seventh register would be spilled around the
	 * poll. */
	unsigned turn = TICK_INTERVAL + 1;
	struct coast_task *t, *back;

	for (;;) {
		t = next_task(w, &turn, single);
		if (__builtin_expect(!t, 0)) {
			/* Rule 11 of task.c: nothing ran after it, so no
			 * wake can come here; it may be work (NOTIFIED). */
			if (coast__polling.deferred) {
				settle_deferred(w);
				continue;
			}
			/*
			 * Only search and park make w searching, so only a
			 * task found after them ends the search (P3): the
			 * polls in between do not test w->searching.
			 */
			while (!(t = search(w))) {
				park(w);
				t = next_task(w, &turn, single);
				if (t)
					break;
			}
			if (w->searching)
				end_search(w);
		}
		/* A yield with one worker: the yield loop, so that the other
		 * paths test nothing more. */
		while ((back = run_task(w, t, single)) &&
		       (t = run_yielders(w, &turn, back)))
			;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	me = w;
	coast__polling.worker = (int16_t)w->id;
	if (rt.uring)
		w->ring = coast__uring_start();
	coast__chunk_cache_enable();
	/* rt.n is set before any worker starts and never changes. */
	if (rt.n == 1)
		worker_loop(w, true);
	else
		worker_loop(w, false);
	return NULL;
}

/* -------------------------------------------------------------- startup */

static unsigned workers_wanted(void)
{
	const char *s = getenv("COAST_WORKERS");
	long n = 0;
	char *end;

	if (s && *s) {
		n = strtol(s, &end, 10);
		if (*end || n < 1)
			n = 0; /* not a count: the default */
	}
	if (n < 1)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

static void rt_start(void)
{
	struct sigaction sa;
	pthread_attr_t attr;
	pthread_t th;
	unsigned n = workers_wanted(), i, ok = 0;
	int err;

	/*
	 * A peer closing mid-write must be -EPIPE, not a dead process.  The
	 * I/O leaves send with MSG_NOSIGNAL; this covers pipes.  Only a
	 * default disposition is changed: a program's own handler stays.
	 */
	if (!sigaction(SIGPIPE, NULL, &sa) && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
	err = coast__dump_install();
	if (err)
		fprintf(stderr, "coast: COAST_DUMP_ON_SIGQUIT: %s\n",
			strerror(-err));
	rt.uring = coast__uring_wanted();
	err = coast__reactor_init();
	if (err) {
		rt.start_err = err;
		return;
	}
	rt.w = calloc(n, sizeof(*rt.w));
	if (!rt.w) {
		rt.start_err = COAST__ERR(ENOMEM);
		return;
	}
	for (i = 0; i < n; i++) {
		coast__local_init(&rt.w[i].q);
		coast__inject_init(&rt.w[i].pinned);
		rt.w[i].id = i;
		rt.w[i].lifo_left = MAX_LIFO_POLLS;
		rt.w[i].rng = 0x9e3779b9u * (i + 1);
		pthread_mutex_init(&rt.w[i].park_lock, NULL);
		pthread_cond_init(&rt.w[i].park_cond, NULL);
		rt.w[i].park = PARK_EMPTY;
	}
	rt.n = n;
	atomic_store_explicit(&rt.started, true, memory_order_release);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < n; i++)
		if (!pthread_create(&th, &attr, worker_main, &rt.w[i]) && !ok++)
			rt.main = i;
	pthread_attr_destroy(&attr);
	/* Workers that did not start have empty queues and never idle:
	 * nobody notifies them, and stealing from them finds nothing. */
	if (!ok)
		rt.start_err = COAST__ERR(EAGAIN);
}

/* ---------------------------------------------------------- entry points */

void coast__discard_root(struct coast_frame *root)
{
	struct coast_task *t = coast__task_of(root);

	pthread_once(&rt_once, rt_start);
	if (rt.start_err) {
		/* Nothing can poll it: what its arguments own leaks. */
		coast__task_alloc.free(&coast__task_alloc, root, root->fn->size);
		return;
	}
	coast__task_init(t, 1, false); /* the queue's */
	coast__task_cancel(t);	       /* SCHEDULED: only sets the bit */
	coast__schedule_new(t);
}

int coast__block_on(struct coast_frame *root, void *out)
{
	struct coast_task *t;
	const struct coast_fn *fn;
	int err;

	if (!root)
		return COAST__ERR(ENOMEM);
	if (coast__polling.current) {
		/* Waiting here would block the task that must make
		 * progress. */
		coast__discard_root(root);
		return COAST__ERR(EDEADLK);
	}
	pthread_once(&rt_once, rt_start);
	err = rt.start_err;
	if (err) {
		coast__task_alloc.free(&coast__task_alloc, root, root->fn->size);
		return err;
	}
	t = coast__task_of(root);
	coast__task_init(t, 2, true); /* ours and the queue's */
	t->home = (int16_t)rt.main;
	coast__schedule_new(t);
	pthread_mutex_lock(&rt.bo_lock);
	while (!coast__task_is_complete(t))
		pthread_cond_wait(&rt.bo_cond, &rt.bo_lock);
	pthread_mutex_unlock(&rt.bo_lock);

	fn = root->fn;
	if (out && fn->ret_size)
		memcpy(out, (char *)root + fn->ret_offset, fn->ret_size);
	coast__task_unref(t);
	return 0;
}

_Noreturn void coast__block_on_failed(int err, const char *fn)
{
	fprintf(stderr, "coast: coast_block_on(%s(...)) failed: %s\n",
		fn ? fn : "?", strerror(-err));
	abort();
}

/*
 * coast__spawn's paths that call: each a tail call there (the register
 * saves of a call in coast__spawn's own body were 6 instructions of every
 * spawn).  Each returns t hidden from the optimizer: one that knows it is
 * the argument keeps t in a saved register across the call instead.
 */
static inline coast_task *spawn_ret(struct coast_task *t)
{
	__asm__("" : "+r"(t));
	return t;
}

static __attribute__((noinline)) coast_task *
spawn_remote(struct coast_task *t)
{
	push_remote(t);
	return spawn_ret(t);
}

/* Several workers: push_local's test of whom to wake calls. */
static __attribute__((noinline)) coast_task *
spawn_shared(struct worker *w, struct coast_task *t)
{
	push_local(w, t);
	return spawn_ret(t);
}

coast_task *coast__spawn(struct coast_frame *root)
{
	struct worker *w = me;
	struct coast_task *t;

	if (!root)
		return NULL;
	t = coast__task_of(root);
	coast__task_init_running(t, 2); /* the handle's and the queue's */
	/*
	 * schedule_new's, without its test of home (a spawned task has
	 * none: task_block_start) and with the push inline: three calls
	 * deep, a spawn paid 20 instructions for the calls alone.
	 */
	if (__builtin_expect(!w, 0))
		return spawn_remote(t);
	/* push_local's with one worker (nobody to wake), the test of its
	 * list first: only one worker has one.  Loaded again behind a
	 * barrier: the test compares memory, with no load for the workers
	 * that never have a list. */
	if (w->last) {
		__asm__ volatile("" ::: "memory");
		push_behind(w, w->last, t);
		return t;
	}
	if (rt.n > 1)
		return spawn_shared(w, t);
	push_list(w, t);
	return t;
}

coast_task *coast__spawn_local(struct coast_frame *root)
{
	struct coast_task *t;
	int err;

	if (!root)
		return NULL;
	pthread_once(&rt_once, rt_start); /* the home must exist */
	err = rt.start_err;
	if (err) {
		coast__task_alloc.free(&coast__task_alloc, root, root->fn->size);
		errno = -err;
		return NULL;
	}
	t = coast__task_of(root);
	coast__task_init_running(t, 2); /* the handle's and the queue's */
	t->home = (int16_t)(me ? me->id : rt.main);
	coast__schedule_new(t);
	return t;
}

int coast_detach(coast_task *t)
{
	if (!t || !coast__task_take_handle(t))
		return COAST__ERR(EINVAL);
	/* A pending task nothing else references is cancelled (task.c,
	 * rule 7). */
	coast__task_unref(t);
	return 0;
}

int coast_cancel(coast_task *t)
{
	if (!t)
		return COAST__ERR(EINVAL);
	coast__task_cancel(t);
	return 0;
}
