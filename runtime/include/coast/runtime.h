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

/* Allocates a task and its root frame together. */
COAST_EXTERN extern struct coast_alloc coast__task_alloc;
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

/* Lets a task run on without a handle; its result is discarded. */
COAST_EXTERN void coast_detach(coast_task *t);

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

/* Called by lowered code when a frame stack allocation fails. */
COAST_EXTERN _Noreturn void coast__out_of_frames(const char *fn);

/*
 * Called by lowered code when coast_block_on(fn(...)) cannot run: err is
 * what coast__block_on returned.  coast_block_on has no error channel of its
 * own (its value is fn's), so this prints why and aborts.
 */
COAST_EXTERN _Noreturn void coast__block_on_failed(int err, const char *fn);

#endif /* COAST_RUNTIME_H */
