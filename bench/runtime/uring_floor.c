/*
 * uring_floor: epoll_floor's servers (echo, http-raw) over io_uring, on one
 * thread, with raw system calls and no liburing: the floor of a
 * completion-based reactor, to set against the readiness floor.
 *
 *   uring_floor <port> echo|http-raw [oneshot]
 *   uring_floor probe          exit 0 when this kernel can run it
 *
 * Same logic and limits as epoll_floor.c: binds 127.0.0.1 only; echo sends
 * back what each receive brought (at most 4 KiB); http-raw answers every
 * complete request head with the peers' 78-byte response and closes a
 * connection whose pending output would pass 8 KiB or whose 8 KiB input
 * buffer fills without a complete head.
 *
 * The tricks: one io_uring_enter per loop turn both submits and reaps
 * (DEFER_TASKRUN, SINGLE_ISSUER: completions are run in that call, never
 * by an interrupt of the loop); a registered ring fd; multishot accept;
 * one multishot receive per connection into a ring of provided buffers,
 * armed once; connections in the fixed file table (no file reference
 * counting per operation). Echo sends straight out of the provided buffer,
 * which goes back to the ring when the send completes; http-raw sends the
 * static response when one is owed, a batch built in the connection
 * otherwise. One send at a time per connection, because two sends in
 * flight on one socket may complete out of order.
 *
 * With `oneshot`, each receive is one SQE into the connection's own buffer
 * (echo: 4 KiB, http-raw: what is left of 8 KiB), made when the output
 * before it has gone, as epoll_floor reads: the shape of a completion-based
 * coast_read into its caller's buffer, which needs no provided buffers but
 * arms the kernel's internal poll whenever the socket is empty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "floor.h"

#define RESP_LEN (sizeof resp - 1)

#define SQ_ENTRIES 1024
#define CQ_ENTRIES 8192
#ifndef NBUF
#define NBUF 1024 /* provided buffers: a power of two (-DNBUF=4 runs out) */
#endif
#define BUF_SIZE 4096 /* echo's read size; http-raw's 8 KiB is the connection's */
#define BGID 0

enum { OP_ACCEPT, OP_RECV, OP_SEND, OP_MASK = 3 };

struct conn {
	int fd; /* also its slot in the fixed file table */
	int dead, recv_armed, sending, starved;
	const char *sp; /* the send in flight: what is left of it */
	size_t slen;
	int qhead, qtail; /* echo: provided buffers waiting for their send */
	unsigned owed; /* http-raw: responses not yet submitted */
	size_t in_len;
	struct conn *next_starved;
	char in[8192];
	char out[8192];
};

static int http, oneshot;

static struct {
	int fd, enter_fd;
	unsigned enter_flags;
	unsigned *sq_khead, *sq_ktail, sq_mask, sq_tail;
	struct io_uring_sqe *sqes;
	unsigned *cq_khead, *cq_ktail, cq_mask;
	struct io_uring_cqe *cqes;
} ring;

static struct io_uring_buf_ring *br;
static unsigned short br_tail;
static char *bufs;
static int bnext[NBUF], blen[NBUF];
static unsigned bufs_out; /* provided buffers held by connections */
static struct conn *starved;

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
	return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(unsigned submit, unsigned wait, unsigned flags)
{
	return (int)syscall(__NR_io_uring_enter, ring.enter_fd, submit, wait,
			    flags | ring.enter_flags, NULL, 0);
}

static int sys_register(unsigned op, void *arg, unsigned n)
{
	return (int)syscall(__NR_io_uring_register, ring.fd, op, arg, n);
}

static void *map(size_t len, off_t off)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		    ring.fd, off);
}

/* 0, or -1 with errno and what failed in *what. */
static int ring_init(const char **what)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SINGLE_ISSUER |
					      IORING_SETUP_DEFER_TASKRUN |
					      IORING_SETUP_SUBMIT_ALL |
					      IORING_SETUP_CQSIZE,
				     .cq_entries = CQ_ENTRIES };
	*what = "io_uring_setup (SINGLE_ISSUER, DEFER_TASKRUN: Linux 6.1)";
	ring.fd = ring.enter_fd = sys_setup(SQ_ENTRIES, &p);
	if (ring.fd < 0)
		return -1;
	*what = "mmap of the rings";
	size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		errno = ENOSYS;
		return -1;
	}
	char *sq = map(sq_len > cq_len ? sq_len : cq_len, IORING_OFF_SQ_RING);
	ring.sqes = map(p.sq_entries * sizeof(struct io_uring_sqe), IORING_OFF_SQES);
	if (sq == MAP_FAILED || ring.sqes == MAP_FAILED)
		return -1;
	ring.sq_khead = (unsigned *)(sq + p.sq_off.head);
	ring.sq_ktail = (unsigned *)(sq + p.sq_off.tail);
	ring.sq_mask = *(unsigned *)(sq + p.sq_off.ring_mask);
	unsigned *array = (unsigned *)(sq + p.sq_off.array);
	for (unsigned i = 0; i < p.sq_entries; i++)
		array[i] = i; /* SQE i in slot i, once: no store per submission */
	ring.cq_khead = (unsigned *)(sq + p.cq_off.head);
	ring.cq_ktail = (unsigned *)(sq + p.cq_off.tail);
	ring.cq_mask = *(unsigned *)(sq + p.cq_off.ring_mask);
	ring.cqes = (struct io_uring_cqe *)(sq + p.cq_off.cqes);

	/* The ring's own fd registered: io_uring_enter skips its fdget. */
	struct io_uring_rsrc_update ru = { .offset = -1U, .data = (unsigned)ring.fd };
	*what = "IORING_REGISTER_RING_FDS (Linux 5.18)";
	if (sys_register(IORING_REGISTER_RING_FDS, &ru, 1) != 1)
		return -1;
	ring.enter_fd = (int)ru.offset;
	ring.enter_flags = IORING_ENTER_REGISTERED_RING;

	/* A sparse fixed file table as large as the fd table: slot = fd. */
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	struct io_uring_rsrc_register rr = {
		.nr = rl.rlim_cur < (1u << 20) ? (unsigned)rl.rlim_cur : 1u << 20,
		.flags = IORING_RSRC_REGISTER_SPARSE
	};
	*what = "IORING_REGISTER_FILES2, sparse (Linux 5.19)";
	if (sys_register(IORING_REGISTER_FILES2, &rr, sizeof rr) < 0)
		return -1;

	*what = "IORING_REGISTER_PBUF_RING (Linux 5.19)";
	br = mmap(NULL, NBUF * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	bufs = mmap(NULL, (size_t)NBUF * BUF_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (br == MAP_FAILED || bufs == MAP_FAILED)
		return -1;
	struct io_uring_buf_reg reg = { .ring_addr = (uintptr_t)br,
					.ring_entries = NBUF,
					.bgid = BGID };
	if (sys_register(IORING_REGISTER_PBUF_RING, &reg, 1) < 0)
		return -1;
	return 0;
}

static void buf_recycle(int bid)
{
	br->bufs[br_tail & (NBUF - 1)] = (struct io_uring_buf){
		.addr = (uintptr_t)(bufs + (size_t)bid * BUF_SIZE),
		.len = BUF_SIZE,
		.bid = (unsigned short)bid
	};
	__atomic_store_n(&br->tail, ++br_tail, __ATOMIC_RELEASE);
}

/* Submits what is queued, waits for wait completions (0: none). */
static void submit(unsigned wait)
{
	unsigned n = ring.sq_tail - __atomic_load_n(ring.sq_khead, __ATOMIC_ACQUIRE);
	__atomic_store_n(ring.sq_ktail, ring.sq_tail, __ATOMIC_RELEASE);
	if (sys_enter(n, wait, wait ? IORING_ENTER_GETEVENTS : 0) < 0 &&
	    errno != EINTR && errno != EAGAIN && errno != EBUSY) {
		perror("uring_floor: io_uring_enter");
		exit(1);
	}
}

static struct io_uring_sqe *sqe_get(unsigned char op, int fd, void *ud)
{
	if (ring.sq_tail - __atomic_load_n(ring.sq_khead, __ATOMIC_ACQUIRE) >
	    ring.sq_mask)
		submit(0);
	struct io_uring_sqe *s = &ring.sqes[ring.sq_tail++ & ring.sq_mask];
	memset(s, 0, sizeof *s);
	s->opcode = op;
	s->fd = fd;
	s->user_data = (uintptr_t)ud;
	return s;
}

static void arm_accept(int l)
{
	struct io_uring_sqe *s = sqe_get(IORING_OP_ACCEPT, l, (void *)OP_ACCEPT);
	s->ioprio = IORING_ACCEPT_MULTISHOT;
}

static void arm_recv(struct conn *c)
{
	struct io_uring_sqe *s = sqe_get(IORING_OP_RECV, c->fd,
					 (char *)c + OP_RECV);
	s->flags = IOSQE_FIXED_FILE;
	if (oneshot) {
		s->addr = (uintptr_t)(c->in + c->in_len);
		s->len = http ? (unsigned)(sizeof c->in - c->in_len) : BUF_SIZE;
	} else {
		s->ioprio = IORING_RECV_MULTISHOT;
		s->flags |= IOSQE_BUFFER_SELECT;
		s->buf_group = BGID;
	}
	c->recv_armed = 1;
}

static void send_now(struct conn *c, const char *p, size_t n)
{
	struct io_uring_sqe *s = sqe_get(IORING_OP_SEND, c->fd,
					 (char *)c + OP_SEND);
	s->flags = IOSQE_FIXED_FILE;
	s->addr = (uintptr_t)p;
	s->len = (unsigned)n;
	s->msg_flags = MSG_NOSIGNAL;
	c->sp = p;
	c->slen = n;
	c->sending = 1;
}

/* The next send, if there is something to send. */
static void send_next(struct conn *c)
{
	if (!http) {
		if (c->qhead >= 0)
			send_now(c, bufs + (size_t)c->qhead * BUF_SIZE,
				 (size_t)blen[c->qhead]);
		return;
	}
	if (!c->owed)
		return;
	if (c->owed == 1) {
		c->owed = 0;
		send_now(c, resp, RESP_LEN);
		return;
	}
	unsigned m = c->owed < sizeof c->out / RESP_LEN ?
			     c->owed :
			     (unsigned)(sizeof c->out / RESP_LEN);
	for (unsigned i = 0; i < m; i++)
		memcpy(c->out + i * RESP_LEN, resp, RESP_LEN);
	c->owed -= m;
	send_now(c, c->out, m * RESP_LEN);
}

static void conn_kill(struct conn *c)
{
	if (c->dead)
		return;
	c->dead = 1;
	/* Ends the multishot receive and any send in flight: the kernel
	 * completes both, and only then is the connection freed. */
	shutdown(c->fd, SHUT_RDWR);
}

static void conn_free_if_idle(struct conn *c)
{
	if (!c->dead || c->recv_armed || c->sending || c->starved)
		return;
	int none = -1;
	struct io_uring_rsrc_update u = { .offset = (unsigned)c->fd,
					  .data = (uintptr_t)&none };
	sys_register(IORING_REGISTER_FILES_UPDATE, &u, 1);
	close(c->fd);
	for (int b = c->qhead; b >= 0; b = bnext[b]) {
		bufs_out--;
		buf_recycle(b);
	}
	free(c);
}

/* Where the last complete request head in p[0, n) ends; *k: how many. */
static size_t heads(const char *p, size_t n, unsigned *k)
{
	size_t start = 0;
	const char *end;
	*k = 0;
	while ((end = memmem(p + start, n - start, "\r\n\r\n", 4))) {
		start = (size_t)(end - p) + 4;
		++*k;
	}
	return start;
}

/* The heads complete in c->in, consumed; -1 when it is full without one. */
static int http_parse(struct conn *c, unsigned *k)
{
	size_t used = heads(c->in, c->in_len, k);
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	return c->in_len == sizeof c->in ? -1 : 0;
}

static int http_owe(struct conn *c, unsigned k)
{
	if (c->slen + (c->owed + k) * RESP_LEN > sizeof c->out)
		return -1; /* a pipeline longer than the peers' buffer */
	c->owed += k;
	return 0;
}

/* n bytes received into a provided buffer at p; -1 when the connection
 * must end, as epoll_floor's consume. */
static int http_in(struct conn *c, const char *p, size_t n)
{
	unsigned k = 0, more;
	if (!c->in_len) {
		/* The common case, whole heads: parsed in the provided buffer. */
		size_t used = heads(p, n, &k);
		memcpy(c->in, p + used, n - used);
		c->in_len = n - used;
		return http_owe(c, k);
	}
	while (n) {
		size_t take = sizeof c->in - c->in_len;
		take = take < n ? take : n;
		memcpy(c->in + c->in_len, p, take);
		p += take;
		n -= take;
		c->in_len += take;
		if (http_parse(c, &more) < 0)
			return -1;
		k += more;
	}
	return http_owe(c, k);
}

static void on_recv(struct conn *c, int res, unsigned flags)
{
	int more = flags & IORING_CQE_F_MORE;
	if (!more)
		c->recv_armed = 0;
	if (res > 0) {
		int bid = (int)(flags >> IORING_CQE_BUFFER_SHIFT);
		unsigned k;
		if (c->dead) {
			if (flags & IORING_CQE_F_BUFFER)
				buf_recycle(bid);
		} else if (oneshot && !http) {
			send_now(c, c->in, (size_t)res);
		} else if (oneshot) {
			c->in_len += (size_t)res;
			if (http_parse(c, &k) < 0 || http_owe(c, k) < 0)
				conn_kill(c);
		} else if (http) {
			int r = http_in(c, bufs + (size_t)bid * BUF_SIZE, (size_t)res);
			buf_recycle(bid);
			if (r < 0)
				conn_kill(c);
		} else {
			bnext[bid] = -1;
			blen[bid] = res;
			bufs_out++;
			if (c->qtail >= 0)
				bnext[c->qtail] = bid;
			else
				c->qhead = bid;
			c->qtail = bid;
		}
		if (!c->dead && !c->sending)
			send_next(c);
		if (!more && !c->dead && !(oneshot && c->sending))
			arm_recv(c);
	} else if (res == -ENOBUFS && !c->dead) {
		/* Every buffer waits for a send: receive again when one is back. */
		c->starved = 1;
		c->next_starved = starved;
		starved = c;
	} else {
		conn_kill(c);
	}
	conn_free_if_idle(c);
}

static void on_send(struct conn *c, int res)
{
	c->sending = 0;
	if (res < 0 || c->dead) {
		conn_kill(c);
		conn_free_if_idle(c);
		return;
	}
	if ((size_t)res < c->slen) {
		send_now(c, c->sp + res, c->slen - (size_t)res);
		return;
	}
	c->slen = 0;
	if (!http && !oneshot) {
		int b = c->qhead;
		c->qhead = bnext[b];
		if (c->qhead < 0)
			c->qtail = -1;
		bufs_out--;
		buf_recycle(b);
	}
	send_next(c);
	if (oneshot && !c->sending)
		arm_recv(c); /* all sent: read again, as epoll_floor */
}

static void on_accept(int l, int fd, unsigned flags)
{
	if (!(flags & IORING_CQE_F_MORE))
		arm_accept(l);
	if (fd < 0)
		return;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct conn *c = malloc(sizeof *c);
	struct io_uring_rsrc_update u = { .offset = (unsigned)fd,
					  .data = (uintptr_t)&fd };
	if (!c || sys_register(IORING_REGISTER_FILES_UPDATE, &u, 1) != 1) {
		free(c);
		close(fd);
		return;
	}
	memset(c, 0, offsetof(struct conn, in));
	c->fd = fd;
	c->qhead = c->qtail = -1;
	arm_recv(c);
}

int main(int argc, char **argv)
{
	int probe = argc == 2 && !strcmp(argv[1], "probe");
	if (!probe &&
	    (argc < 3 || argc > 4 ||
	     (strcmp(argv[2], "echo") && strcmp(argv[2], "http-raw")) ||
	     (argc == 4 && strcmp(argv[3], "oneshot")))) {
		fprintf(stderr,
			"usage: uring_floor <port> echo|http-raw [oneshot] | probe\n");
		return 2;
	}
	const char *what;
	if (ring_init(&what)) {
		fprintf(stderr, "uring_floor: io_uring unavailable: %s: %s\n", what,
			strerror(errno));
		return 1;
	}
	if (probe)
		return 0;
	http = !strcmp(argv[2], "http-raw");
	oneshot = argc == 4;
	signal(SIGPIPE, SIG_IGN);
	int l = listen_loopback(argv[1], SOCK_STREAM, "uring_floor");
	if (l < 0)
		return 1;
	for (int i = 0; i < NBUF; i++)
		buf_recycle(i);
	arm_accept(l);
	for (;;) {
		submit(1);
		unsigned head = *ring.cq_khead;
		unsigned tail = __atomic_load_n(ring.cq_ktail, __ATOMIC_ACQUIRE);
		for (; head != tail; head++) {
			struct io_uring_cqe *e = &ring.cqes[head & ring.cq_mask];
			uintptr_t ud = (uintptr_t)e->user_data;
			struct conn *c = (struct conn *)(ud & ~(uintptr_t)OP_MASK);
			switch (ud & OP_MASK) {
			case OP_ACCEPT:
				on_accept(l, e->res, e->flags);
				break;
			case OP_RECV:
				on_recv(c, e->res, e->flags);
				break;
			default:
				on_send(c, e->res);
			}
		}
		__atomic_store_n(ring.cq_khead, head, __ATOMIC_RELEASE);
		for (struct conn **pc = &starved, *c; (c = *pc);) {
			if (!c->dead && bufs_out == NBUF) {
				pc = &c->next_starved;
				continue;
			}
			*pc = c->next_starved;
			c->starved = 0;
			if (c->dead)
				conn_free_if_idle(c);
			else
				arm_recv(c);
		}
	}
}
