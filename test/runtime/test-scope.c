/*
 * test-scope.c - coast_scope: tasks that write into the spawning frame,
 * spawned from several tasks of the scope at once, the join's wait, its
 * cancellation (the scope's tasks are cancelled and finished before the
 * join returns), and the errors.
 */
#include <stdatomic.h>

#include "test.h"

/* Yields `yields` times, then stores v in *slot (the owner's frame). */
struct filler {
	struct coast_frame h;
	int ret;
	int *slot;
	int v;
	int yields;
	coast_scope *spawn_in; /* spawns two more fillers there first */
	struct coast_frame *sub;
};

TEST_FN(filler_fn, struct filler, filler_poll);

static struct coast_frame *filler_new(int *slot, int v, int yields,
				      coast_scope *spawn_in)
{
	struct filler *p = test_frame_new(&coast__task_alloc, &filler_fn);

	p->slot = slot;
	p->v = v;
	p->yields = yields;
	p->spawn_in = spawn_in;
	return &p->h;
}

static int filler_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct filler *p = (struct filler *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &p->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		if (p->spawn_in) {
			/* slot[1], slot[2]: the owner made room. */
			ASSERT_EQ(coast__scope_spawn(p->spawn_in,
						     filler_new(p->slot + 1,
								p->v + 1, 3,
								NULL)),
				  0);
			ASSERT_EQ(coast__scope_spawn(p->spawn_in,
						     filler_new(p->slot + 2,
								p->v + 2, 3,
								NULL)),
				  0);
		}
		while (p->yields-- > 0)
			TEST_AWAIT_YIELD(1, p->sub);
		*p->slot = p->v;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

#define NFILL 300

/* Spawns NFILL fillers (a third of them spawning two more) in its scope
 * and joins it; the slots are its own frame's. */
struct owner {
	struct coast_frame h;
	int ret;
	coast_scope s;
	int slots[3 * NFILL];
	struct coast_frame *sub;
};

TEST_FN(owner_fn, struct owner, owner_poll);

static int owner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct owner *o = (struct owner *)f;
	int i;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &o->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		o->s = (coast_scope)COAST_SCOPE_INIT;
		for (i = 0; i < NFILL; i++)
			ASSERT_EQ(coast__scope_spawn(
					  &o->s,
					  filler_new(&o->slots[3 * i], 3 * i,
						     i % 5, i % 3 ? NULL : &o->s)),
				  0);
		TEST_AWAIT(1, o->sub,
			   COAST_START(coast_scope_join)(cx->frames, &o->s),
			   int, o->ret);
		/* Joined: spawning more is refused, the frame is freed. */
		ASSERT_EQ(coast__scope_spawn(&o->s, filler_new(&o->ret, 1, 0,
							       NULL)),
			  -EPIPE);
		for (i = 0; i < 3 * NFILL; i++) {
			if (i % 3 == 0 || (i / 3) % 3 == 0)
				ASSERT_EQ(o->slots[i], i);
			else
				ASSERT_EQ(o->slots[i], 0);
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(scope_fill)
{
	struct owner *o;

	test_workers(4);
	o = test_frame_new(&coast__task_alloc, &owner_fn);
	ASSERT_EQ(test_block_on_int(&o->h), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

#define NSTUCK 40

struct stuck_owner {
	struct coast_frame h;
	int ret;
	coast_scope s;
	int slots[NSTUCK];
	_Atomic int *started;
	struct coast_frame *sub;
};

TEST_FN(stuck_owner_fn, struct stuck_owner, stuck_owner_poll);

static int stuck_owner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct stuck_owner *o = (struct stuck_owner *)f;
	int i, r;

	if (f->flags & COAST_F_CANCEL) {
		r = test_drop(f, &o->sub, cx);
		if (r == COAST_READY) {
			/* Every task's cancellation wrote its slot first. */
			for (i = 0; i < NSTUCK; i++)
				ASSERT_EQ(o->slots[i], TEST_SLOT_DROPPED);
			ASSERT_EQ(coast__scope_spawn(&o->s,
						     filler_new(&o->ret, 1, 0,
								NULL)),
				  -EPIPE);
		}
		return r;
	}
	switch (f->state) {
	case COAST_STATE_START:
		o->s = (coast_scope)COAST_SCOPE_INIT;
		/* Never finishing unless cancelled; their cancellation
		 * polls write into this frame, which must still be there. */
		for (i = 0; i < NSTUCK; i++)
			ASSERT_EQ(coast__scope_spawn(
					  &o->s, test_stuck_start(
							 &coast__task_alloc, -1,
							 &o->slots[i],
							 o->started)),
				  0);
		TEST_AWAIT(1, o->sub,
			   COAST_START(coast_scope_join)(cx->frames, &o->s),
			   int, o->ret);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Cancels the task awaiting the join once every scope task runs. */
struct canceller {
	struct coast_frame h;
	int ret;
	double t0;
	_Atomic int started;
	coast_task *t;
	struct coast_frame *sub;
};

TEST_FN(canceller_fn, struct canceller, canceller_poll);

static int canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct canceller *c = (struct canceller *)f;
	struct stuck_owner *o;
	int dummy;

	switch (f->state) {
	case COAST_STATE_START:
		o = test_frame_new(&coast__task_alloc, &stuck_owner_fn);
		o->started = &c->started;
		c->t = coast__spawn(&o->h);
		c->t0 = test_now_ms();
		while (atomic_load(&c->started) < NSTUCK) {
			ASSERT_WITHIN(c->t0, "every scope task's start");
			TEST_AWAIT(1, c->sub,
				   COAST_START(coast_sleep_ms)(cx->frames, 1),
				   int, dummy);
		}
		ASSERT_EQ(coast_cancel(c->t), 0);
		TEST_AWAIT(2, c->sub,
			   COAST_START(coast_join)(cx->frames, c->t, NULL),
			   int, c->ret);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(scope_cancel_join)
{
	struct canceller *c;

	test_workers(4);
	c = test_frame_new(&coast__task_alloc, &canceller_fn);
	ASSERT_EQ(test_block_on_int(&c->h), -ECANCELED);
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

TEST_IMPL(scope_errors)
{
	coast_scope s = COAST_SCOPE_INIT;
	struct coast_frame *j;
	int slot = 0;

	test_workers(2);
	ASSERT_EQ(coast__scope_spawn(&s, NULL), -ENOMEM);
	ASSERT_EQ(coast__scope_spawn(NULL, filler_new(&slot, 1, 0, NULL)),
		  -EINVAL);
	j = COAST_START(coast_scope_join)(&coast__task_alloc, NULL);
	ASSERT_EQ(test_block_on_int(j), -EINVAL);
	/* Spawned from outside the runtime, joined by a root. */
	ASSERT_EQ(coast__scope_spawn(&s, filler_new(&slot, 7, 2, NULL)), 0);
	j = COAST_START(coast_scope_join)(&coast__task_alloc, &s);
	ASSERT_EQ(test_block_on_int(j), 0);
	ASSERT_EQ(slot, 7);
	ASSERT_EQ(coast__scope_spawn(&s, filler_new(&slot, 8, 0, NULL)),
		  -EPIPE);
	/* An empty scope joins at once, also with the blocking version. */
	s = (coast_scope)COAST_SCOPE_INIT;
	ASSERT_EQ(coast_scope_join(&s), 0);
	ASSERT_EQ(coast_scope_join(NULL), -EINVAL);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
