/*
 * internal.h - declarations shared by the runtime's source files.
 *
 * Nothing here is part of the ABI: lowered code sees only coast/future.h and
 * coast/runtime.h.  The tests include this header to drive subsystems
 * directly, so it states who may call what.
 *
 * Subsystems:
 *   task.c      tasks (header + root frame), the state word, wakers, joins,
 *               the per-task frame stack
 *   slab.c      the workers' slabs of task blocks (slab.h: their layout
 *               and the owner's inline pop and push, for task.c)
 *   scheduler.c the workers: run loop, LIFO slot, stealing, parking, the
 *               budget; block_on, spawn, detach
 *   queue.c     the local run queue (bounded, stealable) and the injection
 *               queue
 *   reactor.c   the driver a parked worker runs: epoll (reactor_epoll.c)
 *               and the runtime's timers (heap from timer.c), fd waits
 *   uring.c     one io_uring per worker (COAST_IO=uring): the completion
 *               path of read, write, recv, send and accept
 *   carry.c     what a cancelled ring op took, kept for the fd's next op
 *   timer.c     the timer min-heap and the monotonic clock
 *   blocking.c  the blocking pool and coast_blocking
 *   chan.c, mutex.c   channels and the async mutex
 *   sleep.c, yield.c, join.c, io.c   hand-written leaf futures
 */
#ifndef COAST_INTERNAL_H
#define COAST_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coast/future.h"
#include "coast/runtime.h"

/* Errors are returned as -errno through this one macro. */
#define COAST__ERR(e) (-(e))

#define coast__container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/*
 * A spinlock, for critical sections of a few stores that never wait
 * (the task registry, channels): one atomic exchange to take, a plain
 * release store to give back, where a mutex costs a read-modify-write
 * each way.  A waiter yields its CPU while the lock is held rather than
 * spin on it: on an oversubscribed machine the holder may be preempted
 * (and a dump holds a registry shard for a while).
 */
static inline void coast__spin_lock(atomic_bool *l)
{
	/* acquire: the previous holder's writes. */
	while (atomic_exchange_explicit(l, true, memory_order_acquire)) {
		while (atomic_load_explicit(l, memory_order_relaxed))
			sched_yield();
	}
}

static inline void coast__spin_unlock(atomic_bool *l)
{
	atomic_store_explicit(l, false, memory_order_release);
}

/*
 * Copies a value of n bytes; the common sizes (an int result, a word) are
 * moves, not a call to memcpy (14 instructions and the call's).
 */
static inline void coast__copy(void *dst, const void *src, size_t n)
{
	if (n == sizeof(int))
		__builtin_memcpy(dst, src, sizeof(int));
	else if (n == sizeof(uint64_t))
		__builtin_memcpy(dst, src, sizeof(uint64_t));
	else
		__builtin_memcpy(dst, src, n);
}

/* ---------------------------------------------------------------- tasks */

/*
 * One chunk of a task's frame stack.  Chunks are linked from the top down;
 * frames inside a chunk never move, a new chunk is malloc'd when the top one
 * is full (see task.c).
 */
struct coast__chunk;

/*
 * A task: this header, then (aligned to max_align_t) its root frame, in one
 * allocation made by coast__task_alloc.  The protocol for every field is at
 * the top of task.c.
 */
struct coast_task {
	/* State bits and reference count; see task.c. */
	_Atomic uint64_t state;
	/* Injection queue link: touched under the injection queue's lock, or
	 * by the thread that holds a batch it took out of (or builds for) it.
	 * With one worker also its list's link (scheduler.c), written only
	 * by that worker; the head's stays linked while it is polled in
	 * place. */
	struct coast_task *next;
	/*
	 * The joiner's waker.  Owned by the handle holder while
	 * COAST__ST_JOIN_WAITING is clear, by whoever sets COMPLETE once it is
	 * set.
	 */
	coast_waker *join_waker;
	/* block_on's root: its completion broadcasts block_on's condvar.
	 * Written before the task is published, read-only afterwards. */
	bool is_root;
	/* The root frame has been polled with COAST_F_CANCEL.  Only the
	 * thread that has the task RUNNING touches it. */
	bool cancel_polled;
	/* Queued RUNNING (rule 8 of task.c), nonzero: by its runner when
	 * it yielded, or by a wake into the LIFO slot; with one worker, a
	 * yield also says how the yield loop polls it (enum
	 * coast__yielded).  Written by the thread that queues it before the
	 * push, read by the worker that pops it. */
	uint8_t yielded;
	/* The slab class of the block (slab.c), or COAST__SLAB_NONE for
	 * one from malloc.  Written when its span is carved (slab.c) or the
	 * block is malloc'd. */
	uint8_t blk_class;
	/* The worker a local task (coast__spawn_local, block_on's roots) is
	 * pinned to, or -1: any worker.  Written before the task is
	 * published, read-only afterwards.  (16 bits: the header stays small
	 * enough for malloc's fast bins with small frames.) */
	int16_t home;
	/* The registry shard (task.c) of the thread that allocated it. */
	uint16_t reg_shard;
	/* The scope the task was spawned in (scope.c), or NULL; stored
	 * (release) before the task is published, after its state word is
	 * initialised, because a scope's cancellation looks for it in the
	 * registry (acquire). */
	_Atomic(struct coast_scope *) scope;
	/* The registry (task.c): links under the shard's lock. */
	struct coast_task *reg_next, *reg_prev;
	/* The frame stack, handed to polls as cx->frames.  Only the thread
	 * that has the task RUNNING touches it (or the last reference). */
	struct coast_alloc frames; /* its end: the top chunk, or NULL */
	/*
	 * Frames handed to the executor by coast__descend (descend.c), or
	 * NULL before the first.  Touched only by the thread that has the
	 * task RUNNING.  (A pointer: the counts live with the array, which
	 * keeps the header at 96 bytes, see TASK_HDR in task.c.)
	 */
	struct coast__descended *descended;
};

/*
 * task->yielded.  A plain yield's requeue with one worker (after_poll,
 * scheduler.c) records how the task's next poll goes, so that the yield
 * loop dispatches on the byte it tests anyway: the root's body directly
 * (a lowered root), or its fn->poll (a hand-written one).  A task that
 * ever descended (descend.c) is polled through coast__task_poll, which the
 * loop leaves to the run loop: it is queued as COAST__YIELDED.
 */
enum coast__yielded {
	COAST__NOT_YIELDED,  /* queued SCHEDULED: the transition is due */
	COAST__YIELDED,      /* queued RUNNING (rule 8 of task.c) */
	COAST__YIELDED_BODY, /* the same, polled by fn->body_poll */
	COAST__YIELDED_POLL, /* the same, polled by fn->poll */
};

/*
 * State bits (low bits of task->state).  The reference count sits above
 * COAST__ST_REF_SHIFT.  The invariant of each bit is with its definition in
 * task.c; they are here so tests can inspect the word.
 */
#define COAST__ST_SCHEDULED (UINT64_C(1) << 0)
#define COAST__ST_RUNNING (UINT64_C(1) << 1)
#define COAST__ST_NOTIFIED (UINT64_C(1) << 2)
#define COAST__ST_COMPLETE (UINT64_C(1) << 3)
#define COAST__ST_JOIN_WAITING (UINT64_C(1) << 4)
#define COAST__ST_CANCELLED (UINT64_C(1) << 5)
#define COAST__ST_CONSUMED (UINT64_C(1) << 6)
#define COAST__ST_REF_SHIFT 16
#define COAST__ST_REF_ONE (UINT64_C(1) << COAST__ST_REF_SHIFT)
#define COAST__ST_FLAGS (COAST__ST_REF_ONE - 1)

/* What the caller of a wake must do. */
enum coast__notify {
	COAST__NOTIFY_NOTHING, /* already queued, running (now NOTIFIED) or done */
	COAST__NOTIFY_SUBMIT,  /* push the task; the queue's reference is taken */
	COAST__NOTIFY_DEALLOC, /* a consuming wake dropped the last reference */
	COAST__NOTIFY_REQUEUE, /* this worker's deferred task (rule 11): the
	                          consumed reference is the queue's; into the
	                          LIFO slot RUNNING (coast__schedule_running) */
};

/* After a poll returned COAST_PENDING. */
enum coast__idle {
	COAST__IDLE_OK,       /* idle; the runner's reference was dropped */
	COAST__IDLE_NOTIFIED, /* woken during the poll: push it again, the
	                         runner's reference becomes the queue's */
	COAST__IDLE_DEALLOC,  /* idle and that was the last reference */
	COAST__IDLE_CANCEL,   /* that was the last reference of a task never
	                         cancelled: now CANCELLED and SCHEDULED, the
	                         runner's reference becomes the queue's; push
	                         it for its cancellation poll */
};

/* Joining. */
enum coast__join {
	COAST__JOIN_WAITING,  /* the joiner's waker is registered */
	COAST__JOIN_COMPLETE, /* the task is done: its result is readable */
	COAST__JOIN_CANCELLED, /* the task is done by cancellation: no result */
	COAST__JOIN_TAKEN,    /* the handle was consumed before: -EINVAL */
	COAST__JOIN_HELD,     /* first poll: handle taken, task done since */
};

/* Space before the root frame, so that the frame is max_align_t aligned. */
#define COAST__TASK_HDR                                                   \
	((sizeof(struct coast_task) + _Alignof(max_align_t) - 1) &        \
	 ~(_Alignof(max_align_t) - 1))

/* The task a root frame from coast__task_alloc belongs to. */
static inline struct coast_task *coast__task_of(struct coast_frame *root)
{
	return (struct coast_task *)(void *)((char *)root - COAST__TASK_HDR);
}

/* Inline: the scheduler polls it once a poll. */
static inline struct coast_frame *coast__task_root(struct coast_task *t)
{
	return (struct coast_frame *)(void *)((char *)t + COAST__TASK_HDR);
}

/* Polls t's frames, innermost descended one first (descend.c): READY once
 * the root is, PENDING otherwise. */
int coast__task_poll(struct coast_task *t, struct coast_cx *cx);
/*
 * Polls f (a sub-future of the frame being polled) to READY or PENDING,
 * polling what it descends into itself instead of answering COAST_DESCEND
 * (descend.c): for futures polled side by side in one task (race.c), where
 * the executor must not poll one of them alone.
 */
int coast__poll_here(struct coast_frame *f, struct coast_cx *cx);

/* Makes a freshly allocated task live: refs references, SCHEDULED set. */
void coast__task_init(struct coast_task *t, unsigned refs, bool is_root);
/* The same for a spawn: queued RUNNING (rule 8 of task.c), so that its
 * first poll needs no transition.  Inline: every spawn. */
static inline void coast__task_init_running(struct coast_task *t,
					    unsigned refs)
{
	t->is_root = false;
	t->yielded = COAST__YIELDED; /* rule 8: its first poll: no transition */
	atomic_store_explicit(&t->state,
			      (uint64_t)refs * COAST__ST_REF_ONE |
				      COAST__ST_RUNNING,
			      memory_order_relaxed);
}

/* Transitions; each is one atomic step, see task.c for the rules. */
/* Returns whether the task is CANCELLED: poll it with COAST_F_CANCEL. */
bool coast__task_transition_to_running(struct coast_task *t);
/* lent: the runner lent its reference to a waker during the poll (rule 9
 * of task.c), so there is none to drop. */
enum coast__idle coast__task_transition_to_idle(struct coast_task *t,
						bool lent);
void coast__task_complete(struct coast_task *t); /* keeps the runner's ref */
void coast__task_complete_release(struct coast_task *t, bool lent);
/*
 * The same for a task polled inline by the holder of its handle
 * (coast__join_inline), consuming the handle in that step: coast_join's
 * answer (the result in out), -EINVAL when the handle was consumed
 * during the poll.  Only the runner.
 */
int coast__task_complete_joined(struct coast_task *t, bool lent, void *out);
/*
 * The poll the calling thread is making (scheduler.c's run_task), read
 * inline by the wakes and wakers of task.c: they cost a yield or a wait a
 * call each into scheduler.c.  Only the thread itself touches it; off the
 * workers it stays zero.
 */
struct coast__polling {
	struct coast_task *current; /* the task being polled, or NULL */
	struct coast_task *lifo;    /* the worker's LIFO slot */
	/* Pending after a poll that lent its reference, its transition to
	 * idle not made yet (rule 11 of task.c): still this worker's. */
	struct coast_task *deferred;
	int16_t worker;             /* this worker's index (on workers) */
	bool lent; /* current's reference went to a waker (rule 9) */
	/* The poll's budget left (coast__budget_spend, at most 255): 8 bits
	 * beside lent, one store resets both every poll. */
	uint8_t budget;
};
/*
 * The runtime's thread-locals are initial-exec: in libcoast.so an access
 * is then a load at %fs plus an offset the loader fills in once, not a
 * __tls_get_addr call (what -fPIC makes of a thread-local otherwise, and
 * of an extern one even when it is hidden).  That takes static TLS, which
 * is right for a library programs link (loaded at start); a dlopen draws
 * the few hundred bytes from glibc's surplus.  coast__polling is hidden
 * too: declared extern, the compiler cannot know it is in this module.
 */
#define COAST__TLS_IE __attribute__((tls_model("initial-exec")))
extern _Thread_local struct coast__polling coast__polling
	__attribute__((visibility("hidden"))) COAST__TLS_IE;

/*
 * For coast_waker_get: whether the calling thread is a worker polling t
 * whose reference has not been lent yet; then it is lent now (rule 9 of
 * task.c) and the waker takes no reference of its own.
 */
static inline bool coast__task_lend_ref(struct coast_task *t)
{
	if (coast__polling.current != t || coast__polling.lent || !t)
		return false;
	coast__polling.lent = true;
	return true;
}
enum coast__notify coast__task_transition_to_notified(struct coast_task *t,
						      bool consume_ref);
bool coast__task_is_complete(struct coast_task *t);
void coast__task_ref(struct coast_task *t);
void coast__task_unref(struct coast_task *t);

/*
 * Takes the spawn handle of t for a consumer (a join, a join set, a
 * detach): false when it was taken before, a double join or detach the
 * caller reports as -EINVAL.  Checked only while t is allocated (task.c).
 */
bool coast__task_take_handle(struct coast_task *t);

/* Join protocol, used by join.c; only the handle holder may call. */
enum coast__join coast__task_join_register(struct coast_task *t,
					   struct coast_cx *cx);
void coast__task_join_unregister(struct coast_task *t);
/*
 * A join's first poll (join.c): takes the handle, then registers the
 * joiner.  COAST__JOIN_WAITING: both done.  HELD: the handle is taken and
 * the task finished in between: go on as a registered join (register
 * again to read how it ended).  COMPLETE or CANCELLED: the result is
 * readable and the handle not taken yet: the caller reads it, then calls
 * coast__task_consume_release.  TAKEN: consumed before.
 */
enum coast__join coast__task_join_first(struct coast_task *t,
					struct coast_cx *cx);
/*
 * Takes the handle and drops its reference in one step (t may be freed):
 * false, and nothing done, when the handle was taken before.
 */
bool coast__task_consume_release(struct coast_task *t);

/*
 * Asks for t's cancellation poll (coast_cancel): unless t is COMPLETE, sets
 * CANCELLED and wakes t like a waker would (queueing it when idle).  Any
 * thread holding a reference to t.
 */
void coast__task_cancel(struct coast_task *t);

/* Frees a task whose reference count reached zero. */
void coast__task_dealloc(struct coast_task *t);

/* The child function of leaf futures: they never await a sub-future. */
void *coast__no_child(void *f, const struct coast_fn **cfn);

/*
 * The sub-future f awaits now, or NULL; f is a lowered function's body, or
 * the frame of a hand-written one.  *cfn is the descriptor of a lowered
 * body embedded in f (fn->subs: it has none of its own), else NULL and a
 * struct coast_frame is returned (fn->child's answer in a hand-written one).
 */
void *coast__child(const struct coast_fn *fn, void *f,
		   const struct coast_fn **cfn);

/*
 * The workers' slabs of task blocks (slab.c).  COAST__SLAB_CLASS(bytes)
 * is the size class of a block of bytes, COAST__SLAB_NONE beyond
 * COAST__SLAB_MAX (those are malloc'd): steps of 16 bytes up to 256, of
 * 64 up to 512.
 */
#define COAST__SLAB_CLASSES 13
#define COAST__SLAB_MAX 512u
#define COAST__SLAB_NONE 0xffu
static inline unsigned coast__slab_class(size_t bytes)
{
	if (bytes <= 128)
		return 0;
	if (bytes <= 256)
		return (unsigned)((bytes - 113) >> 4);
	if (bytes <= COAST__SLAB_MAX)
		return 9 + (unsigned)((bytes - 257) >> 6);
	return COAST__SLAB_NONE;
}
/* Under AddressSanitizer a slab block keeps at least this many poisoned
 * bytes after its root frame (counted when its class is chosen), so that
 * a frame overflow is reported. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COAST__SLAB_RZ 16u
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(COAST__SLAB_RZ)
#define COAST__SLAB_RZ 16u
#endif
#ifndef COAST__SLAB_RZ
#define COAST__SLAB_RZ 0u
#endif
/* coast__slab_alloc and coast__slab_free: slab.h (inline in task.c). */
/* The calling worker is about to park: takes its remote frees back and
 * gives back a few empty spans beyond what it keeps. */
void coast__slab_idle(void);
/* After the parker's fence (scheduler.c P2): whether the calling worker's
 * slab has remote frees to take back or spans to give back, so that it
 * must not sleep. */
bool coast__slab_idle_left(void);
/* Full-size frame-stack chunks (task.c): the calling worker keeps those
 * its tasks free, up to a bound, until it parks and gives them back. */
void coast__chunk_cache_enable(void);
void coast__chunk_cache_idle(void);
/* For tests: chunks kept by all workers, and ever malloc'd. */
unsigned coast__chunk_kept(void);
unsigned long coast__chunk_made(void);
/* Bytes of the slabs' spans that hold blocks (not given back), spans
 * mapped fresh, and the most spans given back at one park: for tests. */
size_t coast__slab_kept(void);
size_t coast__slab_mapped(void);
unsigned coast__slab_most_retired(void);
/*
 * The task's side of the slab (task.c): n blocks of bsize bytes at base,
 * just carved for class c, get what every task starts with and enter the
 * registry dead (R1); n blocks of a span about to be given back leave it.
 */
void coast__task_carve(char *base, size_t bsize, unsigned n, unsigned c);
void coast__task_reg_retire(char *base, size_t bsize, unsigned n);

/* Tasks allocated and not yet freed, for tests and dumps. */
size_t coast__task_live(void);

/*
 * Calls fn on every task allocated and not yet freed, and on dead blocks
 * (a reference count of zero: cached for reuse or being freed, task.c's
 * R1), holding the lock of its registry shard: fn must skip dead blocks,
 * must not free a task (nor drop a reference that may be the last) and
 * must not allocate one.
 */
void coast__task_foreach(void (*fn)(struct coast_task *t, void *arg),
			 void *arg);

/*
 * For dumps: makes an idle task RUNNING with one more reference (the
 * dumper's), so its frames hold still; false when it is queued, running,
 * complete or being freed.  Release with coast__task_unclaim.
 */
bool coast__task_claim(struct coast_task *t);
/* The state word, for printing. */
uint64_t coast__task_state(struct coast_task *t);

/* The task this thread is polling, or NULL. */
struct coast_task *coast__task_current(void);

/* ------------------------------------------------------------ scheduler */

/*
 * Queues a task whose SCHEDULED bit the caller just set (a wake).  Any
 * thread: on a worker of the runtime it goes to that worker's LIFO slot
 * (when woken by the task being polled) or local queue, elsewhere to the
 * injection queue.  See scheduler.c.
 */
void coast__schedule(struct coast_task *t);

/*
 * Whether a wake of t by the calling thread would put t in this worker's
 * LIFO slot (a worker polling a task, t not pinned to another worker):
 * then the wake makes t RUNNING and queues it with coast__schedule_running
 * (rule 8 of task.c).
 */
static inline bool coast__wake_runs_here(struct coast_task *t)
{
	return coast__polling.current &&
	       (t->home < 0 || t->home == coast__polling.worker);
}
/* The task a wake put in the LIFO slot had to leave it: to the back. */
void coast__lifo_displaced(struct coast_task *t);
static inline void coast__schedule_running(struct coast_task *t)
{
	struct coast_task *prev = coast__polling.lifo;

	t->yielded = COAST__YIELDED; /* start_running: no transition */
	coast__polling.lifo = t;
	if (prev)
		coast__lifo_displaced(prev);
}

/*
 * The inline part of coast_waker_wake for the hot wakes of the runtime (a
 * channel's hand-off: the receiver a ping-pong's sender woke, 2 of a
 * round trip's 6 calls): rule 11's requeue (task.c), when w is the task
 * this worker deferred, woken from a poll (the one after its own), not
 * NOTIFIED, and the LIFO slot is free.  Then, as coast_waker_wake would
 * (notify's REQUEUE), no word changes and the task goes to the slot, and
 * true is returned; false asks the caller for coast_waker_wake.  What
 * coast__wake_runs_here and notify would test more holds for a deferred
 * task: only one worker defers, so its home is that worker or none, and
 * it is RUNNING, its runner's, so neither SCHEDULED nor COMPLETE; only
 * another thread's wake or cancel (NOTIFIED) changes its word meanwhile.
 * A task the slot holds would have to leave it by a call: the caller's,
 * which may then save no registers for one here.
 */
static inline __attribute__((always_inline)) bool
coast__waker_wake_deferred(coast_waker *w)
{
	struct coast_task *t = (struct coast_task *)(void *)w;

	if (t != coast__polling.deferred || !t || !coast__polling.current ||
	    coast__polling.lifo ||
	    (atomic_load_explicit(&t->state, memory_order_relaxed) &
	     COAST__ST_NOTIFIED))
		return false;
	coast__polling.deferred = NULL;
	t->yielded = COAST__YIELDED; /* the worker's start_running: no transition */
	coast__polling.lifo = t;
	return true;
}

/*
 * Disposes of a root frame that will not run (rule 5 of future.h): it gets
 * its cancellation poll as a detached task, so that the arguments it owns
 * are released; freed as it is only if the runtime could not start.
 */
void coast__discard_root(struct coast_frame *root);

/*
 * Queues a task just made by a spawn (its SCHEDULED bit set by
 * coast__task_init): the back of the spawning worker's queue, the
 * injection queue off the runtime, its home worker's for a local task.
 */
void coast__schedule_new(struct coast_task *t);

/*
 * Ends a dump's claim like a runner ends a pending poll: a wake that came
 * meanwhile queues the task, and the claim's reference is dropped.  A task
 * whose last reference that was is added to *freed (through t->next) for
 * the caller to free with coast__task_dealloc outside the registry lock.
 */
void coast__task_unclaim(struct coast_task *t, struct coast_task **freed);
/*
 * For a dump on a worker (from a poll): makes the transition to idle that
 * rule 11 of task.c put off, so that the task it was deferred for is
 * listed waiting with its awaits, not running.  Nothing off the workers.
 */
void coast__settle_deferred(void);

/*
 * A join's first poll (join.c), from inside the joiner's poll: if t is
 * the task this worker would run next from its own queues, takes it out
 * and polls it right here (scheduler.c, "inline joins"); 1 when that
 * poll completed it and the join with it: the handle consumed, the
 * result in out, coast_join's answer in *ret (-EINVAL for a handle the
 * task consumed itself).  0, with nothing done, off the workers, beyond
 * the nesting cap, with the joiner's budget spent, or for any other t;
 * 0 too for a t polled and left pending (the join waits).  (An int: the
 * companion's answer, returned by a tail call.)
 */
int coast__join_inline(struct coast_task *t, void *out, int *ret);
/* For tests: the tasks joins took inline from a ring with the owner's
 * CAS pop (several workers), all workers together. */
unsigned long coast__inline_cas_pops(void);

/* The index of the worker the calling thread is, or -1 off the runtime. */
int coast__worker_id(void);
/* Workers of the running runtime (0 before it started). */
unsigned coast__worker_count(void);
/* A push made worker id's remote-free stack non-empty (slab.c): unparks
 * the worker if it is idle, so that it takes the blocks back. */
void coast__worker_slab_wake(int id);

/*
 * The cooperative budget: each poll of a task may complete this many
 * operations without suspending before leaf futures make it yield.
 * coast__budget_spend takes one unit; false means "exhausted: wake yourself
 * and return COAST_PENDING".  Always true off the runtime.
 */
#define COAST__BUDGET 128
_Static_assert(COAST__BUDGET <= UINT8_MAX, "coast__polling.budget is 8 bits");
bool coast__budget_spend(void);

/*
 * Starts the dump thread and the SIGQUIT handler when COAST_DUMP_ON_SIGQUIT
 * is set (dump.c); called once when the runtime starts.  0 or -errno.
 */
int coast__dump_install(void);

/* ---------------------------------------------------------------- scopes */

/*
 * The runner of a scope's task t calls this after t completed (scope.c),
 * with the scope's reference to t still held; it drops that reference.
 */
void coast__scope_task_done(struct coast_task *t);

/* ------------------------------------------------------------ run queues */

/*
 * A worker's bounded local run queue (queue.c): a ring of task pointers,
 * pushed and popped by its owner, stolen from by other workers.  The
 * capacity is a power of two; test builds may shrink it.
 */
#ifndef COAST_LOCAL_QUEUE_CAP
#define COAST_LOCAL_QUEUE_CAP 256u
#endif

struct coast__local_queue {
	/* Low 32 bits: "real" head (next pop); high: "steal" head (first
	 * slot a stealer is still copying).  Equal when nobody steals. */
	_Atomic uint64_t head;
	/* Next push position; only the owner writes it. */
	_Atomic uint32_t tail;
	_Atomic(struct coast_task *) buf[COAST_LOCAL_QUEUE_CAP];
};

/* The global injection queue: a mutex-protected FIFO through task->next. */
struct coast__inject {
	pthread_mutex_t lock;
	struct coast_task *head, *tail;
	_Atomic size_t len; /* written under lock, read without for hints */
};

void coast__local_init(struct coast__local_queue *q);
/* coast__local_push when the ring has no room (queue.c's rule 5). */
void coast__local_push_full(struct coast__local_queue *q, struct coast_task *t,
			    struct coast__inject *inject);

/* Owner only: t into the free slot at tail (queue.c's rule 1). */
static inline void coast__local_put(struct coast__local_queue *q,
				    struct coast_task *t, uint32_t tail)
{
	atomic_store_explicit(&q->buf[tail & (COAST_LOCAL_QUEUE_CAP - 1)], t,
			      memory_order_relaxed);
	/* release: rule 1, publishes the slot and the task. */
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
}

/* Owner only: t to the back, unless the ring has no room (false). */
static inline bool coast__local_push_room(struct coast__local_queue *q,
					  struct coast_task *t)
{
	/* acquire: a stealer's release of steal lets us reuse slots. */
	uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	/* relaxed: only this thread writes tail. */
	uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (tail - (uint32_t)(head >> 32) >= COAST_LOCAL_QUEUE_CAP)
		return false;
	coast__local_put(q, t, tail);
	return true;
}

/*
 * Owner only.  Overflow moves half the queue (and t) to inject.  Inline:
 * a yield pushes once, and the call cost as much as the push.
 */
static inline void coast__local_push(struct coast__local_queue *q,
				     struct coast_task *t,
				     struct coast__inject *inject)
{
	if (!coast__local_push_room(q, t))
		coast__local_push_full(q, t, inject);
}

/* Owner only: the oldest task, or NULL. */
struct coast_task *coast__local_pop(struct coast__local_queue *q);

/* Owner only: pops the oldest task if it is t (a CAS); false if it is
 * not, or a stealer moved the head. */
bool coast__local_pop_if(struct coast__local_queue *q, struct coast_task *t);

/* Any thread: a hint (exact only for the owner). */
uint32_t coast__local_len(struct coast__local_queue *q);
/*
 * The owner of dst steals half of src into dst and returns one of the
 * stolen tasks (NULL when there was nothing or another stealer is busy
 * with src).
 */
struct coast_task *coast__local_steal(struct coast__local_queue *src,
				      struct coast__local_queue *dst);

void coast__inject_init(struct coast__inject *q);
void coast__inject_push(struct coast__inject *q, struct coast_task *t);
/* Pushes the list first..last of n tasks (linked through next). */
void coast__inject_push_list(struct coast__inject *q, struct coast_task *first,
			     struct coast_task *last, size_t n);
/* Up to max tasks, oldest first, as a list; *n is set to the count. */
struct coast_task *coast__inject_pop_batch(struct coast__inject *q, size_t max,
					   size_t *n);
static inline size_t coast__inject_len(struct coast__inject *q)
{
	return atomic_load_explicit(&q->len, memory_order_relaxed);
}

/* ---------------------------------------------------------------- timers */

#define COAST__TIMER_NONE SIZE_MAX

/*
 * An intrusive timer.  All fields belong to the heap's owner and are only
 * touched under its lock; index is COAST__TIMER_NONE when not in a heap.
 */
struct coast__timer {
	uint64_t deadline; /* ms on CLOCK_MONOTONIC */
	uint64_t seq;      /* insertion order: FIFO among equal deadlines */
	size_t index;      /* position in the heap array */
	coast_waker *waker;
};

/* A binary min-heap of timers ordered by (deadline, seq). */
struct coast__timer_heap {
	struct coast__timer **v;
	size_t len;
	size_t cap;
	uint64_t seq;
};

/* The heap functions do no locking: call them under the owner's lock. */
void coast__timer_init(struct coast__timer *t);
int coast__timer_heap_insert(struct coast__timer_heap *h,
			     struct coast__timer *t);
void coast__timer_heap_remove(struct coast__timer_heap *h,
			      struct coast__timer *t);
struct coast__timer *coast__timer_heap_min(const struct coast__timer_heap *h);
void coast__timer_heap_free(struct coast__timer_heap *h);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t coast__now_ms(void);

/*
 * The runtime's timers (reactor.c).  start arms t to wake w at deadline;
 * on success the timer owns w, on -ENOMEM the caller still does.  cancel
 * disarms t and returns the waker it owned, or NULL when t already fired
 * (its waker was woken and consumed).  fired says whether an armed timer has
 * fired.  Any thread.
 */
int coast__timer_start(struct coast__timer *t, uint64_t deadline,
		       coast_waker *w);
coast_waker *coast__timer_cancel(struct coast__timer *t);
bool coast__timer_fired(struct coast__timer *t);
/* Armed timers of the runtime, for tests. */
size_t coast__timer_count(void);

/* --------------------------------------------------------------- reactor */

/* Directions of an fd wait. */
#define COAST__IO_READ 0x1u
#define COAST__IO_WRITE 0x2u

/*
 * One task waiting for an fd to become ready, an intrusive node (in the
 * waiting frame) on the fd's wait list.  All fields but fd and events
 * belong to the reactor and are touched under the fd's lock; linked says
 * whether the node is on the list (armed, not yet fired or cancelled), and
 * is also read without the lock by its own frame (coast__io_wait_fired).
 */
struct coast__io_wait {
	struct coast__io_wait *next, *prev;
	coast_waker *waker;
	int fd;
	unsigned events; /* COAST__IO_* */
	_Atomic bool linked;
};

/*
 * The fd-wait protocol mirrors the timers' (reactor.c, F1-F6).  An
 * operation reads coast__io_tick(fd) before its syscall; after EAGAIN,
 * start arms w for fd with that tick: 0 (the reactor now owns waker),
 * -EAGAIN when an event came since the tick (try the syscall again), or
 * -EBADF, -EPERM for fds epoll refuses, -ENOMEM (the caller still owns
 * waker).  cancel disarms and returns the waker, or NULL when w already
 * fired; fired says whether an armed wait fired.  An error or hang-up on
 * the fd fires every wait on it.  Any thread.
 */
void coast__io_wait_init(struct coast__io_wait *w);
uint32_t coast__io_tick(int fd);
int coast__io_wait_start(struct coast__io_wait *w, int fd, unsigned events,
			 coast_waker *waker, uint32_t tick);
coast_waker *coast__io_wait_cancel(struct coast__io_wait *w);
bool coast__io_wait_fired(struct coast__io_wait *w);
/* Waits armed on fd, for tests. */
size_t coast__io_wait_count(int fd);
/*
 * fd_new: accept or connect made fd, a new file (stream: SOCK_STREAM).
 * The hints of reactor.c's fd slots: hint_ended says fd's stream ended or
 * failed (it may be closed and its number reused); hint_short records a
 * short read (COAST__IO_READ) or write (COAST__IO_WRITE) whose syscall
 * came after tick; hint_take says, once, whether the last operation in
 * dir was short, and gives that tick.
 */
void coast__io_fd_new(int fd, bool stream);
void coast__io_hint_ended(int fd);
void coast__io_hint_short(int fd, unsigned dir, uint32_t tick);
bool coast__io_hint_take(int fd, unsigned dir, uint32_t *tick);

/*
 * The driver (reactor.c): the epoll instance and the timer heap, polled by
 * one parked worker at a time (scheduler.c).  init is called once when the
 * runtime starts: 0 or -errno.
 */
int coast__reactor_init(void);
/* The driver lock: try_lock gives it to the caller or says another has it. */
bool coast__driver_try_lock(void);
void coast__driver_unlock(void);
/*
 * Holder of the driver lock only: waits for fd events, an interrupt or the
 * earliest timer (not at all when block is false), wakes the tasks of
 * ready waits and expired timers, and returns how many it woke.
 */
size_t coast__driver_turn(bool block);
/* Makes a blocking turn return soon.  Any thread. */
void coast__driver_interrupt(void);
/* Turns that did not block and asked the kernel for events (none before
 * an fd was registered: reactor_epoll.c), for tests. */
unsigned long coast__driver_polls(void);

/* ---------------------------------------------------------------- io_uring */

/*
 * One I/O operation submitted to a worker's io_uring (uring.c), an
 * intrusive node in the frame of the leaf that made it.  The kernel owns
 * the leaf's buffer from the submission until the op's CQE; only then is
 * the state DONE (release: res is written before), after which the ring
 * forgets the op.  A cancel asked for on another thread waits in the
 * ring's inbox (state CANCEL_QUEUED) until the owner submits it.
 */
enum { COAST__URING_INFLIGHT = 1, COAST__URING_CANCEL_QUEUED,
       COAST__URING_CANCEL_SENT, COAST__URING_DONE };

struct coast__uring;

struct coast__uring_op {
	_Atomic int state;
	int res;
	coast_waker *waker;	    /* consumed by the CQE */
	struct coast__uring *ring;  /* submitted to */
	struct coast__uring_op *next; /* in ring's inbox, under its lock */
};

/* COAST_IO=uring: read once when the runtime starts (scheduler.c). */
bool coast__uring_wanted(void);
/* The calling worker's ring, made on its own thread (SINGLE_ISSUER):
 * NULL when io_uring is unavailable (the worker uses epoll). */
struct coast__uring *coast__uring_start(void);
/* The calling thread's ring, or NULL. */
struct coast__uring *coast__uring_mine(void);
/*
 * Queues op on the calling thread's ring (submitted at its next turn), a
 * send (write) or receive (else) with msg_flags, or with file a write(2)
 * at the file position (write set: a read of a file is never a ring op,
 * io.c): the ring owns w until the CQE.  0, or
 * -ENODEV when this thread has no ring (the caller still owns w).
 */
int coast__uring_submit(struct coast__uring_op *op, bool write, bool file,
			int fd, void *buf, size_t n, int msg_flags,
			coast_waker *w);
/* The same for an accept4(fd, addr, addrlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
 * addr and addrlen stay the kernel's until the CQE. */
int coast__uring_accept(struct coast__uring_op *op, int fd,
			struct sockaddr *addr, socklen_t *addrlen,
			coast_waker *w);
/* Whether op's CQE came (acquire: res is there). */
bool coast__uring_done(struct coast__uring_op *op);
/*
 * Asks the kernel to cancel op (once; later calls only look): true when
 * its CQE already came, else the CQE will wake op's waker.  Any thread.
 */
bool coast__uring_cancel(struct coast__uring_op *op);
/*
 * The owner's turn of its ring: submits what is queued (and the cancels
 * in its inbox), waits up to timeout_ms (0: not at all, -1: no bound) for
 * a completion or a kick, and completes what came: returns the ops it
 * completed.  With epfd >= 0 a blocking turn also wakes when epfd is
 * readable, and sets *epfd_ready.
 */
size_t coast__uring_turn(int timeout_ms, int epfd, bool *epfd_ready);
/* Ends a blocking turn of r's owner (or its next one).  Any thread. */
void coast__uring_kick(struct coast__uring *r);
/* For tests: ops in flight on every ring; the rings made (the workers
 * started so far that have one); non-blocking turns that asked the kernel
 * (coast__driver_polls' counterpart). */
size_t coast__uring_ops(void);
unsigned coast__uring_rings(void);
unsigned long coast__uring_polls(void);
/* For tests: the next this many enters that would make room in a full SQ
 * are skipped, as if the kernel refused them (EBUSY). */
extern _Atomic unsigned coast__uring_refuse;

/*
 * What a cancelled ring op took before its cancel (carry.c): a read's
 * bytes, an accept's socket, kept for fd's next read or accept.  keep is
 * false when out of memory.  take is false when nothing is kept for fd
 * (one relaxed load when nothing is kept at all); else the bytes copied
 * (*r, left kept if peek) or the socket.  kept: entries, for tests.
 */
bool coast__carry_keep_bytes(int fd, const void *buf, size_t n);
bool coast__carry_keep_socket(int fd, int sock);
bool coast__carry_take_bytes(int fd, void *buf, size_t n, bool peek,
			     ssize_t *r);
bool coast__carry_take_socket(int fd, int *sock);
size_t coast__carry_kept(void);

/* --------------------------------------------------------- blocking pool */

/* How long a pool thread waits for work before it exits (blocking.c);
 * tests shorten it before the first coast_blocking. */
extern uint64_t coast__blocking_idle_ms;
/* Threads of the blocking pool now, for tests. */
unsigned coast__blocking_threads(void);

/* ------------------------------------------------------------------ sync */

/* Futures waiting on ch / m now, for tests (chan.c, mutex.c). */
size_t coast__chan_waiters(coast_chan *ch);
size_t coast__mutex_waiters(coast_mutex *m);

#endif /* COAST_INTERNAL_H */
