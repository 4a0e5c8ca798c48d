/*
 * task.c - tasks: allocation with the root frame, the state word and its
 * transitions, reference counting, wakers, the join handshake and the
 * per-task frame stack.
 *
 * Nothing here knows about run queues or threads: the scheduler
 * (scheduler.c) pops a task, calls coast__task_transition_to_running,
 * polls, and then either coast__task_complete_release or
 * coast__task_transition_to_idle; wakes that must queue a task call
 * coast__schedule.
 *
 * The state word
 * --------------
 * task->state holds five flag bits and, above COAST__ST_REF_SHIFT, the
 * reference count.  Every change is one compare-and-swap on the whole word,
 * so a transition sees flags and count consistently (the shape of tokio's
 * runtime/task/state.rs).
 *
 *   SCHEDULED     the task is in a run queue, or is about to be pushed by
 *                 the thread that set the bit.  The queue owns one reference.
 *                 Never together with RUNNING or COMPLETE.
 *   RUNNING       exactly one thread is polling the root frame; it owns the
 *                 reference the queue had.  Only that thread touches the
 *                 frames and the frame stack.  A task that yielded stays
 *                 RUNNING in the queue its runner put it back in, and one
 *                 woken into a LIFO slot is queued RUNNING (rule 8; task->
 *                 yielded, scheduler.c): the reference is the queue's.
 *   NOTIFIED      woken while RUNNING.  Only set together with RUNNING; the
 *                 runner turns it into SCHEDULED after a pending poll.  It
 *                 holds a reference, the queue's to be (rule 9).
 *   COMPLETE      the root frame returned COAST_READY.  Its result is
 *                 readable by whoever saw the bit with acquire ordering; the
 *                 task is never polled or queued again.
 *   JOIN_WAITING  task->join_waker holds the joiner's waker.  While clear,
 *                 the handle holder owns the field; once set, the thread that
 *                 sets COMPLETE owns it (and wakes it).
 *   CANCELLED     the task is to be dropped at its current suspension point:
 *                 every poll from the one after the bit was set on is a
 *                 cancellation poll (the runner sets COAST_F_CANCEL in the
 *                 root frame's flags, which only the runner touches).  Never
 *                 cleared before COMPLETE; with COMPLETE it means "ended by
 *                 a cancellation poll: no result" (rule 6).
 *   CONSUMED      the spawn handle was taken by a join, a join set or a
 *                 detach (coast__task_take_handle).  Never cleared.
 *
 * Consuming a handle twice: the handle's reference keeps the task
 * allocated until the handle is consumed *and* the task has completed (and
 * its wakers are gone), so a second consume finds CONSUMED set whenever it
 * comes while the first consumer still waits, or after a detach of a task
 * that has not finished: that is checked and answered with -EINVAL.  A
 * consume after a join returned, or after a detach of a finished task,
 * reads a freed task: no bit can say so without keeping every task alive
 * (a use after free, which AddressSanitizer reports).
 *
 * References are held by: the handle (spawn) or block_on, the run queue
 * while SCHEDULED (the runner while RUNNING), and every waker.  The task is
 * freed when the count reaches zero.
 *
 * Rules
 *  1. A wake (coast__task_transition_to_notified) always performs a
 *     successful CAS, even when it changes no flag (but by the runner's
 *     own thread before it let the task go: rule 11).
 *  2. Only the thread that moved the task from idle to SCHEDULED (or to
 *     RUNNING, rule 8) pushes it, so a task is in at most one queue once.
 *  3. After a pending poll, the runner clears RUNNING and, in the same step,
 *     either turns NOTIFIED into SCHEDULED (and pushes) or drops its
 *     reference.
 *  4. COMPLETE is set by the runner in the step that clears RUNNING (and,
 *     in the scheduler, drops the runner's reference: whoever sees
 *     COMPLETE then holds the last references).
 *  5. Cancelling (coast__task_cancel) sets CANCELLED and wakes, in one CAS,
 *     unless COMPLETE or CANCELLED is already set; so a task is cancelled
 *     at most once, and the wake makes the next poll (on whichever worker)
 *     a cancellation poll.  Nobody but the runner writes frame->flags.
 *  6. The step that sets COMPLETE keeps CANCELLED only if the root frame
 *     was actually polled with COAST_F_CANCEL (task->cancel_polled): a
 *     cancel that lands during the poll that completes normally loses,
 *     and the result stands.
 *  7. The last reference of a task that is not COMPLETE (a pending task
 *     nothing can wake: no handle, no waker, not queued) is not freed but
 *     resurrected for a cancellation poll: whoever dropped it sets
 *     CANCELLED | SCHEDULED with one reference (the queue's) and pushes it.
 *     With a count of zero nobody else can see the task, so a plain store
 *     suffices (in unref); in transition_to_idle it is the same CAS.  A
 *     task that loses its last reference again while CANCELLED (its
 *     cancellation poll returned pending without arranging a wake: a
 *     broken future) is freed as is.
 *  8. A task may be queued RUNNING (task->yielded): by its runner when it
 *     yields, by a spawn (coast__task_init_running), and by a wake from a
 *     task being polled on the worker whose LIFO slot it goes to
 *     (coast__wake_runs_here), which makes it RUNNING instead of
 *     SCHEDULED in the wake's CAS.  (A dump lists such a task as
 *     running.)  The worker that
 *     pops it polls it without transition_to_running (one CAS a wake
 *     fewer); wakes meanwhile find it RUNNING and set NOTIFIED, which the
 *     transition after that poll sees.
 *  9. The runner lends its reference to the first waker the poll takes
 *     (coast_waker_get from a worker's poll of that task, scheduler.c):
 *     no atomic add, and the transition after the poll drops no
 *     reference for the runner (coast__task_transition_to_idle and
 *     coast__task_complete_release with lent).  Then the count may reach
 *     zero while RUNNING (the waker dropped during the poll): the drop
 *     leaves it to the runner, whose transition sees zero and frees or
 *     resurrects (rule 7).  A wake that finds the task RUNNING must not
 *     free it either, which is why NOTIFIED holds a reference of its own
 *     (the consumed waker's, or one added), turned into the queue's by
 *     transition_to_idle and dropped by complete.
 * 10. The last reference of a COMPLETE task (typically a join's or
 *     block_on's, after the completer dropped the runner's) is dropped
 *     without an RMW: an acquire load that finds COMPLETE and a count of
 *     one is followed by a plain store of the count and the free
 *     (last_of_complete).  Nothing else can write the word then: every
 *     RMW but a misused second consume needs a reference or finds
 *     COMPLETE and backs off without writing (claims, cancels).
 11. After a pending poll whose reference went to a waker (rule 9), a
 *     worker makes the transition to idle only after its next poll
 *     (coast__polling.deferred, scheduler.c): until then the task stays
 *     RUNNING, its runner's.  A wake that consumes a waker of it on that
 *     worker during that poll (typically the completion of the task it
 *     joins, polled right after it) changes no word: the runner requeues
 *     it RUNNING into the LIFO slot as after a yield (rule 8), and the
 *     consumed waker's reference, the runner's lent one, becomes the
 *     queue's.  That is the state the transition to idle and the wake's
 *     CAS would have left, without either RMW.  Wakes from elsewhere
 *     meanwhile find it RUNNING and set NOTIFIED (rule 9), which the
 *     transition after its next poll, or the deferred one, sees; a count
 *     that reached zero is the deferred transition's, as in rule 9.  Its
 *     next poll runs on this thread after the wake (program order), or
 *     from a queue whose push and pop order it as a yield's.  The delay
 *     is one poll of another task: the worker makes the transition before
 *     it looks for work elsewhere or parks.  Only with one worker: with
 *     several, a task whose poll spins until another task makes progress
 *     would hold that task RUNNING, which a second worker could have run
 *     (with one, nothing runs it during that poll anyway).  A dump
 *     on that worker (from that poll) makes the deferred transition
 *     first (coast__settle_deferred), then claims the task as any idle
 *     one.  A dump from another thread cannot claim it (RUNNING) and
 *     lists it as running without its frames for that one poll: the
 *     requeue has no RMW it could order its reads of the frames against.
 *
 * Why no wake-up is lost: by rule 1 every wake is an RMW on the word (but
 * rule 11's requeue, made by the runner's own thread while the task is
 * still its own: program order places it, and its argument is rule 11's),
 * so wakes and the runner's transitions are totally ordered.  A wake ordered
 * before transition_to_running is acquired by it, so the poll sees whatever
 * the waker published before waking.  A wake between transition_to_running
 * and transition_to_idle finds RUNNING and sets NOTIFIED, which rule 3 turns
 * into another poll.  A wake after transition_to_idle finds the task idle and
 * queues it (rule 2).  Without rule 1, a waker that saw SCHEDULED and did not
 * write could be ordered after the runner's read of its data (store-load).
 *
 * The join handshake: the joiner stores its waker in join_waker and then sets
 * JOIN_WAITING by CAS unless COMPLETE is set; the completer sets COMPLETE and
 * reads JOIN_WAITING in one step.  So exactly one of them owns the waker
 * afterwards: the joiner when its CAS failed, the completer otherwise.  A
 * joiner that stops waiting clears JOIN_WAITING by CAS unless COMPLETE is
 * set; when it is, the completer still wakes the (stale) waker, which is
 * harmless: a spurious wake.  The joiner's waker is a reference to the
 * joining task, and a join frame is polled by that one task only, so a
 * registered waker never needs replacing.
 *
 * The registry
 * ------------
 * Every task block is on one of REG_SHARDS lists (the shard of the thread
 * that allocated it: its worker's, or a per-thread pick elsewhere), for
 * coast_dump_tasks and scope cancellation.  A shard is a spinlock and a
 * list through t->reg_*.  A slab block (slab.c) enters the registry when
 * its span is carved, 64 blocks under one lock, and stays linked while it
 * is free and when it is handed out again, so a spawn and a free on its
 * owner take no lock: the registry holds dead blocks, and its walkers
 * skip them.  A malloc'd block is linked from its malloc to its free.
 *  R1. A dead block has a reference count of zero (its last drop made it
 *      so, or the carve's store of 0; a block being allocated keeps its last
 *      task's dead word until init); claims fail on
 *      it and a dump does not list it.  Only the state word and the scope
 *      of a dead block are read by walkers, atomically (a free block's
 *      link is t->next, which they do not read).
 *  R2. Links change only under the shard's lock: a slab block is linked
 *      when carved and unlinked when its span is given back (which only
 *      an empty span is, by its owner: no block of it is in use or on a
 *      remote stack); a malloc'd one from malloc to free (and, under
 *      AddressSanitizer, a slab block only while allocated: it is
 *      poisoned while free).  A walker holding the lock sees every block
 *      it passes stay mapped, dead or alive.
 *  R3. The scope of a freed block is cleared under the lock before the
 *      block goes back to its slab, so a walker that sees t->scope == s
 *      under the lock looks at that task of s or at its dying block
 *      (COMPLETE or CANCELLED: a cancel leaves it alone), never at a
 *      reuse of the block by a task of another scope.
 * Live tasks are counted per worker (made, freed: plain stores by their
 * owner) and with atomics for other threads; coast__task_live reads the
 * freed counts before the made ones, so it never counts a free whose
 * allocation it missed.
 *
 * Dumps and the state word: a dump reads a task's frames only after
 * claiming it (coast__task_claim): an idle task (no SCHEDULED, RUNNING or
 * COMPLETE) with references is made RUNNING with one more reference, as
 * if a worker polled it, so its frames cannot change underneath (wakes
 * meanwhile set NOTIFIED); the dumper then releases it like a runner after
 * a pending poll (scheduler.c, coast__task_unclaim).  Running and queued
 * tasks are listed without their frames.
 *
 * Task blocks
 * -----------
 * A task block (header and root frame) is one allocation.  On a worker,
 * blocks of up to COAST__SLAB_MAX bytes come from the worker's slab
 * (slab.c): a spawn and a free on the same worker are a pop and a push
 * with no atomic, however many tasks live (glibc's malloc and free of a
 * multi-threaded process cost about 330 instructions and three atomic
 * read-modify-writes).  A block freed on another thread goes back to its
 * owner's slab.  Threads other than workers, and bigger blocks, use
 * malloc.
 *
 * The frame stack
 * ---------------
 * cx->frames hands out frames of callees whose size the caller cannot know.
 * Callers free in reverse order (awaiting is nested), so a bump allocator in
 * chunks suffices: a full chunk gets a successor from malloc and frames
 * already handed out never move.  The room left in the top chunk is
 * [frames.cur, frames.end), which lowered code bumps inline
 * (coast__frame_alloc, coast__frame_free in future.h); each chunk's header
 * sits at the end of its frames, so frames.end is also the top chunk (NULL
 * before the first frame).  A chunk that empties stays on top until a frame
 * of the chunk below is freed (the inline free sees only the top chunk):
 * it is popped then and kept as the spare, so that a frame straddling a
 * chunk boundary in a loop does not malloc each time.  The bottom chunk
 * stays until the task is freed.  Under AddressSanitizer the frame stack's
 * free memory is poisoned and each frame followed by a redzone (see
 * FRAME_RZ), and every allocation takes the out-of-line paths.
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "slab.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COAST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(COAST_ASAN)
#define COAST_ASAN 1
#endif
#ifdef COAST_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/*
 * A task with a root frame of up to 24 bytes (a small lowered function's)
 * is then one malloc chunk of 128 bytes, which glibc serves from its fast
 * bins; beyond that every spawn and free took the sorted bins' slow path.
 */
_Static_assert(COAST__TASK_HDR <= 96,
	       "the task header fits malloc's fast bins");

#ifndef COAST_FRAME_CHUNK
#define COAST_FRAME_CHUNK 4096 /* bytes of frames in the bottom chunk */
#endif
/* Each chunk above has twice the room of the one below, up to this: a
 * recursion 10,000 deep mallocs and frees 11 chunks, not 117, each time it
 * unwinds; below malloc's mmap threshold (128 KiB). */
#define COAST_FRAME_CHUNK_MAX (64u << 10)
_Static_assert(COAST_FRAME_CHUNK % alignof(max_align_t) == 0,
	       "a chunk's header, after its frames, is aligned like them");

#define REFS(s) ((s) >> COAST__ST_REF_SHIFT)

/* At the end of its chunk's cap bytes of frames (so aligned like them). */
struct coast__chunk {
	struct coast__chunk *prev;  /* the chunk below, or NULL */
	struct coast__chunk *spare; /* the top chunk's: an empty one, kept */
	char *cur;                  /* below the top: its frames.cur */
	size_t cap;
} __attribute__((aligned(__alignof__(max_align_t))));

#define REG_SHARDS 64

/* Under AddressSanitizer a free slab block is poisoned (so that a use of
 * a freed task is reported), and walkers must not read it: it is in the
 * registry only while allocated (R2). */
#ifdef COAST_ASAN
#define SLAB_LINKED 0
#else
#define SLAB_LINKED 1
#endif

struct reg_shard {
	_Alignas(64) atomic_bool locked;
	struct coast_task *head;
};

static struct reg_shard reg[REG_SHARDS];
static atomic_uint reg_next;

/* Tasks made and freed: slot w by worker w alone (w < REG_SHARDS), with
 * plain stores; other threads' in live_other, with atomic adds. */
struct live_count {
	_Alignas(64) _Atomic uint64_t made;
	_Atomic uint64_t freed;
};

static struct live_count live_worker[REG_SHARDS];
static struct live_count live_other;

/*
 * The calling thread's shard, whether it is a worker and its live count,
 * found at its first use: a thread is a worker from its start
 * (worker_main) or never.  (Asking the scheduler each time cost 20
 * instructions a spawn.)
 */
static _Thread_local int here_shard COAST__TLS_IE = -1;
static _Thread_local bool here_worker COAST__TLS_IE;
static _Thread_local struct live_count *here_live COAST__TLS_IE;

static void reg_lock(struct reg_shard *r)
{
	coast__spin_lock(&r->locked);
}

static void reg_unlock(struct reg_shard *r)
{
	coast__spin_unlock(&r->locked);
}

static __attribute__((noinline)) void here_init(void)
{
	int w = coast__worker_id();

	here_worker = w >= 0;
	if (here_worker) {
		here_shard = w % REG_SHARDS;
		if (w < REG_SHARDS)
			here_live = &live_worker[w];
	} else {
		here_shard = (int)(atomic_fetch_add_explicit(
					   &reg_next, 1, memory_order_relaxed) %
				   REG_SHARDS);
	}
}

/* The allocating thread's shard: its worker's, or one picked once. */
static unsigned reg_shard_here(void)
{
	if (here_shard < 0)
		here_init();
	return (unsigned)here_shard;
}

static bool on_worker(void)
{
	if (here_shard < 0)
		here_init();
	return here_worker;
}

/* The plain stores of live_count, in this worker's slot. */
static inline void live_count_here(struct live_count *l, bool freed)
{
	memory_order mo = freed ? memory_order_release : memory_order_relaxed;
	_Atomic uint64_t *n = freed ? &l->freed : &l->made;

	atomic_store_explicit(n, atomic_load_explicit(n, memory_order_relaxed) + 1,
			      mo);
}

/* live_count's first call on a thread, and every call off the workers
 * (and on workers past REG_SHARDS): an atomic add in live_other. */
static __attribute__((noinline)) void live_count_slow(bool freed)
{
	if (here_shard < 0)
		here_init();
	if (here_live) {
		live_count_here(here_live, freed);
		return;
	}
	atomic_fetch_add_explicit(freed ? &live_other.freed : &live_other.made,
				  1,
				  freed ? memory_order_release
					: memory_order_relaxed);
}

/* Counts a task made or freed, in this thread's slot (a plain store) or
 * with an atomic add in live_other; a free with release: whoever sees the
 * count drop sees all the task did, and may free what it used.  Only
 * here_live is tested: it is set on a worker once here_init ran. */
static inline void live_count(bool freed)
{
	struct live_count *l = here_live;

	if (__builtin_expect(!l, 0)) {
		live_count_slow(freed);
		return;
	}
	live_count_here(l, freed);
}

/* Both run under r's lock. */
static void reg_link(struct reg_shard *r, struct coast_task *t)
{
	t->reg_prev = NULL;
	t->reg_next = r->head;
	if (r->head)
		r->head->reg_prev = t;
	r->head = t;
}

static void reg_unlink(struct reg_shard *r, struct coast_task *t)
{
	if (t->reg_prev)
		t->reg_prev->reg_next = t->reg_next;
	else
		r->head = t->reg_next;
	if (t->reg_next)
		t->reg_next->reg_prev = t->reg_prev;
}

static void reg_add(struct coast_task *t)
{
	struct reg_shard *r;

	t->reg_shard = (uint16_t)reg_shard_here();
	r = &reg[t->reg_shard];
	reg_lock(r);
	reg_link(r, t);
	reg_unlock(r);
}

static void reg_remove(struct coast_task *t)
{
	struct reg_shard *r = &reg[t->reg_shard];

	reg_lock(r);
	reg_unlink(r, t);
	reg_unlock(r);
}

/* R3: before a freed block of a scope's task is cached, linked. */
static void reg_forget_scope(struct coast_task *t)
{
	struct reg_shard *r = &reg[t->reg_shard];

	reg_lock(r);
	atomic_store_explicit(&t->scope, NULL, memory_order_relaxed);
	reg_unlock(r);
}

static void *stack_alloc(struct coast_alloc *a, size_t size);
static void stack_free(struct coast_alloc *a, void *p, size_t size);

/*
 * What every task starts with, stored once per slab block when it is
 * carved (and in a malloc'd block when it is allocated): a free block
 * keeps it, since each free puts back what the task changed (no frame
 * stack, nothing descended, no scope: task_dealloc_slow; the fast free
 * takes only blocks that have none), so a spawn's allocation stores only
 * home and cancel_polled (was 13 fields, 3 of them stored again by the
 * spawn's init).  The rest is the init's: state, is_root, yielded
 * (coast__task_init, coast__task_init_running); next is set by every
 * list a task enters, join_waker before JOIN_WAITING.
 */
static void block_init(struct coast_task *t, unsigned c)
{
	/* Atomic stores: a walker may read a linked block's (R1, R3). */
	atomic_store_explicit(&t->state, 0, memory_order_relaxed);
	atomic_store_explicit(&t->scope, NULL, memory_order_relaxed);
	t->blk_class = (uint8_t)c;
	t->frames.alloc = stack_alloc;
	t->frames.free = stack_free;
	t->frames.cur = NULL;
	t->frames.end = NULL;
	t->descended = NULL;
}

/*
 * R1, R2: a span's blocks enter the registry when carved, dead (a count of
 * zero, no scope), all at once under the carving worker's shard lock; they
 * stay linked while free and allocated again, so a spawn and a free on the
 * owner take no lock.  They leave it all at once when the span is given
 * back (every one dead then: the span is empty), before its pages go.
 * Under AddressSanitizer they are linked only while allocated instead
 * (SLAB_LINKED).
 */
void coast__task_carve(char *base, size_t bsize, unsigned n, unsigned c)
{
	struct coast_task *t;
	struct reg_shard *r;
	unsigned i, shard;

	shard = reg_shard_here();
	for (i = 0; i < n; i++) {
		t = (struct coast_task *)(void *)(base + (size_t)i * bsize);
		block_init(t, c);
		t->reg_shard = (uint16_t)shard;
	}
	if (!SLAB_LINKED)
		return;
	r = &reg[shard];
	reg_lock(r);
	for (i = 0; i < n; i++) {
		t = (struct coast_task *)(void *)(base + (size_t)i * bsize);
		reg_link(r, t);
	}
	reg_unlock(r);
}

void coast__task_reg_retire(char *base, size_t bsize, unsigned n)
{
	struct coast_task *t;
	struct reg_shard *r;
	unsigned i;

	if (!SLAB_LINKED || !n)
		return;
	r = &reg[((struct coast_task *)(void *)base)->reg_shard];
	reg_lock(r);
	for (i = 0; i < n; i++) {
		t = (struct coast_task *)(void *)(base + (size_t)i * bsize);
		reg_unlink(r, t);
	}
	reg_unlock(r);
}

void coast__task_foreach(void (*fn)(struct coast_task *t, void *arg),
			 void *arg)
{
	unsigned i;
	struct coast_task *t;

	for (i = 0; i < REG_SHARDS; i++) {
		reg_lock(&reg[i]);
		for (t = reg[i].head; t; t = t->reg_next)
			fn(t, arg);
		reg_unlock(&reg[i]);
	}
}

/* ------------------------------------------------------------ frame stack */

#ifdef COAST_ASAN
/*
 * Under AddressSanitizer every frame is followed by FRAME_RZ poisoned
 * bytes and the room is poisoned, so that a frame overflowing into the
 * next frame, the room or the chunk's header, or used after its free, is
 * reported.  For that every allocation and free must come here: the room
 * is kept in the top chunk's cur, and frames.cur == frames.end is the top
 * chunk's address plus one, which makes both inline paths of future.h
 * miss (no room; never a frame's end, frames being aligned) however the
 * calling code was compiled.
 */
#define FRAME_RZ 32

static struct coast__chunk *stack_top(struct coast_task *t)
{
	return t->frames.end ? (struct coast__chunk *)(void *)(t->frames.end -
							       1)
			     : NULL;
}

static char *room_cur(struct coast_task *t)
{
	return t->frames.end ? stack_top(t)->cur : NULL;
}

static void room_set(struct coast_task *t, struct coast__chunk *top,
		     char *cur)
{
	top->cur = cur;
	t->frames.cur = t->frames.end = (char *)top + 1;
}
#else
#define FRAME_RZ 0

static struct coast__chunk *stack_top(struct coast_task *t)
{
	return (struct coast__chunk *)(void *)t->frames.end;
}

static char *room_cur(struct coast_task *t)
{
	return t->frames.cur;
}

static void room_set(struct coast_task *t, struct coast__chunk *top,
		     char *cur)
{
	t->frames.end = (char *)top;
	t->frames.cur = cur;
}
#endif

static char *chunk_base(struct coast__chunk *c)
{
	return (char *)c - c->cap;
}

/*
 * Full-size chunks freed on a worker, kept for its next deep recursion
 * (linked through prev): glibc trims a heap whose free top passes 128 KiB,
 * so a recursion 10,000 deep that unwound and recursed again faulted in
 * every page of its frames anew (bench chain, 1 worker: 24.9 ns a level,
 * 9.1 with the cache).  At most CHUNK_CACHE_MAX a worker, given back when
 * it parks (coast__chunk_cache_idle); other threads never keep any.
 */
#define CHUNK_CACHE_MAX 16 /* 1 MiB of frames */
static _Thread_local struct coast__chunk *chunk_cache COAST__TLS_IE;
static _Thread_local unsigned chunk_cached COAST__TLS_IE;
static _Thread_local bool chunk_caching COAST__TLS_IE;
/* For tests: chunks kept in all caches, chunks ever malloc'd. */
static atomic_uint chunks_kept;
static atomic_ulong chunks_made;

unsigned coast__chunk_kept(void)
{
	return atomic_load_explicit(&chunks_kept, memory_order_relaxed);
}

unsigned long coast__chunk_made(void)
{
	return atomic_load_explicit(&chunks_made, memory_order_relaxed);
}

void coast__chunk_cache_enable(void)
{
	chunk_caching = true;
}

void coast__chunk_cache_idle(void)
{
	struct coast__chunk *c;

	if (!chunk_cached)
		return; /* every park: no RMW for an empty cache */
	while ((c = chunk_cache)) {
		chunk_cache = c->prev;
		free(chunk_base(c));
	}
	atomic_fetch_sub_explicit(&chunks_kept, chunk_cached,
				  memory_order_relaxed);
	chunk_cached = 0;
}

/* A full-size chunk from the cache, its room poisoned, or NULL. */
static struct coast__chunk *chunk_cache_take(void)
{
	struct coast__chunk *c = chunk_cache;

	if (c) {
		chunk_cache = c->prev;
		chunk_cached--;
		atomic_fetch_sub_explicit(&chunks_kept, 1,
					  memory_order_relaxed);
	}
	return c;
}

static void chunk_free(struct coast__chunk *c)
{
	if (!c)
		return;
	if (c->cap == COAST_FRAME_CHUNK_MAX && chunk_caching &&
	    chunk_cached < CHUNK_CACHE_MAX) {
		/* A task freed with frames live did not poison them. */
		POISON(chunk_base(c), c->cap);
		c->prev = chunk_cache;
		chunk_cache = c;
		chunk_cached++;
		atomic_fetch_add_explicit(&chunks_kept, 1,
					  memory_order_relaxed);
		return;
	}
	free(chunk_base(c));
}

/* The bytes a frame of size takes from the frame stack. */
static size_t frame_span(size_t size)
{
	return coast__frame_round(size ? size : 1) + FRAME_RZ;
}

/*
 * The slow paths of the frame stack are functions of their own, kept out
 * of line: inlined, their register saves made every frame allocation pay
 * for them (28 instructions instead of 10).
 */
static __attribute__((noinline)) void *stack_grow(struct coast_task *t,
						  size_t size)
{
	struct coast__chunk *top = stack_top(t), *c = NULL;
	size_t n, cap;
	char *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	n = frame_span(size);
	if (top) {
		c = top->spare;
		top->spare = NULL;
		if (c && c->cap < n) {
			chunk_free(c);
			c = NULL;
		}
	}
	if (!c) {
		cap = !top ? COAST_FRAME_CHUNK
		    : top->cap < COAST_FRAME_CHUNK_MAX / 2 ? 2 * top->cap
							     : COAST_FRAME_CHUNK_MAX;
		if (cap == COAST_FRAME_CHUNK_MAX && n <= cap)
			c = chunk_cache_take();
		if (!c) {
			if (cap < n)
				cap = n;
			p = malloc(cap + sizeof(*c));
			if (!p)
				return NULL;
			atomic_fetch_add_explicit(&chunks_made, 1,
						  memory_order_relaxed);
			/* the room (a spare or cached one is already) */
			POISON(p, cap);
			c = (struct coast__chunk *)(void *)(p + cap);
			c->cap = cap;
		}
	}
	c->prev = top;
	c->spare = NULL;
	if (top)
		top->cur = room_cur(t);
	room_set(t, c, chunk_base(c) + n);
	UNPOISON(chunk_base(c), size);
	return chunk_base(c);
}

static void *stack_alloc(struct coast_alloc *a, size_t size)
{
	struct coast_task *t = coast__container_of(a, struct coast_task, frames);
	struct coast__chunk *top = stack_top(t);
	size_t n = frame_span(size);
	char *p = room_cur(t);

	if (size > SIZE_MAX / 2 || !top ||
	    n > (size_t)((uintptr_t)top - (uintptr_t)p))
		return stack_grow(t, size);
	room_set(t, top, p + n);
	UNPOISON(p, size);
	return p;
}

/* p, n bytes, is not the top chunk's top frame: empty chunks above it are
 * popped (the last one kept as the spare), then it must be. */
static __attribute__((noinline)) void stack_free_below(struct coast_task *t,
						       char *p, size_t n)
{
	struct coast__chunk *c = stack_top(t), *below;

	while (c && c->prev && room_cur(t) == chunk_base(c)) {
		below = c->prev;
		chunk_free(c->spare);
		c->spare = NULL;
		below->spare = c;
		room_set(t, below, below->cur);
		c = below;
	}
	/* Not the top frame: lowered code broke the LIFO discipline. */
	if (!c || p < chunk_base(c) || p + n != room_cur(t))
		abort();
	room_set(t, c, p);
	POISON(p, n);
}

static void stack_free(struct coast_alloc *a, void *p, size_t size)
{
	struct coast_task *t = coast__container_of(a, struct coast_task, frames);
	size_t n = frame_span(size);

	if (!p)
		return;
	if ((char *)p + n == room_cur(t)) {
		room_set(t, stack_top(t), p);
		POISON(p, n);
		return;
	}
	stack_free_below(t, p, n);
}

static void stack_release(struct coast_task *t)
{
	struct coast__chunk *c, *prev;

	for (c = stack_top(t); c; c = prev) {
		prev = c->prev;
		chunk_free(c->spare);
		chunk_free(c);
	}
	t->frames.cur = NULL;
	t->frames.end = NULL;
}

_Noreturn void coast__out_of_frames(const char *fn)
{
	fprintf(stderr, "coast: out of memory for a frame of '%s'\n",
		fn ? fn : "?");
	abort();
}

/* --------------------------------------------------- task allocation */

/* A block from malloc: off the workers, too big, or no span to be had. */
static __attribute__((noinline)) void *task_block_malloc(size_t size)
{
	struct coast_task *t = malloc(COAST__TASK_HDR + size);

	if (!t)
		return NULL;
	block_init(t, COAST__SLAB_NONE);
	t->home = -1;
	t->cancel_polled = false;
	reg_add(t);
	live_count(false);
	return (char *)t + COAST__TASK_HDR;
}

/* What a slab block's task sets when allocated (block_init's aside). */
static inline void *task_block_start(struct coast_task *t, size_t size)
{
	/* A slab block is poisoned but for what the task uses (COAST__SLAB_RZ). */
	UNPOISON(t, COAST__TASK_HDR + size);
	t->home = -1;
	t->cancel_polled = false;
	if (!SLAB_LINKED)
		reg_add(t); /* R2 */
	return (char *)t + COAST__TASK_HDR;
}

/* coast__task_frame_alloc's general path: the thread's first block, no
 * free block in the current span, off the workers, too big. */
static __attribute__((noinline)) void *task_block_slow(size_t size,
							unsigned c)
{
	struct coast_task *t = NULL;

	if (size > SIZE_MAX - COAST__TASK_HDR - COAST__SLAB_RZ)
		return NULL;
	if (c != COAST__SLAB_NONE && on_worker())
		t = coast__slab_alloc(c);
	if (!t)
		return task_block_malloc(size);
	live_count(false);
	return task_block_start(t, size);
}

/*
 * The common block, a worker's with a free block in its class's current
 * span, without a register save: the general path is a tail call.  A
 * thread has a slab only if it is a worker (from its first block), and
 * here_live once it counted on a worker: the two tests on_worker and
 * live_count would make.
 */
void *coast__task_frame_alloc(size_t size)
{
	struct coast__slab *s = coast__slab_here;
	struct live_count *l = here_live;
	unsigned c = size <= COAST__SLAB_MAX - COAST__TASK_HDR - COAST__SLAB_RZ
			     ? coast__slab_class(COAST__TASK_HDR + size +
						 COAST__SLAB_RZ)
			     : COAST__SLAB_NONE;
	struct span *sp;
	struct coast_task *t;

	if (__builtin_expect(!s || !l || c == COAST__SLAB_NONE ||
				     !(sp = s->cls[c].cur) || !(t = sp->free),
			     0))
		return task_block_slow(size, c);
	sp->free = t->next;
	sp->used++;
	live_count_here(l, false);
	return task_block_start(t, size);
}

static void *task_block_alloc(struct coast_alloc *a, size_t size)
{
	(void)a;
	return coast__task_frame_alloc(size);
}

/* Frees a root frame that never became a task (rule 5 of future.h). */
static void task_block_free(struct coast_alloc *a, void *p, size_t size)
{
	(void)a;
	(void)size;
	if (p)
		coast__task_dealloc(coast__task_of(p));
}

struct coast_alloc coast__task_alloc = {
	.alloc = task_block_alloc,
	.free = task_block_free,
};

static void *box_alloc(struct coast_alloc *a, size_t size)
{
	(void)a;
	return malloc(size ? size : 1);
}

static void box_free(struct coast_alloc *a, void *p, size_t size)
{
	(void)a;
	(void)size;
	free(p);
}

struct coast_alloc coast__box_alloc = {
	.alloc = box_alloc,
	.free = box_free,
};


void *coast__no_child(void *f, const struct coast_fn **cfn)
{
	(void)f;
	*cfn = NULL;
	return NULL;
}

void coast__task_init(struct coast_task *t, unsigned refs, bool is_root)
{
	t->is_root = is_root;
	t->yielded = COAST__NOT_YIELDED;
	/* Not yet shared: the push that publishes it orders this store. */
	atomic_store_explicit(&t->state,
			      (uint64_t)refs * COAST__ST_REF_ONE |
				      COAST__ST_SCHEDULED,
			      memory_order_relaxed);
}

static __attribute__((noinline)) void task_dealloc_slow(struct coast_task *t)
{
	stack_release(t);
	if (t->descended) { /* rare: free(NULL) cost 6 instructions a task */
		free(t->descended);
		t->descended = NULL; /* block_init's, for the next task */
	}
	if (t->blk_class == COAST__SLAB_NONE) {
		reg_remove(t);
		free(t);
	} else {
		if (!SLAB_LINKED) {
			reg_remove(t);
			atomic_store_explicit(&t->scope, NULL,
					      memory_order_relaxed);
		} else if (atomic_load_explicit(&t->scope,
						memory_order_relaxed)) {
			reg_forget_scope(t); /* R3 */
		}
		coast__slab_free(t);
	}
	live_count(true);
}

static __attribute__((always_inline)) inline void
task_free(struct coast_task *t)
{
	/*
	 * The common block, a slab's with no frame stack, nothing
	 * descended and no scope, without the slow path's register saves
	 * (14 instructions a spawn+join).  frames.end NULL means no chunk
	 * (frames.cur is NULL then too).
	 */
	if (__builtin_expect(SLAB_LINKED && !t->frames.end && !t->descended &&
				     t->blk_class != COAST__SLAB_NONE &&
				     !atomic_load_explicit(&t->scope,
							   memory_order_relaxed),
			     1)) {
		coast__slab_free(t);
		live_count(true);
		return;
	}
	task_dealloc_slow(t);
}

void coast__task_dealloc(struct coast_task *t)
{
	task_free(t);
}

size_t coast__task_live(void)
{
	uint64_t made = 0, freed = 0;
	unsigned i;

	/* The frees first (acquire): a free seen here came after its task's
	 * allocation, which the loads of the made counts then see too. */
	freed = atomic_load_explicit(&live_other.freed, memory_order_acquire);
	for (i = 0; i < REG_SHARDS; i++)
		freed += atomic_load_explicit(&live_worker[i].freed,
					      memory_order_acquire);
	made = atomic_load_explicit(&live_other.made, memory_order_relaxed);
	for (i = 0; i < REG_SHARDS; i++)
		made += atomic_load_explicit(&live_worker[i].made,
					     memory_order_relaxed);
	return (size_t)(made - freed);
}

/* ----------------------------------------------------------- references */

void coast__task_ref(struct coast_task *t)
{
	/*
	 * relaxed: a new reference is made from one the caller holds, so the
	 * task cannot be freed concurrently (the Arc argument).
	 */
	uint64_t prev = atomic_fetch_add_explicit(&t->state, COAST__ST_REF_ONE,
						  memory_order_relaxed);

	if (REFS(prev) >= (UINT64_MAX >> COAST__ST_REF_SHIFT) - 1)
		abort(); /* count overflow: a reference leak */
}

/*
 * Whether cur, loaded with acquire, is a complete task's word whose only
 * reference is the caller's: then no other thread can change the word
 * any more (a reference is made only from one held; a complete task is
 * neither claimed, nor cancelled, nor queued), and the caller frees t
 * after a plain store of the count (R1) instead of an atomic RMW (rule
 * 10).  The acquire saw the completer's writes and every other holder's
 * drop.
 */
static bool last_of_complete(struct coast_task *t, uint64_t cur,
			     uint64_t next)
{
	if (!(cur & COAST__ST_COMPLETE) || REFS(cur) != 1)
		return false;
	atomic_store_explicit(&t->state, next, memory_order_relaxed);
	coast__task_dealloc(t);
	return true;
}

void coast__task_unref(struct coast_task *t)
{
	uint64_t prev = atomic_load_explicit(&t->state, memory_order_acquire);

	if (last_of_complete(t, prev, prev - COAST__ST_REF_ONE))
		return;
	/*
	 * acq_rel: release publishes this holder's writes to whoever frees;
	 * acquire makes the freeing thread see every other holder's.
	 */
	prev = atomic_fetch_sub_explicit(&t->state, COAST__ST_REF_ONE,
					 memory_order_acq_rel);

	if (REFS(prev) == 0)
		abort(); /* underflow: a reference dropped twice */
	if (REFS(prev) != 1)
		return;
	/* Rule 9: the runner lent its reference; its transition after the
	 * poll frees or resurrects. */
	if (prev & COAST__ST_RUNNING)
		return;
	if (prev & (COAST__ST_COMPLETE | COAST__ST_CANCELLED)) {
		coast__task_dealloc(t);
		return;
	}
	/*
	 * Rule 7: pending and unreachable.  The count is zero, so this thread
	 * is the only one that can see t (acquire above: it sees every other
	 * holder's writes); the push that follows publishes the store.
	 */
	atomic_store_explicit(&t->state,
			      COAST__ST_REF_ONE | COAST__ST_SCHEDULED |
				      COAST__ST_CANCELLED |
				      (prev & COAST__ST_CONSUMED),
			      memory_order_relaxed);
	coast__schedule(t);
}

bool coast__task_take_handle(struct coast_task *t)
{
	/* relaxed: the caller's handle reference keeps t alive, and the bit
	 * orders nothing else. */
	return !(atomic_fetch_or_explicit(&t->state, COAST__ST_CONSUMED,
					  memory_order_relaxed) &
		 COAST__ST_CONSUMED);
}

/* ---------------------------------------------------------- transitions */

/*
 * Queue -> RUNNING.  Only the thread that popped t may call.  Returns
 * whether CANCELLED is set: the poll that follows must be a cancellation
 * poll (rule 5).
 */
bool coast__task_transition_to_running(struct coast_task *t)
{
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_relaxed);
	uint64_t next;

	do {
		if (!(cur & COAST__ST_SCHEDULED) ||
		    (cur & (COAST__ST_RUNNING | COAST__ST_COMPLETE)))
			abort();
		next = (cur & ~COAST__ST_SCHEDULED) | COAST__ST_RUNNING;
		/* acquire: see what every waker published before its wake. */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, next, memory_order_acq_rel,
		memory_order_relaxed));
	return next & COAST__ST_CANCELLED;
}

/*
 * After a pending poll (rule 3).  Only the runner may call; lent says
 * whether it lent its reference to a waker during the poll (rule 9).
 */
enum coast__idle coast__task_transition_to_idle(struct coast_task *t,
						bool lent)
{
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_relaxed);
	uint64_t own = lent ? 0 : COAST__ST_REF_ONE; /* the runner's */
	uint64_t next;
	enum coast__idle out;

	do {
		if (!(cur & COAST__ST_RUNNING))
			abort();
		if (cur & COAST__ST_NOTIFIED) {
			/* NOTIFIED's reference becomes the queue's. */
			next = ((cur & ~(COAST__ST_RUNNING | COAST__ST_NOTIFIED)) |
				COAST__ST_SCHEDULED) -
			       own;
			out = COAST__IDLE_NOTIFIED;
		} else if (REFS(cur) == (lent ? 0 : 1) &&
			   !(cur & COAST__ST_CANCELLED)) {
			/* Rule 7: the runner's reference becomes the queue's
			 * (a lent one is made again). */
			next = ((cur & ~COAST__ST_RUNNING) | COAST__ST_SCHEDULED |
				COAST__ST_CANCELLED) +
			       (COAST__ST_REF_ONE - own);
			out = COAST__IDLE_CANCEL;
		} else {
			next = (cur & ~COAST__ST_RUNNING) - own;
			out = REFS(next) ? COAST__IDLE_OK : COAST__IDLE_DEALLOC;
		}
		/*
		 * release: the next poll (wherever it runs) must see this
		 * poll's writes to the frames; acquire: for the dealloc case.
		 */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, next, memory_order_acq_rel,
		memory_order_relaxed));
	return out;
}

/*
 * Rule 4: COMPLETE set, RUNNING cleared, and with release the runner's
 * reference dropped, in one step.  Returns the joiner's waker to wake (or
 * NULL) and stores in *dealloc whether that was the last reference.
 *
 * join_waker is read before the CAS, from a state that has JOIN_WAITING:
 * the joiner published it before setting the bit (release, read here with
 * acquire) and can only take it back by a CAS that clears the bit, which
 * would make ours fail and the loop read the word again.  Reading it after
 * the CAS would not be safe with release: once the runner's reference is
 * gone, a joiner polled spuriously may see COMPLETE and free the task.
 */
static coast_waker *complete(struct coast_task *t, bool release, bool lent,
			     bool *dealloc)
{
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_acquire);
	uint64_t next;
	coast_waker *w;

	do {
		if (!(cur & COAST__ST_RUNNING))
			abort();
		w = (cur & COAST__ST_JOIN_WAITING) ? t->join_waker : NULL;
		next = (cur & ~(COAST__ST_RUNNING | COAST__ST_NOTIFIED)) |
		       COAST__ST_COMPLETE;
		if (!t->cancel_polled)
			next &= ~COAST__ST_CANCELLED; /* rule 6 */
		if (cur & COAST__ST_NOTIFIED)
			next -= COAST__ST_REF_ONE; /* NOTIFIED's */
		if (release && !lent)
			next -= COAST__ST_REF_ONE;
		/*
		 * release: publishes the result to the joiner and this
		 * holder's writes to whoever frees; acquire: to read
		 * join_waker (above) and for the dealloc case.
		 */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, next, memory_order_acq_rel,
		memory_order_acquire));
	/* We own join_waker now: the joiner can no longer clear
	 * JOIN_WAITING, its CAS requires COMPLETE clear.  The field is left
	 * as is: t may be gone already when release is set. */
	*dealloc = release && !REFS(next);
	return w;
}

/*
 * After the root frame returned COAST_READY.  Wakes the joiner if one
 * waits.  The caller still holds the runner's reference and drops it with
 * coast__task_unref.  Only the runner may call.
 */
void coast__task_complete(struct coast_task *t)
{
	bool dealloc;
	coast_waker *w = complete(t, false, false, &dealloc);

	if (w) {
		t->join_waker = NULL;
		coast_waker_wake(w);
	}
}

/*
 * The same, dropping the runner's reference in the step that sets
 * COMPLETE, so that whoever sees COMPLETE (a block_on, a joiner) holds the
 * last references: when it returns, the task is gone.  t must not be used
 * after this call.  Only the runner may call; lent as for
 * coast__task_transition_to_idle.
 */
void coast__task_complete_release(struct coast_task *t, bool lent)
{
	bool dealloc;
	coast_waker *w = complete(t, true, lent, &dealloc);

	if (dealloc)
		coast__task_dealloc(t);
	coast_waker_wake(w);
}

/*
 * An inline join's end (scheduler.c): the holder of t's handle polled t
 * and its root returned COAST_READY.  Rule 4's step and the join's
 * consumption of the handle (CONSUMED set, its reference dropped) in one
 * CAS, where complete_release, join's first poll and consume_release
 * took three calls and two loads more (spawn+join, one worker).  A
 * joiner is registered only by whoever consumed the handle, so while it
 * is not consumed there is no waker to wake.  Returns what coast_join
 * answers; the result is in out then.  A handle consumed during the
 * poll (t detached itself through a copy of it) was not the join's: t
 * completes as complete_release would, and the join answers -EINVAL
 * without touching t again (t may be gone).
 */
int coast__task_complete_joined(struct coast_task *t, bool lent, void *out)
{
	struct coast_frame *root = coast__task_root(t);
	const struct coast_fn *fn = root->fn;
	bool cancelled = t->cancel_polled; /* rule 6, known to the runner */
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_relaxed);
	uint64_t next;

	if (cur & COAST__ST_CONSUMED) {
		coast__task_complete_release(t, lent);
		return COAST__ERR(EINVAL);
	}
	/*
	 * The result before the CAS: once it dropped the handle's
	 * reference, a waker's holder on another thread may free t.  This
	 * thread's poll wrote it.
	 */
	if (!cancelled && out && fn->ret_size)
		coast__copy(out, (char *)root + fn->ret_offset, fn->ret_size);
	do {
		/* The common word: only the handle's and the runner's
		 * references, no flag but RUNNING (so not cancelled). */
		if (cur == (COAST__ST_RUNNING | 2 * COAST__ST_REF_ONE) &&
		    !lent) {
			next = COAST__ST_COMPLETE | COAST__ST_CONSUMED;
			continue;
		}
		if (!(cur & COAST__ST_RUNNING))
			abort();
		/*
		 * A consume that raced the poll from another thread (a
		 * copy of the handle joined or detached there: a misuse)
		 * took the handle first: t completes as complete_release
		 * would, waking a joiner registered there, and this join
		 * answers -EINVAL, as its first poll would have.
		 */
		if (cur & COAST__ST_CONSUMED) {
			coast__task_complete_release(t, lent);
			return COAST__ERR(EINVAL);
		}
		next = (cur & ~(COAST__ST_RUNNING | COAST__ST_NOTIFIED)) |
		       COAST__ST_COMPLETE | COAST__ST_CONSUMED;
		if (!cancelled)
			next &= ~COAST__ST_CANCELLED; /* rule 6 */
		if (cur & COAST__ST_NOTIFIED)
			next -= COAST__ST_REF_ONE; /* NOTIFIED's */
		if (!lent)
			next -= COAST__ST_REF_ONE; /* the runner's */
		next -= COAST__ST_REF_ONE; /* the handle's */
		/* acq_rel: as complete(), for the wakers' holders. */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, next, memory_order_acq_rel,
		memory_order_relaxed));
	if (!REFS(next))
		task_free(t); /* coast__task_dealloc's, inline */
	return cancelled ? COAST__ERR(ECANCELED) : 0;
}

/*
 * A wake.  With consume_ref the caller's reference is given up: it becomes
 * the queue's on COAST__NOTIFY_SUBMIT or NOTIFIED's when it sets NOTIFIED
 * (rule 9), is dropped otherwise.  With run, an
 * idle task is made RUNNING rather than SCHEDULED (rule 8).  Any thread.
 */
static enum coast__notify notify(struct coast_task *t, bool consume_ref,
				 bool run)
{
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_relaxed);
	uint64_t next;
	enum coast__notify out;

	bool holds; /* the new state holds a reference: the queue's or
		       NOTIFIED's (rule 9) */

	do {
		next = cur;
		out = COAST__NOTIFY_NOTHING;
		holds = true;
		if (cur & (COAST__ST_COMPLETE | COAST__ST_SCHEDULED |
			   COAST__ST_NOTIFIED)) {
			/* done, queued, or already due for another poll */
			holds = false;
		} else if (cur & COAST__ST_RUNNING) {
			/* Rule 11: tested here, off the common idle path. */
			if (consume_ref && run && t == coast__polling.deferred)
				return COAST__NOTIFY_REQUEUE;
			next |= COAST__ST_NOTIFIED;
		} else {
			next |= run ? COAST__ST_RUNNING : COAST__ST_SCHEDULED;
			out = COAST__NOTIFY_SUBMIT;
		}
		if (holds) {
			if (!consume_ref)
				next += COAST__ST_REF_ONE;
		} else if (consume_ref) {
			next -= COAST__ST_REF_ONE;
			if (!REFS(next))
				out = COAST__NOTIFY_DEALLOC;
		}
		/*
		 * Always a successful CAS, even with next == cur (rule 1).
		 * release: the poll after this wake sees what the waker
		 * wrote before waking; acquire: for the dealloc case.
		 */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, next, memory_order_acq_rel,
		memory_order_relaxed));
	return out;
}

enum coast__notify coast__task_transition_to_notified(struct coast_task *t,
						      bool consume_ref)
{
	return notify(t, consume_ref, false);
}

void coast__task_cancel(struct coast_task *t)
{
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_relaxed);
	uint64_t next;
	bool submit;

	do {
		/* Rule 5: done, or cancelled already (its wake was sent). */
		if (cur & (COAST__ST_COMPLETE | COAST__ST_CANCELLED))
			return;
		next = cur | COAST__ST_CANCELLED;
		submit = false;
		if (cur & (COAST__ST_SCHEDULED | COAST__ST_NOTIFIED)) {
			/* due for a poll already: it will see the bit */
		} else if (cur & COAST__ST_RUNNING) {
			next |= COAST__ST_NOTIFIED;
			next += COAST__ST_REF_ONE; /* NOTIFIED's (rule 9) */
		} else {
			next |= COAST__ST_SCHEDULED;
			next += COAST__ST_REF_ONE; /* the queue's */
			submit = true;
		}
		/*
		 * release: like a wake, the poll after it must see the bit and
		 * whatever the canceller wrote before; acquire: on submit we
		 * take over the task's queue link (t->next), last written by
		 * the thread that ran it before it went idle.
		 */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, next, memory_order_acq_rel,
		memory_order_relaxed));
	if (submit)
		coast__schedule(t);
}

bool coast__task_claim(struct coast_task *t)
{
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_relaxed);

	do {
		if (!REFS(cur) || (cur & (COAST__ST_SCHEDULED |
					  COAST__ST_RUNNING |
					  COAST__ST_COMPLETE)))
			return false;
		/* acquire: see the frames as the last runner left them. */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, (cur | COAST__ST_RUNNING) + COAST__ST_REF_ONE,
		memory_order_acq_rel, memory_order_relaxed));
	return true;
}

uint64_t coast__task_state(struct coast_task *t)
{
	return atomic_load_explicit(&t->state, memory_order_relaxed);
}

bool coast__task_is_complete(struct coast_task *t)
{
	/* acquire: the caller reads the result next. */
	return atomic_load_explicit(&t->state, memory_order_acquire) &
	       COAST__ST_COMPLETE;
}

/* --------------------------------------------------------------- joins */

/*
 * Registers the joiner (the task polling cx) unless t is complete.  Only
 * the handle's holder may: join_waker is its field.
 */
static enum coast__join join_arm(struct coast_task *t, struct coast_cx *cx)
{
	/* acquire: on COMPLETE the caller reads the result. */
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_acquire);
	coast_waker *w;

	if (cur & COAST__ST_COMPLETE)
		return (cur & COAST__ST_CANCELLED) ? COAST__JOIN_CANCELLED
						   : COAST__JOIN_COMPLETE;
	if (cur & COAST__ST_JOIN_WAITING)
		return COAST__JOIN_WAITING; /* a spurious poll: still armed */
	t->join_waker = coast_waker_get(cx);
	do {
		if (cur & COAST__ST_COMPLETE) {
			/* Our CAS lost to the completer: the field is ours. */
			w = t->join_waker;
			t->join_waker = NULL;
			coast_waker_drop(w);
			return (cur & COAST__ST_CANCELLED)
				       ? COAST__JOIN_CANCELLED
				       : COAST__JOIN_COMPLETE;
		}
		/* release: publishes join_waker to the completer;
		 * acquire on failure: we may read the result next. */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, cur | COAST__ST_JOIN_WAITING,
		memory_order_acq_rel, memory_order_acquire));
	return COAST__JOIN_WAITING;
}

/*
 * Registers the joiner unless t is complete.  Only the holder of t's
 * handle may call, always from the same task.
 */
enum coast__join coast__task_join_register(struct coast_task *t,
					   struct coast_cx *cx)
{
	return join_arm(t, cx);
}

enum coast__join coast__task_join_first(struct coast_task *t,
					struct coast_cx *cx)
{
	/* acquire: on COMPLETE the caller reads the result. */
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_acquire);

	/*
	 * A pending task's handle is taken before join_waker is written: two
	 * consumers racing for one handle (a misuse) meet in this CAS, not in
	 * the field.  A complete task's is left to the caller's
	 * coast__task_consume_release, which drops its reference too.
	 */
	do {
		if (cur & COAST__ST_CONSUMED)
			return COAST__JOIN_TAKEN;
		if (cur & COAST__ST_COMPLETE)
			return (cur & COAST__ST_CANCELLED)
				       ? COAST__JOIN_CANCELLED
				       : COAST__JOIN_COMPLETE;
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, cur | COAST__ST_CONSUMED,
		memory_order_acq_rel, memory_order_acquire));
	/*
	 * join_arm's handshake, from the word our CAS wrote rather than a
	 * load of it: JOIN_WAITING is clear (only the holder sets it, and we
	 * just became it), so the field is ours to write.  A change since
	 * (a wake, a reference, COMPLETE) fails the CAS, which reloads.
	 */
	cur |= COAST__ST_CONSUMED;
	t->join_waker = coast_waker_get(cx);
	do {
		if (cur & COAST__ST_COMPLETE) {
			/* The completer came first: the field is ours. */
			coast_waker *w = t->join_waker;

			t->join_waker = NULL;
			coast_waker_drop(w);
			return COAST__JOIN_HELD;
		}
		/* release: publishes join_waker to the completer;
		 * acquire on failure: as join_arm. */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, cur | COAST__ST_JOIN_WAITING,
		memory_order_acq_rel, memory_order_acquire));
	return COAST__JOIN_WAITING;
}

bool coast__task_consume_release(struct coast_task *t)
{
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_acquire);
	uint64_t next;

	/* A second consume racing with this one for a complete task is not
	 * detected anyway (the winner frees it, see the top). */
	if (!(cur & COAST__ST_CONSUMED) &&
	    last_of_complete(t, cur,
			     (cur | COAST__ST_CONSUMED) - COAST__ST_REF_ONE))
		return true;
	do {
		if (cur & COAST__ST_CONSUMED)
			return false;
		if (!REFS(cur))
			abort(); /* underflow: a reference dropped twice */
		next = (cur | COAST__ST_CONSUMED) - COAST__ST_REF_ONE;
		/* acq_rel: as coast__task_unref. */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, next, memory_order_acq_rel,
		memory_order_relaxed));
	if (REFS(next) || (next & COAST__ST_RUNNING)) /* rule 9 */
		return true;
	if (next & (COAST__ST_COMPLETE | COAST__ST_CANCELLED)) {
		coast__task_dealloc(t);
		return true;
	}
	/* Rule 7, as in coast__task_unref: pending and unreachable. */
	atomic_store_explicit(&t->state,
			      COAST__ST_REF_ONE | COAST__ST_SCHEDULED |
				      COAST__ST_CANCELLED | COAST__ST_CONSUMED,
			      memory_order_relaxed);
	coast__schedule(t);
	return true;
}

/* The joiner stops waiting (cancellation).  Only the handle holder. */
void coast__task_join_unregister(struct coast_task *t)
{
	uint64_t cur = atomic_load_explicit(&t->state, memory_order_relaxed);
	coast_waker *w;

	do {
		/* Not waiting, or the completer owns (and wakes) the waker. */
		if (!(cur & COAST__ST_JOIN_WAITING) ||
		    (cur & COAST__ST_COMPLETE))
			return;
		/* acquire: the field was last written by us, but keep the
		 * handshake symmetric with complete. */
	} while (!atomic_compare_exchange_weak_explicit(
		&t->state, &cur, cur & ~COAST__ST_JOIN_WAITING,
		memory_order_acq_rel, memory_order_relaxed));
	w = t->join_waker;
	t->join_waker = NULL;
	coast_waker_drop(w);
}

/* --------------------------------------------------------------- wakers */

/*
 * A coast_waker is a task reference in disguise: the pointer is the task's
 * and is never dereferenced as a coast_waker.  A waker with a vtable (for
 * wakers that are not tasks) can replace this without changing the API.
 */
static struct coast_task *waker_task(coast_waker *w)
{
	return (struct coast_task *)(void *)w;
}

coast_waker *coast_waker_get(struct coast_cx *cx)
{
	if (!coast__task_lend_ref(cx->task)) /* rule 9 */
		coast__task_ref(cx->task);
	return (coast_waker *)(void *)cx->task;
}

/* Queues t after a wake made it SCHEDULED, or RUNNING with run (rule 8). */
static void submit(struct coast_task *t, bool run)
{
	if (run)
		coast__schedule_running(t);
	else
		coast__schedule(t);
}

void coast_waker_wake_by_ref(coast_waker *w)
{
	struct coast_task *t;
	bool run;

	if (!w)
		return;
	t = waker_task(w);
	run = coast__wake_runs_here(t);
	if (notify(t, false, run) == COAST__NOTIFY_SUBMIT)
		submit(t, run);
}

void coast_waker_wake(coast_waker *w)
{
	struct coast_task *t;
	bool run;

	if (!w)
		return;
	t = waker_task(w);
	run = coast__wake_runs_here(t);
	switch (notify(t, true, run)) {
	case COAST__NOTIFY_SUBMIT:
		submit(t, run);
		break;
	case COAST__NOTIFY_REQUEUE:
		/* Rule 11: its runner has not let it go; it requeues it. */
		coast__polling.deferred = NULL;
		coast__schedule_running(t);
		break;
	case COAST__NOTIFY_DEALLOC:
		coast__task_dealloc(t);
		break;
	case COAST__NOTIFY_NOTHING:
		break;
	}
}

void coast_waker_drop(coast_waker *w)
{
	if (w)
		coast__task_unref(waker_task(w));
}
