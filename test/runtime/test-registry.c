/*
 * test-registry.c - the task registry's dead blocks (task.c, R1-R3): task
 * blocks stay linked while cached and when reused, so dumps and scope
 * cancellations walk blocks that tasks on every worker free and take again
 * meanwhile.  A dump must not list a dead block, and a scope's
 * cancellation must cancel its own tasks and never the task a reused block
 * holds now (those would join with -ECANCELED); TSan checks the walkers'
 * reads against the reuses.
 */
#include "test.h"

#define BATCH 16
#define ROUNDS 40
#define CHURNERS 4
#define SCOPED 24

/* Spawns BATCH yielders and joins them, ROUNDS times: every join 0. */
struct churner {
	struct coast_frame h;
	int ret;
	int round;
	coast_task *t[BATCH];
	int outs[BATCH];
	struct coast_frame *sub;
};

TEST_FN(churner_fn, struct churner, churner_poll);

static int churner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct churner *c = (struct churner *)f;
	int i, joined;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &c->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		for (c->round = 0; c->round < ROUNDS; c->round++) {
			for (i = 0; i < BATCH; i++)
				c->t[i] = coast__spawn(test_yielder_start(
					&coast__task_alloc, i % 3, i, NULL,
					NULL));
			TEST_AWAIT(1, c->sub,
				   test_join_all_start(cx->frames, c->t, BATCH,
						       c->outs, sizeof(int)),
				   int, joined);
			ASSERT_EQ(joined, BATCH);
			for (i = 0; i < BATCH; i++)
				ASSERT_EQ(c->outs[i], i);
		}
		c->ret = 0;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Spawns SCOPED scope tasks (0 to 40 yields) and joins the scope; every
 * slot is set when the join returns, also after a cancellation. */
struct scope_owner {
	struct coast_frame h;
	int ret;
	coast_scope s;
	int slots[SCOPED];
	struct coast_frame *sub;
};

TEST_FN(scope_owner_fn, struct scope_owner, scope_owner_poll);

static void slots_all_set(struct scope_owner *o)
{
	int i;

	for (i = 0; i < SCOPED; i++)
		ASSERT(o->slots[i] == TEST_SLOT_DONE ||
		       o->slots[i] == TEST_SLOT_DROPPED);
}

static int scope_owner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct scope_owner *o = (struct scope_owner *)f;
	int i, r;

	if (f->flags & COAST_F_CANCEL) {
		/* Cancelled before its first poll: nothing was spawned. */
		i = f->state;
		r = test_drop(f, &o->sub, cx);
		if (r == COAST_READY && i != COAST_STATE_START)
			slots_all_set(o);
		return r;
	}
	switch (f->state) {
	case COAST_STATE_START:
		o->s = (coast_scope)COAST_SCOPE_INIT;
		for (i = 0; i < SCOPED; i++)
			ASSERT_EQ(coast__scope_spawn(
					  &o->s, test_stuck_start(
							 &coast__task_alloc,
							 (i * 7) % 41,
							 &o->slots[i], NULL)),
				  0);
		TEST_AWAIT(1, o->sub,
			   COAST_START(coast_scope_join)(cx->frames, &o->s),
			   int, o->ret);
		slots_all_set(o);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* ROUNDS times: a scope owner spawned, cancelled after `round % 5`
 * yields, joined (0 when it finished first, else -ECANCELED). */
struct scope_canceller {
	struct coast_frame h;
	int ret;
	int round;
	int i;
	int dummy;
	int out;
	coast_task *t;
	struct coast_frame *sub;
};

TEST_FN(scope_canceller_fn, struct scope_canceller, scope_canceller_poll);

static int scope_canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct scope_canceller *c = (struct scope_canceller *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &c->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		for (c->round = 0; c->round < ROUNDS; c->round++) {
			c->t = coast__spawn(&((struct scope_owner *)
						      test_frame_new(
							      &coast__task_alloc,
							      &scope_owner_fn))
						     ->h);
			for (c->i = 0; c->i < c->round % 5; c->i++) {
				TEST_AWAIT_YIELD(1, c->sub);
			}
			ASSERT_EQ(coast_cancel(c->t), 0);
			TEST_AWAIT(2, c->sub,
				   COAST_START(coast_join)(cx->frames, c->t,
							   &c->out),
				   int, c->dummy);
			ASSERT(c->dummy == 0 || c->dummy == -ECANCELED);
		}
		c->ret = 0;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(registry_churn)
{
	coast_task *t[CHURNERS + 1];
	struct coast_frame *j;
	int outs[CHURNERS + 1], joined = 0, i;

	test_workers(3);
	for (i = 0; i < CHURNERS; i++)
		t[i] = coast__spawn(&((struct churner *)test_frame_new(
					      &coast__task_alloc, &churner_fn))
					     ->h);
	t[CHURNERS] = coast__spawn(&((struct scope_canceller *)test_frame_new(
					     &coast__task_alloc,
					     &scope_canceller_fn))
					    ->h);
	test_dumps_start();
	j = test_join_all_start(&coast__task_alloc, t, CHURNERS + 1, outs,
				sizeof(int));
	ASSERT_EQ(coast__block_on(j, &joined), 0);
	ASSERT(test_dumps_stop() > 0);
	ASSERT_EQ(joined, CHURNERS + 1);
	for (i = 0; i <= CHURNERS; i++)
		ASSERT_EQ(outs[i], 0);
	ASSERT_EQ(test_live_settle(0), 0);
	/* Dead blocks are linked (outside ASan) but not listed. */
	ASSERT_EQ(coast_dump_tasks(), 0);
	return 0;
}
