/*
 * scope.c - coast_scope: tasks that may borrow the spawner's locals, and
 * coast_scope_join, which waits for all of them.
 *
 * The scope lives in the spawning frame (or wherever the user put it); its
 * tasks are ordinary tasks, spawned onto any worker, that the scope holds
 * one reference to (the handle a coast_spawn would return) and that point
 * to it (t->scope).  The scope keeps only their count: cancelling them
 * walks the task registry (task.c) for the scope's tasks, which is rare
 * and keeps the task header small.
 *
 * Protocol (every field of the scope under s->lock):
 *  1. coast__scope_spawn counts the task in s->pending before the task is
 *     published, unless the scope is cancelled or joined.
 *  2. The worker that completes a scope task (scheduler.c, after setting
 *     COMPLETE) decrements pending; the decrement to 0 takes
 *     s->waiter.  It wakes that waker and drops the scope's reference to
 *     the task after unlocking, touching nothing of s any more: once
 *     pending is 0, the joiner may return and s may be gone.
 *  3. The join returns only when it sees pending == 0 under the lock (then
 *     no task will touch s again, by 2), dropping a waiter it registered
 *     that nobody took.  It registers its waker at most once: the join
 *     frame is polled by one task for its whole life.
 *  4. A cancelled join marks the scope cancelled (further spawns fail with
 *     -ECANCELED), cancels every task of the registry whose t->scope is s
 *     (task.c rule 5; one that completed meanwhile ignores it), and then
 *     waits as in 3.  A block seen in the registry stays allocated while
 *     its shard is locked; a freed one's t->scope is cleared under that
 *     lock before the block is reused (task.c's R3), and one whose
 *     t->scope is s was initialised (the spawner stores t->scope with
 *     release after coast__task_init).
 *  5. A spawn that raced with 4 (counted while open, t->scope stored after
 *     the registry walk passed it) is caught by the spawner: after storing
 *     t->scope it looks at the state again under the lock and cancels the
 *     task itself when the scope is cancelled.  Either that look comes
 *     after 4's state change, or the store came before the walk (both
 *     ordered by s->lock), so no task of a cancelled scope escapes.  That is what lets tasks borrow the awaiting frame: it is
 *     not freed before the last of them completed.
 *
 * Lock order: registry shard, then run-queue locks (cancelling a task
 * may queue it); s->lock is never held with another lock: rule 4 sets the
 * state under it and cancels after unlocking (a task spawned in between
 * was refused, by rule 1).
 */
#include <stdlib.h>
#include <time.h>

#include "coast.h"
#include "internal.h"

enum { SCOPE_OPEN, SCOPE_CANCELLED, SCOPE_JOINED };

enum { JOIN_WAIT = 1 };

struct scope_join_frame {
	struct coast_frame h;
	int ret;
	coast_scope *s;
};

static int scope_join_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn scope_join_fn = {
	.poll = scope_join_poll,
	.child = coast__no_child,
	.size = sizeof(struct scope_join_frame),
	.ret_offset = offsetof(struct scope_join_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_scope_join",
	.file = __FILE__,
};

int coast__scope_spawn(struct coast_scope *s, struct coast_frame *root)
{
	struct coast_task *t;
	bool cancelled;
	int err = 0;

	if (!root)
		return COAST__ERR(ENOMEM);
	if (!s) {
		coast__discard_root(root);
		return COAST__ERR(EINVAL);
	}
	t = coast__task_of(root);
	pthread_mutex_lock(&s->lock);
	if (s->state == SCOPE_OPEN) {
		s->pending++; /* rule 1 */
	} else {
		err = s->state == SCOPE_CANCELLED ? COAST__ERR(ECANCELED)
						  : COAST__ERR(EPIPE);
	}
	pthread_mutex_unlock(&s->lock);
	if (err) {
		coast__discard_root(root);
		return err;
	}
	coast__task_init(t, 2, false); /* the scope's and the queue's */
	atomic_store_explicit(&t->scope, s, memory_order_release);
	pthread_mutex_lock(&s->lock);
	cancelled = s->state == SCOPE_CANCELLED; /* rule 5 */
	pthread_mutex_unlock(&s->lock);
	if (cancelled)
		coast__task_cancel(t);
	coast__schedule_new(t);
	return 0;
}

void coast__scope_task_done(struct coast_task *t)
{
	struct coast_scope *s =
		atomic_load_explicit(&t->scope, memory_order_relaxed);
	coast_waker *w = NULL;

	/* Rule 2. */
	pthread_mutex_lock(&s->lock);
	if (!--s->pending) {
		w = s->waiter;
		s->waiter = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	coast_waker_wake(w);
	coast__task_unref(t);
}

static int join_done(struct scope_join_frame *j, int ret)
{
	j->ret = ret;
	j->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

/* Rule 4: every task of the registry that is one of s's.  Runs with the
 * task's registry shard locked, so t's block stays allocated, and one
 * whose scope is s is that task of s or its dying block, which is COMPLETE
 * or CANCELLED: the cancel leaves it alone (task.c's R3). */
static void cancel_if_of(struct coast_task *t, void *s)
{
	if (atomic_load_explicit(&t->scope, memory_order_acquire) == s)
		coast__task_cancel(t);
}

static int scope_join_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct scope_join_frame *j = (struct scope_join_frame *)f;
	coast_scope *s = j->s;
	coast_waker *stale;
	bool cancel = false;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (!s)
		return join_done(j, COAST__ERR(EINVAL));
	/*
	 * The lowering never interrupts an awaited destructor, and starts one
	 * afresh in a drop path: a join learns that its owner is being
	 * cancelled from the task, and cancels the scope's tasks all the
	 * same (it still waits for them: they may borrow the owner's frame).
	 */
	if ((f->flags & COAST_F_CANCEL) || cx->task->cancel_polled) {
		pthread_mutex_lock(&s->lock);
		cancel = s->state == SCOPE_OPEN;
		if (cancel)
			s->state = SCOPE_CANCELLED;
		pthread_mutex_unlock(&s->lock);
	}
	if (cancel)
		coast__task_foreach(cancel_if_of, s);
	pthread_mutex_lock(&s->lock);
	if (s->pending) {
		/* Rule 3: one registration for the frame's life. */
		if (!s->waiter)
			s->waiter = coast_waker_get(cx);
		f->state = JOIN_WAIT;
		pthread_mutex_unlock(&s->lock);
		return COAST_PENDING;
	}
	stale = s->waiter;
	s->waiter = NULL;
	s->state = SCOPE_JOINED;
	pthread_mutex_unlock(&s->lock);
	coast_waker_drop(stale);
	return join_done(j, 0);
}

COAST_EXTERN struct coast_frame *
coast_scope_join__coast_start(struct coast_alloc *a, struct coast_scope *s)
{
	struct scope_join_frame *j = coast__frame_new(a, &scope_join_fn);

	if (!j)
		return NULL;
	j->ret = 0;
	j->s = s;
	return &j->h;
}

/*
 * The blocking version, for programs built without the plugin, where
 * coast_scope_spawn runs each task where it is written: nothing is left to
 * wait for unless tasks of lowered code elsewhere were spawned in s, which
 * are waited for by polling (no condvar in the scope: the lowered join does
 * not need one).
 */
COAST_EXTERN int coast_scope_join(coast_scope *s)
{
	const struct timespec ms = { 0, 1000 * 1000 };

	if (!s)
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&s->lock);
	while (s->pending) {
		pthread_mutex_unlock(&s->lock);
		nanosleep(&ms, NULL);
		pthread_mutex_lock(&s->lock);
	}
	s->state = SCOPE_JOINED;
	pthread_mutex_unlock(&s->lock);
	return 0;
}
