/*
 * test.h - helpers for the runtime tests: test definition, assertions, and
 * the pieces of hand-written futures (the same shapes lowered code has).
 *
 * Each test runs in its own forked child (runner.c), so a failed assertion
 * simply aborts, and global runtime state never leaks between tests.
 */
#ifndef COAST_TEST_H
#define COAST_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

/* TEST_ASAN: built with AddressSanitizer, whose interface is then here. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(TEST_ASAN)
#define TEST_ASAN 1
#endif
#ifdef TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define TEST_DECLARE(name) int run_test_##name(void);
#define TEST_IMPL(name)                \
	int run_test_##name(void);     \
	int run_test_##name(void)

#define ASSERT(expr)                                                       \
	do {                                                               \
		if (!(expr)) {                                             \
			fprintf(stderr, "%s:%d: assertion failed: %s\n",   \
				__FILE__, __LINE__, #expr);                \
			abort();                                           \
		}                                                          \
	} while (0)

#define ASSERT_EQ(a, b)                                                    \
	do {                                                               \
		long long a_ = (long long)(a), b_ = (long long)(b);        \
		if (a_ != b_) {                                            \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, a_, b_);       \
			abort();                                           \
		}                                                          \
	} while (0)

/*
 * Runs the runtime with n workers: call before the first block_on (each
 * test is a fresh process).  Tests whose expected order assumes one thread
 * (FIFO among ready tasks, unsynchronised logs) use 1.
 */
static inline void test_workers(unsigned n)
{
	char s[16];

	snprintf(s, sizeof(s), "%u", n);
	setenv("COAST_WORKERS", s, 1);
}

/*
 * Calls done(arg) every millisecond until it is true, for 10 s at most:
 * what a test waits for may be up to a worker that a loaded machine keeps
 * off its CPU for a while.  Returns done's last answer.
 */
static inline bool test_wait(bool (*done)(const void *arg), const void *arg)
{
	struct timespec tick = { 0, 1000 * 1000 };
	int i;

	for (i = 0; i < 10000 && !done(arg); i++)
		nanosleep(&tick, NULL);
	return done(arg);
}

static inline bool test_live_is(const void *n)
{
	return coast__task_live() == *(const size_t *)n;
}

/*
 * Waits for the live task count to drop to n: with several workers, a
 * task's last reference may be dropped on another worker just after the
 * block_on that observed its effect returned.  Returns the count.
 */
static inline size_t test_live_settle(size_t n)
{
	test_wait(test_live_is, &n);
	return coast__task_live();
}

/*
 * One I/O leaf waits on fd: an epoll wait armed on it or, with COAST_IO=uring
 * (the workers' rings), one op in flight on the rings (the tests that ask
 * have no other I/O pending).
 */
static inline bool test_io_waiting(int fd)
{
	return coast__io_wait_count(fd) == 1 || coast__uring_ops() == 1;
}

static inline bool test_timers_are(const void *n)
{
	return coast__timer_count() == *(const size_t *)n;
}

/* Waits for n timers to be armed (by tasks on other workers); the count. */
static inline size_t test_timers_settle(size_t n)
{
	test_wait(test_timers_are, &n);
	return coast__timer_count();
}

static inline bool test_is_complete(const void *t)
{
	return coast__task_is_complete((struct coast_task *)t);
}

/* Waits for t to complete: a spawned task may run on another worker. */
static inline bool test_complete_settle(struct coast_task *t)
{
	return test_wait(test_is_complete, t);
}

/* Spawns the root frame f: its handle, never NULL. */
static inline coast_task *test_spawn(struct coast_frame *f)
{
	coast_task *t = coast__spawn(f);

	ASSERT(t != NULL);
	return t;
}

/*
 * Runs root, whose result is an int, with coast__block_on, which must
 * answer 0: the result (12345 if none was written).
 */
static inline int test_block_on_int(struct coast_frame *root)
{
	int ret = 12345;

	ASSERT(root != NULL);
	ASSERT_EQ(root->fn->ret_size, sizeof(int));
	ASSERT_EQ(coast__block_on(root, &ret), 0);
	return ret;
}

/* Joins t from a root task: its int result, or the join's error. */
static inline int test_join_int(struct coast_task *t)
{
	int ret = 0, out = 0;

	ASSERT_EQ(coast__block_on(COAST_START(coast_join)(&coast__task_alloc,
							  t, &out),
				  &ret),
		  0);
	return ret ? ret : out;
}

/* Milliseconds on the monotonic clock, with sub-millisecond precision. */
static inline double test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * The bound of a wait on what another thread or worker must do: a loaded
 * machine under TSan may keep that one off its CPU for seconds, and what
 * the wait is there to catch (a lost wake-up, a timer never fired, an fd
 * event never delivered) is late for good.
 */
#define TEST_WAIT_MS 10000.0

/*
 * Called on each turn of such a wait, begun at t0 (test_now_ms): fails the
 * test once TEST_WAIT_MS have passed, saying what did not happen, where a
 * wait without it would hang until the runner's limit.
 */
#define ASSERT_WITHIN(t0, what)                                            \
	do {                                                               \
		if (test_now_ms() - (t0) >= TEST_WAIT_MS) {                \
			fprintf(stderr, "%s:%d: not within %.0f ms: %s\n", \
				__FILE__, __LINE__, TEST_WAIT_MS, (what)); \
			abort();                                           \
		}                                                          \
	} while (0)

/*
 * Defines the static description of a hand-written frame type whose result
 * field is named ret, and declares its poll function.
 */
#define TEST_FN(var, frame_t, pollfn)                                       \
	static int pollfn(struct coast_frame *f, struct coast_cx *cx);      \
	static const struct coast_fn var = {                                \
		.poll = pollfn,                                             \
		.child = coast__no_child,                                   \
		.size = sizeof(frame_t),                                    \
		.ret_offset = offsetof(frame_t, ret),                       \
		.ret_size = sizeof(((frame_t *)0)->ret),                    \
		.name = #pollfn,                                            \
		.file = __FILE__,                                           \
	}

/* A zeroed frame of fn from a, in state COAST_STATE_START. */
static inline void *test_frame_new(struct coast_alloc *a,
				   const struct coast_fn *fn)
{
	struct coast_frame *f = a->alloc(a, fn->size);

	if (!f)
		coast__out_of_frames(fn->name);
	memset(f, 0, fn->size);
	f->fn = fn;
	return f;
}

/* Polls the awaited sub-future *sub (rule 3/4 of future.h). */
static inline int test_poll(struct coast_frame *sub, struct coast_cx *cx)
{
	return sub->fn->poll(sub, cx);
}

/*
 * One await in a hand-written poll function whose body is a switch on
 * f->state (case labels may sit inside loops, as in lowered code): starts
 * the sub-future into sub, records suspension point st, polls, and on READY
 * stores the result (type T) in out and frees the sub-frame.
 */
#define TEST_AWAIT(st, sub, start, T, out)                                  \
	do {                                                                \
		(sub) = (start);                                            \
		if (!(sub))                                                 \
			coast__out_of_frames(__func__);                     \
		f->state = (st);                                            \
		/* fall through */                                          \
	case (st):                                                          \
		if (test_poll((sub), cx) == COAST_PENDING)                  \
			return COAST_PENDING;                               \
		(out) = COAST_RESULT(T, (sub));                             \
		test_free(cx, (sub));                                       \
		(sub) = NULL;                                               \
	} while (0)

/* TEST_AWAIT of coast_yield(), whose result (0) nobody reads. */
#define TEST_AWAIT_YIELD(st, sub)                                           \
	do {                                                                \
		int yielded_;                                               \
		TEST_AWAIT(st, sub, COAST_START(coast_yield)(cx->frames),   \
			   int, yielded_);                                  \
		(void)yielded_;                                             \
	} while (0)

/*
 * await(coast_join(t, out)) as lowered code has it, in such a poll
 * function: the join's ready companion first (a task it joins inline
 * answers there, without a frame), else a join frame awaited as
 * TEST_AWAIT does; the join's answer in r.
 */
#define TEST_AWAIT_JOIN(st, sub, t, out, r)                                 \
	do {                                                                \
		if (!coast_join__coast_ready((t), (out), &(r)))             \
			TEST_AWAIT(st, sub,                                 \
				   COAST_START(coast_join)(cx->frames, (t), \
							   (out)),          \
				   int, r);                                 \
	} while (0)

/* Gives a READY sub-frame back to the task's frame stack. */
static inline void test_free(struct coast_cx *cx, struct coast_frame *sub)
{
	cx->frames->free(cx->frames, sub, sub->fn->size);
}

/*
 * The drop path of a hand-written frame with one awaited sub-future *sub
 * (NULL when none), as lowered code has it: cancel the sub-future, poll it
 * to READY, free it, finish.  Call when f->flags has COAST_F_CANCEL.
 */
static inline int test_drop(struct coast_frame *f, struct coast_frame **sub,
			    struct coast_cx *cx)
{
	if (*sub) {
		(*sub)->flags |= COAST_F_CANCEL;
		if (test_poll(*sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		test_free(cx, *sub);
		*sub = NULL;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/*
 * Hand-written futures shared by the tests (test-util.c), with their start
 * functions in the ABI's shape.  The log, when not NULL, records the order
 * of events: log[(*nlog)++] = id (single-threaded executor, no locking).
 */

/* Sleeps ms (through coast_sleep_ms's start function), logs id; returns id. */
struct coast_frame *test_sleeper_start(struct coast_alloc *a, uint64_t ms,
				       int id, int *log, int *nlog);
/* yields times: logs id, then awaits coast_yield; returns id. */
struct coast_frame *test_yielder_start(struct coast_alloc *a, int yields,
				       int id, int *log, int *nlog);
/* Joins tasks[0..n) in order, results to outs[i * out_size] (or NULL);
 * returns how many joins returned 0. */
struct coast_frame *test_join_all_start(struct coast_alloc *a,
					coast_task **tasks, size_t n,
					void *outs, size_t out_size);

/*
 * The leaf most tests spawn and join: it completes in its first poll with
 * fn(cx, p, n) as its int result (fn does what the test looks at).  A
 * cancellation poll (a task cancelled before it ran) calls nothing and
 * leaves no result, as future.h's rule 4 has it.
 */
typedef int test_leaf_fn(struct coast_cx *cx, void *p, int n);
struct coast_frame *test_leaf_start(struct coast_alloc *a, test_leaf_fn *fn,
				    void *p, int n);
/* Spawns test_leaf_start(&coast__task_alloc, fn, p, n): its handle. */
coast_task *test_leaf_spawn(test_leaf_fn *fn, void *p, int n);

/* How a test_stuck_start future ended, in its slot. */
enum { TEST_SLOT_DONE = 1, TEST_SLOT_DROPPED = 2 };

/*
 * Counts itself in *started (when not NULL), yields `yields` times or, with
 * yields < 0, sleeps until cancelled, then sets *slot to TEST_SLOT_DONE;
 * its cancellation poll sets TEST_SLOT_DROPPED once what it awaited is
 * dropped.  The slot may be in the spawner's frame, which must outlive it.
 */
struct coast_frame *test_stuck_start(struct coast_alloc *a, int yields,
				     int *slot, _Atomic int *started);

/*
 * Calls coast_dump_tasks from a thread of its own until test_dumps_stop,
 * at least once (on a loaded machine the tasks may all be done before the
 * thread first runs), with stderr on /dev/null meanwhile.
 */
void test_dumps_start(void);
/* Joins the dumping thread and restores stderr: how many dumps it made. */
int test_dumps_stop(void);

/*
 * Runs fn(cx) in one poll of a task, on one worker, so that fn can poll
 * futures by hand; then every task must be gone.
 */
void test_run_script(void (*fn)(struct coast_cx *cx));

#define TEST_SCRIPT(name, fn)          \
	TEST_IMPL(name)                \
	{                              \
		test_run_script(fn);   \
		return 0;              \
	}

#endif /* COAST_TEST_H */
