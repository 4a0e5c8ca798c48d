/*
 * blocking.c - the blocking pool and coast_blocking(fn, arg): synchronous
 * work (a blocking syscall, a library without async, CPU-heavy work) runs
 * on threads of its own so that it never holds a worker.
 *
 * The pool: threads made on demand, at most COAST_BLOCKING_THREADS (default
 * 512), each taking jobs from one FIFO; a thread idle for
 * coast__blocking_idle_ms (10 s) exits.  The job is an intrusive node in
 * the awaiting frame: no allocation per call.
 *
 * Because cancelling the awaiting future waits for fn to return (its
 * cancellation poll returns COAST_PENDING until then), arg may point into
 * the caller's frame: nothing is freed under a running fn.
 *
 * Protocol (pool.lock guards the queue, the counters and every job's
 * fields but fn/arg, which are written before the job is queued)
 *  B1. A job is QUEUED (on the list), RUNNING (a pool thread took it) or
 *      DONE.  Only the pool thread that took it moves RUNNING -> DONE.
 *  B2. A QUEUED or RUNNING job holds the awaiting task's waker.  The thread
 *      that marks it DONE takes the waker in the same critical section and
 *      wakes it after unlocking, and never touches the job again (the
 *      frame may be freed as soon as the poll sees DONE).
 *  B3. Cancellation of a QUEUED job unlinks it and drops the waker: fn
 *      never runs.  Of a RUNNING job it returns COAST_PENDING (B2 wakes it);
 *      the result of fn is then discarded.
 *  B4. A job is queued and a thread made unless idle threads outnumber the
 *      queued jobs (each idle thread takes one), and only below the cap;
 *      a job that finds no thread at all and cannot make one fails with
 *      the -errno of pthread_create.
 * Safety: "DONE" and "waker consumed" happen under one lock (B2), as with
 * timers (reactor.c T2): a poll that sees the job not DONE knows the waker
 * is still registered, one that sees DONE knows the wake was sent.
 */
#include <limits.h>
#include <stdlib.h>
#include <time.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

enum job_state { JOB_NONE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct blocking_job {
	struct blocking_job *next, *prev; /* under pool.lock */
	int (*fn)(void *);
	void *arg;
	int result;
	enum job_state state;
	coast_waker *waker;
};

uint64_t coast__blocking_idle_ms = 10000;

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;          /* idle threads wait here */
	struct blocking_job *head, *tail;
	size_t queued;
	unsigned threads, idle, max;
	bool max_read;
} pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static unsigned max_threads(void)
{
	const char *s = getenv("COAST_BLOCKING_THREADS");
	char *end;
	long n;

	if (s && *s) {
		n = strtol(s, &end, 10);
		if (!*end && n >= 1)
			return n > 65536 ? 65536u : (unsigned)n;
	}
	return 512;
}

static void job_unlink(struct blocking_job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		pool.head = j->next;
	if (j->next)
		j->next->prev = j->prev;
	else
		pool.tail = j->prev;
	j->next = j->prev = NULL;
	pool.queued--;
}

/* CLOCK_REALTIME: the clock of a condvar with default attributes; a clock
 * jump only makes a retirement early or late. */
static void deadline_in(struct timespec *ts, uint64_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += (time_t)(ms / 1000u);
	ts->tv_nsec += (long)(ms % 1000u) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *pool_thread(void *arg)
{
	struct blocking_job *j;
	struct timespec until;
	coast_waker *w;
	int r;

	(void)arg;
	pthread_mutex_lock(&pool.lock);
	for (;;) {
		if (!pool.head) {
			deadline_in(&until, coast__blocking_idle_ms);
			pool.idle++;
			r = 0;
			while (!pool.head && r != ETIMEDOUT)
				r = pthread_cond_timedwait(&pool.cond,
							   &pool.lock, &until);
			pool.idle--;
			if (!pool.head)
				break; /* idle too long: retire */
		}
		j = pool.head;
		job_unlink(j);
		j->state = JOB_RUNNING;
		pthread_mutex_unlock(&pool.lock);

		r = j->fn(j->arg); /* B1: fn and arg are ours to read */

		pthread_mutex_lock(&pool.lock);
		j->result = r;
		j->state = JOB_DONE;
		w = j->waker; /* B2 */
		j->waker = NULL;
		pthread_mutex_unlock(&pool.lock);
		coast_waker_wake(w);
		pthread_mutex_lock(&pool.lock);
	}
	pool.threads--;
	pthread_mutex_unlock(&pool.lock);
	return NULL;
}

/* B4: queues j (state QUEUED, waker set); 0 or -errno.  pool.lock held. */
static int pool_submit(struct blocking_job *j)
{
	pthread_attr_t attr;
	pthread_t th;
	int err = 0;

	if (!pool.max_read) {
		pool.max = max_threads();
		pool.max_read = true;
	}
	if (pool.idle <= pool.queued && pool.threads < pool.max) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		err = pthread_create(&th, &attr, pool_thread, NULL);
		pthread_attr_destroy(&attr);
		if (!err)
			pool.threads++;
		else if (!pool.threads)
			return COAST__ERR(err);
	}
	j->prev = pool.tail;
	j->next = NULL;
	if (pool.tail)
		pool.tail->next = j;
	else
		pool.head = j;
	pool.tail = j;
	pool.queued++;
	j->state = JOB_QUEUED;
	if (pool.idle)
		pthread_cond_signal(&pool.cond);
	return 0;
}

unsigned coast__blocking_threads(void)
{
	unsigned n;

	pthread_mutex_lock(&pool.lock);
	n = pool.threads;
	pthread_mutex_unlock(&pool.lock);
	return n;
}

/* ------------------------------------------------------------ the future */

enum { BLOCKING_WAIT = 1 };

struct blocking_frame {
	struct coast_frame h;
	int ret;
	struct blocking_job job;
};

static int blocking_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn blocking_fn = {
	.poll = blocking_poll,
	.child = coast__no_child,
	.size = sizeof(struct blocking_frame),
	.ret_offset = offsetof(struct blocking_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_blocking",
	.file = __FILE__,
};

static int blocking_done(struct blocking_frame *b, int ret)
{
	b->ret = ret;
	b->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

static int blocking_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct blocking_frame *b = (struct blocking_frame *)f;
	struct blocking_job *j = &b->job;
	enum job_state st;
	coast_waker *w = NULL;
	int r;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (f->state == COAST_STATE_START) {
		if (f->flags & COAST_F_CANCEL)
			return blocking_done(b, COAST__ERR(ECANCELED));
		if (!j->fn)
			return blocking_done(b, COAST__ERR(EINVAL));
		j->waker = coast_waker_get(cx);
		pthread_mutex_lock(&pool.lock);
		r = pool_submit(j);
		pthread_mutex_unlock(&pool.lock);
		if (r) {
			coast_waker_drop(j->waker);
			j->waker = NULL;
			return blocking_done(b, r);
		}
		f->state = BLOCKING_WAIT;
		return COAST_PENDING;
	}
	if (f->state != BLOCKING_WAIT)
		abort(); /* a state this function never sets */
	pthread_mutex_lock(&pool.lock);
	st = j->state;
	if (st == JOB_QUEUED && (f->flags & COAST_F_CANCEL)) {
		job_unlink(j); /* B3: fn never runs */
		j->state = JOB_DONE;
		w = j->waker;
		j->waker = NULL;
	}
	pthread_mutex_unlock(&pool.lock);
	if (st == JOB_QUEUED && (f->flags & COAST_F_CANCEL)) {
		coast_waker_drop(w);
		return blocking_done(b, COAST__ERR(ECANCELED));
	}
	if (st != JOB_DONE)
		return COAST_PENDING; /* B3: a cancel waits for fn */
	/* B2: the pool thread wrote result before DONE, under the lock. */
	return blocking_done(b, (f->flags & COAST_F_CANCEL)
					? COAST__ERR(ECANCELED)
					: j->result);
}

COAST_EXTERN struct coast_frame *
coast_blocking__coast_start(struct coast_alloc *a, int (*fn)(void *),
			    void *arg)
{
	struct blocking_frame *b = coast__frame_new(a, &blocking_fn);

	if (!b)
		return NULL;
	b->ret = 0;
	b->job.next = b->job.prev = NULL;
	b->job.fn = fn;
	b->job.arg = arg;
	b->job.result = 0;
	b->job.state = JOB_NONE;
	b->job.waker = NULL;
	return &b->h;
}

/* Without the plugin the caller is a thread of its own: just call. */
COAST_EXTERN int coast_blocking(int (*fn)(void *), void *arg)
{
	if (!fn)
		return COAST__ERR(EINVAL);
	return fn(arg);
}
