/*
 * test-spawnjoin.c - the end of an inline join (task.c,
 * coast__task_complete_joined): a task a join polls inline and that
 * completes there is completed and its handle consumed in one step, with
 * the result copied before it.  What that step must still get right: a
 * waker the task kept (the task outlives the join, and its last holder
 * frees it), a task cancelled before it ran (-ECANCELED, no result), a
 * task that consumed its own handle during the poll (-EINVAL, and the
 * join does not touch it again), through the join's ready companion and
 * through its frame; and the same with two workers, where the task may
 * run inline, on the other worker, or be stolen.
 */
#include <malloc.h>
#include <stdatomic.h>

#include "test.h"

enum sj_mode {
	SJ_PLAIN,
	SJ_KEEP_WAKER, /* takes a waker of itself and keeps it */
	SJ_CANCELLED,  /* cancelled by its joiner before the join */
	SJ_DETACH_SELF, /* detaches its own handle during its poll */
};

/* One worker: what the leaves saw; written by their polls. */
static struct {
	bool in_joiner;	 /* the joiner's join is on the stack */
	int polls;	 /* of the leaf */
	bool inline_ran; /* its poll ran inside the join */
	bool cancel_seen;
	coast_task *self;
	coast_waker *kept;
	int out;	   /* the joiner's out, once it is done */
	size_t live_after; /* tasks live right after the join */
} sj;

struct sj_leaf {
	struct coast_frame h;
	int ret;
	int mode;
};

TEST_FN(sj_leaf_fn, struct sj_leaf, sj_leaf_poll);

static int sj_leaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sj_leaf *l = (struct sj_leaf *)f;

	sj.polls++;
	sj.inline_ran = sj.in_joiner;
	f->state = COAST_STATE_DONE;
	if (f->flags & COAST_F_CANCEL) {
		sj.cancel_seen = true;
		return COAST_READY;
	}
	if (l->mode == SJ_KEEP_WAKER)
		sj.kept = coast_waker_get(cx);
	else if (l->mode == SJ_DETACH_SELF)
		ASSERT_EQ(coast_detach(sj.self), 0);
	l->ret = 42;
	return COAST_READY;
}

struct sj_joiner {
	struct coast_frame h;
	int ret;	   /* the join's answer */
	int mode;
	bool use_frame;	   /* the join's frame, not its companion */
	int out;	   /* -1 unless the join wrote the result */
	struct coast_frame *sub;
};

TEST_FN(sj_joiner_fn, struct sj_joiner, sj_joiner_poll);

static int sj_joiner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sj_joiner *j = (struct sj_joiner *)f;
	struct sj_leaf *l;
	int r = -1;

	switch (f->state) {
	case COAST_STATE_START:
		l = test_frame_new(&coast__task_alloc, &sj_leaf_fn);
		l->mode = j->mode;
		sj.self = test_spawn(&l->h);
		if (j->mode == SJ_CANCELLED)
			ASSERT_EQ(coast_cancel(sj.self), 0);
		j->out = -1;
		sj.in_joiner = true;
		if (!j->use_frame) {
			/* Complete at once: the companion answers. */
			ASSERT(coast_join__coast_ready(sj.self, &j->out, &r));
			j->ret = r;
			break;
		}
		j->sub = COAST_START(coast_join)(cx->frames, sj.self, &j->out);
		ASSERT(j->sub);
		/* The frame's first poll completes too. */
		ASSERT_EQ(test_poll(j->sub, cx), COAST_READY);
		j->ret = COAST_RESULT(int, j->sub);
		test_free(cx, j->sub);
		break;
	default:
		abort();
	}
	sj.in_joiner = false;
	sj.out = j->out;
	sj.live_after = coast__task_live();
	if (sj.kept) {
		/* The task outlived its join: its last reference is ours. */
		coast_waker_drop(sj.kept);
		sj.kept = NULL;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* One worker: a joiner of a leaf in mode, joined by the companion or by
 * the frame; the join's answer and what it wrote.  (The joiner's frame
 * is gone once block_on returned: what it saw is in sj.) */
static void sj_run(int mode, bool use_frame, int want_ret, int want_out)
{
	struct sj_joiner *j = test_frame_new(&coast__task_alloc, &sj_joiner_fn);

	memset(&sj, 0, sizeof(sj));
	j->mode = mode;
	j->use_frame = use_frame;
	ASSERT_EQ(test_block_on_int(&j->h), want_ret);
	ASSERT_EQ(sj.out, want_out);
	ASSERT_EQ(sj.polls, 1);
	ASSERT(sj.inline_ran);
	ASSERT_EQ(sj.cancel_seen, mode == SJ_CANCELLED);
	/* The joiner, and a leaf whose waker was kept. */
	ASSERT_EQ(sj.live_after, mode == SJ_KEEP_WAKER ? 2 : 1);
	ASSERT_EQ(test_live_settle(0), 0);
}

TEST_IMPL(spawn_join_inline_result)
{
	test_workers(1);
	sj_run(SJ_PLAIN, false, 0, 42);
	sj_run(SJ_PLAIN, true, 0, 42);
	return 0;
}

/* A waker taken in the inline poll (the runner's reference, lent) keeps
 * the task after the join consumed its handle; dropping it frees it. */
TEST_IMPL(spawn_join_inline_waker_kept)
{
	test_workers(1);
	sj_run(SJ_KEEP_WAKER, false, 0, 42);
	sj_run(SJ_KEEP_WAKER, true, 0, 42);
	return 0;
}

/* Cancelled before it ran: its inline poll is the cancellation poll
 * (NOTIFIED holds the cancel's reference), the join answers -ECANCELED
 * and writes no result. */
TEST_IMPL(spawn_join_inline_cancelled)
{
	test_workers(1);
	sj_run(SJ_CANCELLED, false, -ECANCELED, -1);
	sj_run(SJ_CANCELLED, true, -ECANCELED, -1);
	return 0;
}

/* The task detached itself (its handle's reference dropped) and then
 * completed, its last reference the runner's: freed there; the join
 * answers -EINVAL and reads nothing of it (AddressSanitizer would say). */
TEST_IMPL(spawn_join_inline_detached_self)
{
	test_workers(1);
	sj_run(SJ_DETACH_SELF, false, -EINVAL, -1);
	sj_run(SJ_DETACH_SELF, true, -EINVAL, -1);
	return 0;
}

/*
 * Two workers: spawn SJ2_N tasks, each cancelled, keeping a waker, or
 * plain by its index, then join them in order, by the companion or the
 * frame alternately.  Each task runs inline, on the other worker, or
 * stolen and then joined complete or waited for: every join must answer
 * as its task says, whichever way it went.
 */
enum { SJ2_N = 400, SJ2_ROUNDS = 5 };

/* Its index i; for SJ_KEEP_WAKER, a waker of itself in its slot kept. */
static int sj2_leaf(struct coast_cx *cx, void *kept, int i)
{
	if (kept)
		*(coast_waker **)kept = coast_waker_get(cx);
	return i;
}

struct sj2_root {
	struct coast_frame h;
	int ret; /* joins that answered as expected */
	int i;
	int out;
	coast_task *tasks[SJ2_N];
	coast_waker *kept[SJ2_N];
	struct coast_frame *sub;
};

TEST_FN(sj2_root_fn, struct sj2_root, sj2_root_poll);

static bool sj2_answer_ok(struct sj2_root *s, int r)
{
	if (s->i % 3 == 1)
		/* A cancel that lost to the completion leaves the result. */
		return r == -ECANCELED ? s->out == -1 : !r && s->out == s->i;
	return !r && s->out == s->i;
}

static int sj2_root_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sj2_root *s = (struct sj2_root *)f;
	int r;

	switch (f->state) {
	case COAST_STATE_START:
		for (s->i = 0; s->i < SJ2_N; s->i++) {
			s->tasks[s->i] = test_leaf_spawn(
				sj2_leaf, s->i % 3 == 2 ? &s->kept[s->i] : NULL,
				s->i);
			if (s->i % 3 == 1)
				ASSERT_EQ(coast_cancel(s->tasks[s->i]), 0);
		}
		for (s->i = 0; s->i < SJ2_N; s->i++) {
			s->out = -1;
			if (s->i % 2)
				TEST_AWAIT_JOIN(1, s->sub, s->tasks[s->i],
						&s->out, r);
			else
				TEST_AWAIT(2, s->sub,
					   COAST_START(coast_join)(
						   cx->frames, s->tasks[s->i],
						   &s->out),
					   int, r);
			s->ret += sj2_answer_ok(s, r);
		}
		break;
	default:
		abort();
	}
	/* The wakers the tasks kept are their last references now. */
	for (s->i = 0; s->i < SJ2_N; s->i++)
		if (s->kept[s->i])
			coast_waker_drop(s->kept[s->i]);
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(spawn_join_inline_2w)
{
	struct sj2_root *s;
	int round;

	test_workers(2);
	for (round = 0; round < SJ2_ROUNDS; round++) {
		s = test_frame_new(&coast__task_alloc, &sj2_root_fn);
		ASSERT_EQ(test_block_on_int(&s->h), SJ2_N);
		ASSERT_EQ(test_live_settle(0), 0);
	}
	return 0;
}

/*
 * The task block's free (task.c, coast__task_dealloc) has a fast path
 * for a block that never used its frame stack nor descended; one that
 * did must still give back its chunk and its records.  One worker:
 * SJF_N tasks, each joined inline, each taking a frame from its frame
 * stack (a chunk from malloc) or descending into a sub-frame (an array
 * from malloc); what malloc holds must not grow by one of either a task.
 */
enum { SJF_N = 2000, SJF_FRAMES = 1, SJF_DESCEND = 2 };

static int sjf_sub(struct coast_cx *cx, void *p, int n)
{
	(void)cx, (void)p, (void)n;
	return 5;
}

struct sjf_leaf {
	struct coast_frame h;
	int ret;
	int mode;
	struct coast_frame *sub;
};

TEST_FN(sjf_leaf_fn, struct sjf_leaf, sjf_leaf_poll);

static int sjf_leaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sjf_leaf *l = (struct sjf_leaf *)f;
	int r;

	if (f->flags & COAST_F_CANCEL)
		abort(); /* nothing cancels it */
	switch (f->state) {
	case COAST_STATE_START:
		/* Descending, from malloc: the records alone are the
		 * task's (with a chunk, the slow path would free them
		 * anyway). */
		l->sub = test_leaf_start(l->mode == SJF_DESCEND
						 ? &coast__box_alloc
						 : cx->frames,
					 sjf_sub, NULL, 0);
		f->state = 1;
		/* As coast__poll_child past COAST_POLL_DEPTH: the executor
		 * polls the sub-frame, then this one again. */
		if (l->mode == SJF_DESCEND)
			return coast__descend(cx, l->sub);
		/* fall through */
	case 1:
		if (l->sub->state != COAST_STATE_DONE &&
		    (r = test_poll(l->sub, cx)) != COAST_READY)
			return r;
		l->ret = COAST_RESULT(int, l->sub);
		if (l->mode == SJF_DESCEND)
			coast__box_alloc.free(&coast__box_alloc, l->sub,
					      l->sub->fn->size);
		else
			test_free(cx, l->sub);
		l->sub = NULL;
		break;
	default:
		abort();
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

struct sjf_root {
	struct coast_frame h;
	int ret; /* joins that answered 0 with 5 */
	int mode;
	int i;
	int out;
	coast_task *t;
	struct coast_frame *sub;
};

TEST_FN(sjf_root_fn, struct sjf_root, sjf_root_poll);

static int sjf_root_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sjf_root *s = (struct sjf_root *)f;
	struct sjf_leaf *l;
	int r;

	switch (f->state) {
	case COAST_STATE_START:
		for (s->i = 0; s->i < SJF_N; s->i++) {
			l = test_frame_new(&coast__task_alloc, &sjf_leaf_fn);
			l->mode = s->mode;
			s->t = test_spawn(&l->h);
			s->out = 0;
			/* Inline but for a join in 61 (the tick's) or 128
			 * (the budget's), which waits. */
			TEST_AWAIT_JOIN(1, s->sub, s->t, &s->out, r);
			s->ret += !r && s->out == 5;
		}
		break;
	default:
		abort();
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* glibc's count of what malloc holds.  Under the sanitizers mallinfo2()
 * answers 0 (their allocators replace glibc's), so the check below only
 * means something in the plain build; ASan's leak check covers it there. */
static size_t sjf_malloc_held(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void sjf_run(int mode)
{
	struct sjf_root *s;
	size_t before;
	int ok = 0;

	s = test_frame_new(&coast__task_alloc, &sjf_root_fn);
	s->mode = mode;
	ASSERT_EQ(coast__block_on(&s->h, &ok), 0); /* the runtime's start */
	ASSERT_EQ(test_live_settle(0), 0);
	before = sjf_malloc_held();
	s = test_frame_new(&coast__task_alloc, &sjf_root_fn);
	s->mode = mode;
	ASSERT_EQ(test_block_on_int(&s->h), SJF_N);
	ASSERT_EQ(test_live_settle(0), 0);
	/* A chunk is 4 KiB, the records 136 bytes: either leaked a task is
	 * far more than 64 bytes a task. */
	ASSERT(sjf_malloc_held() < before + 64 * SJF_N);
}

TEST_IMPL(spawn_join_frees_frames)
{
	test_workers(1);
	sjf_run(SJF_FRAMES);
	return 0;
}

TEST_IMPL(spawn_join_frees_descended)
{
	test_workers(1);
	sjf_run(SJF_DESCEND);
	return 0;
}

/*
 * One worker, more tasks than a ring holds (its queue is a list:
 * scheduler.c, push_list): a join runs inline only the task the worker
 * would run next, the list's head (take_next).  Neither the task at a
 * ring's length nor the second is taken; every task runs in spawn order,
 * and those past a ring's length run inline too.  The last task, spawned
 * once the joins took the first, goes behind the others (coast__spawn's
 * push behind the list's last).
 */
enum { SJQ_N = COAST_LOCAL_QUEUE_CAP + 45 };

static struct {
	int next;	/* tasks polled so far */
	int order[SJQ_N];
	bool ran_inline[SJQ_N];
	bool in_joiner;
} sjq;

static int sjq_leaf(struct coast_cx *cx, void *p, int i)
{
	(void)cx, (void)p;
	sjq.order[sjq.next++] = i;
	sjq.ran_inline[i] = sjq.in_joiner;
	return i;
}

struct sjq_root {
	struct coast_frame h;
	int ret; /* joins that answered 0 with their index */
	int i;
	int out;
	coast_task *tasks[SJQ_N];
	struct coast_frame *sub;
};

TEST_FN(sjq_root_fn, struct sjq_root, sjq_root_poll);

static int sjq_root_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sjq_root *s = (struct sjq_root *)f;
	bool ready;
	int r = -1;

	switch (f->state) {
	case COAST_STATE_START:
		for (s->i = 0; s->i < SJQ_N - 1; s->i++)
			s->tasks[s->i] = test_leaf_spawn(sjq_leaf, NULL, s->i);
		/* Neither the task at a ring's length nor the second is
		 * next: the companion answers 0 and runs nothing. */
		sjq.in_joiner = true;
		ASSERT(!coast_join__coast_ready(
			s->tasks[COAST_LOCAL_QUEUE_CAP], &s->out, &r));
		ASSERT(!coast_join__coast_ready(s->tasks[1], &s->out, &r));
		ASSERT_EQ(sjq.next, 0);
		ASSERT_EQ(r, -1);
		for (s->i = 0; s->i < SJQ_N; s->i++) {
			if (s->i == 1) /* after the first's join */
				s->tasks[SJQ_N - 1] = test_leaf_spawn(
					sjq_leaf, NULL, SJQ_N - 1);
			s->out = -1;
			/* Only the companion's inline runs count as such. */
			sjq.in_joiner = true;
			ready = coast_join__coast_ready(s->tasks[s->i], &s->out,
							&r);
			sjq.in_joiner = false;
			if (!ready)
				TEST_AWAIT(1, s->sub,
					   COAST_START(coast_join)(
						   cx->frames, s->tasks[s->i],
						   &s->out),
					   int, r);
			s->ret += !r && s->out == s->i;
		}
		break;
	default:
		abort();
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(spawn_join_inline_queue_order)
{
	struct sjq_root *s;
	int i, spill_inline = 0;

	test_workers(1);
	s = test_frame_new(&coast__task_alloc, &sjq_root_fn);
	ASSERT_EQ(test_block_on_int(&s->h), SJQ_N);
	ASSERT_EQ(sjq.next, SJQ_N);
	for (i = 0; i < SJQ_N; i++)
		ASSERT_EQ(sjq.order[i], i);
	for (i = COAST_LOCAL_QUEUE_CAP; i < SJQ_N; i++)
		spill_inline += sjq.ran_inline[i];
	/* All but those whose join waited for the tick (one in 61). */
	ASSERT(spill_inline >= 40);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * Two workers: a helper task, stolen by the other worker, acts on a leaf
 * while this worker's join polls the leaf inline (sj2w_run); the inline
 * join must answer want_r, with want_out in out when want_r is 0.
 */
struct sj2w_case {
	const struct coast_fn *helper, *leaf;
	atomic_int *started; /* set by the helper's first poll */
	coast_task *_Atomic *target; /* the leaf, for the helper */
	int want_r, want_out;
};

static int sj2w_root(struct coast_cx *cx, void *p, int n)
{
	const struct sj2w_case *c = p;
	double t0 = test_now_ms();
	coast_task *helper, *t;
	int r = 1, out = -1;

	(void)cx, (void)n;
	helper = test_spawn(test_frame_new(&coast__task_alloc, c->helper));
	while (!atomic_load(c->started)) /* stolen by the other worker */
		ASSERT_WITHIN(t0, "the helper's start");
	t = test_spawn(test_frame_new(&coast__task_alloc, c->leaf));
	atomic_store(c->target, t);
	ASSERT(coast_join__coast_ready(t, &out, &r)); /* inline */
	ASSERT_EQ(r, c->want_r);
	if (!r)
		ASSERT_EQ(out, c->want_out);
	/* A helper woken by the leaf's end may be queued on this worker: it
	 * runs once this poll returns. */
	ASSERT_EQ(coast_detach(helper), 0);
	return 1;
}

static void sj2w_run(struct sj2w_case *c)
{
	test_workers(2);
	ASSERT_EQ(test_block_on_int(
			  test_leaf_start(&coast__task_alloc, sj2w_root, c, 0)),
		  1);
	ASSERT_EQ(test_live_settle(0), 0);
}

struct sj2w_leaf {
	struct coast_frame h;
	int ret;
};

/*
 * A cancel landing during the inline poll (rule 6): the task is
 * cancelled by a task on the other worker while the join polls it
 * inline; the poll had already begun without the cancel, so the task
 * completes with its result and the join answers 0 with it.
 */
static atomic_int sjc_started, sjc_go, sjc_cancelled;
static coast_task *_Atomic sjc_target;

struct sjc_canceller {
	struct coast_frame h;
	int ret;
};

TEST_FN(sjc_canceller_fn, struct sjc_canceller, sjc_canceller_poll);

static int sjc_canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	double t0 = test_now_ms();

	(void)cx;
	atomic_store(&sjc_started, 1);
	while (!atomic_load(&sjc_go))
		ASSERT_WITHIN(t0, "the inline poll");
	ASSERT_EQ(coast_cancel(atomic_load(&sjc_target)), 0);
	atomic_store(&sjc_cancelled, 1);
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_FN(sjc_leaf_fn, struct sj2w_leaf, sjc_leaf_poll);

static int sjc_leaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	double t0 = test_now_ms();

	(void)cx;
	atomic_store(&sjc_go, 1);
	while (!atomic_load(&sjc_cancelled))
		ASSERT_WITHIN(t0, "the cancel");
	ASSERT(!(f->flags & COAST_F_CANCEL));
	((struct sj2w_leaf *)f)->ret = 7;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(spawn_join_inline_cancel_during_poll)
{
	static struct sj2w_case c = {
		&sjc_canceller_fn, &sjc_leaf_fn, &sjc_started, &sjc_target, 0, 7,
	};

	sj2w_run(&c);
	return 0;
}

/*
 * A joiner through a copy of the handle (a misuse: the handle is
 * consumed twice) that registers on the other worker while the join
 * polls the task inline: the first consume wins, so the inline join
 * answers -EINVAL, and the registered joiner is woken with the result.
 */
static atomic_int sjd_started, sjd_registered, sjd_answer = 1, sjd_out;
static coast_task *_Atomic sjd_target;

struct sjd_joiner {
	struct coast_frame h;
	int ret;
	int out;
	struct coast_frame *sub;
};

TEST_FN(sjd_joiner_fn, struct sjd_joiner, sjd_joiner_poll);

static int sjd_joiner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sjd_joiner *k = (struct sjd_joiner *)f;
	double t0 = test_now_ms();

	switch (f->state) {
	case COAST_STATE_START:
		atomic_store(&sjd_started, 1);
		while (!atomic_load(&sjd_target))
			ASSERT_WITHIN(t0, "the target's spawn");
		k->sub = COAST_START(coast_join)(cx->frames,
						 atomic_load(&sjd_target),
						 &k->out);
		ASSERT(k->sub);
		f->state = 1;
		/* fall through */
	case 1:
		if (test_poll(k->sub, cx) == COAST_PENDING) {
			atomic_store(&sjd_registered, 1);
			return COAST_PENDING;
		}
		atomic_store(&sjd_out, k->out);
		atomic_store(&sjd_answer, COAST_RESULT(int, k->sub));
		test_free(cx, k->sub);
		break;
	default:
		abort();
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_FN(sjd_leaf_fn, struct sj2w_leaf, sjd_leaf_poll);

static int sjd_leaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	double t0 = test_now_ms();

	(void)cx;
	while (!atomic_load(&sjd_registered))
		ASSERT_WITHIN(t0, "the other joiner");
	((struct sj2w_leaf *)f)->ret = 9;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(spawn_join_inline_consumed_elsewhere)
{
	static struct sj2w_case c = {
		&sjd_joiner_fn, &sjd_leaf_fn, &sjd_started, &sjd_target,
		-EINVAL, 0,
	};

	sj2w_run(&c);
	ASSERT_EQ(atomic_load(&sjd_answer), 0);
	ASSERT_EQ(atomic_load(&sjd_out), 9);
	return 0;
}
