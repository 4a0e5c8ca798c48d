/*
 * dump.c - coast_dump_tasks: every live task with its chain of awaits as
 * the user's source locations, and the SIGQUIT trigger
 * (COAST_DUMP_ON_SIGQUIT).
 *
 * The walk: for each task of the registry (task.c) that is not a dead
 * block, claim it (an idle task
 * becomes RUNNING for the dumper, so its frames hold still), print the
 * root frame and follow coast__child down to the leaf, each frame at the
 * site of its current suspension point (fn->sites[state - 1]), then
 * release it as a runner would.  Tasks that are running or queued at that
 * moment are listed with their state only: their frames are changing.
 * So is, from a thread other than its worker, a task that rule 11 of
 * task.c keeps RUNNING for one poll; a dump on that worker makes its
 * transition to idle first (coast__settle_deferred) and lists it waiting.
 *
 * SIGQUIT: printing is not async-signal-safe (stdio, locks), so the
 * handler only write(2)s a byte to a pipe; a dump thread started with the
 * runtime reads it and dumps.  write is async-signal-safe, the handler
 * keeps errno, and a full pipe (signals faster than dumps) drops the byte:
 * a dump is on its way anyway.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* A chain longer than this is cut (a cycle would be a lowering bug). */
#define MAX_DEPTH 256

struct dump {
	FILE *out;
	int n;
	struct coast_task *freed;
};

static const char *frame_state(unsigned state)
{
	if (state == COAST_STATE_START)
		return " (not started)";
	if (state == COAST_STATE_DONE)
		return " (done)";
	return "";
}

static void print_frame(FILE *out, const struct coast_fn *fn, unsigned state)
{
	coast_site s;

	if (fn->sites && state >= 1 && state <= fn->nsites &&
	    state != COAST_STATE_DONE) {
		s = fn->sites[state - 1];
		fprintf(out, "    %s:%u:%u in %s\n", fn->file ? fn->file : "?",
			COAST_SITE_LINE(s), COAST_SITE_COL(s),
			fn->name ? fn->name : "?");
		return;
	}
	fprintf(out, "    %s%s\n", fn->name ? fn->name : "?", frame_state(state));
}

static void dump_one(struct coast_task *t, void *arg)
{
	struct dump *d = arg;
	struct coast_frame *f = coast__task_root(t);
	const struct coast_fn *fn = NULL;
	void *self = NULL; /* the frame as fn's callbacks take it */
	unsigned state;
	uint64_t st;
	int depth;

	if (!coast__task_claim(t)) {
		st = coast__task_state(t);
		/* A dead block (task.c's R1): cached, or being freed.  A
		 * running task may have no reference either: its runner's
		 * went to a waker that was dropped (rule 9). */
		if (!(st >> COAST__ST_REF_SHIFT) && !(st & COAST__ST_RUNNING))
			return;
		d->n++;
		fprintf(d->out, "  task %p: %s\n", (void *)t,
			(st & COAST__ST_COMPLETE)    ? "complete"
			: (st & COAST__ST_RUNNING)   ? "running"
			: (st & COAST__ST_SCHEDULED) ? "queued"
						     : "not started");
		return;
	}
	d->n++;
	fprintf(d->out, "  task %p: waiting%s\n", (void *)t,
		(coast__task_state(t) & COAST__ST_CANCELLED) ? " (cancelled)"
							     : "");
	/*
	 * Each step is a frame with its own header (f) or a lowered body
	 * embedded in the frame above, whose descriptor is that one's
	 * fn->subs entry its site names (fn, self).
	 */
	for (depth = 0; (f || self) && depth < MAX_DEPTH; depth++) {
		if (f) {
			fn = f->fn;
			self = fn->body_poll ? (char *)f + fn->body_offset
					     : (void *)f;
		}
		state = fn->body_poll ? ((struct coast_head *)self)->state
				      : f->state;
		print_frame(d->out, fn, state);
		if (state == COAST_STATE_START || state == COAST_STATE_DONE)
			break;
		self = coast__child(fn, self, &fn);
		f = fn ? NULL : self;
	}
	coast__task_unclaim(t, &d->freed);
}

COAST_EXTERN int coast_dump_tasks(void)
{
	struct dump d = { .out = stderr };
	struct coast_task *t;

	/* On a worker, a task rule 11 of task.c keeps RUNNING for one more
	 * poll (this one) is waiting: made idle, its frames are listed. */
	coast__settle_deferred();
	flockfile(stderr);
	fprintf(stderr, "coast: live tasks (%zu)\n", coast__task_live());
	coast__task_foreach(dump_one, &d);
	fprintf(stderr, "coast: end of tasks\n");
	funlockfile(stderr);
	while ((t = d.freed)) {
		d.freed = t->next;
		coast__task_dealloc(t);
	}
	return d.n;
}

/* ------------------------------------------------------------ SIGQUIT */

static int sig_pipe[2] = { -1, -1 };

static void on_sigquit(int sig)
{
	int saved = errno;
	char c = 1;
	ssize_t r;

	(void)sig;
	r = write(sig_pipe[1], &c, 1); /* a full pipe: a dump is pending */
	(void)r;
	errno = saved;
}

static void *dump_thread(void *arg)
{
	char buf[64];
	ssize_t r;

	(void)arg;
	for (;;) {
		r = read(sig_pipe[0], buf, sizeof(buf));
		if (r > 0)
			coast_dump_tasks();
		else if (r == 0 || errno != EINTR)
			return NULL;
	}
}

int coast__dump_install(void)
{
	const char *env = getenv("COAST_DUMP_ON_SIGQUIT");
	struct sigaction sa;
	pthread_attr_t attr;
	pthread_t th;
	int err;

	if (!env || !*env || !strcmp(env, "0"))
		return 0;
	if (pipe(sig_pipe))
		return COAST__ERR(errno);
	/* The reader blocks; the handler's end must not. */
	fcntl(sig_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(sig_pipe[1], F_SETFD, FD_CLOEXEC);
	fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&th, &attr, dump_thread, NULL);
	pthread_attr_destroy(&attr);
	if (err)
		return COAST__ERR(err);
	sa.sa_handler = on_sigquit;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGQUIT, &sa, NULL))
		return COAST__ERR(errno);
	return 0;
}
