/*
 * test-util.c - hand-written futures shared by the runtime tests, written
 * as the plugin would lower them: a frame with a state, sub-futures taken
 * from cx->frames through start functions, polled until READY, then freed;
 * a cancellation poll drops the awaited sub-future (test_drop); the
 * one-poll leaf; and the dumping thread and the script runner several
 * tests use.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "test.h"

/* ---------------------------------------------------------------- sleeper */

struct sleeper {
	struct coast_frame h;
	int ret;
	uint64_t ms;
	int id;
	int *log;
	int *nlog;
	struct coast_frame *sub;
};

TEST_FN(sleeper_fn, struct sleeper, sleeper_poll);

static int sleeper_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sleeper *s = (struct sleeper *)f;
	int r;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &s->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, s->sub,
			   COAST_START(coast_sleep_ms)(cx->frames, s->ms), int,
			   r);
		ASSERT_EQ(r, 0);
		if (s->log)
			s->log[(*s->nlog)++] = s->id;
		s->ret = s->id;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

struct coast_frame *test_sleeper_start(struct coast_alloc *a, uint64_t ms,
				       int id, int *log, int *nlog)
{
	struct sleeper *s = test_frame_new(a, &sleeper_fn);

	s->ms = ms;
	s->id = id;
	s->log = log;
	s->nlog = nlog;
	return &s->h;
}

/* ---------------------------------------------------------------- yielder */

struct yielder {
	struct coast_frame h;
	int ret;
	int yields;
	int id;
	int *log;
	int *nlog;
	int i;
	struct coast_frame *sub;
};

TEST_FN(yielder_fn, struct yielder, yielder_poll);

static int yielder_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yielder *y = (struct yielder *)f;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &y->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		for (y->i = 0; y->i < y->yields; y->i++) {
			if (y->log)
				y->log[(*y->nlog)++] = y->id;
			TEST_AWAIT_YIELD(1, y->sub);
		}
		y->ret = y->id;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

struct coast_frame *test_yielder_start(struct coast_alloc *a, int yields,
				       int id, int *log, int *nlog)
{
	struct yielder *y = test_frame_new(a, &yielder_fn);

	y->yields = yields;
	y->id = id;
	y->log = log;
	y->nlog = nlog;
	return &y->h;
}

/* --------------------------------------------------------------- join_all */

struct join_all {
	struct coast_frame h;
	int ret;
	coast_task **tasks;
	size_t n;
	char *outs;
	size_t out_size;
	size_t i;
	struct coast_frame *sub;
};

TEST_FN(join_all_fn, struct join_all, join_all_poll);

static int join_all_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct join_all *j = (struct join_all *)f;
	int r;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &j->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		for (j->i = 0; j->i < j->n; j->i++) {
			TEST_AWAIT(1, j->sub,
				   COAST_START(coast_join)(
					   cx->frames, j->tasks[j->i],
					   j->outs ? j->outs + j->i * j->out_size
						   : NULL),
				   int, r);
			j->ret += r == 0;
		}
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

struct coast_frame *test_join_all_start(struct coast_alloc *a,
					coast_task **tasks, size_t n,
					void *outs, size_t out_size)
{
	struct join_all *j = test_frame_new(a, &join_all_fn);

	j->tasks = tasks;
	j->n = n;
	j->outs = outs;
	j->out_size = out_size;
	return &j->h;
}

/* ------------------------------------------------------------------- leaf */

struct leaf {
	struct coast_frame h;
	int ret;
	test_leaf_fn *fn;
	void *p;
	int n;
};

TEST_FN(leaf_fn, struct leaf, leaf_poll);

static int leaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct leaf *l = (struct leaf *)f;

	f->state = COAST_STATE_DONE;
	if (!(f->flags & COAST_F_CANCEL))
		l->ret = l->fn(cx, l->p, l->n);
	return COAST_READY;
}

struct coast_frame *test_leaf_start(struct coast_alloc *a, test_leaf_fn *fn,
				    void *p, int n)
{
	struct leaf *l = test_frame_new(a, &leaf_fn);

	l->fn = fn;
	l->p = p;
	l->n = n;
	return &l->h;
}

coast_task *test_leaf_spawn(test_leaf_fn *fn, void *p, int n)
{
	return test_spawn(test_leaf_start(&coast__task_alloc, fn, p, n));
}

/* ------------------------------------------------------------------ stuck */

struct stuck {
	struct coast_frame h;
	int ret;
	int yields;
	int *slot;
	_Atomic int *started;
	struct coast_frame *sub;
};

TEST_FN(stuck_fn, struct stuck, stuck_poll);

static int stuck_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct stuck *s = (struct stuck *)f;
	int r;

	if (f->flags & COAST_F_CANCEL) {
		r = test_drop(f, &s->sub, cx);
		if (r == COAST_READY)
			*s->slot = TEST_SLOT_DROPPED;
		return r;
	}
	switch (f->state) {
	case COAST_STATE_START:
		if (s->started)
			atomic_fetch_add(s->started, 1);
		if (s->yields < 0) {
			TEST_AWAIT(1, s->sub,
				   COAST_START(coast_sleep_ms)(cx->frames,
							       60000),
				   int, s->ret);
		}
		while (s->yields-- > 0)
			TEST_AWAIT_YIELD(2, s->sub);
		*s->slot = TEST_SLOT_DONE;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

struct coast_frame *test_stuck_start(struct coast_alloc *a, int yields,
				     int *slot, _Atomic int *started)
{
	struct stuck *s = test_frame_new(a, &stuck_fn);

	s->yields = yields;
	s->slot = slot;
	s->started = started;
	return &s->h;
}

/* ------------------------------------------------------------------ dumps */

static struct {
	pthread_t thread;
	atomic_bool stop;
	atomic_int dumps;
	int saved_stderr;
} dumps;

static void *dump_loop(void *arg)
{
	(void)arg;
	do {
		coast_dump_tasks();
		atomic_fetch_add(&dumps.dumps, 1);
	} while (!atomic_load(&dumps.stop));
	return NULL;
}

void test_dumps_start(void)
{
	int devnull = open("/dev/null", O_WRONLY);

	dumps.saved_stderr = dup(2);
	ASSERT(devnull >= 0 && dumps.saved_stderr >= 0);
	ASSERT_EQ(dup2(devnull, 2), 2);
	close(devnull);
	ASSERT_EQ(pthread_create(&dumps.thread, NULL, dump_loop, NULL), 0);
}

int test_dumps_stop(void)
{
	atomic_store(&dumps.stop, true);
	ASSERT_EQ(pthread_join(dumps.thread, NULL), 0);
	ASSERT_EQ(dup2(dumps.saved_stderr, 2), 2);
	close(dumps.saved_stderr);
	return atomic_load(&dumps.dumps);
}

/* ----------------------------------------------------------------- script */

struct script {
	struct coast_frame h;
	int ret;
	void (*fn)(struct coast_cx *cx);
};

TEST_FN(script_fn, struct script, script_poll);

static int script_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct script *s = (struct script *)f;

	s->fn(cx);
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

void test_run_script(void (*fn)(struct coast_cx *cx))
{
	struct script *s = test_frame_new(&coast__task_alloc, &script_fn);

	test_workers(1);
	s->fn = fn;
	ASSERT_EQ(test_join_int(coast__spawn(&s->h)), 0);
	ASSERT_EQ(test_live_settle(0), 0);
}
