/*
 * uring.c - one io_uring per worker (COAST_IO=uring): the completion path
 * of coast_read, coast_write, coast_recv, coast_send and coast_accept
 * (io.c).
 *
 * A worker makes its ring on its own thread when it starts, with
 * SINGLE_ISSUER and DEFER_TASKRUN: completions run only inside that
 * thread's io_uring_enter, never as an interrupt of its polls, so one
 * enter per turn both submits and reaps (bench/runtime/uring_floor.c's
 * shape; no liburing).  If the setup fails (an old kernel, the sysctl
 * io_uring_disabled, a seccomp filter) the worker has no ring and every
 * op it starts takes the epoll path (io.c), silently.
 *
 *  U1. Only the owner thread touches the SQ, the CQ, inflight and the
 *      armed flags.  A leaf's first poll queues an SQE naming its buffer,
 *      with the op's address as user_data, and the ring owns the leaf's
 *      waker; the owner's turns (its scheduler tick, every park, the
 *      driver's blocking turn) submit what is queued and reap.
 *  U2. A CQE stores the result, then publishes DONE with a release, then
 *      wakes the waker it read before: once DONE is visible the frame
 *      may be freed, so the CQE's handling touches the op no more.
 *  U3. Cancel.  The kernel may write into the buffer until the op's CQE,
 *      so a cancelled leaf stays pending until then (future-abi.md,
 *      section 5: a pending clean-up).  On the owner thread the cancel is
 *      an IORING_OP_ASYNC_CANCEL queued at once (CANCEL_SENT).  On another
 *      thread (the task was stolen, or woken and polled elsewhere) it is
 *      a CAS INFLIGHT -> CANCEL_QUEUED and a link into the ring's inbox,
 *      both under the inbox lock, then a kick; the owner's next turn
 *      takes the inbox and submits the cancels.  A CQE that finds its op
 *      CANCEL_QUEUED unlinks it under the same lock before U2's DONE, so
 *      the inbox never holds a freed frame.  The cancel's own CQE names no
 *      op (the frame may be gone by then).
 *  U4. Parking.  A worker with a ring sleeps in its ring's enter, never on
 *      its condvar, so its completions wake it: an eventfd read is kept
 *      armed while it waits, and a kick (an unpark, an inbox push) writes
 *      that eventfd.  The driver's blocking turn (reactor.c) waits in its
 *      holder's ring too, with the epoll fd polled from the ring
 *      (IORING_OP_POLL_ADD, one shot, re-armed by the next blocking turn)
 *      and the earliest timer as the enter's timeout: one system call
 *      sleeps for completions, readiness, timers and unparks.
 *      A poll left armed in a ring whose worker no longer holds the
 *      driver lock fires once, a spurious wake-up of that worker.
 *  U5. The CQ is larger than the SQ, and the kernel keeps what overflows
 *      (IORING_FEAT_NODROP): a turn that finds the overflow flag enters
 *      again to flush it.
 *  U6. A full SQ is submitted at once; if that enter was refused (EBUSY,
 *      EAGAIN) the SQ stays full and no queued SQE is overwritten: an op
 *      takes the readiness path instead (io.c), a cancel waits in the
 *      inbox for the next turn, a blocking turn that could not arm its
 *      kick or epoll poll does not block.
 */
#define _GNU_SOURCE
#include <linux/io_uring.h>
#include <linux/time_types.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define SQ_ENTRIES 256
#define CQ_ENTRIES 4096

/* user_data of the ring's own requests: never an op's (aligned) address. */
#define TAG_KICK 1
#define TAG_EPOLL 2
#define TAG_CANCEL 3

/* MAX_RW_COUNT: what read(2) caps a length at, and fits the SQE's len. */
#define MAX_LEN 0x7ffff000u

struct coast__uring {
	int fd, enter_fd;
	unsigned enter_flags;
	unsigned *sq_khead, *sq_ktail, *sq_flags, sq_mask, sq_tail;
	struct io_uring_sqe *sqes;
	unsigned *cq_khead, *cq_ktail, cq_mask;
	struct io_uring_cqe *cqes;
	/* Ops queued or submitted, CQE not reaped; non-blocking turns that
	 * entered.  Owner-written (a load and a store), read by tests. */
	_Atomic size_t inflight;
	_Atomic unsigned long polls;
	bool kick_armed, epoll_armed;
	uint64_t kick_buf;
	int kick_fd;
	pthread_mutex_t inbox_lock;
	_Atomic(struct coast__uring_op *) inbox;
	struct coast__uring *next; /* in rings, for the tests' counts */
};

static _Thread_local struct coast__uring *mine COAST__TLS_IE;

static struct {
	pthread_mutex_t lock;
	struct coast__uring *head;
} rings = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Owner only: no RMW. */
static void count(_Atomic size_t *c, size_t v)
{
	atomic_store_explicit(c, v, memory_order_relaxed);
}

bool coast__uring_wanted(void)
{
	const char *s = getenv("COAST_IO");

	return s && !strcmp(s, "uring");
}

struct coast__uring *coast__uring_mine(void)
{
	return mine;
}

static int sys_enter(struct coast__uring *r, unsigned submit, unsigned wait,
		     unsigned flags, void *arg, size_t argsz)
{
	return (int)syscall(__NR_io_uring_enter, r->enter_fd, submit, wait,
			    flags | r->enter_flags, arg, argsz);
}

static int sys_register(struct coast__uring *r, unsigned op, void *arg,
			unsigned n)
{
	return (int)syscall(__NR_io_uring_register, r->fd, op, arg, n);
}

/*
 * COAST_TEST_URING_FAIL=1 sets a flag no kernel knows: the setup fails as
 * on a kernel without io_uring, for the fallback's test.
 */
static unsigned test_bad_flag(void)
{
	const char *s = getenv("COAST_TEST_URING_FAIL");

	return s && *s == '1' ? 1u << 31 : 0;
}

/* 0, or -1 (r->fd is closed by the caller). */
static int ring_map(struct coast__uring *r, struct io_uring_params *p)
{
	size_t sq_len = p->sq_off.array + p->sq_entries * sizeof(unsigned);
	size_t cq_len = p->cq_off.cqes +
			p->cq_entries * sizeof(struct io_uring_cqe);
	unsigned *array, i;
	char *sq;

	if (!(p->features & IORING_FEAT_SINGLE_MMAP) ||
	    !(p->features & IORING_FEAT_NODROP))
		return -1;
	sq = mmap(NULL, sq_len > cq_len ? sq_len : cq_len,
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -1;
	r->sqes = mmap(NULL, p->sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -1; /* the rings stay mapped: a worker starts once */
	r->sq_khead = (unsigned *)(sq + p->sq_off.head);
	r->sq_ktail = (unsigned *)(sq + p->sq_off.tail);
	r->sq_flags = (unsigned *)(sq + p->sq_off.flags);
	r->sq_mask = *(unsigned *)(sq + p->sq_off.ring_mask);
	array = (unsigned *)(sq + p->sq_off.array);
	for (i = 0; i < p->sq_entries; i++)
		array[i] = i; /* SQE i in slot i, once */
	r->cq_khead = (unsigned *)(sq + p->cq_off.head);
	r->cq_ktail = (unsigned *)(sq + p->cq_off.tail);
	r->cq_mask = *(unsigned *)(sq + p->cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(sq + p->cq_off.cqes);
	return 0;
}

struct coast__uring *coast__uring_start(void)
{
	struct io_uring_params p;
	struct io_uring_rsrc_update ru;
	struct coast__uring *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
		  IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE |
		  test_bad_flag();
	p.cq_entries = CQ_ENTRIES;
	r->fd = (int)syscall(__NR_io_uring_setup, SQ_ENTRIES, &p);
	if (r->fd < 0) {
		free(r);
		return NULL;
	}
	r->enter_fd = r->fd;
	/* Blocking: a READ on it waits for a kick (one on an O_NONBLOCK
	 * file may complete with -EAGAIN instead). */
	r->kick_fd = eventfd(0, EFD_CLOEXEC);
	if (r->kick_fd < 0 || ring_map(r, &p)) {
		if (r->kick_fd >= 0)
			close(r->kick_fd);
		close(r->fd);
		free(r);
		return NULL;
	}
	/* The ring's fd registered: each enter skips a file lookup.  Not
	 * having it (before Linux 5.18) costs only that. */
	memset(&ru, 0, sizeof(ru));
	ru.offset = -1U;
	ru.data = (unsigned)r->fd;
	if (sys_register(r, IORING_REGISTER_RING_FDS, &ru, 1) == 1) {
		r->enter_fd = (int)ru.offset;
		r->enter_flags = IORING_ENTER_REGISTERED_RING;
	}
	pthread_mutex_init(&r->inbox_lock, NULL);
	atomic_init(&r->inbox, NULL);
	pthread_mutex_lock(&rings.lock);
	r->next = rings.head;
	rings.head = r;
	pthread_mutex_unlock(&rings.lock);
	mine = r;
	return r;
}

_Atomic unsigned coast__uring_refuse;

/* Submits what is queued; waits for wait completions (flags: EXT_ARG). */
static void enter(struct coast__uring *r, unsigned wait, unsigned flags,
		  void *arg, size_t argsz)
{
	/* Every SQE the kernel has not consumed: one an enter refused
	 * (EBUSY) is submitted by the next. */
	unsigned n = r->sq_tail -
		     __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE);

	/* release: the SQEs' contents before the kernel sees the tail. */
	__atomic_store_n(r->sq_ktail, r->sq_tail, __ATOMIC_RELEASE);
	/* EINTR, ETIME (the timeout), EBUSY/EAGAIN (the kernel short of
	 * memory or CQ room): what came is reaped, the rest next turn. */
	(void)sys_enter(r, n, wait, flags | IORING_ENTER_GETEVENTS, arg,
			argsz);
}

/* A test's refused enter (coast__uring_refuse): one fewer to refuse. */
static bool refused(void)
{
	unsigned n = atomic_load_explicit(&coast__uring_refuse,
					  memory_order_relaxed);

	return n && atomic_compare_exchange_strong_explicit(
			    &coast__uring_refuse, &n, n - 1,
			    memory_order_relaxed, memory_order_relaxed);
}

static bool sq_full(struct coast__uring *r)
{
	return r->sq_tail - __atomic_load_n(r->sq_khead, __ATOMIC_ACQUIRE) >
	       r->sq_mask;
}

/*
 * A free SQE, or NULL when the SQ is full and an enter did not take any
 * (refused: EBUSY, EAGAIN): an SQE the kernel has not consumed is never
 * overwritten.  Callers that get NULL take another way (U6).
 */
static struct io_uring_sqe *sqe_get(struct coast__uring *r,
				    unsigned char opcode, int fd,
				    uint64_t user_data)
{
	struct io_uring_sqe *s;

	if (sq_full(r)) {
		if (!refused())
			enter(r, 0, 0, NULL, 0); /* submit now */
		if (sq_full(r))
			return NULL;
	}
	s = &r->sqes[r->sq_tail++ & r->sq_mask];
	memset(s, 0, sizeof(*s));
	s->opcode = opcode;
	s->fd = fd;
	s->user_data = user_data;
	return s;
}

/* U1: op's SQE on this thread's ring, which owns w from here; NULL when
 * this thread has none. */
static struct io_uring_sqe *op_sqe(struct coast__uring_op *op,
				   unsigned char opcode, int fd,
				   coast_waker *w)
{
	struct coast__uring *r = mine;
	struct io_uring_sqe *s;

	if (!r || !(s = sqe_get(r, opcode, fd, (uint64_t)(uintptr_t)op)))
		return NULL;
	op->ring = r;
	op->waker = w;
	op->res = 0;
	op->next = NULL;
	atomic_store_explicit(&op->state, COAST__URING_INFLIGHT,
			      memory_order_relaxed);
	count(&r->inflight,
	      atomic_load_explicit(&r->inflight, memory_order_relaxed) + 1);
	return s;
}

int coast__uring_submit(struct coast__uring_op *op, bool write, bool file,
			int fd, void *buf, size_t n, int msg_flags,
			coast_waker *w)
{
	/* A file's op is a write: a read of a file takes the readiness
	 * path (io.c, carry.c K2). */
	unsigned char opcode = file    ? IORING_OP_WRITE
			       : write ? IORING_OP_SEND
				       : IORING_OP_RECV;
	struct io_uring_sqe *s = op_sqe(op, opcode, fd, w);

	if (!s)
		return COAST__ERR(ENODEV);
	s->addr = (uint64_t)(uintptr_t)buf;
	s->len = n > MAX_LEN ? MAX_LEN : (unsigned)n;
	if (file)
		s->off = (uint64_t)-1; /* the file position, as write(2) */
	else
		s->msg_flags = (unsigned)msg_flags;
	return 0;
}

int coast__uring_accept(struct coast__uring_op *op, int fd,
			struct sockaddr *addr, socklen_t *addrlen,
			coast_waker *w)
{
	struct io_uring_sqe *s = op_sqe(op, IORING_OP_ACCEPT, fd, w);

	if (!s)
		return COAST__ERR(ENODEV);
	s->addr = (uint64_t)(uintptr_t)addr;
	s->addr2 = (uint64_t)(uintptr_t)addrlen;
	s->accept_flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
	return 0;
}

bool coast__uring_done(struct coast__uring_op *op)
{
	return atomic_load_explicit(&op->state, memory_order_acquire) ==
	       COAST__URING_DONE;
}

/* False when the SQ has no room (U6). */
static bool cancel_sqe(struct coast__uring *r, struct coast__uring_op *op)
{
	struct io_uring_sqe *s = sqe_get(r, IORING_OP_ASYNC_CANCEL, -1,
					 TAG_CANCEL);

	if (!s)
		return false;
	s->addr = (uint64_t)(uintptr_t)op;
	atomic_store_explicit(&op->state, COAST__URING_CANCEL_SENT,
			      memory_order_relaxed);
	return true;
}

void coast__uring_kick(struct coast__uring *r)
{
	uint64_t one = 1;

	/* Cannot block: the counter would need 2^64 - 2 unread kicks. */
	if (write(r->kick_fd, &one, sizeof(one)) < 0)
		(void)0;
}

bool coast__uring_cancel(struct coast__uring_op *op)
{
	struct coast__uring *r = op->ring;
	int s = COAST__URING_INFLIGHT;
	bool first = false;

	/* One task is polled by one thread at a time: no other canceller.
	 * On the owner thread no CQE can come meanwhile either; with the SQ
	 * full the cancel goes through the inbox (U6). */
	if (r == mine) {
		s = atomic_load_explicit(&op->state, memory_order_relaxed);
		if (s != COAST__URING_INFLIGHT || cancel_sqe(r, op))
			return s == COAST__URING_DONE;
	}
	pthread_mutex_lock(&r->inbox_lock);
	if (atomic_compare_exchange_strong_explicit(
		    &op->state, &s, COAST__URING_CANCEL_QUEUED,
		    memory_order_relaxed, memory_order_acquire)) {
		op->next = atomic_load_explicit(&r->inbox, memory_order_relaxed);
		first = !op->next;
		atomic_store_explicit(&r->inbox, op, memory_order_relaxed);
	}
	pthread_mutex_unlock(&r->inbox_lock);
	if (first)
		coast__uring_kick(r);
	return s == COAST__URING_DONE;
}

/* U3: the owner submits the cancels asked for on other threads. */
static void inbox_take(struct coast__uring *r)
{
	struct coast__uring_op *op;

	if (!atomic_load_explicit(&r->inbox, memory_order_relaxed))
		return;
	pthread_mutex_lock(&r->inbox_lock);
	/* The CQE waits for this lock: U3.  With the SQ full the rest stay
	 * for a later turn (U6). */
	while ((op = atomic_load_explicit(&r->inbox, memory_order_relaxed)) &&
	       cancel_sqe(r, op)) {
		atomic_store_explicit(&r->inbox, op->next,
				      memory_order_relaxed);
		op->next = NULL;
	}
	pthread_mutex_unlock(&r->inbox_lock);
}

/* Takes op out of the inbox.  Under the inbox lock. */
static void inbox_unlink(struct coast__uring *r, struct coast__uring_op *op)
{
	struct coast__uring_op *p = atomic_load_explicit(&r->inbox,
							 memory_order_relaxed);

	if (p == op) {
		atomic_store_explicit(&r->inbox, op->next,
				      memory_order_relaxed);
		return;
	}
	while (p->next != op)
		p = p->next;
	p->next = op->next;
}

/* U2 and U3. */
static void op_complete(struct coast__uring *r, struct coast__uring_op *op,
			int res)
{
	coast_waker *w = op->waker;
	int s = atomic_load_explicit(&op->state, memory_order_relaxed);

	op->res = res;
	for (;;) {
		if (s == COAST__URING_CANCEL_QUEUED) {
			pthread_mutex_lock(&r->inbox_lock);
			inbox_unlink(r, op);
			atomic_store_explicit(&op->state, COAST__URING_DONE,
					      memory_order_release);
			pthread_mutex_unlock(&r->inbox_lock);
			break;
		}
		if (atomic_compare_exchange_weak_explicit(
			    &op->state, &s, COAST__URING_DONE,
			    memory_order_release, memory_order_relaxed))
			break;
	}
	coast_waker_wake(w);
}

static size_t reap(struct coast__uring *r, bool *epfd_ready)
{
	unsigned head = *r->cq_khead;
	unsigned tail = __atomic_load_n(r->cq_ktail, __ATOMIC_ACQUIRE);
	struct io_uring_cqe *c;
	size_t k = 0;

	for (; head != tail; head++) {
		c = &r->cqes[head & r->cq_mask];
		switch (c->user_data) {
		case TAG_KICK:
			r->kick_armed = false;
			break;
		case TAG_EPOLL:
			r->epoll_armed = false;
			if (epfd_ready)
				*epfd_ready = true;
			break;
		case TAG_CANCEL:
			break; /* -ENOENT when the op had completed */
		default:
			count(&r->inflight,
			      atomic_load_explicit(&r->inflight,
						   memory_order_relaxed) -
				      1);
			op_complete(r, (struct coast__uring_op *)(uintptr_t)
					       c->user_data,
				    c->res);
			k++;
		}
	}
	/* release: the CQEs were read before the kernel may reuse them. */
	__atomic_store_n(r->cq_khead, head, __ATOMIC_RELEASE);
	return k;
}

size_t coast__uring_turn(int timeout_ms, int epfd, bool *epfd_ready)
{
	struct coast__uring *r = mine;
	struct __kernel_timespec ts;
	struct io_uring_getevents_arg arg;
	struct io_uring_sqe *s;
	size_t k;

	inbox_take(r);
	if (!timeout_ms) {
		if (!atomic_load_explicit(&r->inflight, memory_order_relaxed) &&
		    r->sq_tail == __atomic_load_n(r->sq_khead,
						  __ATOMIC_ACQUIRE))
			return 0; /* nothing to submit or reap: no call */
		atomic_store_explicit(
			&r->polls,
			atomic_load_explicit(&r->polls, memory_order_relaxed) + 1,
			memory_order_relaxed);
		enter(r, 0, 0, NULL, 0);
	} else {
		/* U4; U6: a wait that nothing could end is not made. */
		if (!r->kick_armed &&
		    (s = sqe_get(r, IORING_OP_READ, r->kick_fd, TAG_KICK))) {
			s->addr = (uint64_t)(uintptr_t)&r->kick_buf;
			s->len = sizeof(r->kick_buf);
			r->kick_armed = true;
		}
		if (epfd >= 0 && !r->epoll_armed &&
		    (s = sqe_get(r, IORING_OP_POLL_ADD, epfd, TAG_EPOLL))) {
			s->poll32_events = POLLIN;
			r->epoll_armed = true;
		}
		if (!r->kick_armed || (epfd >= 0 && !r->epoll_armed)) {
			enter(r, 0, 0, NULL, 0);
		} else if (timeout_ms < 0) {
			enter(r, 1, 0, NULL, 0);
		} else {
			memset(&arg, 0, sizeof(arg));
			ts.tv_sec = timeout_ms / 1000;
			ts.tv_nsec = (long long)(timeout_ms % 1000) * 1000000;
			arg.ts = (uint64_t)(uintptr_t)&ts;
			enter(r, 1, IORING_ENTER_EXT_ARG, &arg, sizeof(arg));
		}
	}
	k = reap(r, epfd_ready);
	/* U5, and U3's cancels pushed while we waited (their kick woke us):
	 * submitted now, not a turn later. */
	if ((__atomic_load_n(r->sq_flags, __ATOMIC_RELAXED) &
	     IORING_SQ_CQ_OVERFLOW) ||
	    atomic_load_explicit(&r->inbox, memory_order_relaxed)) {
		inbox_take(r);
		enter(r, 0, 0, NULL, 0);
		k += reap(r, epfd_ready);
	}
	return k;
}

enum what { RINGS, OPS, POLLS };

static unsigned long sum(enum what what)
{
	struct coast__uring *r;
	unsigned long n = 0;

	pthread_mutex_lock(&rings.lock);
	for (r = rings.head; r; r = r->next)
		n += what == RINGS ? 1
		     : what == OPS
			     ? atomic_load_explicit(&r->inflight,
						    memory_order_relaxed)
			     : atomic_load_explicit(&r->polls,
						    memory_order_relaxed);
	pthread_mutex_unlock(&rings.lock);
	return n;
}

size_t coast__uring_ops(void)
{
	return sum(OPS);
}

unsigned coast__uring_rings(void)
{
	return (unsigned)sum(RINGS);
}

unsigned long coast__uring_polls(void)
{
	return sum(POLLS);
}
