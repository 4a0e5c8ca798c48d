/*
 * test-slab.c - the workers' slabs of task blocks (slab.c): a million live
 * tasks, size classes, frees from another worker and from a foreign
 * thread taken back by the owner, memory given back when the owner parks,
 * the ASan redzone after a root frame.
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define SPAN_BYTES (256u << 10)
#define KEEP_BYTES (8u << 20) /* slab.c's COAST_SLAB_KEEP_BYTES */

static bool kept_at_most(const void *n)
{
	return coast__slab_kept() <= *(const size_t *)n;
}

/* Waits for the workers to park and give back; the bytes kept then. */
static size_t kept_settle(size_t n)
{
	test_wait(kept_at_most, &n);
	return coast__slab_kept();
}

/* ------------------------------------------------------------- leaves */

struct leaf {
	struct coast_frame h;
	int ret;
	int v, err;
	atomic_int *done; /* bumped when it completes, or NULL */
	int away;         /* sleep until woken off this worker, or -1 */
	struct coast_frame *sub;
};

TEST_FN(leaf_fn, struct leaf, leaf_poll);

/*
 * A leaf kept away from a worker sleeps (a millisecond at a time) until it
 * runs on another: a timer's wake comes from the driver, which the other
 * worker turns while it is idle, and queues the task there.  (A yield
 * would not move it: a yielded task is stolen only while the thief is
 * searching, and it may have parked.)
 */
static int leaf_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct leaf *l = (struct leaf *)f;

	switch (f->state) {
	case COAST_STATE_START:
		/* ret counts the sleeps meanwhile, of 1 ms at least each:
		 * a bound of TEST_WAIT_MS, without a field more. */
		while (l->away >= 0 && coast__worker_id() == l->away) {
			ASSERT(++l->ret < TEST_WAIT_MS);
			TEST_AWAIT(1, l->sub,
				   COAST_START(coast_sleep_ms)(cx->frames, 1),
				   int, l->err);
		}
		l->ret = l->v;
		/* release: the root frees what the counter is in once it
		 * reads the last count. */
		if (l->done)
			atomic_fetch_add_explicit(l->done, 1,
						  memory_order_release);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

static coast_task *spawn_leaf(int v, atomic_int *done, int away)
{
	struct leaf *l = test_frame_new(&coast__task_alloc, &leaf_fn);

	l->v = v;
	l->done = done;
	l->away = away;
	return test_spawn(&l->h);
}

/* ------------------------------------------------- a million, joined */

enum { MILLION = 1000000 };

/* coast__slab_kept() with every task of a many_poll live. */
static size_t peak_kept;

/* Spawns n leaves, all live at once, then joins them in order; ret: the
 * sum of their results. */
struct many {
	struct coast_frame h;
	long long ret;
	int n, i, out, err;
	coast_task **hs;
	struct coast_frame *sub;
};

TEST_FN(many_fn, struct many, many_poll);

static int many_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct many *m = (struct many *)f;

	switch (f->state) {
	case COAST_STATE_START:
		m->hs = malloc((size_t)m->n * sizeof(*m->hs));
		ASSERT(m->hs != NULL);
		for (m->i = 0; m->i < m->n; m->i++)
			m->hs[m->i] = spawn_leaf(m->i + 1, NULL, -1);
		peak_kept = coast__slab_kept();
		for (m->i = 0; m->i < m->n; m->i++) {
			TEST_AWAIT(1, m->sub,
				   COAST_START(coast_join)(cx->frames,
							   m->hs[m->i], &m->out),
				   int, m->err);
			ASSERT_EQ(m->err, 0);
			m->ret += m->out;
		}
		free(m->hs);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

/* Runs a many of n tasks to its end and checks its sum. */
static void run_many(int n)
{
	struct many *m = test_frame_new(&coast__task_alloc, &many_fn);
	long long sum = 0;

	m->n = n;
	ASSERT_EQ(coast__block_on(&m->h, &sum), 0);
	ASSERT_EQ(sum, (long long)n * (n + 1) / 2);
	ASSERT_EQ(test_live_settle(0), 0);
}

/*
 * A million tasks live at once, every block from the slab (the block
 * cache this replaced held 8 MiB a class, glibc's malloc served the
 * rest): the spans then hold them all.  Then the owner parks and keeps at
 * most KEEP_BYTES of empty spans, plus its current span.
 */
TEST_IMPL(slab_million)
{
	test_workers(1);
	run_many(MILLION);
	ASSERT(peak_kept >= (size_t)MILLION * 128);
	ASSERT(kept_settle(KEEP_BYTES + SPAN_BYTES) <= KEEP_BYTES + SPAN_BYTES);
	return 0;
}

/*
 * Memory given back when the owner parks: 160,000 tasks (20 MB) live,
 * joined, and the worker, idle, keeps no more than KEEP_BYTES of them
 * (last time 24.6 MB stayed with an idle owner).  Then the given-back
 * spans serve the next run.
 */
TEST_IMPL(slab_give_back)
{
	size_t first, mapped;

	test_workers(1);
	run_many(160000);
	ASSERT(peak_kept >= (size_t)160000 * 128);
	first = kept_settle(KEEP_BYTES + SPAN_BYTES);
	ASSERT(first <= KEEP_BYTES + SPAN_BYTES);
	/* A park gives back a few spans (the rest at the next parks): the
	 * whole give-back at once kept a worker from its work for 30-44 ms
	 * after a 1M-task burst. */
	ASSERT(coast__slab_most_retired() <= 4);
	/* The kept and the given-back spans serve the next run: no span
	 * mapped fresh (but one a class for the run's own root). */
	mapped = coast__slab_mapped();
	run_many(160000);
	ASSERT(coast__slab_mapped() - mapped <= 1);
	ASSERT(kept_settle(KEEP_BYTES + SPAN_BYTES) <= KEEP_BYTES + SPAN_BYTES);
	return 0;
}

/* ------------------------------------------------------- size classes */

/* A root frame that makes a block of HDR + sizeof + RZ bytes: 136 with
 * the 96-byte header (a 24-byte frame and 16 of padding). */
struct mid {
	struct coast_frame h;
	int ret;
	char pad[40 - sizeof(struct coast_frame) - sizeof(int)];
};

TEST_FN(mid_fn, struct mid, mid_poll);

static int mid_poll(struct coast_frame *f, struct coast_cx *cx)
{
	(void)cx;
	((struct mid *)f)->ret = 1;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

struct classes {
	struct coast_frame h;
	int ret;
	coast_task *a, *b;
	int out, err;
	struct coast_frame *sub;
};

TEST_FN(classes_fn, struct classes, classes_poll);

static int classes_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct classes *c = (struct classes *)f;
	size_t need = COAST__TASK_HDR + sizeof(struct mid) + COAST__SLAB_RZ;
	size_t stride;

	switch (f->state) {
	case COAST_STATE_START:
		c->a = coast__spawn(test_frame_new(&coast__task_alloc,
						   &mid_fn));
		c->b = coast__spawn(test_frame_new(&coast__task_alloc,
						   &mid_fn));
		ASSERT(c->a && c->b);
		/* A fresh span hands out its blocks in address order. */
		stride = (size_t)((char *)c->b - (char *)c->a);
		ASSERT(stride >= need && stride - need < 16);
		TEST_AWAIT(1, c->sub,
			   COAST_START(coast_join)(cx->frames, c->a, &c->out),
			   int, c->err);
		TEST_AWAIT(2, c->sub,
			   COAST_START(coast_join)(cx->frames, c->b, &c->out),
			   int, c->err);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

/*
 * A task of 120..136 bytes wastes at most 16 of its block (last time
 * classes of 64-byte steps made a 136-byte task take 192 bytes: 50% more
 * memory, and page faults with two workers).
 */
TEST_IMPL(slab_classes)
{
	ASSERT_EQ(coast__slab_class(120), 0);
	ASSERT_EQ(coast__slab_class(128), 0);
	ASSERT_EQ(coast__slab_class(129), 1);
	ASSERT_EQ(coast__slab_class(144), 1);
	ASSERT_EQ(coast__slab_class(256), 8);
	ASSERT_EQ(coast__slab_class(257), 9);
	ASSERT_EQ(coast__slab_class(512), COAST__SLAB_CLASSES - 1);
	ASSERT_EQ(coast__slab_class(513), COAST__SLAB_NONE);
	test_workers(1);
	ASSERT_EQ(coast__block_on(test_frame_new(&coast__task_alloc,
						 &classes_fn),
				  NULL),
		  0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------- remote frees */

enum { REMOTE_N = 6000 }; /* three spans or more */

/* Spans n tasks with root frames of size bytes fill (slab.c's classes,
 * its 64-byte span header). */
static size_t spans_for(size_t n, size_t size)
{
	size_t b = COAST__TASK_HDR + size + COAST__SLAB_RZ;

	b = b <= 128 ? 128 : b <= 256 ? (b + 15) / 16 * 16 : (b + 63) / 64 * 64;
	return (n + (SPAN_BYTES - 64) / b - 1) / ((SPAN_BYTES - 64) / b);
}

struct remote {
	struct coast_frame h;
	int ret;
	atomic_int done;
	int i, me, twice;
	coast_task **hs;
	pthread_t th;
};

TEST_FN(remote_fn, struct remote, remote_poll);

/* A foreign thread drops the last references of the root's tasks. */
static void *detach_all(void *arg)
{
	struct remote *r = arg;
	int i;

	for (i = 0; i < REMOTE_N; i++)
		ASSERT_EQ(coast_detach(r->hs[i]), 0);
	return NULL;
}

/*
 * With foreign set, REMOTE_N tasks complete and a foreign thread detaches
 * them (their blocks freed there); otherwise they are detached at once and
 * each sleeps until it runs on another worker than the root's, which frees
 * its block when it completes.  Then as many again are spawned here: the
 * owner takes the remote frees back (its spans ran dry), so its slab does
 * not grow by as much again.
 */
static int remote_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct remote *r = (struct remote *)f;
	bool foreign = r->ret;

	switch (f->state) {
	case COAST_STATE_START:
		r->me = coast__worker_id();
		r->hs = malloc(REMOTE_N * sizeof(*r->hs));
		ASSERT(r->hs != NULL);
		f->state = 1;
		/* fall through */
	case 1:
		for (r->i = 0; r->i < REMOTE_N; r->i++) {
			r->hs[r->i] = spawn_leaf(r->i, &r->done,
						 foreign ? -1 : r->me);
			if (!foreign)
				ASSERT_EQ(coast_detach(r->hs[r->i]), 0);
		}
		f->state = 2;
		/* fall through */
	case 2:
		if (atomic_load(&r->done) < REMOTE_N) {
			coast__task_wake_self(cx);
			return COAST_PENDING;
		}
		if (foreign) {
			ASSERT_EQ(pthread_create(&r->th, NULL, detach_all, r),
				  0);
			ASSERT_EQ(pthread_join(r->th, NULL), 0);
		}
		/* Every block is freed when the live count says so. */
		ASSERT_EQ(test_live_settle(1), 1);
		if (r->twice) {
			/* A round that did not take the other's blocks back
			 * would double the spans. */
			ASSERT(coast__slab_kept() <=
			       (spans_for(REMOTE_N, sizeof(struct leaf)) + 1) *
				       SPAN_BYTES);
			free(r->hs);
			r->ret = 0;
			f->state = COAST_STATE_DONE;
			return COAST_READY;
		}
		r->twice = 1;
		atomic_store(&r->done, 0);
		f->state = 1;
		return remote_poll(f, cx);
	default:
		abort();
	}
}

static void run_remote(bool foreign)
{
	struct remote *r = test_frame_new(&coast__task_alloc, &remote_fn);

	r->ret = foreign;
	ASSERT_EQ(test_block_on_int(&r->h), 0);
	ASSERT_EQ(test_live_settle(0), 0);
}

TEST_IMPL(slab_free_foreign)
{
	test_workers(1);
	run_remote(true);
	return 0;
}

TEST_IMPL(slab_free_other_worker)
{
	test_workers(2);
	run_remote(false);
	return 0;
}

/* ----------------------------------------- large tasks, a yielding root */

enum { LARGE_N = 48000 };

/* A block of exactly the largest class: HDR + frame + RZ == 512.  Kept
 * away from a worker like a leaf, or yielding once. */
struct large {
	struct coast_frame h;
	atomic_int *done;
	struct coast_frame *sub;
	int ret, away, err;
	char pad[COAST__SLAB_MAX - COAST__TASK_HDR - COAST__SLAB_RZ -
		 sizeof(struct coast_frame) - 2 * sizeof(void *) -
		 3 * sizeof(int)];
};
_Static_assert(COAST__TASK_HDR + sizeof(struct large) + COAST__SLAB_RZ ==
		       COAST__SLAB_MAX,
	       "a large task fills the largest class");

TEST_FN(large_fn, struct large, large_poll);

static int large_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct large *l = (struct large *)f;

	switch (f->state) {
	case COAST_STATE_START:
		l->pad[sizeof(l->pad) - 1] = 1; /* the block's last byte */
		if (l->away < 0) {
			f->state = 2;
			coast__task_wake_self(cx);
			return COAST_PENDING;
		}
		/* ret counts the sleeps, as a leaf's: the block is full */
		while (coast__worker_id() == l->away) {
			ASSERT(++l->ret < TEST_WAIT_MS);
			TEST_AWAIT(1, l->sub,
				   COAST_START(coast_sleep_ms)(cx->frames, 1),
				   int, l->err);
		}
		/* fall through */
	case 2:
		/* release: as a leaf's */
		atomic_fetch_add_explicit(l->done, 1, memory_order_release);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

struct yielder {
	struct coast_frame h;
	int ret;
	int i, away;
	atomic_int done;
};

TEST_FN(yielder_fn, struct yielder, yielder_poll);

/* Spawns and detaches LARGE_N large tasks, then yields until all ran. */
static int yielder_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct yielder *y = (struct yielder *)f;
	struct large *l;
	coast_task *t;

	if (f->state == COAST_STATE_START) {
		for (y->i = 0; y->i < LARGE_N; y->i++) {
			l = test_frame_new(&coast__task_alloc, &large_fn);
			l->done = &y->done;
			l->away = y->away ? coast__worker_id() : -1;
			t = test_spawn(&l->h);
			if (!y->i)
				ASSERT_EQ(((struct coast_task *)t)->blk_class,
					  COAST__SLAB_CLASSES - 1);
			ASSERT_EQ(coast_detach(t), 0);
		}
		f->state = 1;
	}
	if (atomic_load(&y->done) < LARGE_N) {
		coast__task_wake_self(cx);
		return COAST_PENDING;
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/*
 * 48,000 tasks of the largest class (24.6 MB) run while their root yields
 * in a loop; with two workers every one is freed on the other worker, so
 * the owner has them all back on its remote stack when it parks (last
 * time it kept 24.6 MB idle: nothing drained that stack at park).  Once
 * the workers park the owner keeps at most KEEP_BYTES, plus its current
 * span and a span a block still on its remote stack may hold (the last
 * frees can come after it parked).
 */
static void run_large(unsigned workers)
{
	size_t most = KEEP_BYTES + 3 * SPAN_BYTES;
	struct yielder *y = test_frame_new(&coast__task_alloc, &yielder_fn);

	test_workers(workers);
	y->away = workers > 1;
	ASSERT_EQ(coast__block_on(&y->h, NULL), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT(kept_settle(most) <= most);
}

TEST_IMPL(slab_large_yield_1)
{
	run_large(1);
	return 0;
}

TEST_IMPL(slab_large_yield_2)
{
	run_large(2);
	return 0;
}

/*
 * The owner parks with its blocks out, and only then a foreign thread
 * frees them all: no run dry and no park of its own would take them back,
 * so the push that finds the stack empty unparks it (last time the idle
 * owner kept 24.6 MB).
 */
static coast_task *late_hs[LARGE_N];
static atomic_int late_done;

struct late_root {
	struct coast_frame h;
	int ret;
};

TEST_FN(late_root_fn, struct late_root, late_root_poll);

static int late_root_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct large *l;
	int i;

	(void)cx;
	for (i = 0; i < LARGE_N; i++) {
		l = test_frame_new(&coast__task_alloc, &large_fn);
		l->done = &late_done;
		l->away = -1;
		late_hs[i] = test_spawn(&l->h);
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

static bool late_all_done(const void *arg)
{
	(void)arg;
	return atomic_load(&late_done) == LARGE_N;
}

TEST_IMPL(slab_late_frees)
{
	size_t most = KEEP_BYTES + 3 * SPAN_BYTES;
	int i;

	test_workers(1);
	ASSERT_EQ(coast__block_on(test_frame_new(&coast__task_alloc,
						 &late_root_fn),
				  NULL),
		  0);
	ASSERT(test_wait(late_all_done, NULL));
	nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL); /* parks */
	for (i = 0; i < LARGE_N; i++)
		ASSERT_EQ(coast_detach(late_hs[i]), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT(kept_settle(most) <= most);
	return 0;
}

/* ------------------------------------------------------------ redzone */

#ifdef TEST_ASAN
/*
 * Writes the byte at `at` past its frame's start.  Its block would be
 * 144 bytes without the redzone, a class's size: a write just past the
 * frame would then land in the next block, a live task's header.
 */
struct writer {
	struct coast_frame h;
	size_t at;
	int ret;
	char pad[48 - sizeof(struct coast_frame) - 2 * sizeof(size_t)];
};
_Static_assert(COAST__TASK_HDR + sizeof(struct writer) == 144,
	       "a writer's block fills a class but for the redzone");

TEST_FN(writer_fn, struct writer, writer_poll);

static int writer_poll(struct coast_frame *f, struct coast_cx *cx)
{
	(void)cx;
	((volatile char *)f)[((struct writer *)f)->at] = 1;
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* Spawns a writer and, right after it in its span, a harmless one, then
 * joins both. */
struct spawner {
	struct coast_frame h;
	int ret;
	size_t at;
	int out, err;
	coast_task *t, *next;
	struct coast_frame *sub;
};

TEST_FN(spawner_fn, struct spawner, spawner_poll);

static coast_task *spawn_writer(size_t at)
{
	struct writer *w = test_frame_new(&coast__task_alloc, &writer_fn);

	w->at = at;
	return test_spawn(&w->h);
}

static int spawner_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct spawner *s = (struct spawner *)f;

	switch (f->state) {
	case COAST_STATE_START:
		s->t = spawn_writer(s->at);
		s->next = spawn_writer(offsetof(struct writer, ret));
		TEST_AWAIT(1, s->sub,
			   COAST_START(coast_join)(cx->frames, s->t, &s->out),
			   int, s->err);
		TEST_AWAIT(2, s->sub,
			   COAST_START(coast_join)(cx->frames, s->next,
						   &s->out),
			   int, s->err);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	default:
		abort();
	}
}

/* Runs a task writing at `at` in a child; whether the child's stderr
 * had an ASan report of it (a failed exit is asserted with it). */
static bool write_reported(size_t at)
{
	static char buf[1 << 16];
	struct spawner *s;
	int pipefd[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	ASSERT_EQ(pipe(pipefd), 0);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		test_workers(1);
		s = test_frame_new(&coast__task_alloc, &spawner_fn);
		s->at = at;
		coast__block_on(&s->h, NULL);
		_exit(0);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(pipefd[0]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	if (!strstr(buf, "AddressSanitizer: use-after-poison"))
		return false;
	ASSERT(!WIFEXITED(status) || WEXITSTATUS(status) != 0);
	return true;
}
#endif

/*
 * Under AddressSanitizer a write just past a spawned task's root frame
 * (into its block's redzone) is reported, and one at its last byte is
 * not.  Without the redzone the writer's block would end at its frame and
 * the write would hit the next task unreported.  The child runs the
 * runtime (forked before any thread).
 */
TEST_IMPL(slab_redzone)
{
#ifdef TEST_ASAN
	ASSERT(!write_reported(sizeof(struct writer) - 1));
	ASSERT(write_reported(sizeof(struct writer)));
	ASSERT(write_reported(sizeof(struct writer) + COAST__SLAB_RZ - 1));
#endif
	return 0;
}
