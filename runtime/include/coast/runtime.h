/*
 * coast/runtime.h - runtime entry points that are not async functions.
 *
 * Included by coast.h; the async operations (sleep, yield, join) are declared
 * there with the `async` attribute so that the plugin lowers calls to them
 * through their start functions, and so that without the plugin the same
 * names are their blocking versions.
 */
#ifndef COAST_RUNTIME_H
#define COAST_RUNTIME_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "future.h"

#if defined(__GNUC__)
#define COAST_EXTERN __attribute__((visibility("default")))
#else
#define COAST_EXTERN
#endif

typedef struct coast_task coast_task;

/*
 * Makes f the frame the executor polls next for the task of cx, ahead of
 * the frames awaiting it, and returns COAST_DESCEND (rule 6 of
 * coast/future.h).  Polls f in place if that cannot be recorded.
 */
COAST_EXTERN int coast__descend(struct coast_cx *cx, struct coast_frame *f);

/*
 * The drop path of a suspension point that owns nothing but its sub-future:
 * cancels it (at fn->child_offset; an embedded one polled through its
 * descriptor in fn->subs) and polls it until it is READY, then frees it as
 * COAST_SITE_ALLOC(fn->sites[h->state - 1]) says.  h is the body of a
 * lowered frame described by fn.  Returns COAST_READY when done, h's state
 * then COAST_STATE_DONE, or what the child's poll returned (rule 4 of
 * coast/future.h: clean-up may suspend).  Lowered code uses it for every
 * such point, so a poll function carries code only for the drops that are
 * its own, and returns what it returns (a tail call).
 */
COAST_EXTERN int coast__drop_child(struct coast_head *h,
				   const struct coast_fn *fn,
				   struct coast_cx *cx);

/*
 * The task being polled wakes itself, to be polled again after the others
 * queued (a yield): the same as coast_waker_wake(coast_waker_get(cx)),
 * cheaper.  Only from a poll of cx->task.  Lowered code suspends on
 * await(coast_yield()) with it, without a sub-future.  Inline, a store:
 * the executor that made cx reads yield_now after the poll (a call into
 * the runtime was 18 of a yield's 107 instructions).
 */
COAST__INLINE void coast__task_wake_self(struct coast_cx *cx)
{
	cx->yield_now = 1;
}

/*
 * The poll of every lowered function's start-function frame (its
 * descriptor's poll): passes COAST_F_CANCEL down to the body at
 * fn->body_offset, polls it with fn->body_poll and copies its state back
 * up.  One routine in the runtime instead of one per async function: that
 * was a sixth of the code an async-heavy file compiled.
 */
COAST_EXTERN int coast__heap_poll(struct coast_frame *f, struct coast_cx *cx);

/*
 * Polls f, described by fn (f->fn): a lowered body directly, as
 * coast__heap_poll would, without the call through fn->poll; a
 * hand-written future through fn->poll.  Lowered code that awaits a boxed
 * callee of its own file passes the callee's descriptor, a constant
 * (coast__poll_known): the test folds away and the body's poll is a
 * direct call.
 */
COAST__INLINE int coast__poll_frame(struct coast_frame *f,
				    struct coast_cx *cx,
				    const struct coast_fn *fn)
{
	struct coast_head *h;
	int r;

	if (!fn->body_poll)
		return fn->poll(f, cx);
	COAST__BUFFERS_BEGIN
	h = (struct coast_head *)((char *)f + fn->body_offset);
	COAST__BUFFERS_END
	h->flags |= f->flags;
	r = fn->body_poll(h, cx);
	f->state = h->state;
	return r;
}

/* Allocates a task and its root frame together (coast_spawn's and
 * coast_block_on's allocator, below). */
COAST_EXTERN extern struct coast_alloc coast__task_alloc;
/*
 * coast__task_alloc's alloc without the allocator: a task block with room
 * for a root frame of size bytes, the frame returned, or NULL.
 */
COAST_EXTERN void *coast__task_frame_alloc(size_t size);

/*
 * The frame of a start function (lowered or hand-written), fn->size bytes
 * from a, its header filled in (fn, COAST_STATE_START, no flags; the rest
 * is the caller's to fill), or NULL when a is out of memory.  Inline: at
 * -O2 it is the start function's own code, at -O0 one copy a translation
 * unit instead of those lines in every lowered start function.  A start
 * function inlined where a spawn passes &coast__task_alloc calls
 * coast__task_frame_alloc directly: coast__frame_alloc's test of the
 * allocator's room (a task allocator has none) and the indirect call were
 * 8 instructions of a spawn.  __builtin_constant_p tells after inlining:
 * elsewhere (and at -O0) it is false and the allocator is called.
 */
COAST__INLINE void *coast__frame_new(struct coast_alloc *a,
				     const struct coast_fn *fn)
{
	struct coast_frame *f;

	if (__builtin_constant_p(a == &coast__task_alloc) &&
	    a == &coast__task_alloc)
		f = (struct coast_frame *)coast__task_frame_alloc(fn->size);
	else
		f = (struct coast_frame *)coast__frame_alloc(a, fn->size);
	if (!f)
		return NULL;
	f->fn = fn;
	f->state = COAST_STATE_START;
	f->flags = 0;
	return f;
}

/*
 * Polls the sub-future child of the frame being polled, in place up to
 * COAST_POLL_DEPTH nested calls and through the executor beyond: deep
 * recursion through boxed or cross-unit calls costs heap, not C stack.  A
 * child that completed (the executor ran it) answers COAST_READY.  fn is
 * child->fn, or the callee's descriptor where lowered code knows it
 * (coast__poll_frame).
 */
COAST__INLINE int coast__poll_known(struct coast_frame *child,
				    struct coast_cx *cx,
				    const struct coast_fn *fn)
{
	int r;

	if (child->state == COAST_STATE_DONE)
		return COAST_READY;
	if (cx->depth >= COAST_POLL_DEPTH)
		return coast__descend(cx, child);
	cx->depth++;
	r = coast__poll_frame(child, cx, fn);
	cx->depth--;
	return r;
}

/*
 * coast__poll_known for a child whose descriptor only the child knows:
 * through fn->poll, which for a lowered callee of another file is
 * coast__heap_poll.  Testing fn->body_poll here instead cost every poll
 * of a hand-written leaf (a channel, a sleep) more than the call it saves
 * a lowered one (ping_pong 1218.3 -> 1242.3 instructions).
 */
COAST__INLINE int coast__poll_child(struct coast_frame *child,
				    struct coast_cx *cx)
{
	int r;

	if (child->state == COAST_STATE_DONE)
		return COAST_READY;
	if (cx->depth >= COAST_POLL_DEPTH)
		return coast__descend(cx, child);
	cx->depth++;
	r = child->fn->poll(child, cx);
	cx->depth--;
	return r;
}

/*
 * coast__poll_child, then, once child is READY, its result (fn->ret_size
 * bytes at fn->ret_offset) copied to out unless out is NULL and its frame
 * given back to cx->frames; a NULL child (its start function was out of
 * frames) is coast__out_of_frames(name).  Lowered code awaits the
 * runtime's I/O leaves, sleeps and races with this one call: inline, those
 * steps at every await were a large part of what an async-heavy file cost
 * the optimizer and the back end at -O2.
 */
COAST_EXTERN int coast__poll_take(struct coast_frame *child,
				  struct coast_cx *cx, void *out,
				  const char *name);

/*
 * Wakers.  A waker is a counted reference to a task; any thread may wake it,
 * runtime worker or not, any number of times: wakes that arrive while the
 * task runs make it run again, none is lost.
 */
typedef struct coast_waker coast_waker;

/* A new reference to the task being polled. */
COAST_EXTERN coast_waker *coast_waker_get(struct coast_cx *cx);
/* Schedule the task, keep the reference. */
COAST_EXTERN void coast_waker_wake_by_ref(coast_waker *w);
/* Schedule the task and release the reference. */
COAST_EXTERN void coast_waker_wake(coast_waker *w);
/* Release the reference without waking. */
COAST_EXTERN void coast_waker_drop(coast_waker *w);

/*
 * Entry points the lowering calls.  Users write coast_block_on(f(x)) and
 * coast_spawn(f(x)); the plugin turns the call into a start function call
 * with coast__task_alloc and passes the frame here.
 */

/* coast__task_alloc (above) allocates a task and its root frame together. */
/* Frames of boxed calls: one heap allocation each. */
COAST_EXTERN extern struct coast_alloc coast__box_alloc;

/*
 * Runs root (from coast__task_alloc) to completion on the runtime's
 * workers (starting them the first time) while the calling thread sleeps,
 * and copies its result (fn->ret_size bytes) to out when out is not NULL.
 * Returns 0, -ENOMEM when root is NULL, -EDEADLK when called from inside a
 * running task, or the -errno that kept the runtime from starting.
 */
COAST_EXTERN int coast__block_on(struct coast_frame *root, void *out);

/*
 * Makes root (from coast__task_alloc) a task that runs on any worker; NULL
 * when root is NULL.  Tasks spawned before the first coast__block_on wait
 * for it to start the workers.
 */
COAST_EXTERN coast_task *coast__spawn(struct coast_frame *root);

/*
 * Like coast__spawn, but the task only ever runs on one worker, its home:
 * the worker calling, or worker 0 off the runtime (where block_on's roots
 * run too).  It is never stolen, and wakes from any thread bring it back
 * there.  NULL when root is NULL or the runtime could not start (errno).
 */
COAST_EXTERN coast_task *coast__spawn_local(struct coast_frame *root);

/*
 * Makes root (from coast__task_alloc) a task of the scope s (coast.h):
 * coast_scope_join(s) waits for it.  0, -ENOMEM when root is NULL,
 * -EINVAL for a NULL s, -ECANCELED once the scope's join was cancelled,
 * -EPIPE once it returned (root is freed then).
 */
struct coast_scope;
COAST_EXTERN int coast__scope_spawn(struct coast_scope *s,
				    struct coast_frame *root);

/*
 * Lets a task run on without a handle; its result is discarded.  A task
 * that is pending with nothing left to wake it (no handle, no waker) gets
 * its cancellation poll instead of being freed with its frames as they are.
 * 0, or -EINVAL for NULL or a handle consumed before (see coast_join).
 */
COAST_EXTERN int coast_detach(coast_task *t);

/*
 * Cancels a task: its root future is dropped at its current suspension
 * point (polled with COAST_F_CANCEL on whichever worker runs it next, so
 * awaited sub-futures are cancelled and what they hold released).  Does
 * not consume the handle: await(coast_join(t, &out)) then returns
 * -ECANCELED, or 0 with the result if the task completed before the
 * cancellation reached it.  Cancelling a finished task, or cancelling
 * twice, changes nothing.  Any thread.  Returns 0, or -EINVAL for NULL.
 */
COAST_EXTERN int coast_cancel(coast_task *t);

/*
 * Prints every live task to stderr: a task waiting at a suspension point
 * with its chain of awaits from the root down, one frame a line
 * ("file:line:col in function", the leaf operation by name); tasks
 * running or queued at that moment with their state only.  Returns how
 * many tasks it listed.  Any thread; with COAST_DUMP_ON_SIGQUIT set in
 * the environment when the runtime starts, SIGQUIT prints the same.
 */
COAST_EXTERN int coast_dump_tasks(void);

/*
 * Channels: bounded FIFO queues of fixed-size elements between tasks
 * (multi-producer; several receivers work too).  await(coast_chan_send(ch,
 * &v)) and await(coast_chan_recv(ch, &v)) are declared in coast.h.
 */
typedef struct coast_chan coast_chan;

/* A channel of cap elements of elem_size bytes; NULL with errno EINVAL
 * (cap or elem_size 0) or ENOMEM. */
COAST_EXTERN coast_chan *coast_chan_new(size_t cap, size_t elem_size);
/*
 * Closes ch: sends fail with -EPIPE from now on, receives return what is
 * buffered and then -EPIPE; every waiting operation is woken.  0, or
 * -EINVAL for NULL.
 */
COAST_EXTERN int coast_chan_close(coast_chan *ch);
/* Frees ch; no operation may be in progress on it. */
COAST_EXTERN void coast_chan_free(coast_chan *ch);

/*
 * Oneshots: one value of a fixed size, sent once from any thread (send
 * never waits) and received by await(coast_oneshot_recv(o, &v)) (coast.h).
 */
typedef struct coast_oneshot coast_oneshot;

/* A oneshot for a value of size bytes (0: a bare signal); NULL with errno
 * ENOMEM. */
COAST_EXTERN coast_oneshot *coast_oneshot_new(size_t size);
/*
 * Stores the value (size bytes from value) and wakes the receiver: 0,
 * -EALREADY when a value was sent before, -EPIPE after coast_oneshot_close,
 * -EINVAL for NULL.  Any thread; never waits.
 */
COAST_EXTERN int coast_oneshot_send(coast_oneshot *o, const void *value);
/*
 * The sender gives up: a receiver waiting for a value that was not sent
 * gets -EPIPE (one that was sent is still delivered), later sends fail.
 * 0, or -EINVAL for NULL.
 */
COAST_EXTERN int coast_oneshot_close(coast_oneshot *o);
/* Frees o; no recv may be in progress on it. */
COAST_EXTERN void coast_oneshot_free(coast_oneshot *o);

/*
 * A fair async mutex: await(coast_mutex_lock(&m)) suspends the task until
 * the mutex is its own, in order of arrival; coast_mutex_unlock hands it
 * to the longest waiter.  Unlike a pthread mutex it may be held across an
 * await and unlocked by another task.  The fields are private.
 */
typedef struct coast_mutex {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool locked;
	struct coast__mutex_waiter *head, *tail;
} coast_mutex;

#define COAST_MUTEX_INIT \
	{ PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, NULL, NULL }

/* 0 or -errno. */
COAST_EXTERN int coast_mutex_init(coast_mutex *m);
/* 0, or -EBUSY while it is locked or awaited, -EINVAL for NULL. */
COAST_EXTERN int coast_mutex_destroy(coast_mutex *m);
/* Unlocks m: 0, -EPERM when it is not locked, -EINVAL for NULL. */
COAST_EXTERN int coast_mutex_unlock(coast_mutex *m);

/*
 * Start functions of the runtime's async operations (coast.h declares the
 * operations).  Lowered code calls them for await(coast_sleep_ms(ms)) etc.;
 * hand-written futures may too.  Each returns NULL when a is out of memory.
 */
COAST_EXTERN struct coast_frame *coast_sleep_ms__coast_start(
	struct coast_alloc *a, uint64_t ms);
COAST_EXTERN struct coast_frame *coast_yield__coast_start(struct coast_alloc *a);
COAST_EXTERN struct coast_frame *coast_join__coast_start(struct coast_alloc *a,
							  coast_task *t,
							  void *out);
COAST_EXTERN struct coast_frame *coast_join_timeout__coast_start(
	struct coast_alloc *a, coast_task *t, uint64_t ms, void *out);
COAST_EXTERN struct coast_frame *coast_join_any__coast_start(
	struct coast_alloc *a, coast_task **tasks, size_t n, size_t *index,
	void *out);
COAST_EXTERN struct coast_frame *coast_scope_join__coast_start(
	struct coast_alloc *a, struct coast_scope *s);
COAST_EXTERN struct coast_frame *coast_blocking__coast_start(
	struct coast_alloc *a, int (*fn)(void *), void *arg);
COAST_EXTERN struct coast_frame *coast_chan_send__coast_start(
	struct coast_alloc *a, coast_chan *ch, const void *elem);
COAST_EXTERN struct coast_frame *coast_chan_recv__coast_start(
	struct coast_alloc *a, coast_chan *ch, void *elem);
COAST_EXTERN struct coast_frame *coast_oneshot_recv__coast_start(
	struct coast_alloc *a, coast_oneshot *o, void *out);
COAST_EXTERN struct coast_frame *coast_mutex_lock__coast_start(
	struct coast_alloc *a, coast_mutex *m);
COAST_EXTERN struct coast_frame *coast_accept__coast_start(
	struct coast_alloc *a, int fd, struct sockaddr *addr,
	socklen_t *addrlen);
COAST_EXTERN struct coast_frame *coast_connect__coast_start(
	struct coast_alloc *a, int fd, const struct sockaddr *addr,
	socklen_t addrlen);
COAST_EXTERN struct coast_frame *coast_read__coast_start(
	struct coast_alloc *a, int fd, void *buf, size_t n);
COAST_EXTERN struct coast_frame *coast_write__coast_start(
	struct coast_alloc *a, int fd, const void *buf, size_t n);
COAST_EXTERN struct coast_frame *coast_recv__coast_start(
	struct coast_alloc *a, int fd, void *buf, size_t n, int flags);
COAST_EXTERN struct coast_frame *coast_send__coast_start(
	struct coast_alloc *a, int fd, const void *buf, size_t n, int flags);

/*
 * Ready companions (docs/future-abi.md, "Ready companions"): the lowering
 * calls F__coast_ready(args..., &result) first at an await of F(args...)
 * and starts F's frame only when it returns 0.  Nonzero: F completed at
 * once with *result, as its first poll would have; 0: nothing happened.
 * Never called without the plugin: the blocking versions are.
 */

/* A join's first poll, without a frame, of a task whose state word says
 * COMPLETE, or that completes when the calling worker runs it inline
 * (join.c, scheduler.c); 0 for one that is not complete. */
COAST_EXTERN int coast__join_ready(coast_task *t, void *out, int *result);

/*
 * A complete task joins at once, and so does one the calling worker
 * would run next and completes inline: that look is the runtime's, so
 * every join makes the call (the state word is read there, acquire).
 * NULL answers -EINVAL there.
 */
COAST__INLINE int coast_join__coast_ready(coast_task *t, void *out,
					  int *result)
{
	return coast__join_ready(t, out, result);
}
/*
 * The head of every channel (chan.c keeps it first), for the companions'
 * look without the lock: len and closed change by relaxed atomic stores
 * under the channel's lock, cap never.  Private.
 */
struct coast__chan_look {
	size_t len, cap;
	bool closed;
};

/* The channel's first try, under its lock (chan.c): room, a waiting
 * receiver or an element there (or -EPIPE) completes at once, and the
 * try returns the result (0, -EPIPE); else COAST__CHAN_WAIT, nothing
 * done.  ch and elem are not NULL.  The result is returned, not stored
 * through a pointer: the companion's, inline in the awaiter, then stays
 * in a register (the awaiter kept a stack slot for it, and a stack
 * frame). */
#define COAST__CHAN_WAIT 1
COAST_EXTERN int coast__chan_send_try(coast_chan *ch, const void *elem);
COAST_EXTERN int coast__chan_recv_try(coast_chan *ch, void *elem);

/*
 * The companions: NULLs answer -EINVAL; a channel seen open and full
 * (send) or empty (recv) without its lock answers 0, inline: a receive
 * that will wait, every receive of a ping-pong, makes no call before its
 * frame (a call of its own cost 14 instructions).  A stale look only
 * sends the await to its frame, whose first poll tries again under the
 * lock.  len first: a send with room or a receive with an element goes
 * to the try without looking at closed (the try answers it).
 */
COAST__INLINE int coast__chan_would_wait(coast_chan *ch, int send)
{
	const struct coast__chan_look *l =
		(const struct coast__chan_look *)(const void *)ch;
	size_t len = __atomic_load_n(&l->len, __ATOMIC_RELAXED);

	if (send ? len < l->cap : len != 0)
		return 0;
	return !__atomic_load_n(&l->closed, __ATOMIC_RELAXED);
}
COAST__INLINE int coast__chan_tried(int r, int *result)
{
	if (r == COAST__CHAN_WAIT)
		return 0;
	*result = r;
	return 1;
}
COAST__INLINE int coast_chan_send__coast_ready(coast_chan *ch,
					       const void *elem, int *result)
{
	if (!ch || !elem) {
		*result = -EINVAL;
		return 1;
	}
	if (coast__chan_would_wait(ch, 1))
		return 0;
	return coast__chan_tried(coast__chan_send_try(ch, elem), result);
}
COAST__INLINE int coast_chan_recv__coast_ready(coast_chan *ch, void *elem,
					       int *result)
{
	if (!ch || !elem) {
		*result = -EINVAL;
		return 1;
	}
	if (coast__chan_would_wait(ch, 0))
		return 0;
	return coast__chan_tried(coast__chan_recv_try(ch, elem), result);
}

/*
 * Embedded leaves (docs/future-abi.md, "Embedded leaves"): a channel
 * operation's frame, published so that the lowering embeds it in the
 * frame that awaits it, as it does a callee of the same file, instead of
 * starting it from the frame stack.  It is chan.c's struct chan_frame
 * (static-asserted there): __h, a whole struct coast_frame (its site in
 * the awaiter is COAST_CHILD_EMBEDDED with a NULL fn->subs entry: the
 * sub-future describes itself), and __ret, the result once READY, are the
 * lowering's; the rest is the runtime's.  A ping-pong's receive paid a
 * start, a frame-stack alloc and free, coast__poll_child's depth test and
 * indirect call twice, and the result through fn->ret_offset.
 */
#define COAST__CHAN_SLOT 16 /* a hand-off's element, in the waiter */
/* The waiter's state byte, at this offset in __w: the init makes it idle
 * (chan.c's W_IDLE, 0). */
#define COAST__CHAN_W_STATE (3 * sizeof(void *))
struct coast_chan_op {
	struct coast_frame __h;
	int __ret;
	coast_chan *__ch;
	void *__elem;
	/* The waiter: three pointers, a state byte, the slot. */
	void *__w[(3 * sizeof(void *) + 1 + COAST__CHAN_SLOT +
		   sizeof(void *) - 1) /
		  sizeof(void *)];
};

COAST_EXTERN extern const struct coast_fn coast__chan_send_fn;
COAST_EXTERN extern const struct coast_fn coast__chan_recv_fn;

/* The descriptors' polls, called directly by the awaiter: a leaf awaits
 * nothing, so no depth to count (coast__poll_child) and no call through
 * fn->poll. */
COAST_EXTERN int coast_chan_send__coast_poll(struct coast_frame *f,
					     struct coast_cx *cx);
COAST_EXTERN int coast_chan_recv__coast_poll(struct coast_frame *f,
					     struct coast_cx *cx);

/* What the start functions store, in place; the first poll sets the
 * rest.  The waiter idle: the polls then test no START first (a
 * ping-pong's receive is polled once by its first, once from HANDED). */
COAST__INLINE void coast__chan_op_init(struct coast_chan_op *f,
				       const struct coast_fn *fn,
				       coast_chan *ch, void *elem)
{
	f->__h.fn = fn;
	f->__h.state = COAST_STATE_START;
	f->__h.flags = 0;
	f->__ch = ch;
	f->__elem = elem;
	COAST__BUFFERS_BEGIN
	((unsigned char *)f->__w)[COAST__CHAN_W_STATE] = 0;
	COAST__BUFFERS_END
}
COAST__INLINE void coast_chan_send__coast_init(struct coast_chan_op *f,
					       coast_chan *ch,
					       const void *elem)
{
	/* Through uintptr_t: the header stays quiet under -Wcast-qual (the
	 * send only reads *elem). */
	coast__chan_op_init(f, &coast__chan_send_fn, ch,
			    (void *)(uintptr_t)elem);
}
COAST__INLINE void coast_chan_recv__coast_init(struct coast_chan_op *f,
					       coast_chan *ch, void *elem)
{
	coast__chan_op_init(f, &coast__chan_recv_fn, ch, elem);
}

/* A receive's init and first poll in one call, which the lowering makes
 * instead of the two (docs/future-abi.md, "Embedded leaves"): a receive
 * that waits, every receive of a ping-pong that its companion sent to
 * its frame, tests nothing the init just stored (its state, its
 * cancellation, the channel and destination loaded back).  A send has
 * none: its companion completes it, or the channel is full. */
COAST_EXTERN int coast_chan_recv__coast_first(struct coast_chan_op *f,
					      coast_chan *ch, void *elem,
					      struct coast_cx *cx);

/* An unlocked mutex nobody waits for (or NULL: -EINVAL), under its lock
 * (mutex.c). */
COAST_EXTERN int coast__mutex_lock_ready(coast_mutex *m, int *result);

/* A held mutex waits: one relaxed load inline (a stale view only sends
 * the await to its frame, which looks again under the lock). */
COAST__INLINE int coast_mutex_lock__coast_ready(coast_mutex *m, int *result)
{
	if (m && __atomic_load_n(&m->locked, __ATOMIC_RELAXED))
		return 0;
	return coast__mutex_lock_ready(m, result);
}

/*
 * Races (race.c): await(coast_timeout(ms, f(x), out)) and
 * await(coast_first(coast_arm(f(x), out), ...)).  Lowered code starts the
 * race from the awaiting frame's allocator a, then each arm's frame from
 * the same a (or boxed), hands each over with coast__race_arm in order, and
 * awaits the race (an arm that could not be started, NULL, is reported as
 * coast__out_of_frames(name)): its result is 0, -ETIMEDOUT or -EINVAL for a timeout,
 * the winner's index for coast_first.  The losers are cancelled and every
 * arm freed before it is READY; the winner's result is copied to its out
 * (when not NULL).  coast_first takes 1 to 16 arms.
 */
COAST_EXTERN struct coast_frame *coast__timeout__coast_start(
	struct coast_alloc *a, long long ms);
COAST_EXTERN struct coast_frame *coast__first__coast_start(
	struct coast_alloc *a, unsigned narms);
COAST_EXTERN void coast__race_arm(struct coast_frame *race,
				  struct coast_alloc *a,
				  struct coast_frame *arm, void *out,
				  const char *name);

/* Called by lowered code when a frame stack allocation fails. */
COAST_EXTERN _Noreturn void coast__out_of_frames(const char *fn);

/*
 * Called by lowered code when coast_block_on(fn(...)) cannot run: err is
 * what coast__block_on returned.  coast_block_on has no error channel of its
 * own (its value is fn's), so this prints why and aborts.
 */
COAST_EXTERN _Noreturn void coast__block_on_failed(int err, const char *fn);

#endif /* COAST_RUNTIME_H */
