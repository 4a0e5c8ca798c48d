/*
 * test-registry.c - the task registry's dead blocks (task.c, R1-R3): task
 * blocks stay linked while cached and when reused, so dumps and scope
 * cancellations walk blocks that tasks on every worker free and take again
 * meanwhile.  A dump must not list a dead block, and a scope's
 * cancellation must cancel its own tasks and never the task a reused block
 * holds now (those would join with -ECANCELED); TSan checks the walkers'
 * reads against the reuses.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

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

/* A scope task: yields `yields` times, then sets *slot to 1; cancelled,
 * to 2. */
struct scoped {
	struct coast_frame h;
	int ret;
	int yields;
	int dummy;
	int *slot;
	struct coast_frame *sub;
};

TEST_FN(scoped_fn, struct scoped, scoped_poll);

static int scoped_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct scoped *s = (struct scoped *)f;
	int r;

	if (f->flags & COAST_F_CANCEL) {
		r = test_drop(f, &s->sub, cx);
		if (r == COAST_READY)
			*s->slot = 2;
		return r;
	}
	switch (f->state) {
	case COAST_STATE_START:
		while (s->yields-- > 0) {
			TEST_AWAIT(1, s->sub,
				   COAST_START(coast_yield)(cx->frames), int,
				   s->dummy);
		}
		*s->slot = 1;
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
		ASSERT(o->slots[i] == 1 || o->slots[i] == 2);
}

static int scope_owner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct scope_owner *o = (struct scope_owner *)f;
	struct scoped *s;
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
		for (i = 0; i < SCOPED; i++) {
			s = test_frame_new(&coast__task_alloc, &scoped_fn);
			s->yields = (i * 7) % 41;
			s->slot = &o->slots[i];
			ASSERT_EQ(coast__scope_spawn(&o->s, &s->h), 0);
		}
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
				TEST_AWAIT(1, c->sub,
					   COAST_START(coast_yield)(cx->frames),
					   int, c->dummy);
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

static atomic_bool dumping_done;
static atomic_int dumps;

static void *dumper(void *arg)
{
	(void)arg;
	/* At least one dump: on a loaded machine the tasks may all be done
	 * before this thread first runs. */
	do {
		coast_dump_tasks();
		atomic_fetch_add(&dumps, 1);
	} while (!atomic_load(&dumping_done));
	return NULL;
}

TEST_IMPL(registry_churn)
{
	coast_task *t[CHURNERS + 1];
	struct coast_frame *j;
	int outs[CHURNERS + 1], joined = 0, i, devnull, saved;
	pthread_t th;

	test_workers(3);
	devnull = open("/dev/null", O_WRONLY);
	saved = dup(2);
	ASSERT(devnull >= 0 && saved >= 0);
	dup2(devnull, 2);
	for (i = 0; i < CHURNERS; i++)
		t[i] = coast__spawn(&((struct churner *)test_frame_new(
					      &coast__task_alloc, &churner_fn))
					     ->h);
	t[CHURNERS] = coast__spawn(&((struct scope_canceller *)test_frame_new(
					     &coast__task_alloc,
					     &scope_canceller_fn))
					    ->h);
	ASSERT(pthread_create(&th, NULL, dumper, NULL) == 0);
	j = test_join_all_start(&coast__task_alloc, t, CHURNERS + 1, outs,
				sizeof(int));
	ASSERT_EQ(coast__block_on(j, &joined), 0);
	atomic_store(&dumping_done, true);
	pthread_join(th, NULL);
	dup2(saved, 2);
	close(devnull);
	close(saved);
	ASSERT_EQ(joined, CHURNERS + 1);
	for (i = 0; i <= CHURNERS; i++)
		ASSERT_EQ(outs[i], 0);
	ASSERT(atomic_load(&dumps) > 0);
	ASSERT_EQ(test_live_settle(0), 0);
	/* Dead blocks are linked (outside ASan) but not listed. */
	ASSERT_EQ(coast_dump_tasks(), 0);
	return 0;
}
