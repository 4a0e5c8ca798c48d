/*
 * test-task-cache.c - reuse of task blocks by the workers' slabs (slab.c):
 * a block freed on a worker is handed to its next spawn of the same size
 * class, other classes and oversized tasks do not get it, and under
 * AddressSanitizer a free block is poisoned (a task used after its free
 * is still reported).
 */
#include "test.h"

#ifdef TEST_ASAN
#define ASAN_ON true
#else
#define ASAN_ON false
#endif

/* Whether the task block at t is poisoned (always false without ASan). */
static bool poisoned(struct coast_task *t)
{
#ifdef TEST_ASAN
	return __asan_address_is_poisoned(t) &&
	       __asan_address_is_poisoned((char *)coast__task_root(t) + 8);
#else
	(void)t;
	return false;
#endif
}

struct small {
	struct coast_frame h;
	int ret;
};

struct big {
	struct coast_frame h;
	int ret;
	char pad[600]; /* beyond the largest class */
};

struct mid {
	struct coast_frame h;
	int ret;
	char pad[100]; /* the second class */
};

TEST_FN(small_fn, struct small, small_poll);
TEST_FN(big_fn, struct big, big_poll);
TEST_FN(mid_fn, struct mid, mid_poll);

static int small_poll(struct coast_frame *f, struct coast_cx *cx)
{
	(void)cx;
	((struct small *)f)->ret = 1;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

static int big_poll(struct coast_frame *f, struct coast_cx *cx)
{
	(void)cx;
	((struct big *)f)->ret = 2;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

static int mid_poll(struct coast_frame *f, struct coast_cx *cx)
{
	(void)cx;
	((struct mid *)f)->ret = 3;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

static coast_task *spawn(const struct coast_fn *fn)
{
	return test_spawn(test_frame_new(&coast__task_alloc, fn));
}

/*
 * Spawns and joins a small task, then spawns one of each kind: the next
 * small one gets the freed block, the others do not; each returns its own
 * result.  ret: the sum of the results (1 + 2 + 3 + 1).
 */
struct reuser {
	struct coast_frame h;
	int ret;
	int sum, out;
	coast_task *t, *big, *mid;
	struct coast_task *freed;
	struct coast_frame *sub;
};

TEST_FN(reuser_fn, struct reuser, reuser_poll);

static int reuser_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct reuser *r = (struct reuser *)f;
	void *other;

	switch (f->state) {
	case COAST_STATE_START:
		r->t = spawn(&small_fn);
		r->freed = r->t;
		TEST_AWAIT(1, r->sub,
			   COAST_START(coast_join)(cx->frames, r->t, &r->out),
			   int, r->ret);
		ASSERT_EQ(r->ret, 0);
		r->sum = r->out;
		/* The join dropped the last reference here, on a worker. */
		ASSERT(poisoned(r->freed) == ASAN_ON);
		/* malloc's own cache would hand a freed block to this. */
		other = malloc(sizeof(struct small) + 96);
		ASSERT(other != NULL && other != (void *)r->freed);
		r->big = spawn(&big_fn);
		r->mid = spawn(&mid_fn);
		ASSERT(r->big != r->freed && r->mid != r->freed);
		r->t = spawn(&small_fn);
		free(other);
		ASSERT(r->t == r->freed);
		ASSERT(!poisoned(r->t));
		TEST_AWAIT(2, r->sub,
			   COAST_START(coast_join)(cx->frames, r->big, &r->out),
			   int, r->ret);
		r->sum += r->out;
		TEST_AWAIT(3, r->sub,
			   COAST_START(coast_join)(cx->frames, r->mid, &r->out),
			   int, r->ret);
		r->sum += r->out;
		TEST_AWAIT(4, r->sub,
			   COAST_START(coast_join)(cx->frames, r->t, &r->out),
			   int, r->ret);
		r->sum += r->out;
		r->ret = r->sum;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

TEST_IMPL(task_cache_reuse)
{
	test_workers(1);
	ASSERT_EQ(test_block_on_int(
			  test_frame_new(&coast__task_alloc, &reuser_fn)),
		  1 + 2 + 3 + 1);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
