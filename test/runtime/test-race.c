/*
 * test-race.c - races of futures inside one task (race.c), driven as
 * lowered code drives them: a racer frame starts the race from its frame
 * stack, starts each arm above it and awaits the race.  Timeouts that fire
 * or not, the first of several arms, losers cancelled with their timers
 * gone, a task cancelled inside a race, arms whose chains are deeper than
 * COAST_POLL_DEPTH (descended frames stay inside the race), and many
 * racing tasks on several workers (TSan).
 */
#include <errno.h>

#include "test.h"

enum arm_kind { ARM_SLEEP, ARM_YIELD, ARM_NEST };

struct arm_spec {
	enum arm_kind kind;
	uint64_t n; /* ms, yields, or nesting depth */
	int id;
	uint64_t ms; /* ARM_NEST: how long its innermost frame sleeps */
};

/*
 * test_drop for a sub-future polled with coast__poll_child, which may
 * answer COAST_DESCEND (passed on like PENDING).
 */
static int drop_descending(struct coast_frame *f, struct coast_frame **sub,
			   struct coast_cx *cx)
{
	int r;

	if (*sub) {
		(*sub)->flags |= COAST_F_CANCEL;
		r = coast__poll_child(*sub, cx);
		if (r != COAST_READY)
			return r;
		test_free(cx, *sub);
		*sub = NULL;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* ------------------------------------------------------------------ nest */

/*
 * A chain of depth frames from the frame stack, each awaiting the next
 * through coast__poll_child (so past COAST_POLL_DEPTH they descend); the
 * innermost sleeps ms.  Returns id.
 */
struct nest {
	struct coast_frame h;
	int ret;
	unsigned depth;
	uint64_t ms;
	int id;
	struct coast_frame *sub;
};

TEST_FN(nest_fn, struct nest, nest_poll);

static struct coast_frame *nest_start(struct coast_alloc *a, unsigned depth,
				      uint64_t ms, int id)
{
	struct nest *n = test_frame_new(a, &nest_fn);

	n->depth = depth;
	n->ms = ms;
	n->id = id;
	return &n->h;
}

static int nest_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct nest *n = (struct nest *)f;
	int r;

	if (f->flags & COAST_F_CANCEL)
		return drop_descending(f, &n->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		n->sub = n->depth ? nest_start(cx->frames, n->depth - 1, n->ms,
					       n->id)
				  : COAST_START(coast_sleep_ms)(cx->frames,
								n->ms);
		f->state = 1;
		/* fall through */
	case 1:
		r = coast__poll_child(n->sub, cx);
		if (r != COAST_READY)
			return r;
		test_free(cx, n->sub);
		n->sub = NULL;
		n->ret = n->id;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* ----------------------------------------------------------------- racer */

/*
 * Races its arms (a timeout when ms >= 0 or timed, coast_first otherwise)
 * and returns the race's result; the winner's result goes to *out.
 */
struct racer {
	struct coast_frame h;
	int ret;
	bool timed;
	long long ms;
	unsigned narms;
	const struct arm_spec *arms;
	int *out;
	struct coast_frame *race;
};

TEST_FN(racer_fn, struct racer, racer_poll);

static struct coast_frame *racer_start(struct coast_alloc *a, bool timed,
				       long long ms,
				       const struct arm_spec *arms,
				       unsigned narms, int *out)
{
	struct racer *r = test_frame_new(a, &racer_fn);

	r->timed = timed;
	r->ms = ms;
	r->arms = arms;
	r->narms = narms;
	r->out = out;
	return &r->h;
}

static struct coast_frame *arm_start(struct coast_alloc *a,
				     const struct arm_spec *s)
{
	switch (s->kind) {
	case ARM_SLEEP:
		return test_sleeper_start(a, s->n, s->id, NULL, NULL);
	case ARM_YIELD:
		return test_yielder_start(a, (int)s->n, s->id, NULL, NULL);
	case ARM_NEST:
		return nest_start(a, (unsigned)s->n, s->ms, s->id);
	}
	abort();
}

static int racer_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct racer *r = (struct racer *)f;
	unsigned i;
	int rc;

	if (f->flags & COAST_F_CANCEL)
		return drop_descending(f, &r->race, cx);
	switch (f->state) {
	case COAST_STATE_START:
		r->race = r->timed ? coast__timeout__coast_start(cx->frames,
								 r->ms)
				   : coast__first__coast_start(cx->frames,
							       r->narms);
		ASSERT(r->race);
		for (i = 0; i < r->narms; i++)
			coast__race_arm(r->race, cx->frames,
					arm_start(cx->frames, &r->arms[i]),
					r->out, "arm");
		f->state = 1;
		/* fall through */
	case 1:
		rc = coast__poll_child(r->race, cx);
		if (rc != COAST_READY)
			return rc;
		r->ret = COAST_RESULT(int, r->race);
		test_free(cx, r->race);
		r->race = NULL;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static int race(bool timed, long long ms, const struct arm_spec *arms,
		unsigned narms, int *out)
{
	int ret = -1;

	ASSERT_EQ(coast__block_on(racer_start(&coast__task_alloc, timed, ms,
					      arms, narms, out),
				  &ret),
		  0);
	return ret;
}

/* Joins t from a root task: coast_join's result. */
static int block_on_join(coast_task *t)
{
	int ret = 12345;

	ASSERT_EQ(coast__block_on(COAST_START(coast_join)(&coast__task_alloc,
							 t, NULL),
				  &ret),
		  0);
	return ret;
}

/* ----------------------------------------------------------------- tests */

TEST_IMPL(race_timeout)
{
	const struct arm_spec quick = { ARM_SLEEP, 5, 7, 0 };
	const struct arm_spec slow = { ARM_SLEEP, 100000, 8, 0 };
	int out = -1;
	double t0;

	ASSERT_EQ(race(true, 5000, &quick, 1, &out), 0);
	ASSERT_EQ(out, 7);
	ASSERT_EQ(coast__timer_count(), 0);

	out = -1;
	t0 = test_now_ms();
	ASSERT_EQ(race(true, 20, &slow, 1, &out), -ETIMEDOUT);
	ASSERT(test_now_ms() - t0 >= 19.0);
	ASSERT(test_now_ms() - t0 < 5000.0);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(coast__timer_count(), 0); /* the deadline and the sleep */

	ASSERT_EQ(race(true, -1, &quick, 1, &out), -EINVAL);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(coast__timer_count(), 0);
	/* A zero deadline still lets an arm that is ready at once win. */
	{
		const struct arm_spec now = { ARM_YIELD, 0, 9, 0 };

		ASSERT_EQ(race(true, 0, &now, 1, &out), 0);
		ASSERT_EQ(out, 9);
	}
	return 0;
}

TEST_IMPL(race_first)
{
	const struct arm_spec arms[] = {
		{ ARM_SLEEP, 100000, 1, 0 },
		{ ARM_YIELD, 3, 2, 0 },
		{ ARM_SLEEP, 200000, 3, 0 },
	};
	const struct arm_spec tie[] = {
		{ ARM_YIELD, 0, 4, 0 },
		{ ARM_YIELD, 0, 5, 0 },
	};
	int out = -1;

	ASSERT_EQ(race(false, -1, arms, 3, &out), 1);
	ASSERT_EQ(out, 2);
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(race(false, -1, tie, 2, &out), 0);
	ASSERT_EQ(out, 4);
	return 0;
}

/* Chains deeper than COAST_POLL_DEPTH, in the last arm and in another. */
TEST_IMPL(race_descend)
{
	const struct arm_spec deep[] = {
		{ ARM_NEST, 40, 1, 5 },
		{ ARM_SLEEP, 100000, 2, 0 },
	};
	const struct arm_spec deep_last[] = {
		{ ARM_SLEEP, 100000, 3, 0 },
		{ ARM_NEST, 40, 4, 5 },
	};
	const struct arm_spec stuck = { ARM_NEST, 40, 5, 100000 };
	int out = -1;

	ASSERT_EQ(race(false, -1, deep, 2, &out), 0);
	ASSERT_EQ(out, 1);
	ASSERT_EQ(race(false, -1, deep_last, 2, &out), 1);
	ASSERT_EQ(out, 4);
	/* The deadline fires while the deep arm waits (a deadline passed
	 * while arming is fine too).  The arm's sleep is long: with a short
	 * one, a worker stalled past both on a loaded machine saw them
	 * expire in one turn and the arm won. */
	out = -1;
	ASSERT_EQ(race(true, 1, &stuck, 1, &out), -ETIMEDOUT);
	ASSERT_EQ(out, -1);
	ASSERT_EQ(coast__timer_count(), 0);
	return 0;
}

/* Cancelling the task drops the race and every arm. */
TEST_IMPL(race_cancel)
{
	static const struct arm_spec arms[] = {
		{ ARM_SLEEP, 100000, 1, 0 },
		{ ARM_NEST, 30, 2, 100000 },
		{ ARM_SLEEP, 200000, 3, 0 },
	};
	static const struct arm_spec slow = { ARM_NEST, 20, 4, 100000 };
	const struct arm_spec now = { ARM_YIELD, 0, 0, 0 };
	coast_task *t[2];
	int i;

	test_workers(2);
	t[0] = coast__spawn(racer_start(&coast__task_alloc, false, -1, arms,
					3, NULL));
	t[1] = coast__spawn(racer_start(&coast__task_alloc, true, 100000,
					&slow, 1, NULL));
	ASSERT_EQ(race(false, -1, &now, 1, NULL), 0); /* starts the runtime */
	/* Both suspended inside their races: 3 arms, 1 arm and a deadline
	 * (waited for: 30 ms was short for a stalled worker). */
	ASSERT_EQ(test_timers_settle(5), 5);
	for (i = 0; i < 2; i++) {
		ASSERT(t[i]);
		ASSERT_EQ(coast_cancel(t[i]), 0);
		ASSERT_EQ(block_on_join(t[i]), -ECANCELED);
	}
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* Many tasks racing on several workers: wakes from timers and yields. */
TEST_IMPL(race_many)
{
	static const struct arm_spec arms[] = {
		{ ARM_SLEEP, 1, 1, 0 },
		{ ARM_YIELD, 2, 2, 0 },
		{ ARM_NEST, 20, 3, 5 },
	};
	enum { N = 300 };
	static coast_task *t[N];
	static int out[N];
	int i;

	test_workers(3);
	for (i = 0; i < N; i++) {
		t[i] = test_spawn(racer_start(&coast__task_alloc, i % 2,
						i % 3, arms, i % 2 ? 1 : 3,
						&out[i]));
	}
	for (i = 0; i < N; i++) {
		int rc = block_on_join(t[i]);

		ASSERT_EQ(rc, 0);
	}
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
