/*
 * test-uring.c - the io_uring path of the I/O leaves (COAST_IO=uring,
 * runtime/src/uring.c), each test setting the variable itself: the ring
 * is used (an op always suspends once, sockets and pipes), the fallback to
 * epoll when the setup fails, and cancelling an op in flight: on its own
 * worker, an accept, from a thread that is not its ring's (the inbox), tasks
 * cancelled or timed out in flight while other ops complete, with the
 * kernel's copy into the buffer never after the leaf returned READY.
 *
 * On a kernel without io_uring (or with it disabled) the tests that need a
 * ring say so and pass: the fallback test covers that machine.
 */
#define _GNU_SOURCE /* syscall */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test.h"

/* This kernel lets a thread make the ring uring.c makes. */
static bool uring_usable(void)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (fd < 0) {
		fprintf(stderr, "io_uring unavailable here (%s): skipped\n",
			strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

static bool uring_on(void)
{
	setenv("COAST_IO", "uring", 1);
	return uring_usable();
}

/* Starts the runtime: spawns from this thread go to running workers. */
static void runtime_start(void)
{
	ASSERT_EQ(test_block_on_int(test_yielder_start(&coast__task_alloc, 1,
						       7, NULL, NULL)),
		  7);
}

/* Waits for n ops in flight on the rings (tasks on other workers). */
static bool ops_are(const void *n)
{
	return coast__uring_ops() == *(const size_t *)n;
}

static size_t ops_settle(size_t n)
{
	test_wait(ops_are, &n);
	return coast__uring_ops();
}

/* The end of a test: no op left on the rings, no task alive; closes a, b. */
static void settled_close(int a, int b)
{
	ASSERT_EQ(coast__uring_ops(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	close(a);
	if (b >= 0)
		close(b);
}

/* ---------------------------------------------------- the ring is used */

struct user {
	struct coast_frame h;
	int ret;
	int sv[2], p[2];
	struct coast_frame *sub;
	char buf[8];
};

TEST_FN(user_fn, struct user, user_poll);

/* Polls a new leaf in *sub once: its first poll's answer. */
static int first_poll(struct coast_frame **sub, struct coast_frame *leaf,
		      struct coast_cx *cx)
{
	*sub = leaf;
	ASSERT(leaf);
	return test_poll(leaf, cx);
}

static int user_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct user *u = (struct user *)f;

	switch (f->state) {
	case COAST_STATE_START:
		ASSERT(coast__uring_mine() != NULL);
		/* Data already there: still one suspension (no attempt). */
		ASSERT_EQ(write(u->sv[1], "abc", 3), 3);
		ASSERT_EQ(first_poll(&u->sub,
				     COAST_START(coast_recv)(cx->frames,
							     u->sv[0], u->buf,
							     sizeof(u->buf), 0),
				     cx),
			  COAST_PENDING);
		f->state = 1;
		/* fall through */
	case 1:
		if (test_poll(u->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		ASSERT_EQ(COAST_RESULT(ssize_t, u->sub), 3);
		ASSERT(!memcmp(u->buf, "abc", 3));
		test_free(cx, u->sub);
		/* A pipe: the receive fails with -ENOTSOCK and the read
		 * takes the readiness path; the write is write(2) on the
		 * ring. */
		ASSERT_EQ(first_poll(&u->sub,
				     COAST_START(coast_write)(cx->frames,
							      u->p[1], "xyz",
							      3),
				     cx),
			  COAST_PENDING);
		f->state = 2;
		/* fall through */
	case 2:
		if (test_poll(u->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		ASSERT_EQ(COAST_RESULT(ssize_t, u->sub), 3);
		test_free(cx, u->sub);
		ASSERT_EQ(first_poll(&u->sub,
				     COAST_START(coast_read)(cx->frames,
							     u->p[0], u->buf,
							     sizeof(u->buf)),
				     cx),
			  COAST_PENDING);
		f->state = 3;
		/* fall through */
	case 3:
		if (test_poll(u->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		ASSERT_EQ(COAST_RESULT(ssize_t, u->sub), 3);
		ASSERT(!memcmp(u->buf, "xyz", 3));
		test_free(cx, u->sub);
		/* The peer gone: -EPIPE from the kernel, no SIGPIPE. */
		close(u->sv[1]);
		ASSERT_EQ(first_poll(&u->sub,
				     COAST_START(coast_send)(cx->frames,
							     u->sv[0], "x", 1,
							     0),
				     cx),
			  COAST_PENDING);
		f->state = 4;
		/* fall through */
	case 4:
		if (test_poll(u->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		ASSERT_EQ(COAST_RESULT(ssize_t, u->sub), -EPIPE);
		test_free(cx, u->sub);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static bool two_rings(const void *unused)
{
	(void)unused;
	return coast__uring_rings() == 2;
}

TEST_IMPL(uring_used)
{
	struct user *u;
	int sv[2], p[2];

	if (!uring_on())
		return 0;
	test_workers(2);
	u = test_frame_new(&coast__task_alloc, &user_fn);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(pipe(p), 0);
	memcpy(u->sv, sv, sizeof(sv));
	memcpy(u->p, p, sizeof(p));
	ASSERT_EQ(test_block_on_int(&u->h), 0);
	/* Every worker made its ring (the second may start late). */
	ASSERT(test_wait(two_rings, NULL));
	close(sv[0]); /* sv[1]: closed by the task */
	settled_close(p[0], p[1]);
	return 0;
}

/* -------------------------------------------------------- the fallback */

struct plain {
	struct coast_frame h;
	int ret;
	int fd;
	struct coast_frame *sub;
	char buf[8];
};

TEST_FN(plain_fn, struct plain, plain_poll);

/* With no ring: data there is read at once, a cancel ends at once. */
static int plain_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct plain *p = (struct plain *)f;

	ASSERT(coast__uring_mine() == NULL);
	ASSERT_EQ(first_poll(&p->sub,
			     COAST_START(coast_read)(cx->frames, p->fd, p->buf,
						     sizeof(p->buf)),
			     cx),
		  COAST_READY);
	ASSERT_EQ(COAST_RESULT(ssize_t, p->sub), 2);
	test_free(cx, p->sub);
	ASSERT_EQ(first_poll(&p->sub,
			     COAST_START(coast_read)(cx->frames, p->fd, p->buf,
						     sizeof(p->buf)),
			     cx),
		  COAST_PENDING);
	p->sub->flags |= COAST_F_CANCEL;
	ASSERT_EQ(test_poll(p->sub, cx), COAST_READY);
	ASSERT_EQ(COAST_RESULT(ssize_t, p->sub), -ECANCELED);
	test_free(cx, p->sub);
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

/* io_uring_setup failing (the kernel refuses a flag): epoll, silently. */
TEST_IMPL(uring_fallback)
{
	struct plain *p;
	int sv[2];

	setenv("COAST_IO", "uring", 1);
	setenv("COAST_TEST_URING_FAIL", "1", 1);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(write(sv[1], "hi", 2), 2);
	p = test_frame_new(&coast__task_alloc, &plain_fn);
	p->fd = sv[0];
	ASSERT_EQ(test_block_on_int(&p->h), 0);
	ASSERT_EQ(coast__uring_rings(), 0);
	settled_close(sv[0], sv[1]);
	return 0;
}

/* ------------------------------------------- a refused enter, SQ full */

enum { NFULL = 300 }; /* more than the SQ's 256 entries */

struct full {
	struct coast_frame h;
	int ret;
	int (*sv)[2];
	int *ready_at_once; /* the test's: block_on frees the frame */
	struct coast_frame *sub[NFULL];
	char buf[NFULL];
};

TEST_FN(full_fn, struct full, full_poll);

/*
 * NFULL reads started in one poll, each with its byte waiting: the 257th
 * finds the SQ full and the enter that would make room refused.  It takes
 * the readiness path (its byte there: READY at once) and overwrites none
 * of the 256 SQEs queued; the reads after it find room again.
 */
static int full_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct full *u = (struct full *)f;
	int i, pending = 0;

	if (f->state == COAST_STATE_START) {
		atomic_store(&coast__uring_refuse, 1);
		for (i = 0; i < NFULL; i++)
			if (first_poll(&u->sub[i],
				       COAST_START(coast_read)(cx->frames,
							       u->sv[i][0],
							       &u->buf[i], 1),
				       cx) == COAST_READY) {
				ASSERT_EQ(i, 256);
				++*u->ready_at_once;
			}
		ASSERT_EQ(atomic_load(&coast__uring_refuse), 0);
		f->state = 1;
	}
	for (i = 0; i < NFULL; i++)
		if (test_poll(u->sub[i], cx) == COAST_PENDING)
			pending++;
	if (pending)
		return COAST_PENDING;
	for (i = NFULL; i-- > 0;) {
		ASSERT_EQ(COAST_RESULT(ssize_t, u->sub[i]), 1);
		ASSERT_EQ(u->buf[i], (char)i);
		test_free(cx, u->sub[i]);
	}
	f->state = COAST_STATE_DONE;
	return COAST_READY;
}

TEST_IMPL(uring_sq_full)
{
	static int sv[NFULL][2];
	struct full *u;
	int i, ready_at_once = 0;
	char c;

	if (!uring_on())
		return 0;
	for (i = 0; i < NFULL; i++) {
		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]), 0);
		c = (char)i;
		ASSERT_EQ(write(sv[i][1], &c, 1), 1);
	}
	u = test_frame_new(&coast__task_alloc, &full_fn);
	u->sv = sv;
	u->ready_at_once = &ready_at_once;
	ASSERT_EQ(test_block_on_int(&u->h), 0);
	ASSERT_EQ(ready_at_once, 1);
	for (i = 1; i < NFULL; i++) {
		close(sv[i][0]);
		close(sv[i][1]);
	}
	settled_close(sv[0][0], sv[0][1]);
	return 0;
}

/*
 * Which reactor the run's COAST_IO asks for is the one the workers use: a
 * ring per worker with COAST_IO=uring (where the kernel has io_uring),
 * none by default.  Printed for the lit RUN lines to check.
 */
TEST_IMPL(io_mode)
{
	const char *io = getenv("COAST_IO");
	bool uring = io && !strcmp(io, "uring");

	if (uring && !uring_usable()) {
		printf("io_mode: epoll (no io_uring here)\n");
		return 0;
	}
	runtime_start();
	if (uring)
		ASSERT(coast__uring_rings() > 0);
	else
		ASSERT_EQ(coast__uring_rings(), 0);
	printf("io_mode: %s\n", uring ? "uring" : "epoll");
	return 0;
}

/* ---------------------------------------- cancel on the op's own worker */

struct own {
	struct coast_frame h;
	int ret;
	int sv[2];
	struct coast_frame *sub;
	char buf[8];
};

TEST_FN(own_fn, struct own, own_poll);

static int own_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct own *o = (struct own *)f;
	char c;

	switch (f->state) {
	case COAST_STATE_START:
		/* Nothing to read: in flight; cancelled, pending until the
		 * kernel's CQE (the buffer is the kernel's until then). */
		ASSERT_EQ(first_poll(&o->sub,
				     COAST_START(coast_read)(cx->frames,
							     o->sv[0], o->buf,
							     sizeof(o->buf)),
				     cx),
			  COAST_PENDING);
		o->sub->flags |= COAST_F_CANCEL;
		ASSERT_EQ(test_poll(o->sub, cx), COAST_PENDING);
		ASSERT_EQ(test_poll(o->sub, cx), COAST_PENDING); /* once */
		f->state = 1;
		return COAST_PENDING;
	case 1:
		/* Woken by the op's CQE: nothing else holds our waker. */
		ASSERT_EQ(test_poll(o->sub, cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, o->sub), -ECANCELED);
		test_free(cx, o->sub);
		/* The cancelled receive took nothing. */
		ASSERT_EQ(write(o->sv[1], "a", 1), 1);
		ASSERT_EQ(recv(o->sv[0], &c, 1, 0), 1);
		ASSERT_EQ(c, 'a');
		/* A read whose CQE came before the cancel: cancelled, READY
		 * at once, its bytes kept for the fd's next read. */
		ASSERT_EQ(first_poll(&o->sub,
				     COAST_START(coast_read)(cx->frames,
							     o->sv[0], o->buf,
							     sizeof(o->buf)),
				     cx),
			  COAST_PENDING);
		ASSERT_EQ(write(o->sv[1], "bc", 2), 2);
		f->state = 2;
		return COAST_PENDING;
	case 2:
		o->sub->flags |= COAST_F_CANCEL;
		ASSERT_EQ(test_poll(o->sub, cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, o->sub), -ECANCELED);
		ASSERT(o->sub->flags & COAST_F_CANCEL);
		test_free(cx, o->sub);
		ASSERT_EQ(recv(o->sv[0], &c, 1, MSG_DONTWAIT), -1);
		ASSERT_EQ(errno, EAGAIN);
		ASSERT_EQ(coast__carry_kept(), 1);
		ASSERT_EQ(write(o->sv[1], "d", 1), 1);
		/* The next reads take them first, in order, without the
		 * ring; a peek leaves them; then the socket's. */
		ASSERT_EQ(first_poll(&o->sub,
				     COAST_START(coast_recv)(cx->frames,
							     o->sv[0], o->buf,
							     sizeof(o->buf),
							     MSG_PEEK),
				     cx),
			  COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, o->sub), 2);
		test_free(cx, o->sub);
		ASSERT_EQ(first_poll(&o->sub,
				     COAST_START(coast_read)(cx->frames,
							     o->sv[0], o->buf,
							     1),
				     cx),
			  COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, o->sub), 1);
		ASSERT_EQ(o->buf[0], 'b');
		test_free(cx, o->sub);
		ASSERT_EQ(coast_read(o->sv[0], o->buf, sizeof(o->buf)), 1);
		ASSERT_EQ(o->buf[0], 'c');
		ASSERT_EQ(coast__carry_kept(), 0);
		ASSERT_EQ(first_poll(&o->sub,
				     COAST_START(coast_read)(cx->frames,
							     o->sv[0], o->buf,
							     sizeof(o->buf)),
				     cx),
			  COAST_PENDING);
		f->state = 3;
		return COAST_PENDING;
	case 3:
		ASSERT_EQ(test_poll(o->sub, cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, o->sub), 1);
		ASSERT_EQ(o->buf[0], 'd');
		test_free(cx, o->sub);
		/* A write whose CQE came before the cancel: its count, and
		 * the cancel did not take (race.c reports it). */
		ASSERT_EQ(first_poll(&o->sub,
				     COAST_START(coast_write)(cx->frames,
							      o->sv[0], "ef",
							      2),
				     cx),
			  COAST_PENDING);
		f->state = 4;
		return COAST_PENDING;
	case 4:
		o->sub->flags |= COAST_F_CANCEL;
		ASSERT_EQ(test_poll(o->sub, cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, o->sub), 2);
		ASSERT(!(o->sub->flags & COAST_F_CANCEL));
		test_free(cx, o->sub);
		ASSERT_EQ(recv(o->sv[1], o->buf, sizeof(o->buf), 0), 2);
		ASSERT(!memcmp(o->buf, "ef", 2));
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(uring_cancel_own)
{
	struct own *o;
	int sv[2];

	if (!uring_on())
		return 0;
	o = test_frame_new(&coast__task_alloc, &own_fn);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	memcpy(o->sv, sv, sizeof(sv));
	ASSERT_EQ(test_block_on_int(&o->h), 0);
	settled_close(sv[0], sv[1]);
	return 0;
}

/* --------------------------------------------------- accept cancelled */

struct acceptor {
	struct coast_frame h;
	int ret;
	int lfd, cfd;
	struct sockaddr_in addr, peer;
	socklen_t peerlen;
	struct coast_frame *sub;
};

TEST_FN(acceptor_fn, struct acceptor, acceptor_poll);

/* A client socket connected to a's listener (the backlog takes it). */
static int client(struct acceptor *a)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT(fd >= 0);
	ASSERT_EQ(connect(fd, (struct sockaddr *)&a->addr, sizeof(a->addr)),
		  0);
	return fd;
}

/* An accept in flight, then a client connecting: its CQE comes. */
static void accept_then_client(struct acceptor *a, struct coast_cx *cx)
{
	ASSERT_EQ(first_poll(&a->sub,
			     COAST_START(coast_accept)(cx->frames, a->lfd, NULL,
						       NULL),
			     cx),
		  COAST_PENDING);
	a->cfd = client(a);
}

/* Cancelled after its CQE: -ECANCELED, the socket kept (carry.c). */
static void cancel_kept(struct acceptor *a, struct coast_cx *cx)
{
	a->sub->flags |= COAST_F_CANCEL;
	ASSERT_EQ(test_poll(a->sub, cx), COAST_READY);
	ASSERT_EQ(COAST_RESULT(int, a->sub), -ECANCELED);
	test_free(cx, a->sub);
	ASSERT_EQ(coast__carry_kept(), 1);
}

static int acceptor_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct acceptor *a = (struct acceptor *)f;
	char c;
	int fd;

	switch (f->state) {
	case COAST_STATE_START:
		/* Nobody connecting: cancelled in flight, it took nothing. */
		ASSERT_EQ(first_poll(&a->sub,
				     COAST_START(coast_accept)(cx->frames,
							       a->lfd, NULL,
							       NULL),
				     cx),
			  COAST_PENDING);
		a->sub->flags |= COAST_F_CANCEL;
		ASSERT_EQ(test_poll(a->sub, cx), COAST_PENDING);
		f->state = 1;
		return COAST_PENDING;
	case 1:
		ASSERT_EQ(test_poll(a->sub, cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(int, a->sub), -ECANCELED);
		test_free(cx, a->sub);
		a->cfd = client(a);
		ASSERT_EQ(first_poll(&a->sub,
				     COAST_START(coast_accept)(cx->frames,
							       a->lfd, NULL,
							       NULL),
				     cx),
			  COAST_PENDING);
		f->state = 2;
		return COAST_PENDING;
	case 2:
		/* The connection the cancelled accept left: non-blocking
		 * and close-on-exec, as coast_accept's always are. */
		ASSERT_EQ(test_poll(a->sub, cx), COAST_READY);
		fd = COAST_RESULT(int, a->sub);
		test_free(cx, a->sub);
		ASSERT(fd >= 0);
		ASSERT(fcntl(fd, F_GETFL) & O_NONBLOCK);
		ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
		close(a->cfd);
		/* Accepted before the cancel: the socket is kept for the
		 * listener's next accept, with its peer's address. */
		accept_then_client(a, cx);
		f->state = 3;
		return COAST_PENDING;
	case 3:
		cancel_kept(a, cx);
		a->peerlen = sizeof(a->peer);
		ASSERT_EQ(first_poll(&a->sub,
				     COAST_START(coast_accept)(
					     cx->frames, a->lfd,
					     (struct sockaddr *)&a->peer,
					     &a->peerlen),
				     cx),
			  COAST_READY);
		fd = COAST_RESULT(int, a->sub);
		test_free(cx, a->sub);
		ASSERT(fd >= 0);
		ASSERT_EQ(a->peerlen, sizeof(a->peer));
		ASSERT_EQ(a->peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
		ASSERT_EQ(write(fd, "k", 1), 1);
		ASSERT_EQ(recv(a->cfd, &c, 1, 0), 1);
		ASSERT_EQ(c, 'k');
		close(fd);
		close(a->cfd);
		/* Kept again, then the listener closed and its number
		 * reused by another file: the kept socket is closed (K2). */
		accept_then_client(a, cx);
		f->state = 4;
		return COAST_PENDING;
	case 4:
		cancel_kept(a, cx);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT(fd >= 0);
		ASSERT_EQ(dup2(fd, a->lfd), a->lfd);
		close(fd);
		ASSERT(!coast__carry_take_socket(a->lfd, &fd));
		ASSERT_EQ(coast__carry_kept(), 0);
		ASSERT_EQ(recv(a->cfd, &c, 1, 0), 0);
		close(a->cfd);
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(uring_cancel_accept)
{
	struct acceptor *a;
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int lfd;

	if (!uring_on())
		return 0;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT(lfd >= 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	ASSERT_EQ(listen(lfd, 4), 0);
	ASSERT_EQ(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
	a = test_frame_new(&coast__task_alloc, &acceptor_fn);
	a->lfd = lfd;
	a->addr = addr;
	ASSERT_EQ(test_block_on_int(&a->h), 0);
	settled_close(lfd, -1);
	return 0;
}

/* ------------------------------ cancel from a thread without the ring */

struct starter {
	struct coast_frame h;
	int ret;
	int fd;
	char buf[8];
	_Atomic(struct coast_frame *) *out;
};

TEST_FN(starter_fn, struct starter, starter_poll);

/*
 * Starts a read on its worker's ring and hands the leaf to the test's
 * thread, which cancels it; the op's CQE wakes this task (its waker), and
 * it ends without touching the leaf.
 */
static int starter_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct starter *s = (struct starter *)f;
	struct coast_frame *leaf;

	switch (f->state) {
	case COAST_STATE_START:
		leaf = COAST_START(coast_read)(&coast__task_alloc, s->fd,
					       s->buf, sizeof(s->buf));
		ASSERT_EQ(first_poll(&leaf, leaf, cx), COAST_PENDING);
		atomic_store(s->out, leaf);
		f->state = 1;
		return COAST_PENDING;
	case 1:
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

static bool leaf_out(const void *p)
{
	return atomic_load((_Atomic(struct coast_frame *) *)p) != NULL;
}

TEST_IMPL(uring_cancel_foreign)
{
	_Atomic(struct coast_frame *) leaf = NULL;
	struct coast_cx cx;
	struct coast_frame *l;
	struct starter *s;
	coast_task *t;
	double t0;
	int sv[2], r;
	char c;

	if (!uring_on())
		return 0;
	runtime_start();
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s = test_frame_new(&coast__task_alloc, &starter_fn);
	s->fd = sv[0];
	s->out = &leaf;
	t = test_spawn(&s->h);
	ASSERT(test_wait(leaf_out, &leaf));
	l = atomic_load(&leaf);
	/* This thread has no ring: the cancel goes through the inbox of
	 * the worker's, which a kick wakes. */
	memset(&cx, 0, sizeof(cx));
	l->flags |= COAST_F_CANCEL;
	ASSERT_EQ(l->fn->poll(l, &cx), COAST_PENDING);
	t0 = test_now_ms();
	while ((r = l->fn->poll(l, &cx)) == COAST_PENDING) {
		ASSERT_WITHIN(t0, "the cancel's CQE");
		sched_yield();
	}
	ASSERT_EQ(COAST_RESULT(ssize_t, l), -ECANCELED);
	coast__task_alloc.free(&coast__task_alloc, l, l->fn->size);
	ASSERT_EQ(test_join_int(t), 0);
	ASSERT_EQ(write(sv[1], "z", 1), 1);
	ASSERT_EQ(recv(sv[0], &c, 1, 0), 1);
	ASSERT_EQ(c, 'z');
	settled_close(sv[0], sv[1]);
	return 0;
}

/* ------------------------------------- tasks cancelled or timed out */

struct blocked {
	struct coast_frame h;
	int ret; /* the read's result, or the timeout's */
	int fd;
	long long ms; /* > 0: the read under coast_timeout(ms) */
	ssize_t n;
	struct coast_frame *sub;
	char buf[4];
};

TEST_FN(blocked_fn, struct blocked, blocked_poll);

static int blocked_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct blocked *b = (struct blocked *)f;
	struct coast_frame *rd;
	int rc;

	if (f->flags & COAST_F_CANCEL)
		return test_drop(f, &b->sub, cx);
	switch (f->state) {
	case COAST_STATE_START:
		if (b->ms) {
			b->sub = coast__timeout__coast_start(cx->frames, b->ms);
			ASSERT(b->sub);
		}
		rd = COAST_START(coast_read)(cx->frames, b->fd, b->buf,
					     sizeof(b->buf));
		ASSERT(rd);
		if (b->ms)
			coast__race_arm(b->sub, cx->frames, rd, &b->n, "read");
		else
			b->sub = rd;
		f->state = 1;
		/* fall through */
	case 1:
		rc = coast__poll_child(b->sub, cx);
		if (rc != COAST_READY)
			return rc;
		b->ret = b->ms ? COAST_RESULT(int, b->sub)
			       : (int)COAST_RESULT(ssize_t, b->sub);
		test_free(cx, b->sub);
		b->sub = NULL;
		f->state = COAST_STATE_DONE;
		return COAST_READY;
	}
	abort();
}

enum { NBLOCKED = 32 };

/*
 * Tasks blocked in reads on the rings, cancelled by this thread while half
 * of their reads complete: each ends with its byte or cancelled; a
 * cancelled read that the kernel did not complete took nothing.  Then
 * reads under coast_timeout time out, their ops cancelled in flight, on
 * whichever worker polls the timed-out task.
 */
TEST_IMPL(uring_cancel_tasks)
{
	static int sv[NBLOCKED][2];
	coast_task *t[NBLOCKED];
	struct blocked *b;
	int i, r, res[NBLOCKED], cancelled = 0;
	char c;

	if (!uring_on())
		return 0;
	runtime_start();
	for (i = 0; i < NBLOCKED; i++) {
		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]), 0);
		b = test_frame_new(&coast__task_alloc, &blocked_fn);
		b->fd = sv[i][0];
		t[i] = test_spawn(&b->h);
	}
	ASSERT_EQ(ops_settle(NBLOCKED), NBLOCKED);
	/* A quarter completes before the cancels, a quarter races them. */
	for (i = 0; i < NBLOCKED; i += 4)
		ASSERT_EQ(write(sv[i][1], "x", 1), 1);
	ASSERT_EQ(ops_settle(NBLOCKED - NBLOCKED / 4), NBLOCKED - NBLOCKED / 4);
	/* Their CQEs came; their tasks may still be queued, and a cancel
	 * before their next poll would win. */
	for (i = 0; i < NBLOCKED; i += 4)
		ASSERT(test_complete_settle(t[i]));
	for (i = 2; i < NBLOCKED; i += 4)
		ASSERT_EQ(write(sv[i][1], "x", 1), 1);
	for (i = 0; i < NBLOCKED; i++)
		ASSERT_EQ(coast_cancel(t[i]), 0);
	for (i = 0; i < NBLOCKED; i++) {
		r = res[i] = test_join_int(t[i]);
		if (r == -ECANCELED) {
			ASSERT(i % 4);
			cancelled++;
		} else {
			ASSERT_EQ(i % 2, 0);
			ASSERT_EQ(r, 1);
		}
		if (i % 2) {
			ASSERT_EQ(r, -ECANCELED);
			ASSERT_EQ(write(sv[i][1], "y", 1), 1);
			ASSERT_EQ(recv(sv[i][0], &c, 1, 0), 1);
			ASSERT_EQ(c, 'y');
		}
	}
	fprintf(stderr, "uring_cancel_tasks: %d of %d cancelled\n", cancelled,
		NBLOCKED);
	/* What a cancelled read took is the next read's (carry.c): its
	 * byte, whether the kernel completed the read or not. */
	for (i = 2; i < NBLOCKED; i += 4) {
		if (res[i] != -ECANCELED)
			continue;
		ASSERT_EQ(coast_read(sv[i][0], &c, 1), 1);
		ASSERT_EQ(c, 'x');
	}
	ASSERT_EQ(coast__carry_kept(), 0);
	ASSERT_EQ(ops_settle(0), 0);
	ASSERT_EQ(test_live_settle(0), 0);

	for (i = 0; i < NBLOCKED; i++) {
		b = test_frame_new(&coast__task_alloc, &blocked_fn);
		b->fd = sv[i][0];
		b->ms = 5 + i % 7;
		t[i] = test_spawn(&b->h);
	}
	for (i = 0; i < NBLOCKED; i++)
		ASSERT_EQ(test_join_int(t[i]), -ETIMEDOUT);
	for (i = 0; i < NBLOCKED; i++) {
		ASSERT_EQ(write(sv[i][1], "z", 1), 1);
		ASSERT_EQ(recv(sv[i][0], &c, 1, 0), 1);
		ASSERT_EQ(c, 'z');
		close(sv[i][0]);
		close(sv[i][1]);
	}
	ASSERT_EQ(coast__uring_ops(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
