/*
 * executor.c - the single-threaded executor: the run queue, coast__block_on,
 * coast__spawn, coast_detach, the poll of a task, and the runtime's timers.
 *
 * One global runtime instance: a FIFO run queue (intrusive through
 * task->next) and a timer heap, both under one mutex, and a condvar on
 * CLOCK_MONOTONIC on which an idle block_on sleeps until the next deadline.
 * The multi-threaded scheduler will replace this file; task.c, timer.c and
 * the leaf futures do not depend on its internals, only on coast__schedule
 * and coast__timer_start/cancel/fired.
 *
 * Protocol
 *  1. rt.head/rt.tail, task->next and the timer heap (including every
 *     armed timer's fields) are only touched with rt.lock held.
 *  2. A task is pushed only by the thread that set its SCHEDULED bit
 *     (task.c rule 2); the queue owns that reference until a block_on pops
 *     the task and runs it.
 *  3. block_on polls tasks with rt.lock released; the lock is never held
 *     across a poll or a wake (a wake may push, which takes the lock).
 *  4. Whoever makes progress possible for a sleeping block_on signals the
 *     condvar under rt.lock: a push, a timer that becomes the earliest, the
 *     completion of a block_on root.  block_on re-checks its condition under
 *     rt.lock before every wait, so no signal falls between check and wait.
 *
 * Several threads may call block_on at once: they share the queue, so a task
 * may be polled by any of them, which task.c's state word makes safe.  Tasks
 * still queued or waiting when a block_on's root completes stay in the
 * global runtime and run in the next block_on (on any thread).  Simple on
 * purpose: the work-stealing scheduler gets per-worker queues.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* Expired timers taken per lock acquisition: wakes happen unlocked. */
#define FIRE_BATCH 64

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct coast_task *head;
	struct coast_task *tail;
	struct coast__timer_heap timers;
} rt = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static pthread_once_t rt_once = PTHREAD_ONCE_INIT;

/* The task this thread is polling; see coast__block_on's -EDEADLK. */
static _Thread_local struct coast_task *current;

static void rt_init(void)
{
	pthread_condattr_t attr;

	/* Without a monotonic condvar timer deadlines would drift with the
	 * wall clock; no way to report a failure from here. */
	if (pthread_condattr_init(&attr) ||
	    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
	    pthread_cond_init(&rt.cond, &attr))
		abort();
	pthread_condattr_destroy(&attr);
}

static void rt_get(void)
{
	pthread_once(&rt_once, rt_init);
}

/* Call with rt.lock held. */
static struct coast_task *queue_pop(void)
{
	struct coast_task *t = rt.head;

	if (t) {
		rt.head = t->next;
		if (!rt.head)
			rt.tail = NULL;
		t->next = NULL;
	}
	return t;
}

void coast__schedule(struct coast_task *t)
{
	rt_get();
	pthread_mutex_lock(&rt.lock);
	t->next = NULL;
	if (rt.tail)
		rt.tail->next = t;
	else
		rt.head = t;
	rt.tail = t;
	pthread_cond_signal(&rt.cond);
	pthread_mutex_unlock(&rt.lock);
}

struct coast_task *coast__task_current(void)
{
	return current;
}

void coast__task_run(struct coast_task *t)
{
	struct coast_frame *root = coast__task_root(t);
	struct coast_cx cx = { .task = t, .frames = &t->frames };
	struct coast_task *saved = current;
	int r;

	coast__task_transition_to_running(t);
	current = t;
	r = root->fn->poll(root, &cx);
	current = saved;

	if (r == COAST_READY) {
		coast__task_complete(t);
		if (t->is_root) {
			/* Rule 4: its block_on may be asleep on another
			 * thread; it holds a reference, so t is alive. */
			pthread_mutex_lock(&rt.lock);
			pthread_cond_broadcast(&rt.cond);
			pthread_mutex_unlock(&rt.lock);
		}
		coast__task_unref(t);
		return;
	}
	switch (coast__task_transition_to_idle(t)) {
	case COAST__IDLE_NOTIFIED:
		coast__schedule(t);
		break;
	case COAST__IDLE_DEALLOC:
		/*
		 * Pending and unreachable: no waker, no handle.  Nothing can
		 * poll it again, so its frames are freed without a cancel
		 * poll (see docs/future-abi.md, "Dropped tasks").
		 */
		coast__task_dealloc(t);
		break;
	case COAST__IDLE_OK:
		break;
	}
}

/* Removes up to n expired timers, returning their wakers.  rt.lock held. */
static size_t timers_expire(coast_waker **out, size_t n)
{
	struct coast__timer *t = coast__timer_heap_min(&rt.timers);
	uint64_t now;
	size_t k = 0;

	if (!t)
		return 0;
	now = coast__now_ms();
	while (k < n && t && t->deadline <= now) {
		coast__timer_heap_remove(&rt.timers, t);
		out[k++] = t->waker;
		t->waker = NULL;
		t = coast__timer_heap_min(&rt.timers);
	}
	return k;
}

/* Sleeps until a signal or the earliest deadline.  rt.lock held. */
static void idle_wait(void)
{
	struct coast__timer *t = coast__timer_heap_min(&rt.timers);
	struct timespec ts;

	if (!t) {
		pthread_cond_wait(&rt.cond, &rt.lock);
		return;
	}
	ts.tv_sec = (time_t)(t->deadline / 1000u);
	ts.tv_nsec = (long)(t->deadline % 1000u) * 1000000L;
	pthread_cond_timedwait(&rt.cond, &rt.lock, &ts);
}

/* Runs queued tasks and fires timers until root is complete. */
static void run_until(struct coast_task *root)
{
	coast_waker *fired[FIRE_BATCH];
	struct coast_task *t;
	size_t i, n;

	pthread_mutex_lock(&rt.lock);
	while (!coast__task_is_complete(root)) {
		n = timers_expire(fired, FIRE_BATCH);
		if (n) {
			pthread_mutex_unlock(&rt.lock);
			for (i = 0; i < n; i++)
				coast_waker_wake(fired[i]);
			pthread_mutex_lock(&rt.lock);
			continue;
		}
		t = queue_pop();
		if (t) {
			pthread_mutex_unlock(&rt.lock);
			coast__task_run(t);
			pthread_mutex_lock(&rt.lock);
			continue;
		}
		idle_wait();
	}
	pthread_mutex_unlock(&rt.lock);
}

int coast__block_on(struct coast_frame *root, void *out)
{
	struct coast_task *t;
	const struct coast_fn *fn;

	if (!root)
		return COAST__ERR(ENOMEM);
	if (current) {
		/* Waiting here would block the task that must make progress.
		 * The frame is unstarted (rule 5): discarding it is safe. */
		coast__task_alloc.free(&coast__task_alloc, root, root->fn->size);
		return COAST__ERR(EDEADLK);
	}
	rt_get();
	t = coast__task_of(root);
	coast__task_init(t, 2, true); /* ours and the queue's */
	coast__schedule(t);
	run_until(t);

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

coast_task *coast__spawn(struct coast_frame *root)
{
	struct coast_task *t;

	if (!root)
		return NULL;
	t = coast__task_of(root);
	coast__task_init(t, 2, false); /* the handle's and the queue's */
	coast__schedule(t);
	return t;
}

void coast_detach(coast_task *t)
{
	if (t)
		coast__task_unref(t);
}

/* ------------------------------------------------------- runtime timers */

int coast__timer_start(struct coast__timer *t, uint64_t deadline,
		       coast_waker *w)
{
	int r;

	rt_get();
	pthread_mutex_lock(&rt.lock);
	t->deadline = deadline;
	t->waker = w;
	r = coast__timer_heap_insert(&rt.timers, t);
	if (r)
		t->waker = NULL;
	else if (coast__timer_heap_min(&rt.timers) == t)
		pthread_cond_broadcast(&rt.cond); /* rule 4: earlier deadline */
	pthread_mutex_unlock(&rt.lock);
	return r;
}

coast_waker *coast__timer_cancel(struct coast__timer *t)
{
	coast_waker *w = NULL;

	pthread_mutex_lock(&rt.lock);
	if (t->index != COAST__TIMER_NONE) {
		coast__timer_heap_remove(&rt.timers, t);
		w = t->waker;
		t->waker = NULL;
	}
	pthread_mutex_unlock(&rt.lock);
	return w;
}

bool coast__timer_fired(struct coast__timer *t)
{
	bool fired;

	pthread_mutex_lock(&rt.lock);
	fired = t->index == COAST__TIMER_NONE;
	pthread_mutex_unlock(&rt.lock);
	return fired;
}

size_t coast__timer_count(void)
{
	size_t n;

	pthread_mutex_lock(&rt.lock);
	n = rt.timers.len;
	pthread_mutex_unlock(&rt.lock);
	return n;
}
