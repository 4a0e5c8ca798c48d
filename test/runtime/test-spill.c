/*
 * test-spill.c - one worker with more yielding tasks than a worker's ring
 * holds (COAST_LOCAL_QUEUE_CAP): they must share the worker's polls
 * evenly, also while a foreign thread keeps the injection queue busy.
 * When one worker had a ring and a spill list behind it, a yield once
 * took the slot its pop freed, so the ring's 256 tasks got 60 polls in 61
 * and the spilled ones 80 times fewer, and every tick preferred a foreign
 * spawn to a spilled task.  (Its queue is one list now: scheduler.c,
 * push_list.)
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "test.h"

#define SPINNERS 600
/* Polls in all: 200 a spinner when they are shared evenly. */
#define POLLS (200 * SPINNERS)

/* The worker's only: one worker runs every spinner. */
static long polls[SPINNERS];
static long total;
/* When set, the spinners go on past POLLS while it returns true. */
static bool (*spin_more)(void);

/* Counts its polls and yields until the spinners made POLLS in all. */
struct spinner {
	struct coast_frame h;
	int ret;
	int id;
	struct coast_frame *sub;
};

TEST_FN(spinner_fn, struct spinner, spinner_poll);

static int spinner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spinner *s = (struct spinner *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &s->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		while (total < POLLS || (spin_more && spin_more())) {
			polls[s->id]++;
			total++;
			TEST_AWAIT_YIELD(1, s->sub);
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Spawns the spinners and joins them. */
struct spin_all {
	struct coast_frame h;
	int ret;
	int i;
	int out;
	coast_task *t[SPINNERS];
	struct coast_frame *sub;
};

TEST_FN(spin_all_fn, struct spin_all, spin_all_poll);

static int spin_all_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spin_all *a = (struct spin_all *)f;
	struct spinner *s;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &a->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		for (a->i = 0; a->i < SPINNERS; a->i++) {
			s = test_frame_new(&coast__task_alloc, &spinner_fn);
			s->id = a->i;
			a->t[a->i] = test_spawn(&s->h);
		}
		for (a->i = 0; a->i < SPINNERS; a->i++) {
			TEST_AWAIT(1, a->sub,
				   COAST_START(coast_join)(cx->frames,
							   a->t[a->i],
							   &a->out),
				   int, a->ret);
			ASSERT_EQ(a->ret, 0);
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

/* Runs the spinners on one worker; asserts every one of them got at
 * least a quarter of the polls of the luckiest. */
static void spin_and_check(void)
{
	struct spin_all *a;
	long min = -1, max = 0;
	int r = 0, i;

	a = test_frame_new(&coast__task_alloc, &spin_all_fn);
	ASSERT_EQ(coast__block_on(&a->h, &r), 0);
	for (i = 0; i < SPINNERS; i++) {
		if (min < 0 || polls[i] < min)
			min = polls[i];
		if (polls[i] > max)
			max = polls[i];
	}
	fprintf(stderr, "spill: polls a spinner min %ld max %ld\n", min, max);
	ASSERT(min * 4 >= max);
}

TEST_IMPL(sched_spill_share)
{
	test_workers(1);
	spin_and_check();
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------- with the injection queue busy */

#define IN_FLIGHT 50

static atomic_bool foreign_stop;
static atomic_long foreign_spawned, foreign_done;

static int counted(struct coast_cx *cx, void *p, int n)
{
	(void)cx, (void)p, (void)n;
	atomic_fetch_add(&foreign_done, 1);
	return 0;
}

/* Keeps IN_FLIGHT tasks spawned from off the runtime (the injection
 * queue) until told to stop. */
static void *foreign_spawner(void *arg)
{
	(void)arg;
	while (!atomic_load(&foreign_stop)) {
		if (atomic_load(&foreign_spawned) - atomic_load(&foreign_done) >=
		    IN_FLIGHT) {
			sched_yield();
			continue;
		}
		ASSERT_EQ(coast_detach(test_leaf_spawn(counted, NULL, 0)), 0);
		atomic_fetch_add(&foreign_spawned, 1);
	}
	return NULL;
}

/*
 * Foreign tasks done when the spinners made POLLS.  The spinners then go
 * on (up to 10 s) until another one ran: the worker's queues stay full
 * meanwhile, so only the tick's injection turn can have run it (and the
 * foreign thread may get no CPU before POLLS are over).
 */
static long done_at_spin = -1;
static double spin_deadline;
static bool ran_meanwhile;

static bool inject_more(void)
{
	if (done_at_spin < 0) {
		done_at_spin = atomic_load(&foreign_done);
		spin_deadline = test_now_ms() + 10000.0;
	}
	if (atomic_load(&foreign_done) != done_at_spin)
		ran_meanwhile = true;
	return !ran_meanwhile && test_now_ms() < spin_deadline;
}

TEST_IMPL(sched_spill_inject)
{
	pthread_t th;

	test_workers(1);
	spin_more = inject_more;
	ASSERT(pthread_create(&th, NULL, foreign_spawner, NULL) == 0);
	spin_and_check();
	atomic_store(&foreign_stop, true);
	pthread_join(th, NULL);
	/* The tick's turns ran foreign spawns while the spinners ran. */
	ASSERT(ran_meanwhile);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
