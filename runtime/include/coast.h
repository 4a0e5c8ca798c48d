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

#define coast_await(e) (__coast_await(), (e))
#define coast_box(call) (__coast_box(), (call))
#define coast_block_on(call) (__coast_block_on(), (call))
#define coast_spawn(call) (__coast_spawn(), (void)(call), (coast_task *)0)

#else /* !COAST_PLUGIN */

#define coast_async
#define coast_box_async
#define coast_returns_send
#define coast_not_send
#define coast_must_destruct(...)

#define coast_await(e) (e)
#define coast_box(call) (call)
#define coast_block_on(call) (call)

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

#ifdef COAST_PLUGIN
/*
 * Waits for a spawned task and consumes its handle; the task's result (if
 * any) is copied to out when out is not NULL.  Returns 0, or -EINVAL for a
 * NULL handle (a spawn that failed for lack of memory).
 */
coast_async coast_returns_send int coast_join(coast_task *t, void *out);
#endif

#endif /* COAST_H */
