/*
 * coast.h - Normal Async for C.
 *
 * With the coast plugin loaded (detected by __has_attribute(async)) the
 * attributes are real and await/box/coast_block_on/coast_spawn leave marks
 * in the AST that the plugin lowers.  Without it the same source is plain C11:
 * async functions are ordinary functions, await(e) is (e), and the runtime's
 * async operations are their blocking versions.
 *
 * Define COAST_NO_KEYWORDS before including this header to get only the
 * coast_-prefixed spellings.
 */
#ifndef COAST_H
#define COAST_H

#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "coast/runtime.h"

#if defined(__has_attribute)
#if __has_attribute(__async__)
#define COAST_PLUGIN 1
#endif
#endif

#ifdef COAST_PLUGIN

/*
 * The ABI the lowered code and this header share with libcoast
 * (docs/future-abi.md, "ABI version"): a program linked with a libcoast of
 * another ABI fails to link, naming this symbol, where it would misbehave
 * (a yield the library does not see hangs its task).  Without debug
 * info, which would give every program's line table one file more.
 */
COAST_EXTERN extern const char coast__abi_3[];
static const char *const coast__abi_check
	__attribute__((__used__, __nodebug__)) = coast__abi_3;

#define coast_async __attribute__((__async__))
#define coast_box_async __attribute__((__box_async__))
#define coast_returns_send __attribute__((__returns_send__))
#define coast_not_send __attribute__((__not_send__))
/*
 * The destructor names travel as one string: Clang would look up every name
 * after the first as an expression, and a destructor may be declared after
 * its struct.
 */
#define coast_must_destruct(...) __attribute__((__must_destruct__(#__VA_ARGS__)))

/*
 * Marks for the plugin: each operation is a comma expression whose left side
 * calls a marker and whose value is the operand's, so the program type-checks
 * as written.  The markers have no definition: a mark the plugin failed to
 * lower is a link error, never a silently blocking call.
 */
void __coast_await(void);
void __coast_box(void);
void __coast_block_on(void);
void __coast_spawn(void);
void __coast_spawn_local(void);
void __coast_scope_spawn(void);
void __coast_timeout(void);
void __coast_first(void);
void __coast_arm(void);

#define coast_await(e) (__coast_await(), (e))
#define coast_box(call) (__coast_box(), (call))
#define coast_block_on(call) (__coast_block_on(), (call))
#define coast_spawn(call) (__coast_spawn(), (void)(call), (coast_task *)0)
#define coast_spawn_local(call) \
	(__coast_spawn_local(), (void)(call), (coast_task *)0)
/* Its value is 0 or -errno: a scope task has no handle to fail with. */
#define coast_scope_spawn(scope, call) \
	(__coast_scope_spawn(), (void)(scope), (void)(call), 0)
/*
 * Races (below): awaited, never called on their own.  The checks compare
 * out with the call's result type.
 */
#define coast_timeout(ms, call, out) \
	(__coast_timeout(), (void)(ms), (void)(out), (void)(call), 0)
#define coast_arm(call, out) (__coast_arm(), (void)(out), (void)(call), 0)
#define coast_first(...) (__coast_first(), (void)(__VA_ARGS__), 0)

#else /* !COAST_PLUGIN */

#define coast_async
#define coast_box_async
#define coast_returns_send
#define coast_not_send
#define coast_must_destruct(...)

#define coast_await(e) (e)
#define coast_box(call) (call)
#define coast_block_on(call) (call)
/*
 * A scope task runs to completion where it is spawned: a schedule the
 * plugin's runtime may also pick, so the scope's borrows stay valid.  (A
 * task that waits for a task spawned after it would block.)
 */
#define coast_scope_spawn(scope, call) ((void)(scope), (void)(call), 0)

/*
 * A race without the plugin: the call runs to completion, so it completes
 * before any deadline and the first arm is the first to complete.  Its
 * result (unless void) is stored through out (unless NULL).  The other
 * arms are never evaluated.
 */
static inline int coast__store(void *out, const void *v, size_t n)
{
	if (out)
		__builtin_memcpy(out, v, n);
	return 0;
}

static inline int coast__bad_ms(long long ms)
{
	return ms < 0;
}

/* A pointer type mismatch warns, as the checks do with the plugin. */
#define coast__out_check(call, out) \
	((void)(1 ? (out) : (__typeof__(call) *)0))
#define coast__is_void(e) __builtin_types_compatible_p(__typeof__(e), void)
/*
 * e's value, or 0 for a void e (so that the unused branch type-checks); an
 * array of one holds it, which a struct value may initialize.
 */
#define coast__value(e) __builtin_choose_expr(coast__is_void(e), 0, (e))
#define coast__run(call, out) \
	__builtin_choose_expr( \
		coast__is_void(call), ((call), 0), \
		coast__store((out), \
			     (__typeof__(coast__value(call))[1]){ \
				     coast__value(call)}, \
			     sizeof(coast__value(call))))
#define coast_timeout(ms, call, out) \
	(coast__out_check(call, out), \
	 coast__bad_ms(ms) ? -EINVAL : coast__run(call, out))
#define coast_arm(call, out) (coast__out_check(call, out), coast__run(call, out))
#define coast_first(...) coast__first_of(__VA_ARGS__, 0)
#define coast__first_of(arm0, ...) ((void)(arm0), 0)

#endif /* COAST_PLUGIN */

#ifndef COAST_NO_KEYWORDS
#define async coast_async
#define box_async coast_box_async
#define returns_send coast_returns_send
#define not_send coast_not_send
#define must_destruct coast_must_destruct
#define await coast_await
#define box coast_box
#endif

/*
 * Races of futures inside one task: no spawn, the futures may borrow the
 * caller's locals, and every loser has been dropped (its cancellation ran
 * to completion, async destructors included) before the await returns.
 *
 *   int rc = await(coast_timeout(ms, f(x), &out));
 *
 * 0 when f(x) completed within ms milliseconds (its result stored through
 * out; NULL discards it, and a void call takes NULL), -ETIMEDOUT when the
 * deadline came first (f(x) has been cancelled; 0 and its result after all
 * if f(x) is an I/O leaf the kernel completed before the cancel: a write's
 * count on io_uring), -EINVAL for a negative ms (f(x) is dropped unpolled).
 *
 *   int i = await(coast_first(coast_arm(f(x), &a), coast_arm(g(), NULL)));
 *
 * The index of the first arm to complete (1 to 16 arms; the earlier arm
 * wins when several are ready at one poll); its result goes through its
 * out, the others are cancelled.  Operands are calls of async functions or
 * box(...) calls, as for await; out is NULL or points to the call's result
 * type.  Without the plugin the call runs and the value is 0.
 */

/*
 * Leaks the must_destruct value x on purpose: the checks stop following
 * it and nothing destructs it.  x is a variable (a struct or an owned
 * pointer); the same with and without the plugin.
 */
static inline void coast__forget(const volatile void *x)
{
	(void)x;
}
#define coast_forget(x) coast__forget(&(x))

/*
 * Async operations of the runtime.  With the plugin, await(coast_sleep_ms(n))
 * suspends the task; without it, coast_sleep_ms(n) sleeps the thread.
 */

/* Suspends for ms milliseconds.  Returns 0. */
coast_async coast_returns_send int coast_sleep_ms(uint64_t ms);

/* Lets other tasks run.  Returns 0. */
coast_async coast_returns_send int coast_yield(void);

/*
 * Socket and fd operations.  Each is its syscall that suspends the task
 * instead of blocking the thread (without the plugin: that blocks the
 * thread), retries EINTR, and returns the syscall's result or -errno
 * (-EBADF, -ECONNRESET, -EPIPE: never SIGPIPE).  Any fd works; listening and
 * connecting sockets and fds that are not sockets are switched to
 * O_NONBLOCK by the async versions.
 */

/* A connection: its fd (non-blocking, close-on-exec) or -errno. */
coast_async coast_returns_send int coast_accept(int fd, struct sockaddr *addr,
						socklen_t *addrlen);
/* Connects fd to addr: 0 or -errno. */
coast_async coast_returns_send int coast_connect(int fd,
						 const struct sockaddr *addr,
						 socklen_t addrlen);
/* Like read(2): bytes read, 0 at end of stream, or -errno. */
coast_async coast_returns_send ssize_t coast_read(int fd, void *buf, size_t n);
/* Like write(2): bytes written (maybe fewer than n) or -errno. */
coast_async coast_returns_send ssize_t coast_write(int fd, const void *buf,
						   size_t n);
/* Like recv(2) with flags: bytes received, 0 at end of stream, or -errno. */
coast_async coast_returns_send ssize_t coast_recv(int fd, void *buf, size_t n,
						  int flags);
/* Like send(2) with flags (MSG_NOSIGNAL added): bytes sent or -errno. */
coast_async coast_returns_send ssize_t coast_send(int fd, const void *buf,
						  size_t n, int flags);

/*
 * Runs fn(arg) on the blocking pool (threads made on demand, at most
 * COAST_BLOCKING_THREADS, default 512; idle ones retire) and returns what
 * fn returned, without holding a worker while fn blocks.  Cancelling the
 * awaiting future waits for a running fn to return (a queued one never
 * runs; the result is then -ECANCELED), so arg may point into the
 * caller's frame.  -EINVAL for a NULL fn; -EAGAIN (or another -errno of
 * pthread_create) when no pool thread can be made.  Without the plugin it
 * calls fn(arg).
 */
coast_async coast_returns_send int coast_blocking(int (*fn)(void *arg),
						  void *arg);

/*
 * Channels (coast_chan_new in coast/runtime.h).  Sends elem_size bytes from
 * elem, waiting while the channel is full: 0, or -EPIPE once it is closed.
 */
coast_async coast_returns_send int coast_chan_send(coast_chan *ch,
						   const void *elem);
/*
 * Receives the oldest element into elem, waiting while the channel is
 * empty: 0, or -EPIPE when it is closed and empty.  A cancelled send or
 * receive leaves the channel as if it had never been called (or, if it had
 * completed, as it completed).  -EINVAL for a NULL channel or elem (for
 * both operations).
 */
coast_async coast_returns_send int coast_chan_recv(coast_chan *ch, void *elem);

/*
 * Waits for the oneshot's value and copies it to out (when not NULL): 0,
 * -EPIPE when the sender closed it without a value or the value was
 * received already, -EBUSY while another recv waits on it, -EINVAL for
 * NULL.  A cancelled recv takes nothing: the value stays for the next.
 */
coast_async coast_returns_send int coast_oneshot_recv(coast_oneshot *o,
						      void *out);

/*
 * Locks m, waiting in order of arrival: 0 (-EINVAL for NULL).  Cancelled
 * while waiting, it leaves the queue; cancelled after the mutex was handed
 * to it, it passes the mutex on.  Not a blocking lock for the checks.
 */
coast_async coast_returns_send int coast_mutex_lock(coast_mutex *m);

/*
 * A scope: tasks spawned in it with coast_scope_spawn(&s, f(&local)) run in
 * parallel on any worker and may borrow locals declared before s, because
 * await(coast_scope_join(&s)) must consume s (must_destruct) and waits for
 * every one of them, also when the awaiting future is cancelled (it then
 * cancels them first).  Initialise with COAST_SCOPE_INIT.  The fields are
 * private.
 */
typedef struct coast_scope {
	pthread_mutex_t lock;
	size_t pending;           /* tasks spawned and not yet complete */
	coast_waker *waiter;      /* the join's, while it waits */
	int state;                /* open, cancelled or joined */
} coast_must_destruct(coast_scope_join) coast_scope;

#define COAST_SCOPE_INIT { PTHREAD_MUTEX_INITIALIZER, 0, NULL, 0 }

/*
 * Waits until every task spawned in s (by anyone, also by its own tasks)
 * has finished; their results are discarded.  Cancelled, it cancels them
 * and still waits for them.  0, or -EINVAL for NULL.  Spawning in a joined
 * scope fails with -EPIPE.
 */
coast_async coast_returns_send int coast_scope_join(coast_scope *s);

#ifdef COAST_PLUGIN
/*
 * Waits for a spawned task and consumes its handle; the task's result (if
 * any) is copied to out when out is not NULL.  Returns 0, -ECANCELED when
 * the task ended by cancellation (coast_cancel; out is untouched), or
 * -EINVAL for a NULL handle (a spawn that failed for lack of memory) or
 * one consumed before.  Consuming a handle twice (join, join_timeout,
 * join_any, coast_detach) is checked while the task is still allocated:
 * while the first join still waits, or after a detach of a task that has
 * not finished.  After a join returned, the handle points to freed memory.
 */
coast_async coast_returns_send int coast_join(coast_task *t, void *out);

/*
 * Joins t, waiting at most ms milliseconds: 0 with the result in out, or
 * -ETIMEDOUT once the deadline passed and t has been cancelled and has
 * finished its cancellation (if t completes with a result before the
 * cancellation reaches it, that result is returned with 0 after all).
 * -ECANCELED when t ended by another coast_cancel, -EINVAL for NULL.
 * Consumes the handle.
 */
coast_async coast_returns_send int coast_join_timeout(coast_task *t,
						      uint64_t ms, void *out);

/*
 * Waits for the first of the n tasks to complete with a result, cancels
 * the others and waits until they have finished: 0 with the winner's
 * index in *index (when index is not NULL) and its result in out; the
 * losers' results are discarded.  Every handle is consumed, and each entry
 * of tasks is set to NULL as it is.  -ECANCELED when every task ended
 * cancelled; -EINVAL when n is 0 or an entry is NULL (a failed spawn: the
 * other tasks are cancelled and consumed all the same).
 */
coast_async coast_returns_send int coast_join_any(coast_task **tasks,
						  size_t n, size_t *index,
						  void *out);
#endif

#endif /* COAST_H */
