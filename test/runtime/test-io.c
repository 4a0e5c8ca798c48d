/*
 * test-io.c - the socket leaf futures on real loopback sockets: an echo
 * between tasks (reader and writer of one socket in two tasks), a peer that
 * resets mid-write, bad fds, cancelling a pending read, and the blocking
 * versions.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

/* A listening socket on 127.0.0.1, ephemeral port; *addr gets its name. */
static int listener(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT(fd >= 0);
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(fd, (struct sockaddr *)addr, sizeof(*addr)), 0);
	ASSERT_EQ(listen(fd, 16), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)addr, &len), 0);
	return fd;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 131 + i / 4096);
}

/* ------------------------------------------------------------ the echo */

enum { ECHO_BYTES = 1 << 20 };

/* Accepts one connection and echoes it until end of stream. */
struct echo_srv {
	struct coast_frame h;
	long ret; /* bytes echoed, or -errno */
	int lfd, cfd;
	ssize_t n, off, r;
	struct coast_frame *sub;
	unsigned char buf[4096];
};

TEST_FN(echo_srv_fn, struct echo_srv, echo_srv_poll);

static int echo_srv_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct echo_srv *s = (struct echo_srv *)f;

	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, s->sub,
			   COAST_START(coast_accept)(cx->frames, s->lfd, NULL,
						     NULL),
			   int, s->cfd);
		ASSERT(s->cfd >= 0);
		ASSERT(fcntl(s->cfd, F_GETFL) & O_NONBLOCK);
		for (;;) {
			TEST_AWAIT(2, s->sub,
				   COAST_START(coast_read)(cx->frames, s->cfd,
							   s->buf,
							   sizeof(s->buf)),
				   ssize_t, s->n);
			if (s->n <= 0)
				break;
			for (s->off = 0; s->off < s->n; s->off += s->r) {
				TEST_AWAIT(3, s->sub,
					   COAST_START(coast_write)(
						   cx->frames, s->cfd,
						   s->buf + s->off,
						   (size_t)(s->n - s->off)),
					   ssize_t, s->r);
				ASSERT(s->r > 0);
			}
			s->ret += s->n;
		}
		ASSERT_EQ(s->n, 0);
		close(s->cfd);
		return COAST_READY;
	}
	abort();
}

/* Sends ECHO_BYTES of pattern in uneven chunks, then shuts down writing. */
struct echo_tx {
	struct coast_frame h;
	long ret;
	int fd;
	size_t off;
	ssize_t r;
	struct coast_frame *sub;
	unsigned char buf[ECHO_BYTES];
};

TEST_FN(echo_tx_fn, struct echo_tx, echo_tx_poll);

static int echo_tx_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct echo_tx *t = (struct echo_tx *)f;
	size_t i, n;

	switch (f->state) {
	case COAST_STATE_START:
		for (i = 0; i < ECHO_BYTES; i++)
			t->buf[i] = pattern(i);
		for (t->off = 0; t->off < ECHO_BYTES; t->off += (size_t)t->r) {
			n = ECHO_BYTES - t->off;
			if (n > 7000 + t->off % 5000)
				n = 7000 + t->off % 5000;
			TEST_AWAIT(1, t->sub,
				   COAST_START(coast_send)(cx->frames, t->fd,
							   t->buf + t->off, n,
							   0),
				   ssize_t, t->r);
			ASSERT(t->r > 0);
		}
		ASSERT_EQ(shutdown(t->fd, SHUT_WR), 0);
		t->ret = (long)t->off;
		return COAST_READY;
	}
	abort();
}

/* Receives until end of stream, checking every byte. */
struct echo_rx {
	struct coast_frame h;
	long ret;
	int fd;
	ssize_t n;
	struct coast_frame *sub;
	unsigned char buf[3000];
};

TEST_FN(echo_rx_fn, struct echo_rx, echo_rx_poll);

static int echo_rx_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct echo_rx *x = (struct echo_rx *)f;
	ssize_t i;

	switch (f->state) {
	case COAST_STATE_START:
		for (;;) {
			TEST_AWAIT(1, x->sub,
				   COAST_START(coast_recv)(cx->frames, x->fd,
							   x->buf,
							   sizeof(x->buf), 0),
				   ssize_t, x->n);
			ASSERT(x->n >= 0);
			if (x->n == 0)
				break;
			for (i = 0; i < x->n; i++)
				ASSERT_EQ(x->buf[i], pattern((size_t)x->ret + (size_t)i));
			x->ret += x->n;
		}
		return COAST_READY;
	}
	abort();
}

/* Spawns the server, connects, spawns writer and reader, joins all. */
struct echo_root {
	struct coast_frame h;
	int ret;
	int lfd, fd;
	struct sockaddr_in addr;
	coast_task *t[3];
	long res[3];
	struct coast_frame *sub;
	int r;
};

TEST_FN(echo_root_fn, struct echo_root, echo_root_poll);

static int echo_root_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct echo_root *e = (struct echo_root *)f;
	struct echo_srv *s;
	struct echo_tx *tx;
	struct echo_rx *rx;

	switch (f->state) {
	case COAST_STATE_START:
		e->lfd = listener(&e->addr);
		s = test_frame_new(&coast__task_alloc, &echo_srv_fn);
		s->lfd = e->lfd;
		e->t[0] = coast__spawn(&s->h);
		e->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT(e->fd >= 0);
		TEST_AWAIT(1, e->sub,
			   COAST_START(coast_connect)(
				   cx->frames, e->fd,
				   (struct sockaddr *)&e->addr, sizeof(e->addr)),
			   int, e->r);
		ASSERT_EQ(e->r, 0);
		tx = test_frame_new(&coast__task_alloc, &echo_tx_fn);
		tx->fd = e->fd;
		e->t[1] = coast__spawn(&tx->h);
		rx = test_frame_new(&coast__task_alloc, &echo_rx_fn);
		rx->fd = e->fd;
		e->t[2] = coast__spawn(&rx->h);
		TEST_AWAIT(2, e->sub,
			   test_join_all_start(cx->frames, e->t, 3, e->res,
					       sizeof(long)),
			   int, e->ret);
		ASSERT_EQ(e->res[0], ECHO_BYTES);
		ASSERT_EQ(e->res[1], ECHO_BYTES);
		ASSERT_EQ(e->res[2], ECHO_BYTES);
		close(e->fd);
		close(e->lfd);
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(io_echo)
{
	double t0 = test_now_ms();

	ASSERT_EQ(test_block_on_int(
			  test_frame_new(&coast__task_alloc, &echo_root_fn)),
		  3);
	fprintf(stderr, "io_echo: %d bytes echoed in %.1f ms\n", ECHO_BYTES,
		test_now_ms() - t0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------- a peer resets */

/* Accepts and closes at once with a reset (SO_LINGER 0). */
struct rst_srv {
	struct coast_frame h;
	int ret;
	int lfd, cfd;
	ssize_t r;
	char c;
	struct coast_frame *sub;
};

TEST_FN(rst_srv_fn, struct rst_srv, rst_srv_poll);

static int rst_srv_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct rst_srv *s = (struct rst_srv *)f;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, s->sub,
			   COAST_START(coast_accept)(cx->frames, s->lfd, NULL,
						     NULL),
			   int, s->cfd);
		ASSERT(s->cfd >= 0);
		/* Wait for the client's byte: a reset before its connect
		 * completed would fail the connect instead. */
		TEST_AWAIT(2, s->sub,
			   COAST_START(coast_recv)(cx->frames, s->cfd, &s->c, 1,
						   0),
			   ssize_t, s->r);
		ASSERT_EQ(s->r, 1);
		ASSERT_EQ(setsockopt(s->cfd, SOL_SOCKET, SO_LINGER, &lg,
				     sizeof(lg)),
			  0);
		close(s->cfd);
		return COAST_READY;
	}
	abort();
}

/* Connects and writes until the reset shows: returns that error. */
struct rst_cli {
	struct coast_frame h;
	long ret;
	int lfd, fd, i;
	struct sockaddr_in addr;
	coast_task *srv;
	ssize_t r;
	struct coast_frame *sub;
	char buf[65536];
};

TEST_FN(rst_cli_fn, struct rst_cli, rst_cli_poll);

static int rst_cli_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct rst_cli *c = (struct rst_cli *)f;
	struct rst_srv *s;
	int r;

	switch (f->state) {
	case COAST_STATE_START:
		c->lfd = listener(&c->addr);
		s = test_frame_new(&coast__task_alloc, &rst_srv_fn);
		s->lfd = c->lfd;
		c->srv = coast__spawn(&s->h);
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		TEST_AWAIT(1, c->sub,
			   COAST_START(coast_connect)(
				   cx->frames, c->fd,
				   (struct sockaddr *)&c->addr, sizeof(c->addr)),
			   int, r);
		ASSERT_EQ(r, 0);
		TEST_AWAIT(5, c->sub,
			   COAST_START(coast_send)(cx->frames, c->fd, "!", 1,
						   0),
			   ssize_t, c->r);
		ASSERT_EQ(c->r, 1);
		TEST_AWAIT(2, c->sub,
			   COAST_START(coast_join)(cx->frames, c->srv, NULL),
			   int, r);
		ASSERT_EQ(r, 0);
		/* write(), not send(): MSG_NOSIGNAL is added all the same. */
		for (c->i = 0; c->i < 1000; c->i++) {
			TEST_AWAIT(3, c->sub,
				   COAST_START(coast_write)(cx->frames, c->fd,
							    c->buf,
							    sizeof(c->buf)),
				   ssize_t, c->r);
			if (c->r < 0)
				break;
		}
		c->ret = (long)c->r;
		/* Reading the dead connection: an error or end of stream. */
		TEST_AWAIT(4, c->sub,
			   COAST_START(coast_read)(cx->frames, c->fd, c->buf,
						   sizeof(c->buf)),
			   ssize_t, c->r);
		ASSERT(c->r == 0 || c->r == -ECONNRESET || c->r == -EPIPE);
		close(c->fd);
		close(c->lfd);
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(io_peer_reset)
{
	long r = 0;

	ASSERT_EQ(coast__block_on(test_frame_new(&coast__task_alloc,
						 &rst_cli_fn),
				  &r),
		  0);
	ASSERT(r == -ECONNRESET || r == -EPIPE);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------------- bad fds */

struct bad_fd {
	struct coast_frame h;
	int ret; /* failed checks */
	int fd;
	ssize_t r;
	int ri;
	struct coast_frame *sub;
	char buf[8];
};

TEST_FN(bad_fd_fn, struct bad_fd, bad_fd_poll);

static int bad_fd_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct bad_fd *b = (struct bad_fd *)f;

	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, b->sub,
			   COAST_START(coast_read)(cx->frames, b->fd, b->buf,
						   sizeof(b->buf)),
			   ssize_t, b->r);
		b->ret += b->r != -EBADF;
		TEST_AWAIT(2, b->sub,
			   COAST_START(coast_send)(cx->frames, b->fd, b->buf,
						   sizeof(b->buf), 0),
			   ssize_t, b->r);
		b->ret += b->r != -EBADF;
		TEST_AWAIT(3, b->sub,
			   COAST_START(coast_accept)(cx->frames, b->fd, NULL,
						     NULL),
			   int, b->ri);
		b->ret += b->ri != -EBADF;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(io_bad_fd)
{
	struct bad_fd *b;
	int p[2], fds[] = { -1, 0, 100000000 }, i;
	char c;

	/* A negative fd, a closed one, one past any table. */
	for (i = 0; i < 3; i++) {
		if (i == 1) {
			/* A number well above the lowest free ones: the fds
			 * the runtime opens later (a worker's io_uring and
			 * eventfd, made when it starts) do not reuse it, as
			 * they did the pipe's own number (a read of the kick
			 * eventfd waited for ever). */
			ASSERT_EQ(pipe(p), 0);
			fds[1] = fcntl(p[0], F_DUPFD_CLOEXEC, 4096);
			ASSERT(fds[1] >= 4096);
			close(fds[1]);
			close(p[0]);
			close(p[1]);
		}
		b = test_frame_new(&coast__task_alloc, &bad_fd_fn);
		b->fd = fds[i];
		ASSERT_EQ(test_block_on_int(&b->h), 0);
		ASSERT_EQ(coast_read(fds[i], &c, 1), -EBADF);
		ASSERT_EQ(coast_write(fds[i], &c, 1), -EBADF);
		ASSERT_EQ(coast_connect(fds[i], NULL, 0), -EBADF);
	}
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------------ flags */

TEST_FN(waitall_fn, struct bad_fd, waitall_poll);

/* MSG_WAITALL: what is there, on either reactor (the ring would wait for
 * all of it; the readiness path's MSG_DONTWAIT does not). */
static int waitall_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct bad_fd *b = (struct bad_fd *)f;

	switch (f->state) {
	case COAST_STATE_START:
		TEST_AWAIT(1, b->sub,
			   COAST_START(coast_recv)(cx->frames, b->fd, b->buf,
						   sizeof(b->buf),
						   MSG_WAITALL),
			   ssize_t, b->r);
		b->ret = (int)b->r;
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(io_waitall)
{
	struct bad_fd *b;
	int sv[2];

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ASSERT_EQ(write(sv[1], "ab", 2), 2);
	b = test_frame_new(&coast__task_alloc, &waitall_fn);
	b->fd = sv[0];
	ASSERT_EQ(test_block_on_int(&b->h), 2);
	close(sv[0]);
	close(sv[1]);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ------------------------------------------------------ cancelling I/O */

struct read_canceller {
	struct coast_frame h;
	long ret;
	int fd;
	struct coast_frame *sub;
	char buf[8];
};

TEST_FN(read_canceller_fn, struct read_canceller, read_canceller_poll);

/*
 * A read with nothing to read is pending; cancelled, it disarms.  On a
 * worker's io_uring (COAST_IO=uring) the cancel is a pending clean-up: the
 * read stays pending until the kernel's completion of the cancelled op
 * wakes the task.
 */
static int read_canceller_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct read_canceller *r = (struct read_canceller *)f;

	switch (f->state) {
	case COAST_STATE_START:
		r->sub = COAST_START(coast_read)(cx->frames, r->fd, r->buf,
						 sizeof(r->buf));
		ASSERT_EQ(test_poll(r->sub, cx), COAST_PENDING);
		r->sub->flags |= COAST_F_CANCEL;
		if (!coast__uring_mine()) {
			ASSERT_EQ(test_poll(r->sub, cx), COAST_READY);
			break;
		}
		f->state = 1;
		/* fall through */
	case 1:
		if (test_poll(r->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		break;
	}
	r->ret = (long)COAST_RESULT(ssize_t, r->sub);
	test_free(cx, r->sub);
	return COAST_READY;
}

TEST_IMPL(io_cancel)
{
	struct read_canceller *r;
	int sv[2];
	long ret = 0;
	char c = 'x', d = 0;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	r = test_frame_new(&coast__task_alloc, &read_canceller_fn);
	r->fd = sv[0];
	ASSERT_EQ(coast__block_on(&r->h, &ret), 0);
	ASSERT_EQ(ret, -ECANCELED);
	/* The waker went with the wait: nothing keeps the task alive. */
	ASSERT_EQ(test_live_settle(0), 0);
	/* Readiness after the cancel finds no waiter (a stale event). */
	ASSERT_EQ(coast_write(sv[1], &c, 1), 1);
	ASSERT_EQ(coast_read(sv[0], &d, 1), 1);
	ASSERT_EQ(d, 'x');
	close(sv[0]);
	close(sv[1]);
	return 0;
}

/* ------------------------------------------- short reads (reactor hints) */

/*
 * A short read on a stream socket from coast_accept makes the next read on
 * it arm its wait first (reactor.c's hints): pending even with data there,
 * and the armed wait finds that data.  The same when the number was closed
 * and reused for another socket since (a stale hint).  A socket the runtime
 * did not make gets no hint: its next read takes the data at once.
 */
struct hint_reader {
	struct coast_frame h;
	int ret;
	int lfd, cfd, sfd, sv[2];
	ssize_t n;
	struct coast_frame *sub;
	char buf[16];
};

TEST_FN(hint_reader_fn, struct hint_reader, hint_reader_poll);

/* Starts a read of fd into h->buf and polls it once; returns that poll. */
static int hint_read(struct hint_reader *h, int fd, struct coast_cx *cx)
{
	h->sub = COAST_START(coast_read)(cx->frames, fd, h->buf,
					 sizeof(h->buf));
	ASSERT(h->sub);
	return test_poll(h->sub, cx);
}

static int hint_reader_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct hint_reader *h = (struct hint_reader *)f;
	struct sockaddr_in addr;
	int sv[2];

	switch (f->state) {
	case COAST_STATE_START:
		/* The hints are the readiness path's: a read on a worker's
		 * io_uring always suspends once (test-uring.c). */
		if (coast__uring_mine())
			return COAST_READY;
		h->lfd = listener(&addr);
		h->cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT(h->cfd >= 0);
		ASSERT_EQ(coast_connect(h->cfd, (struct sockaddr *)&addr,
					sizeof(addr)),
			  0);
		TEST_AWAIT(1, h->sub,
			   COAST_START(coast_accept)(cx->frames, h->lfd, NULL,
						     NULL),
			   int, h->sfd);
		ASSERT(h->sfd >= 0);
		ASSERT_EQ(write(h->cfd, "abc", 3), 3);
		/* No hint yet: the data at once, a short read. */
		ASSERT_EQ(hint_read(h, h->sfd, cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, h->sub), 3);
		test_free(cx, h->sub);
		ASSERT_EQ(write(h->cfd, "defgh", 5), 5);
		ASSERT_EQ(hint_read(h, h->sfd, cx), COAST_PENDING);
		f->state = 2;
		/* fall through */
	case 2:
		if (test_poll(h->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		ASSERT_EQ(COAST_RESULT(ssize_t, h->sub), 5);
		ASSERT(!memcmp(h->buf, "defgh", 5));
		test_free(cx, h->sub);
		/* The number reused for a socket pair, data waiting. */
		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				     h->sv),
			  0);
		ASSERT_EQ(dup2(h->sv[0], h->sfd), h->sfd);
		close(h->sv[0]);
		ASSERT_EQ(write(h->sv[1], "xy", 2), 2);
		ASSERT_EQ(hint_read(h, h->sfd, cx), COAST_PENDING);
		f->state = 3;
		/* fall through */
	case 3:
		if (test_poll(h->sub, cx) == COAST_PENDING)
			return COAST_PENDING;
		ASSERT_EQ(COAST_RESULT(ssize_t, h->sub), 2);
		ASSERT(!memcmp(h->buf, "xy", 2));
		test_free(cx, h->sub);
		/* A pair the runtime did not make: no hint after short reads. */
		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			  0);
		ASSERT_EQ(write(sv[1], "1", 1), 1);
		ASSERT_EQ(hint_read(h, sv[0], cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, h->sub), 1);
		test_free(cx, h->sub);
		ASSERT_EQ(write(sv[1], "2", 1), 1);
		ASSERT_EQ(hint_read(h, sv[0], cx), COAST_READY);
		ASSERT_EQ(COAST_RESULT(ssize_t, h->sub), 1);
		test_free(cx, h->sub);
		close(sv[0]);
		close(sv[1]);
		close(h->sv[1]);
		close(h->sfd);
		close(h->cfd);
		close(h->lfd);
		return COAST_READY;
	}
	abort();
}

TEST_IMPL(io_short_hint)
{
	ASSERT_EQ(test_block_on_int(
			  test_frame_new(&coast__task_alloc, &hint_reader_fn)),
		  0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* --------------------------------------- fds closed and numbers reused */

struct late_write {
	int fd; /* written to after 20 ms */
};

static void *late_write_main(void *arg)
{
	struct late_write *l = arg;
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };

	nanosleep(&ms20, NULL);
	if (write(l->fd, "y", 1) != 1)
		abort();
	return NULL;
}

/* A read of fd on the runtime that another thread serves after 20 ms. */
static ssize_t late_read(int fd, struct late_write *l, char *c)
{
	pthread_t th;
	ssize_t r = 0;

	ASSERT_EQ(pthread_create(&th, NULL, late_write_main, l), 0);
	ASSERT_EQ(coast__block_on(COAST_START(coast_read)(&coast__task_alloc,
							  fd, c, 1),
				  &r),
		  0);
	ASSERT_EQ(pthread_join(th, NULL), 0);
	return r;
}

/*
 * The reactor registers an fd once (F2 of reactor.c).  When its number is
 * reused for a file it never saw, a wait there finds no registration; the
 * sweep registers it again, so the wait ends a little late, not never.
 */
TEST_IMPL(io_reused_fd)
{
	struct late_write l;
	int a[2], b[2];
	double t0;
	char c = 0;

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a), 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b), 0);
	l.fd = a[1];
	ASSERT_EQ(late_read(a[0], &l, &c), 1); /* registers a[0] */
	ASSERT_EQ(dup2(b[0], a[0]), a[0]);    /* a new file, same number */
	l.fd = b[1];
	c = 0;
	t0 = test_now_ms();
	ASSERT_EQ(late_read(a[0], &l, &c), 1);
	ASSERT_EQ(c, 'y');
	fprintf(stderr, "io_reused_fd: the wait on a reused number took %.1f ms\n",
		test_now_ms() - t0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/* ----------------------------------------------------- blocking versions */

TEST_IMPL(io_blocking)
{
	struct sockaddr_in addr;
	int lfd = listener(&addr), c, s, sv[2];
	char buf[16];

	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT(c >= 0);
	ASSERT_EQ(coast_connect(c, (struct sockaddr *)&addr, sizeof(addr)), 0);
	s = coast_accept(lfd, NULL, NULL);
	ASSERT(s >= 0);
	ASSERT(fcntl(s, F_GETFL) & O_NONBLOCK);
	ASSERT_EQ(coast_send(c, "ping", 4, 0), 4);
	ASSERT_EQ(coast_recv(s, buf, sizeof(buf), 0), 4); /* waits in poll */
	ASSERT(!memcmp(buf, "ping", 4));
	ASSERT_EQ(coast_write(s, "pong", 4), 4);
	ASSERT_EQ(coast_read(c, buf, 4), 4);
	ASSERT(!memcmp(buf, "pong", 4));
	close(s);
	ASSERT_EQ(coast_read(c, buf, 4), 0);
	close(c);
	close(lfd);
	/* The peer gone: -EPIPE, not SIGPIPE (MSG_NOSIGNAL), even though
	 * no runtime ever started in this process. */
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	ASSERT_EQ(coast_send(sv[0], "x", 1, 0), -EPIPE);
	close(sv[0]);
	return 0;
}

/* A NULL buffer is the kernel's -EFAULT, in both versions, not a crash. */
TEST_IMPL(io_null_buf)
{
	int p[2], sp[2];
	ssize_t r = 0;

	ASSERT_EQ(pipe(p), 0);
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	ASSERT_EQ(write(p[1], "x", 1), 1);
	ASSERT_EQ(write(sp[1], "x", 1), 1);
	ASSERT_EQ(coast_read(p[0], NULL, 1), -EFAULT);
	ASSERT_EQ(coast_write(p[1], NULL, 1), -EFAULT);
	ASSERT_EQ(coast_recv(sp[0], NULL, 1, 0), -EFAULT);
	ASSERT_EQ(coast_send(sp[0], NULL, 1, 0), -EFAULT);
	ASSERT_EQ(coast__block_on(COAST_START(coast_read)(&coast__task_alloc,
							  sp[0], NULL, 1),
				  &r),
		  0);
	ASSERT_EQ(r, -EFAULT);
	ASSERT_EQ(coast__block_on(COAST_START(coast_write)(&coast__task_alloc,
							   sp[0], NULL, 1),
				  &r),
		  0);
	ASSERT_EQ(r, -EFAULT);
	close(p[0]);
	close(p[1]);
	close(sp[0]);
	close(sp[1]);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
