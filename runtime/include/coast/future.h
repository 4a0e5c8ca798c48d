/*
 * coast/future.h - the future ABI.
 *
 * Every async function, whether lowered by the plugin or written by hand in
 * the runtime, is a *frame* plus a *poll* function.  This header is the whole
 * contract between lowered code, the executor and hand-written leaf futures;
 * docs/future-abi.md explains it with an example.
 *
 * Frame rules:
 *  1. A frame the runtime handles by pointer (a task's root, a start
 *     function's frame) starts with struct coast_frame.  Its result, if
 *     any, lives at fn->ret_offset and is valid once poll has returned
 *     COAST_READY.  The frame of a lowered async function embedded in its
 *     caller's starts with struct coast_head instead: the caller knows its
 *     descriptor (the caller's fn->subs passes it on to dumps and drops).
 *  2. A frame never moves once it has been polled: locals of async functions
 *     live in it and their addresses are taken freely.
 *  3. poll(f, cx) runs f until it completes (COAST_READY) or must wait
 *     (COAST_PENDING).  Before returning COAST_PENDING it has arranged for
 *     the task in cx to be woken (directly or through a sub-future).
 *  4. Cancellation (dropping a started future): set COAST_F_CANCEL in flags,
 *     then poll until COAST_READY.  A cancelled future produces no result; it
 *     cancels the sub-future it awaits, releases what it owns and may return
 *     COAST_PENDING while asynchronous clean-up runs.  A leaf whose
 *     operation completed before the cancel could stop it (an io_uring
 *     write) may clear COAST_F_CANCEL and return that result instead; an
 *     awaiter that can report it does (coast_timeout), others drop it.
 *  5. A frame in state COAST_STATE_START owns nothing but its arguments,
 *     which it may own (must_destruct arguments, a join's task handle): it
 *     is dropped like a started one, by a cancellation poll.
 *  6. A sub-future whose size the caller does not know (a start-function
 *     call: boxed, cross-unit, runtime operations) is polled with
 *     coast__poll_child (coast/runtime.h), which may answer COAST_DESCEND
 *     instead of polling it: the executor then polls that frame itself and
 *     polls the task's frames again once it is READY.  A poll function
 *     returns whatever a sub-future's poll returned other than COAST_READY,
 *     so recursion of any depth runs in a bounded C stack.
 *
 * Calls whose callee frame size is unknown to the caller (another
 * translation unit, a function pointer, a boxed call) go through the callee's
 * start function, COAST_START(name):
 *
 *     struct coast_frame *name__coast_start(struct coast_alloc *a, params...);
 *
 * which takes fn->size bytes from a (coast__frame_alloc), stores the
 * arguments and returns the frame in state COAST_STATE_START (NULL when a is
 * out of memory).  The caller gives the memory back with coast__frame_free
 * once the frame is READY.
 */
#ifndef COAST_FUTURE_H
#define COAST_FUTURE_H

#include <stddef.h>
#include <stdint.h>

enum coast_poll {
	COAST_PENDING = 0,
	COAST_READY = 1,
	COAST_DESCEND = 2, /* poll the frame coast__descend recorded first */
};

/*
 * How many start-function calls coast__poll_child nests on the C stack
 * before handing the next one to the executor.
 */
#define COAST_POLL_DEPTH 16u

#define COAST_STATE_START 0u
#define COAST_STATE_DONE 0xffffu

/* frame->flags */
#define COAST_F_CANCEL 0x1u /* unwind from the current suspension point */

struct coast_frame;
struct coast_cx;
struct coast_task;

typedef int (*coast_poll_fn)(struct coast_frame *f, struct coast_cx *cx);

/* Where a suspension point's sub-future lives: what dropping it frees. */
enum coast_child_alloc {
	COAST_CHILD_EMBEDDED = 0, /* inside the awaiting frame */
	COAST_CHILD_FRAMES = 1,   /* from cx->frames */
	COAST_CHILD_BOX = 2,      /* from coast__box_alloc */
	COAST_CHILD_NONE = 3,     /* none: the frame suspended itself (yield) */
};

/*
 * A suspension point: where it stands in the user's source (task dumps), how
 * its sub-future was allocated (coast__drop_child) and, in a lowered
 * function, which descriptor an embedded sub-future has.  One integer per
 * point: each scalar of the lowered tables' initializers costs the compiler
 * ~10K instructions, and five per point were an eighth of the parse of an
 * async-heavy file's lowered text.
 *
 *   bits 63..32  line (all of it: C's #line goes up to 2^31 - 1, Clang's
 *                to 2^32 - 1, as an extension)
 *   bits 31..18  column, clamped to COAST_SITE_COL_MAX (a dump of a point
 *                further right shows that column, on the right line)
 *   bits 17..2   EMBEDDED: the index of the sub-future's descriptor in
 *                coast_fn.subs (fewer than 2^16 suspension points), whose
 *                NULL entry is a leaf that describes itself
 *   bits  1..0   enum coast_child_alloc
 */
typedef uint64_t coast_site;

#define COAST_SITE_COL_MAX 0x3fffu
#define COAST_SITE_LINE(s) ((unsigned)((s) >> 32))
#define COAST_SITE_COL(s) ((unsigned)((s) >> 18) & COAST_SITE_COL_MAX)
#define COAST_SITE_SUB(s) ((unsigned)((s) >> 2) & 0xffffu)
#define COAST_SITE_ALLOC(s) ((unsigned)(s) & 0x3u)

/*
 * Where a frame stopped and whether it is being cancelled: the first member
 * of struct coast_frame (as state and flags) and all the header a lowered
 * frame embedded in its caller's has.
 */
struct coast_head {
	uint16_t state; /* COAST_STATE_START, a suspension point, or DONE */
	uint16_t flags; /* COAST_F_* */
};

/* Static description of one async function; shared by all its frames. */
struct coast_fn {
	coast_poll_fn poll;
	/*
	 * Hand-written futures only: the sub-future f awaits in its current
	 * state (a struct coast_frame), or NULL, with *cfn set to NULL; f is
	 * the frame as poll gets it.  NULL in lowered functions: the runtime
	 * finds their sub-future itself (coast__child), at child_offset in
	 * the body, and the state's site says how it was allocated and, for
	 * a lowered body embedded there (no descriptor of its own), which of
	 * subs is its descriptor.
	 */
	void *(*child)(void *f, const struct coast_fn **cfn);
	size_t size;       /* sizeof the whole frame */
	size_t ret_offset; /* where the result lives in the frame */
	size_t ret_size;   /* 0 for void */
	const char *name;  /* the user's function name */
	const char *file;  /* the user's source file */
	/* sites[s - 1] is suspension point s; nsites of them. */
	const coast_site *sites;
	unsigned nsites;
	/*
	 * Lowered async functions only (0 in hand-written ones): the poll
	 * function of the body, which starts with struct coast_head and sits
	 * at body_offset in the function's start-function frame.  Their poll
	 * (the runtime's coast__heap_poll) passes COAST_F_CANCEL down to it
	 * and its state back up.
	 */
	int (*body_poll)(struct coast_head *h, struct coast_cx *cx);
	size_t body_offset;
	/*
	 * Lowered only: where in the body the sub-futures are (all of them
	 * share one union: one offset, not one per site), and the
	 * descriptors of the embedded ones, each once (COAST_SITE_SUB); NULL
	 * for an embedded hand-written leaf (coast/runtime.h's channel
	 * operations), whose frame starts with its own struct coast_frame.
	 */
	size_t child_offset;
	const struct coast_fn *const *subs;
};

/* A frame the runtime handles by pointer. */
struct coast_frame {
	const struct coast_fn *fn;
	uint16_t state; /* COAST_STATE_START, a suspension point, or DONE */
	uint16_t flags; /* COAST_F_* */
};

/*
 * Frame memory for callees whose size only the callee knows.  The task's
 * frame stack is strictly LIFO: free must be called in reverse allocation
 * order, which awaiting guarantees.
 */
struct coast_alloc {
	void *(*alloc)(struct coast_alloc *a, size_t size);
	void (*free)(struct coast_alloc *a, void *p, size_t size);
	/* The frame stack's room in its top chunk, [cur, end), which
	 * coast__frame_alloc and coast__frame_free bump inline; NULL in the
	 * other allocators, whose every frame goes through alloc and free. */
	char *cur, *end;
};

/* Frames are aligned to max_align_t; sizes are rounded up to it.  User
 * code and the runtime must round alike, and <stddef.h> declares
 * max_align_t only from C11 on: before, the same two members as its
 * definition in clang's and gcc's <stddef.h> (x86-64) stand in for it. */
#if (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L) || \
	defined(__cplusplus)
#define COAST__FRAME_ALIGN ((size_t)__alignof__(max_align_t))
#else
struct coast__max_align {
	long long ll;
	long double ld;
};
#define COAST__FRAME_ALIGN ((size_t)__alignof__(struct coast__max_align))
#endif

/*
 * The inline helpers lowered code calls (here and in coast/runtime.h).
 * Optimizing, always inlined: the inliner inlined them anyway, but only
 * after each had gone through the optimizer's function passes on its own,
 * ~0.6M instructions of the compile a helper (echo_server's -O2 compile
 * spent 7M on its ten; bench/compile-time's README, "Helpers inlined
 * always").  At -O0 nothing inlines them, and forcing it cost more than
 * the calls.
 */
#ifdef __OPTIMIZE__
#define COAST__INLINE static inline __attribute__((__always_inline__))
#else
#define COAST__INLINE static inline
#endif

/*
 * Around the helpers' pointer arithmetic over frames, which clang's
 * -Wunsafe-buffer-usage would report in every includer (its end-of-file
 * analysis; -Werror=unsafe-buffer-usage failed the build): the
 * arithmetic stays inside frames the lowering laid out.
 */
#if defined(__clang__) && __clang_major__ >= 16
#define COAST__BUFFERS_BEGIN _Pragma("clang unsafe_buffer_usage begin")
#define COAST__BUFFERS_END _Pragma("clang unsafe_buffer_usage end")
#else
#define COAST__BUFFERS_BEGIN
#define COAST__BUFFERS_END
#endif

COAST__INLINE size_t coast__frame_round(size_t size)
{
	return (size + COAST__FRAME_ALIGN - 1) & ~(COAST__FRAME_ALIGN - 1);
}

/*
 * size bytes from a, or NULL.  An indirect call each was a third of what
 * awaiting a boxed callee cost: the frame stack's common case, room in its
 * top chunk, is a compare and a bump here.  Size 0 (rounded to 0) and
 * sizes that wrap take a->alloc, which handles them.
 */
COAST__INLINE void *coast__frame_alloc(struct coast_alloc *a, size_t size)
{
	size_t n = coast__frame_round(size);
	char *p = a->cur;

	if (n - 1 < (size_t)((uintptr_t)a->end - (uintptr_t)p)) {
		COAST__BUFFERS_BEGIN
		a->cur = p + n;
		COAST__BUFFERS_END
		return p;
	}
	return a->alloc(a, size);
}

/* Gives back p, size bytes from coast__frame_alloc(a, size); the frame
 * stack's top frame inline, anything else (an emptied chunk, a LIFO
 * violation, which aborts) through a->free. */
COAST__INLINE void coast__frame_free(struct coast_alloc *a, void *p,
				     size_t size)
{
	size_t n = coast__frame_round(size);

	COAST__BUFFERS_BEGIN
	if ((char *)p + n == a->cur) {
		a->cur = (char *)p;
		return;
	}
	COAST__BUFFERS_END
	a->free(a, p, size);
}

/* What a poll function gets besides its frame. */
struct coast_cx {
	struct coast_task *task;    /* the task being polled; wakers come from it */
	struct coast_alloc *frames; /* the task's LIFO frame stack */
	unsigned depth;             /* coast__poll_child calls in progress */
	/* The task woke itself (coast__task_wake_self): after a PENDING
	 * poll the executor queues it behind the others.  Whoever polls a
	 * sub-future with a copy of cx copies it back. */
	unsigned yield_now;
};

#define COAST_START(name) name##__coast_start

/* The result of a READY frame, typed by the caller who knows T. */
#define COAST_RESULT(T, f) \
	(*(T *)(void *)((char *)(f) + (f)->fn->ret_offset))

#endif /* COAST_FUTURE_H */
