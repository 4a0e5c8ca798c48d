/*
 * reactor_epoll.c - the epoll backend of reactor.c, included by it (the
 * shape of Redis' ae_epoll.c): a small set of static functions with fixed
 * names, so another backend (kqueue) is another file with the same names.
 *
 *   backend_create()         the poller and its interrupt fd
 *   backend_register(fd)     register fd for good (edge-triggered, both
 *                            directions); already registered is success
 *   backend_verify(fd)       register fd again: after a close and reuse of
 *                            the number the old registration is gone
 *   backend_wait(timeout_ms, ask)
 *                            wait, fill the event array, drain interrupts
 *                            (ask: even before any fd was registered)
 *   backend_interrupt()      make a concurrent backend_wait return
 *   backend_polls()          non-blocking waits that asked the kernel (tests)
 *
 * Edge-triggered registrations report every readiness change once, and
 * registering (ADD, or MOD) reports the current readiness at once: the
 * reactor never re-arms an fd after an event (F2 of reactor.c).
 *
 * A wait that must not block, before any fd was registered, returns no
 * event without asking the kernel: the busy workers' tick makes one every
 * 61 polls, and that epoll_wait was most of a yield's time in a program
 * without I/O (yield_storm, 1 worker, at load average 13: 21.2 -> 6.6 ns
 * a yield, best of 5; bench/runtime/README.md).  Nothing is lost: only
 * the interrupt fd could be ready, and an interrupt is for a blocking
 * wait, which still drains it (at worst returning once at once).  A
 * registration on another thread may be seen one tick late, like an
 * event that comes just after a turn.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define BACKEND_MAX_EVENTS 256
#define BACKEND_INTERRUPT UINT64_MAX /* data of the eventfd's event */

struct backend_event {
	int fd;
	unsigned events; /* COAST__IO_*, both on error or hang-up */
};

static struct {
	int epfd;
	int efd; /* eventfd: written by backend_interrupt */
	struct epoll_event ev[BACKEND_MAX_EVENTS];
	struct backend_event out[BACKEND_MAX_EVENTS];
	/* Some fd was registered: a non-blocking wait may find events.  Set
	 * once, under that fd's slot lock; read by the driver lock's holder. */
	atomic_bool watching;
	/* Non-blocking waits that called epoll_wait (backend_polls). */
	_Atomic unsigned long polls;
} be = { .epfd = -1, .efd = -1 };

static int backend_create(void)
{
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u64 = BACKEND_INTERRUPT };
	int err;

	be.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (be.epfd < 0)
		return COAST__ERR(errno);
	be.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (be.efd < 0)
		goto err;
	if (epoll_ctl(be.epfd, EPOLL_CTL_ADD, be.efd, &ev))
		goto err;
	return 0;
err:
	err = errno;
	if (be.efd >= 0)
		close(be.efd);
	close(be.epfd);
	be.efd = be.epfd = -1;
	return COAST__ERR(err);
}

#define BACKEND_EVENTS (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)

/* Under fd's slot lock.  0 or -errno (-EPERM for files epoll refuses). */
static int backend_register(int fd)
{
	struct epoll_event ev = { .events = BACKEND_EVENTS,
				  .data.u64 = (uint64_t)fd };

	if (!epoll_ctl(be.epfd, EPOLL_CTL_ADD, fd, &ev) || errno == EEXIST) {
		if (!atomic_load_explicit(&be.watching, memory_order_relaxed))
			atomic_store_explicit(&be.watching, true,
					      memory_order_relaxed);
		return 0;
	}
	return COAST__ERR(errno);
}

/* Under fd's slot lock.  0 or -errno. */
static int backend_verify(int fd)
{
	struct epoll_event ev = { .events = BACKEND_EVENTS,
				  .data.u64 = (uint64_t)fd };

	if (!epoll_ctl(be.epfd, EPOLL_CTL_MOD, fd, &ev))
		return 0;
	if (errno != ENOENT)
		return COAST__ERR(errno);
	return backend_register(fd); /* a new file under the number */
}

/* Returns the number of fd events in be.out (interrupts drained). */
static int backend_wait(int timeout_ms, bool ask)
{
	uint64_t junk;
	int n, i, k = 0;
	uint32_t e;

	if (!timeout_ms && !ask) {
		if (!atomic_load_explicit(&be.watching, memory_order_relaxed))
			return 0;
		/* Only the driver lock's holder writes it. */
		atomic_store_explicit(
			&be.polls,
			atomic_load_explicit(&be.polls, memory_order_relaxed) + 1,
			memory_order_relaxed);
	}
	n = epoll_wait(be.epfd, be.ev, BACKEND_MAX_EVENTS, timeout_ms);
	if (n < 0)
		return 0; /* EINTR: the caller re-checks timers and loops */
	for (i = 0; i < n; i++) {
		if (be.ev[i].data.u64 == BACKEND_INTERRUPT) {
			/* Nonblocking: EAGAIN when another drain won. */
			if (read(be.efd, &junk, sizeof(junk)) < 0)
				(void)0;
			continue;
		}
		e = be.ev[i].events;
		be.out[k].fd = (int)be.ev[i].data.u64;
		be.out[k].events = 0;
		if (e & (EPOLLIN | EPOLLRDHUP))
			be.out[k].events |= COAST__IO_READ;
		if (e & EPOLLOUT)
			be.out[k].events |= COAST__IO_WRITE;
		if (e & (EPOLLERR | EPOLLHUP))
			be.out[k].events |= COAST__IO_READ | COAST__IO_WRITE;
		k++;
	}
	return k;
}

static unsigned long backend_polls(void)
{
	return atomic_load_explicit(&be.polls, memory_order_relaxed);
}

static void backend_interrupt(void)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is saturated: a wake is pending anyway. */
	if (write(be.efd, &one, sizeof(one)) < 0)
		(void)0;
}
