/*
 * carry.c - what a cancelled ring op took from the kernel, kept for the
 * next op on its fd.
 *
 * A cancel that reaches a ring op after the kernel completed it (uring.c,
 * U3; at submission, mostly: every ring op suspends once, so a timeout(0)
 * or a race's loser is cancelled before its first enter) cannot undo it.
 * The bytes a read or receive took belong to the stream, not to the future
 * that was cancelled; a socket accepted belongs to the listener.  So the
 * cancelled leaf leaves them here (io.c) and the fd's next read, receive
 * or accept takes them before it asks the kernel: no byte lost, none
 * duplicated, order kept for one reader at a time.
 *
 *  K1. One list for the process, in the order the entries were kept,
 *      under one lock: entries are rare (a cancel that lost a race with
 *      the kernel) and short-lived (the fd's next read takes them).
 *      `kept` counts them, so an op on a process with none pays one
 *      relaxed load (io.c, every read and accept).  Relaxed is enough:
 *      the next op on an fd is ordered after the cancelled one by its
 *      task, whatever thread runs it.
 *  K2. Only sockets keep anything: a read of another file takes the
 *      readiness path (io.c), for a file, FIFO or tty opened again has the
 *      same device and inode, and a sought file another offset.  An entry
 *      names its socket by device and inode as well as by number: a
 *      number closed and reused by another socket does not inherit what
 *      the old one's reader left.  A keep drops every entry whose number
 *      no longer names its file, a take the ones of its fd (closing the
 *      sockets an accept left: nobody can accept them now), so what is
 *      left for a file closed unread lasts until the next keep, or the
 *      next take on its number.  Meanwhile every read and accept in the
 *      process takes the lock and walks the list.
 *  K3. A datagram is kept whole and taken whole: the rest of it is
 *      dropped if the reader's buffer is smaller, as recv(2) drops it.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct kept {
	struct kept *next;
	int fd;
	dev_t dev;
	ino_t ino;
	int sock; /* accept's: the socket made; -1 for bytes */
	bool dgram;
	size_t off, len;
	char data[];
};

static struct {
	pthread_mutex_t lock;
	struct kept *head, **tail;
	_Atomic size_t kept;
} carry = { .lock = PTHREAD_MUTEX_INITIALIZER, .tail = &carry.head };

/* Under the lock: a load and a store (K1's readers need no more). */
static void kept_add(int d)
{
	atomic_store_explicit(&carry.kept,
			      atomic_load_explicit(&carry.kept,
						   memory_order_relaxed) +
				      (size_t)d,
			      memory_order_relaxed);
}

/* K2: whether fd still names e's file. */
static bool same_file(const struct kept *e)
{
	struct stat st;

	return !fstat(e->fd, &st) && st.st_dev == e->dev && st.st_ino == e->ino;
}

/* Unlinks *p, e.  Under the lock. */
static void unlink_at(struct kept **p, struct kept *e)
{
	*p = e->next;
	if (carry.tail == &e->next)
		carry.tail = p;
	kept_add(-1);
}

/* K2: drops e at *p, closing its socket.  Under the lock. */
static void drop_at(struct kept **p, struct kept *e)
{
	unlink_at(p, e);
	if (e->sock >= 0)
		close(e->sock);
	free(e);
}

/* K2: every entry whose file is gone.  Under the lock. */
static void drop_stale(void)
{
	struct kept **p = &carry.head, *e;

	while ((e = *p)) {
		if (same_file(e))
			p = &e->next;
		else
			drop_at(p, e);
	}
}

/* False when out of memory (the caller keeps what it has). */
static bool keep(int fd, int sock, const void *buf, size_t n)
{
	struct kept *e = malloc(sizeof(*e) + n);
	struct stat st;
	int type = 0;
	socklen_t tlen = sizeof(type);

	if (!e || fstat(fd, &st)) {
		free(e);
		return false;
	}
	e->next = NULL;
	e->fd = fd;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->sock = sock;
	e->dgram = sock < 0 && S_ISSOCK(st.st_mode) &&
		   !getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) &&
		   type != SOCK_STREAM;
	e->off = 0;
	e->len = n;
	if (n)
		memcpy(e->data, buf, n);
	pthread_mutex_lock(&carry.lock);
	drop_stale();
	*carry.tail = e;
	carry.tail = &e->next;
	kept_add(1);
	pthread_mutex_unlock(&carry.lock);
	return true;
}

bool coast__carry_keep_bytes(int fd, const void *buf, size_t n)
{
	return keep(fd, -1, buf, n);
}

bool coast__carry_keep_socket(int fd, int sock)
{
	return keep(fd, sock, NULL, 0);
}

/*
 * The link to fd's first entry of the kind asked, or NULL; fd's entries
 * for a file gone are dropped on the way (K2: one fstat, none for another
 * fd's entries).  Under the lock.
 */
static struct kept **find(int fd, bool sock)
{
	struct kept **p = &carry.head, *e;

	while ((e = *p)) {
		if (e->fd == fd && !same_file(e))
			drop_at(p, e);
		else if (e->fd == fd && (e->sock >= 0) == sock)
			return p;
		else
			p = &e->next;
	}
	return NULL;
}

bool coast__carry_take_bytes(int fd, void *buf, size_t n, bool peek,
			     ssize_t *r)
{
	struct kept **p, *e;
	size_t k;

	if (!atomic_load_explicit(&carry.kept, memory_order_relaxed))
		return false;
	pthread_mutex_lock(&carry.lock);
	p = find(fd, false);
	if (p) {
		e = *p;
		k = e->len - e->off < n ? e->len - e->off : n;
		memcpy(buf, e->data + e->off, k);
		*r = (ssize_t)k;
		e->off += peek ? 0 : k;
		if (!peek && (e->dgram || e->off == e->len)) { /* K3 */
			unlink_at(p, e);
			free(e);
		}
	}
	pthread_mutex_unlock(&carry.lock);
	return p;
}

bool coast__carry_take_socket(int fd, int *sock)
{
	struct kept **p, *e = NULL;

	if (!atomic_load_explicit(&carry.kept, memory_order_relaxed))
		return false;
	pthread_mutex_lock(&carry.lock);
	p = find(fd, true);
	if (p) {
		e = *p;
		unlink_at(p, e);
	}
	pthread_mutex_unlock(&carry.lock);
	if (!e)
		return false;
	*sock = e->sock;
	free(e);
	return true;
}

size_t coast__carry_kept(void)
{
	return atomic_load_explicit(&carry.kept, memory_order_relaxed);
}
