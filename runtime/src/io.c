/*
 * io.c - the socket and fd leaf futures, coast_accept, coast_connect,
 * coast_read, coast_write, coast_recv, coast_send, and their blocking
 * versions for programs built without the plugin.
 *
 * One frame type serves all six (an op code picks the syscall); each op has
 * its own struct coast_fn, because the result is int for accept/connect and
 * ssize_t for the others.  Every op:
 *   - tries the syscall without blocking (MSG_DONTWAIT for sockets; fds
 *     that are not sockets are switched to O_NONBLOCK, as are listening
 *     and connecting sockets, which have no per-call flag);
 *   - retries on EINTR; on EAGAIN arms a reactor wait for the direction it
 *     needs (reactor.c) holding a waker, with the fd's tick read before the
 *     syscall (F3: an event since means try again), and returns
 *     COAST_PENDING; when the wait fired, tries again;
 *   - after a short read or write on a stream socket, the next op in that
 *     direction waits at once (reactor.c's hints);
 *   - returns the syscall's result or -errno (-EBADF for a bad fd, -EPIPE or
 *     -ECONNRESET for a peer gone: sends use MSG_NOSIGNAL);
 *   - on COAST_F_CANCEL disarms its wait and drops the waker (F5 of
 *     reactor.c); an op that already completed is not undone.
 * Each attempt that completes at once spends one unit of the task's budget
 * (scheduler.c); with the budget gone the op yields first, so a task
 * reading a fast socket in a loop cannot starve the others.
 *
 * States: START, IO_WAIT (a reactor wait is armed and owns a waker),
 * IO_YIELD (woke itself to spend no budget), IO_RING (below), DONE.
 *
 * On a worker with an io_uring (COAST_IO=uring, uring.c) read, write,
 * recv, send and accept are completion-based instead: the first poll queues the
 * op on the worker's ring, naming the caller's buffer, and returns
 * COAST_PENDING (IO_RING); the CQE stores the result and wakes the task.
 * No attempt first (it would bring back the system call the ring's
 * batching saves), no budget (the op always suspends once), no hints.  A
 * write on a file that is not a socket (-ENOTSOCK) is submitted again as
 * write(2), a read takes the readiness path.  Cancelled in flight, the op stays pending
 * until its CQE, for the kernel may write into the buffer until then (U3
 * of uring.c); what the kernel completed before the cancel is not lost
 * (ring_cancelled, carry.c).  connect stays readiness-based.  A
 * completion the ring cannot give (-EAGAIN, -EINTR), an empty buffer, a
 * full SQ and a thread without a ring take the readiness path.
 *
 * accept returns sockets that are non-blocking and close-on-exec, in both
 * versions; connect's result is 0 or -errno (SO_ERROR after the wait).
 * write/send may write less than asked, like write(2); read/recv return 0
 * at end of stream.
 */
#define _GNU_SOURCE /* accept4 */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

enum io_op { OP_ACCEPT, OP_CONNECT, OP_READ, OP_WRITE, OP_RECV, OP_SEND };
enum { IO_WAIT = 1, IO_YIELD = 2, IO_RING = 3 };

struct io_frame {
	struct coast_frame h;
	union {
		ssize_t s;
		int i;
	} ret;
	enum io_op op;
	int fd;
	int flags;
	bool not_sock; /* read/write: the fd is not a socket */
	bool blocking; /* the blocking version: never change the fd's mode */
	bool connecting;
	bool ring_file; /* the ring's op is write(2): not a socket */
	void *buf;
	size_t n;
	struct sockaddr *addr;
	socklen_t *addrlenp;
	const struct sockaddr *caddr;
	socklen_t caddrlen;
	struct coast__io_wait wait;
	struct coast__uring_op uop;
};

static int io_poll(struct coast_frame *f, struct coast_cx *cx);

#define IO_FN(var, opname, rtype)                                       \
	static const struct coast_fn var = {                            \
		.poll = io_poll,                                        \
		.child = coast__no_child,                               \
		.size = sizeof(struct io_frame),                        \
		.ret_offset = offsetof(struct io_frame, ret),           \
		.ret_size = sizeof(rtype),                              \
		.name = opname,                                         \
		.file = __FILE__,                                       \
	}

IO_FN(accept_fn, "coast_accept", int);
IO_FN(connect_fn, "coast_connect", int);
IO_FN(read_fn, "coast_read", ssize_t);
IO_FN(write_fn, "coast_write", ssize_t);
IO_FN(recv_fn, "coast_recv", ssize_t);
IO_FN(send_fn, "coast_send", ssize_t);

static bool would_block(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK;
}

/* 0 or -errno; keeps the fd's other flags. */
static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return COAST__ERR(errno);
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return COAST__ERR(errno);
	return 0;
}

/* SO_ERROR of a socket whose connect was in progress: 0 or -errno. */
static int connect_result(int fd)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return COAST__ERR(errno);
	return err ? COAST__ERR(err) : 0;
}

/*
 * The syscalls themselves, not libc's wrappers: those make every call a
 * thread cancellation point, two atomic read-modify-writes around it in a
 * threaded program (1% of an echo server's CPU), and a call that never
 * blocks (MSG_DONTWAIT, O_NONBLOCK) has nothing to cancel.
 */
static ssize_t sys_read(int fd, void *buf, size_t n)
{
	return syscall(SYS_read, fd, buf, n);
}

static ssize_t sys_write(int fd, const void *buf, size_t n)
{
	return syscall(SYS_write, fd, buf, n);
}

static ssize_t sys_recv(int fd, void *buf, size_t n, int flags)
{
	return syscall(SYS_recvfrom, fd, buf, n, flags, NULL, NULL);
}

static ssize_t sys_send(int fd, const void *buf, size_t n, int flags)
{
	return syscall(SYS_sendto, fd, buf, n, flags, NULL, 0);
}

/*
 * One non-blocking attempt, EINTR retried.  Returns the result or -errno;
 * -EAGAIN with *dir set when the op must wait.
 */
static ssize_t attempt(struct io_frame *x, unsigned *dir)
{
	ssize_t r;
	int err;

	for (;;) {
		switch (x->op) {
		case OP_ACCEPT:
			*dir = COAST__IO_READ;
			r = accept4(x->fd, x->addr, x->addrlenp,
				    SOCK_NONBLOCK | SOCK_CLOEXEC);
			break;
		case OP_CONNECT:
			*dir = COAST__IO_WRITE;
			if (x->connecting)
				return connect_result(x->fd);
			r = connect(x->fd, x->caddr, x->caddrlen);
			if (r < 0 && (errno == EINPROGRESS || errno == EINTR)) {
				/* EINTR: it goes on asynchronously too. */
				x->connecting = true;
				return COAST__ERR(EAGAIN);
			}
			break;
		case OP_READ:
		case OP_RECV:
			*dir = COAST__IO_READ;
			if (x->not_sock) {
				r = sys_read(x->fd, x->buf, x->n);
				break;
			}
			r = sys_recv(x->fd, x->buf, x->n, x->flags | MSG_DONTWAIT);
			if (r < 0 && errno == ENOTSOCK && x->op == OP_READ) {
				err = x->blocking ? 0 : set_nonblock(x->fd);
				if (err)
					return err;
				x->not_sock = true;
				continue;
			}
			break;
		case OP_WRITE:
		case OP_SEND:
			*dir = COAST__IO_WRITE;
			if (x->not_sock) {
				r = sys_write(x->fd, x->buf, x->n);
				break;
			}
			r = sys_send(x->fd, x->buf, x->n,
				     x->flags | MSG_DONTWAIT | MSG_NOSIGNAL);
			if (r < 0 && errno == ENOTSOCK && x->op == OP_WRITE) {
				err = x->blocking ? 0 : set_nonblock(x->fd);
				if (err)
					return err;
				x->not_sock = true;
				continue;
			}
			break;
		default:
			abort(); /* an op this file never sets */
		}
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return would_block(errno) ? COAST__ERR(EAGAIN)
						  : COAST__ERR(errno);
	}
}

static unsigned op_dir(enum io_op op)
{
	return op == OP_READ || op == OP_RECV || op == OP_ACCEPT
		       ? COAST__IO_READ
		       : COAST__IO_WRITE;
}

static bool is_stream(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);

	return !getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) &&
	       type == SOCK_STREAM;
}

/*
 * Feeds reactor.c from a result whose syscall came after tick: accept and
 * connect make a new file (a stream socket, mostly); a short read or write
 * on one says the next will wait; the end of the stream or an error says
 * the fd may be closed and its number reused.  Peeks and other flags say
 * nothing about what is left.
 */
static void note_result(struct io_frame *x, ssize_t r, uint32_t tick)
{
	unsigned dir = op_dir(x->op);

	if (x->op == OP_ACCEPT) {
		if (r >= 0)
			coast__io_fd_new((int)r, is_stream((int)r));
		return;
	}
	if (x->op == OP_CONNECT)
		return; /* its fd is new from the start (io_poll) */
	if (x->not_sock || x->flags || !x->n || r == COAST__ERR(EAGAIN))
		return;
	if (r > 0 && (size_t)r < x->n)
		coast__io_hint_short(x->fd, dir, tick);
	else if (r < 0 || (!r && dir == COAST__IO_READ))
		coast__io_hint_ended(x->fd);
}

static int io_done(struct io_frame *x, ssize_t r)
{
	if (x->op == OP_ACCEPT || x->op == OP_CONNECT)
		x->ret.i = (int)r;
	else
		x->ret.s = r;
	x->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

/* Queues x on this worker's ring; false when it takes the readiness path. */
static bool ring_submit(struct io_frame *x, struct coast_cx *cx)
{
	bool write = x->op == OP_WRITE || x->op == OP_SEND;
	coast_waker *w;
	int flags, r;

	if (x->op == OP_CONNECT || (x->op != OP_ACCEPT && !x->n) ||
	    !coast__uring_mine())
		return false;
	w = coast_waker_get(cx);
	if (x->op == OP_ACCEPT) {
		r = coast__uring_accept(&x->uop, x->fd, x->addr, x->addrlenp,
					w);
	} else {
		/* The op waits, as the readiness path's does after EAGAIN;
		 * and, as that path's, not for all of it (MSG_DONTWAIT makes
		 * recv(2) ignore MSG_WAITALL there). */
		flags = x->flags & ~(MSG_DONTWAIT | MSG_WAITALL);
		if (write)
			flags |= MSG_NOSIGNAL;
		r = coast__uring_submit(&x->uop, write, x->ring_file, x->fd,
					x->buf, x->n, flags, w);
	}
	if (!r)
		return true;
	coast_waker_drop(w);
	return false;
}

/*
 * What a cancelled ring op that the kernel completed first leaves behind
 * (carry.c): a read's bytes and an accepted socket are kept for the fd's
 * next read or accept, and the cancel took (true); a write's count is the
 * op's result, the cancel did not take (false).  Out of memory, the bytes
 * are the result too.
 */
static bool ring_cancelled(struct io_frame *x)
{
	int res = x->uop.res;

	switch (x->op) {
	case OP_ACCEPT:
		if (res >= 0 && !coast__carry_keep_socket(x->fd, res))
			close(res); /* nobody's socket */
		return true;
	case OP_READ:
	case OP_RECV:
		/* A peek took nothing; out-of-band data is not the
		 * stream's; MSG_TRUNC's result may be more than the buffer
		 * holds. */
		return res <= 0 || (x->flags & (MSG_PEEK | MSG_OOB)) ||
		       coast__carry_keep_bytes(x->fd, x->buf,
					       (size_t)res < x->n ? (size_t)res
								  : x->n);
	default:
		return res < 0;
	}
}

/* What a cancelled op left for this one (carry.c): true with *r. */
static bool take_kept(struct io_frame *x, ssize_t *r)
{
	int sock;

	switch (x->op) {
	case OP_ACCEPT:
		if (!coast__carry_take_socket(x->fd, &sock))
			return false;
		/* accept(2)'s address: the peer's. */
		if (x->addr && x->addrlenp &&
		    getpeername(sock, x->addr, x->addrlenp))
			*x->addrlenp = 0;
		coast__io_fd_new(sock, is_stream(sock));
		*r = sock;
		return true;
	case OP_READ:
	case OP_RECV:
		return x->n && !(x->flags & MSG_OOB) &&
		       coast__carry_take_bytes(x->fd, x->buf, x->n,
					       x->flags & MSG_PEEK, r);
	default:
		return false;
	}
}

static int io_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct io_frame *x = (struct io_frame *)f;
	coast_waker *w;
	unsigned dir = 0;
	uint32_t tick;
	ssize_t r;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (f->flags & COAST_F_CANCEL) {
		if (f->state == IO_RING) {
			if (!coast__uring_cancel(&x->uop))
				return COAST_PENDING; /* the CQE wakes us */
			if (!ring_cancelled(x)) {
				/* The awaiter may report it (race.c). */
				f->flags &= ~COAST_F_CANCEL;
				return io_done(x, x->uop.res);
			}
		}
		if (f->state == IO_WAIT)
			coast_waker_drop(coast__io_wait_cancel(&x->wait));
		return io_done(x, COAST__ERR(ECANCELED));
	}
	switch (f->state) {
	case COAST_STATE_START:
		if (x->fd < 0)
			return io_done(x, COAST__ERR(EBADF));
		if (take_kept(x, &r))
			return io_done(x, r);
		if (ring_submit(x, cx)) {
			f->state = IO_RING;
			return COAST_PENDING;
		}
		if (x->op == OP_ACCEPT || x->op == OP_CONNECT) {
			r = set_nonblock(x->fd);
			if (r)
				return io_done(x, r);
		}
		/* A socket about to connect is a new file for the reactor
		 * (F2): registered by its first wait. */
		if (x->op == OP_CONNECT)
			coast__io_fd_new(x->fd, is_stream(x->fd));
		if (!coast__budget_spend()) {
			coast__task_wake_self(cx);
			f->state = IO_YIELD;
			return COAST_PENDING;
		}
		break;
	case IO_YIELD:
		break;
	case IO_RING:
		if (!coast__uring_done(&x->uop))
			return COAST_PENDING; /* spurious: the ring has our waker */
		r = x->uop.res;
		if (r == COAST__ERR(ENOTSOCK) && x->op == OP_READ) {
			/* Not a socket: the readiness path, as on epoll.  A
			 * read of a file, FIFO or tty kept after a cancel could
			 * not be told from one of the same file opened again,
			 * or sought (carry.c, K2). */
		} else if (r == COAST__ERR(ENOTSOCK) && !x->ring_file &&
			   x->op == OP_WRITE) {
			x->ring_file = true;
			if (ring_submit(x, cx))
				return COAST_PENDING;
		} else if (r != COAST__ERR(EAGAIN) && r != COAST__ERR(EINTR)) {
			if (x->op == OP_ACCEPT && r >= 0) /* a new file: F2 */
				coast__io_fd_new((int)r, is_stream((int)r));
			return io_done(x, r);
		} else if (x->op == OP_ACCEPT) {
			/* Readiness: the listener must not block. */
			r = set_nonblock(x->fd);
			if (r)
				return io_done(x, r);
		}
		break;
	case IO_WAIT:
		/* A spurious poll leaves the wait armed with our waker. */
		if (!coast__io_wait_fired(&x->wait))
			return COAST_PENDING;
		break;
	default:
		abort(); /* a state this function never sets */
	}
	if (f->state != IO_WAIT && x->op != OP_ACCEPT && x->op != OP_CONNECT &&
	    coast__io_hint_take(x->fd, op_dir(x->op), &tick)) {
		dir = op_dir(x->op);
		goto wait;
	}
	for (;;) {
		tick = coast__io_tick(x->fd);
		r = attempt(x, &dir);
		note_result(x, r, tick);
		if (r != COAST__ERR(EAGAIN))
			return io_done(x, r);
wait:
		w = coast_waker_get(cx);
		r = coast__io_wait_start(&x->wait, x->fd, dir, w, tick);
		if (!r)
			break;
		coast_waker_drop(w);
		if (r != COAST__ERR(EAGAIN))
			return io_done(x, r);
		/* An event came since the syscall: try again. */
	}
	f->state = IO_WAIT;
	return COAST_PENDING;
}

static struct io_frame *io_new(struct coast_alloc *a, const struct coast_fn *fn,
			       enum io_op op, int fd)
{
	struct io_frame *x = coast__frame_new(a, fn);

	if (!x)
		return NULL;
	x->ret.s = 0;
	x->op = op;
	x->fd = fd;
	x->flags = 0;
	x->not_sock = false;
	x->blocking = false;
	x->connecting = false;
	x->ring_file = false;
	x->buf = NULL;
	x->n = 0;
	x->addr = NULL;
	x->addrlenp = NULL;
	x->caddr = NULL;
	x->caddrlen = 0;
	coast__io_wait_init(&x->wait);
	return x;
}

COAST_EXTERN struct coast_frame *
coast_accept__coast_start(struct coast_alloc *a, int fd, struct sockaddr *addr,
			  socklen_t *addrlen)
{
	struct io_frame *x = io_new(a, &accept_fn, OP_ACCEPT, fd);

	if (!x)
		return NULL;
	x->addr = addr;
	x->addrlenp = addrlen;
	return &x->h;
}

COAST_EXTERN struct coast_frame *
coast_connect__coast_start(struct coast_alloc *a, int fd,
			   const struct sockaddr *addr, socklen_t addrlen)
{
	struct io_frame *x = io_new(a, &connect_fn, OP_CONNECT, fd);

	if (!x)
		return NULL;
	x->caddr = addr;
	x->caddrlen = addrlen;
	return &x->h;
}

static struct coast_frame *buf_start(struct coast_alloc *a,
				     const struct coast_fn *fn, enum io_op op,
				     int fd, void *buf, size_t n, int flags)
{
	struct io_frame *x = io_new(a, fn, op, fd);

	if (!x)
		return NULL;
	x->buf = buf;
	x->n = n;
	x->flags = flags;
	return &x->h;
}

COAST_EXTERN struct coast_frame *
coast_read__coast_start(struct coast_alloc *a, int fd, void *buf, size_t n)
{
	return buf_start(a, &read_fn, OP_READ, fd, buf, n, 0);
}

COAST_EXTERN struct coast_frame *
coast_write__coast_start(struct coast_alloc *a, int fd, const void *buf,
			 size_t n)
{
	return buf_start(a, &write_fn, OP_WRITE, fd, (void *)buf, n, 0);
}

COAST_EXTERN struct coast_frame *
coast_recv__coast_start(struct coast_alloc *a, int fd, void *buf, size_t n,
			int flags)
{
	return buf_start(a, &recv_fn, OP_RECV, fd, buf, n, flags);
}

COAST_EXTERN struct coast_frame *
coast_send__coast_start(struct coast_alloc *a, int fd, const void *buf,
			size_t n, int flags)
{
	return buf_start(a, &send_fn, OP_SEND, fd, (void *)buf, n, flags);
}

/* ------------------------------------------------------ blocking versions */

/*
 * The same attempt, then poll(2) instead of the reactor: the fd may be
 * non-blocking (accept's results are), so EAGAIN must wait here too.
 */
static ssize_t io_block(struct io_frame *x)
{
	struct pollfd p;
	unsigned dir = 0;
	ssize_t r;

	if (x->fd < 0)
		return COAST__ERR(EBADF);
	if (take_kept(x, &r))
		return r;
	for (;;) {
		r = attempt(x, &dir);
		if (r != COAST__ERR(EAGAIN))
			return r;
		p.fd = x->fd;
		p.events = dir == COAST__IO_READ ? POLLIN : POLLOUT;
		p.revents = 0;
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return COAST__ERR(errno);
	}
}

static struct io_frame io_blank(enum io_op op, int fd)
{
	struct io_frame x;

	memset(&x, 0, sizeof(x));
	x.op = op;
	x.fd = fd;
	x.blocking = true;
	coast__io_wait_init(&x.wait);
	return x;
}

COAST_EXTERN int coast_accept(int fd, struct sockaddr *addr,
			      socklen_t *addrlen)
{
	struct io_frame x = io_blank(OP_ACCEPT, fd);

	x.addr = addr;
	x.addrlenp = addrlen;
	return (int)io_block(&x);
}

COAST_EXTERN int coast_connect(int fd, const struct sockaddr *addr,
			       socklen_t addrlen)
{
	struct io_frame x = io_blank(OP_CONNECT, fd);

	x.caddr = addr;
	x.caddrlen = addrlen;
	return (int)io_block(&x);
}

COAST_EXTERN ssize_t coast_read(int fd, void *buf, size_t n)
{
	struct io_frame x = io_blank(OP_READ, fd);

	x.buf = buf;
	x.n = n;
	return io_block(&x);
}

COAST_EXTERN ssize_t coast_write(int fd, const void *buf, size_t n)
{
	struct io_frame x = io_blank(OP_WRITE, fd);

	x.buf = (void *)buf;
	x.n = n;
	return io_block(&x);
}

COAST_EXTERN ssize_t coast_recv(int fd, void *buf, size_t n, int flags)
{
	struct io_frame x = io_blank(OP_RECV, fd);

	x.buf = buf;
	x.n = n;
	x.flags = flags;
	return io_block(&x);
}

COAST_EXTERN ssize_t coast_send(int fd, const void *buf, size_t n, int flags)
{
	struct io_frame x = io_blank(OP_SEND, fd);

	x.buf = (void *)buf;
	x.n = n;
	x.flags = flags;
	return io_block(&x);
}
