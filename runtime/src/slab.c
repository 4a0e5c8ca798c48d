/*
 * slab.c - the workers' slabs of task blocks.
 *
 * A task block (header and root frame, task.c) of up to COAST__SLAB_MAX
 * bytes made on a worker comes from that worker's slab: spans of SPAN
 * bytes (aligned to SPAN, so a block finds its span by masking), one size
 * class a span, each with a free list only its owner touches.  A spawn and
 * a free on the owner are then a pop and a push with no atomic and no
 * limit on how many blocks live: the block cache this replaces kept 8 MiB
 * a class, and the 1M live tasks of the spawn_join benchmark (128 MiB)
 * took glibc's multi-threaded malloc for 94% of them (about 330
 * instructions and three atomic read-modify-writes more a task).
 *
 * Size classes (COAST__SLAB_CLASS, internal.h) step by 16 bytes from 128
 * to 256 and by 64 to 512: a task of 120..136 bytes (a 96 or 112-byte
 * header and a small root frame) wastes at most 16 bytes.  Steps of 64
 * made a 136-byte task take 192 bytes, and with two workers spawn_join
 * paid for it in page faults.
 *
 * Spans
 * -----
 * The owner allocates from its class's current span (cur).  A span's
 * blocks are carved 64 at a time (they enter the task registry then, see
 * coast__task_carve); when cur has no free block and nothing left to
 * carve, the owner drains the class's remote stack (below), then takes a
 * span that has free blocks (partial first, empty after), then a retired
 * span, then maps a new one.  A span is on at most one list:
 *   CUR      the class's current span
 *   PARTIAL  some free blocks, some used  (the class's partial list)
 *   EMPTY    no block used                (the class's empty list)
 *   FULL     no free block: on no list; a free puts it back on one
 *   RETIRED  memory given back            (the worker's retired list)
 * used counts the blocks handed out and not yet back on the span's free
 * list: a block on a remote stack is still used, so a span with a remote
 * free in flight is never EMPTY, and never retired under the pusher.
 *
 * Remote frees
 * ------------
 * A block freed by another thread (a task completed or dropped on another
 * worker, or by a foreign thread) is pushed on its owner's stack for its
 * class: a Treiber stack through t->next, a push is a CAS, and the owner
 * takes the whole stack with one exchange, so no popped node is ever
 * reused under a pusher (no ABA).  The pusher reads only the span's
 * header (owner, class) before its CAS and nothing after: the owner may
 * free the block's span from then on.  The owner drains the stack when
 * its spans run dry and when it parks (coast__slab_idle).  A parked owner
 * would not drain again until it next runs: a push that finds the stack
 * empty (one push an empty->non-empty transition, so one wake at most a
 * drain) asks the scheduler to unpark the owner if it is idle
 * (coast__worker_slab_wake), and a parker re-checks its stacks after
 * it is idle-listed (coast__slab_idle_left): either the pusher sees it
 * idle or its re-check sees the push, as for any work (scheduler.c P2).
 *
 * Giving memory back
 * ------------------
 * When the worker parks, each class keeps up to KEEP_BYTES of empty spans
 * and retires the rest: their blocks leave the registry, their pages are
 * given back with madvise(MADV_FREE) (the header page stays: it links the
 * retired list) and the span waits on the retired list for any class's
 * next new span.  Never on a spawn or a free: an madvise there cost 20-35
 * ns a task in the 1M-task run.  At most IDLE_RETIRE spans a park: after a
 * 1M-task burst the whole give-back (480-578 spans, each ~2,000 registry
 * unlinks under the shard lock and an madvise) took 20-44 ms, while the
 * worker, not yet idle-listed, left injected and pinned work waiting.  A
 * parker with spans left to give back does not sleep (idle_left): it
 * looks for work again and gives back the next few at its next park.
 * Workers never exit, so spans are never unmapped.
 *
 * Sanitizers
 * ----------
 * Under AddressSanitizer a block's bytes beyond its task are poisoned: a
 * redzone of at least COAST__SLAB_RZ bytes after the root frame (the
 * class is chosen with it counted), so a frame overflow is reported; a
 * free block is poisoned whole but for its link (t->next), so a task used
 * after its free is reported.  Spans are mapped memory, which LeakSanitizer
 * does not scan: each is a root region while it holds blocks, or memory
 * that only a pending task at exit refers to (its frame stack, what its
 * frames malloc'd) would be reported as leaked.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "slab.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(SLAB_ASAN)
#define SLAB_ASAN 1
#endif
#ifdef SLAB_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/lsan_interface.h>
#endif

#define CARVE 64u    /* blocks carved (and registered) at once */
#ifndef COAST_SLAB_KEEP_BYTES
#define COAST_SLAB_KEEP_BYTES (8u << 20) /* empty spans kept, a class */
#endif
#define KEEP_SPANS (COAST_SLAB_KEEP_BYTES / SPAN)
/* Spans given back a park: 4 took 0.15-0.3 ms of CPU after 1M tasks. */
#define IDLE_RETIRE 4u

/* The calling worker's slab (NULL until its first task block, and on
 * other threads); workers never exit. */
_Thread_local struct coast__slab *coast__slab_here;

/* Bytes of spans holding blocks (not retired), spans mapped, and the
 * most spans given back at one park: for tests. */
static _Atomic size_t kept_bytes;
static _Atomic size_t spans_mapped;
static _Atomic unsigned most_retired;

static const uint16_t class_size[COAST__SLAB_CLASSES] = {
	128, 144, 160, 176, 192, 208, 224, 240, 256, 320, 384, 448, 512,
};

static void poison_free(struct coast_task *t, size_t bsize)
{
#ifdef SLAB_ASAN
	/* All but the link (8-byte granules: next is one). */
	ASAN_POISON_MEMORY_REGION(t, bsize);
	ASAN_UNPOISON_MEMORY_REGION(&t->next, sizeof(t->next));
#else
	(void)t;
	(void)bsize;
#endif
}

/* ------------------------------------------------------------- lists */

static struct span **list_of(struct slab_class *sc, struct span *sp)
{
	return sp->where == SP_EMPTY ? &sc->empty : &sc->partial;
}

static void list_del(struct slab_class *sc, struct span *sp)
{
	struct span **head = list_of(sc, sp);

	if (sp->prev)
		sp->prev->next = sp->next;
	else
		*head = sp->next;
	if (sp->next)
		sp->next->prev = sp->prev;
	if (sp->where == SP_EMPTY)
		sc->nempty--;
}

static void list_add(struct slab_class *sc, struct span *sp,
		     enum span_where where)
{
	struct span **head;

	sp->where = (uint8_t)where;
	head = list_of(sc, sp);
	sp->prev = NULL;
	sp->next = *head;
	if (*head)
		(*head)->prev = sp;
	*head = sp;
	if (where == SP_EMPTY)
		sc->nempty++;
}

/* ------------------------------------------------------------- spans */

static struct span *span_map(void)
{
	size_t len = 2 * (size_t)SPAN;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	/* Keep the aligned SPAN inside, give back the rest. */
	a = ((uintptr_t)p + SPAN - 1) & ~(uintptr_t)(SPAN - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	if ((uintptr_t)p + len > a + SPAN)
		munmap((char *)a + SPAN, (uintptr_t)p + len - (a + SPAN));
	return (struct span *)a;
}

static struct span *span_new(struct coast__slab *s, unsigned c)
{
	struct span *sp = s->retired;

	if (sp)
		s->retired = sp->next;
	else if ((sp = span_map()))
		atomic_fetch_add_explicit(&spans_mapped, 1,
					  memory_order_relaxed);
	else
		return NULL;
#ifdef SLAB_ASAN
	__lsan_register_root_region(sp, SPAN);
#endif
	sp->owner = s;
	sp->free = NULL;
	sp->used = 0;
	sp->carved = 0;
	sp->bsize = class_size[c];
	sp->nblocks = (SPAN - SPAN_HDR) / sp->bsize;
	sp->cls = (uint8_t)c;
	sp->where = SP_CUR;
	atomic_fetch_add_explicit(&kept_bytes, SPAN, memory_order_relaxed);
	return sp;
}

/* The next CARVE blocks of sp (fewer at its end) onto its free list, dead,
 * each with what a task starts with, and in the registry
 * (coast__task_carve). */
static void span_carve(struct span *sp)
{
	char *base = (char *)sp + SPAN_HDR + (size_t)sp->carved * sp->bsize;
	unsigned n = sp->nblocks - sp->carved, i;
	struct coast_task *t;

	if (n > CARVE)
		n = CARVE;
	coast__task_carve(base, sp->bsize, n, sp->cls);
	for (i = n; i-- > 0;) {
		t = (struct coast_task *)(void *)(base + (size_t)i * sp->bsize);
		t->next = sp->free;
		sp->free = t;
		poison_free(t, sp->bsize);
	}
	sp->carved += n;
}

/* sp is empty and on no list: its blocks leave the registry, its pages go
 * back to the kernel, it waits on s's retired list. */
static void span_retire(struct coast__slab *s, struct span *sp)
{
	long page = sysconf(_SC_PAGESIZE);

#ifdef SLAB_ASAN
	__lsan_unregister_root_region(sp, SPAN);
	/* Unpoisoned for its next carve's stores. */
	ASAN_UNPOISON_MEMORY_REGION(sp, SPAN);
#endif
	coast__task_reg_retire((char *)sp + SPAN_HDR, sp->bsize, sp->carved);
	madvise((char *)sp + page, SPAN - (size_t)page, MADV_FREE);
	sp->where = SP_RETIRED;
	sp->next = s->retired;
	s->retired = sp;
	atomic_fetch_sub_explicit(&kept_bytes, SPAN, memory_order_relaxed);
}

/* ------------------------------------------------------------- frees */

/* t's span changed list: it was FULL (now has a free block) or it is
 * empty now.  Never the current span (the caller checks). */
void coast__slab_span_moved(struct slab_class *sc, struct span *sp)
{
	if (sp->where != SP_FULL)
		list_del(sc, sp);
	list_add(sc, sp, sp->used ? SP_PARTIAL : SP_EMPTY);
}

static void free_local(struct coast__slab *s, struct span *sp,
		       struct coast_task *t)
{
	coast__slab_free_here(s, sp, t);
}

/* The owner takes the remote frees of class c back into their spans;
 * whether there were any. */
static bool drain(struct coast__slab *s, unsigned c)
{
	struct coast_task *t, *next;

	/* relaxed first: parking looks at every class. */
	if (!atomic_load_explicit(&s->remote[c], memory_order_relaxed))
		return false;
	/* acquire: the pushers' writes to the blocks (their links). */
	t = atomic_exchange_explicit(&s->remote[c], NULL, memory_order_acquire);
	for (; t; t = next) {
		next = t->next;
		free_local(s, span_of(t), t);
	}
	return true;
}

void coast__slab_free_slow(struct coast_task *t)
{
	struct span *sp = span_of(t);
	struct coast__slab *s = sp->owner;
	_Atomic(struct coast_task *) *head;
	struct coast_task *old;
	int wid;

	poison_free(t, sp->bsize);
	if (s == coast__slab_here) {
		free_local(s, sp, t);
		return;
	}
	head = &s->remote[sp->cls];
	/* Read before the push: the owner may reuse s's span from then on
	 * (never s itself: workers and their slabs never go). */
	wid = s->worker;
	old = atomic_load_explicit(head, memory_order_relaxed);
	do {
		t->next = old;
		/* release: the owner's exchange sees the link (and the
		 * task's last writes) before it reuses the block. */
	} while (!atomic_compare_exchange_weak_explicit(
		head, &old, t, memory_order_release, memory_order_relaxed));
	if (!old)
		coast__worker_slab_wake(wid);
}

/* ------------------------------------------------------------ allocs */

static struct span *pop_list(struct slab_class *sc, struct span **head)
{
	struct span *sp = *head;

	if (sp)
		list_del(sc, sp);
	return sp;
}

struct coast_task *coast__slab_refill(unsigned c)
{
	struct coast__slab *s = coast__slab_here;
	struct slab_class *sc;
	struct span *sp;
	struct coast_task *t;

	if (!s) {
		/* Aligned: the remote stacks keep a line of their own. */
		s = aligned_alloc(64, (sizeof(*s) + 63) & ~(size_t)63);
		if (!s)
			return NULL;
		memset(s, 0, sizeof(*s));
		s->worker = coast__worker_id();
		coast__slab_here = s;
	}
	sc = &s->cls[c];
	sp = sc->cur;
	if (sp && sp->free)
		goto pop;
	if (sp && sp->carved < sp->nblocks) {
		span_carve(sp);
		goto pop;
	}
	if (sp) {
		sp->where = SP_FULL; /* a free puts it on a list again */
		sc->cur = NULL;
	}
	drain(s, c);
	sp = pop_list(sc, &sc->partial);
	if (!sp)
		sp = pop_list(sc, &sc->empty);
	if (!sp) {
		sp = span_new(s, c);
		if (!sp)
			return NULL;
		span_carve(sp);
	}
	sp->where = SP_CUR;
	sc->cur = sp;
pop:
	t = sp->free;
	sp->free = t->next;
	sp->used++;
	return t;
}


/* -------------------------------------------------------------- idle */

void coast__slab_idle(void)
{
	struct coast__slab *s = coast__slab_here;
	struct slab_class *sc;
	unsigned c, n = 0, most;

	if (!s)
		return;
	for (c = 0; c < COAST__SLAB_CLASSES; c++) {
		sc = &s->cls[c];
		drain(s, c);
		for (; sc->nempty > KEEP_SPANS && n < IDLE_RETIRE; n++)
			span_retire(s, pop_list(sc, &sc->empty));
	}
	most = atomic_load_explicit(&most_retired, memory_order_relaxed);
	while (n > most && !atomic_compare_exchange_weak_explicit(
				   &most_retired, &most, n,
				   memory_order_relaxed, memory_order_relaxed))
		;
}

bool coast__slab_idle_left(void)
{
	struct coast__slab *s = coast__slab_here;
	unsigned c;

	if (!s)
		return false;
	for (c = 0; c < COAST__SLAB_CLASSES; c++)
		if (s->cls[c].nempty > KEEP_SPANS ||
		    atomic_load_explicit(&s->remote[c], memory_order_relaxed))
			return true;
	return false;
}

size_t coast__slab_kept(void)
{
	return atomic_load_explicit(&kept_bytes, memory_order_relaxed);
}

size_t coast__slab_mapped(void)
{
	return atomic_load_explicit(&spans_mapped, memory_order_relaxed);
}

unsigned coast__slab_most_retired(void)
{
	return atomic_load_explicit(&most_retired, memory_order_relaxed);
}
