/*
 * slab.h - the layout of the workers' slabs (slab.c) and their owners'
 * fast paths, inline in task.c: a task block's allocation and its free on
 * its own worker are a pop and a push on a span's free list, and a call
 * each cost about as much (spawn+join, one worker).  Everything else of
 * the slab is slab.c's.
 */
#ifndef COAST_SLAB_H
#define COAST_SLAB_H

#include "internal.h"

#define SPAN (256u << 10)
#define SPAN_HDR 64u /* the span's header, then its blocks */

enum span_where { SP_CUR, SP_PARTIAL, SP_EMPTY, SP_FULL, SP_RETIRED };

struct span {
	struct coast__slab *owner;
	struct span *prev, *next; /* on its list (next only: retired) */
	struct coast_task *free;  /* the owner's free list, through next */
	uint32_t used;            /* handed out, not back on free */
	uint32_t carved;          /* blocks carved so far */
	uint32_t nblocks;
	uint16_t bsize;
	uint8_t cls;
	uint8_t where; /* enum span_where */
};
_Static_assert(sizeof(struct span) <= SPAN_HDR, "a span's header fits");

struct slab_class {
	struct span *cur;
	struct span *partial, *empty;
	uint32_t nempty;
};

struct coast__slab {
	struct slab_class cls[COAST__SLAB_CLASSES];
	struct span *retired;
	int worker; /* its worker's index, for coast__worker_slab_wake */
	/* Remote frees (any thread pushes, the owner takes), away from
	 * the owner's fields. */
	_Alignas(64) _Atomic(struct coast_task *) remote[COAST__SLAB_CLASSES];
};

extern _Thread_local struct coast__slab *coast__slab_here
	__attribute__((visibility("hidden"))) COAST__TLS_IE;

static inline struct span *span_of(struct coast_task *t)
{
	return (struct span *)((uintptr_t)t & ~(uintptr_t)(SPAN - 1));
}

/* A current span with no free block: carve, drain, take another. */
struct coast_task *coast__slab_refill(unsigned c);
/* A span that was FULL or is empty now changes list (never CUR). */
void coast__slab_span_moved(struct slab_class *sc, struct span *sp);
/* A free from another thread (or, under AddressSanitizer, any free). */
void coast__slab_free_slow(struct coast_task *t);

/* A free block of class c from the calling worker's slab, or NULL (no
 * memory).  Workers only. */
static inline struct coast_task *coast__slab_alloc(unsigned c)
{
	struct coast__slab *s = coast__slab_here;
	struct span *sp;
	struct coast_task *t;

	if (s && (sp = s->cls[c].cur) && (t = sp->free)) {
		sp->free = t->next;
		sp->used++;
		return t;
	}
	return coast__slab_refill(c);
}

/* The owner's free of t into its span sp. */
static inline void coast__slab_free_here(struct coast__slab *s,
					 struct span *sp, struct coast_task *t)
{
	t->next = sp->free;
	sp->free = t;
	sp->used--;
	if (sp->where != SP_CUR && (sp->where == SP_FULL || !sp->used))
		coast__slab_span_moved(&s->cls[sp->cls], sp);
}

/* Gives back a slab block, from any thread.  (Under AddressSanitizer
 * every free poisons the block: slab.c's.) */
static inline void coast__slab_free(struct coast_task *t)
{
#if COAST__SLAB_RZ == 0
	struct span *sp = span_of(t);

	if (sp->owner == coast__slab_here) {
		coast__slab_free_here(sp->owner, sp, t);
		return;
	}
#endif
	coast__slab_free_slow(t);
}

#endif
