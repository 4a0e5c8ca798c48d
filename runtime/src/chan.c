/*
 * chan.c - bounded channels: coast_chan_new/close/free, the async
 * coast_chan_send and coast_chan_recv, and their blocking versions for
 * programs built without the plugin.
 *
 * A ring of cap elements of elem_size bytes under one mutex, with two FIFO
 * lists of waiting futures (senders waiting for room, receivers waiting for
 * an element).  Multi-producer; several receivers work too (each element
 * goes to one of them).  A lock, not a lock-free ring, on purpose: every
 * operation touches the waiter lists anyway, and the critical sections are
 * a memcpy long.  A spinlock (internal.h), not a mutex: one atomic
 * exchange a section instead of two read-modify-writes, and nothing in a
 * section waits or makes a system call (C4).
 *
 * Protocol (ch->lock guards every field and every waiter node linked in)
 *  C1. A waiter is linked (waiting, holds its task's waker), notified
 *      (unlinked by the side that made progress possible; its waker was
 *      woken) or idle.  Each push notifies the first receiver, each pop the
 *      first sender, close notifies everyone.
 *  C2. A notified waiter retries its operation on its next poll; if it
 *      loses the element (or the room) to another, it links again at the
 *      back.
 *  C3. Cancel-safety: a cancelled waiter that is linked unlinks and drops
 *      its waker; one that was notified but will not retry passes the
 *      notification on to the next waiter of its side (when the condition
 *      still holds), so no wake-up meant for "some receiver" is lost with
 *      it.  An operation that completed is never undone: a recv that
 *      returned 0 delivered its element.
 *  C4. Wakes are done after ch->lock is released (chan_unlock): the
 *      waiter is unlinked and marked notified under the lock, and its
 *      waker, a task reference of its own, is all the wake touches, so
 *      the waiter's frame may be gone by then.  A wake that comes late is
 *      a spurious poll, which C2 handles.
 *  C5. Threads blocked in the blocking versions sleep on ch->cond under
 *      ch->block_lock until ch->epoch moves: every push, pop and close
 *      moves it (under ch->lock) when nblocked is non-zero, and then
 *      broadcasts under block_lock.  A sleeper reads epoch under
 *      block_lock before it waits, so the broadcast cannot fall between
 *      its check and its wait.
 * Freeing a channel with operations in flight is the caller's bug.
 */
#include <stdlib.h>
#include <string.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

struct chan_waiter {
	struct chan_waiter *next, *prev;
	coast_waker *waker;
	bool linked;
	bool notified;
};

struct waitq {
	struct chan_waiter *head, *tail;
};

struct coast_chan {
	atomic_bool lock;
	pthread_mutex_t block_lock; /* C5 */
	pthread_cond_t cond;
	unsigned nblocked;
	_Atomic unsigned long epoch; /* written under lock, read under
					block_lock */
	bool broadcast;              /* C5: due at the next unlock */
	size_t cap, elem_size;
	size_t head, len;
	bool closed;
	struct waitq senders, receivers;
	unsigned char buf[];
};

static void wq_push(struct waitq *q, struct chan_waiter *w)
{
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
	w->linked = true;
	w->notified = false;
}

static void wq_unlink(struct waitq *q, struct chan_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		q->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
	w->next = w->prev = NULL;
	w->linked = false;
}

/*
 * C1: notifies the first waiter of q, ch->lock held: returns its waker
 * for chan_unlock to wake (C4), or NULL when nobody waits.
 */
static coast_waker *wq_notify_one(struct waitq *q)
{
	struct chan_waiter *w = q->head;
	coast_waker *k;

	if (!w)
		return NULL;
	wq_unlink(q, w);
	w->notified = true;
	k = w->waker;
	w->waker = NULL;
	return k;
}

static void changed(struct coast_chan *ch)
{
	if (!ch->nblocked)
		return;
	atomic_store_explicit(&ch->epoch,
			      atomic_load_explicit(&ch->epoch,
						   memory_order_relaxed) + 1,
			      memory_order_relaxed);
	ch->broadcast = true;
}

static void chan_lock(struct coast_chan *ch)
{
	coast__spin_lock(&ch->lock);
}

/* Releases ch->lock, then does what had to wait for that: C5's
 * broadcast, and the wake of k (C4; NULL: none). */
static void chan_unlock(struct coast_chan *ch, coast_waker *k)
{
	bool broadcast = ch->broadcast;

	ch->broadcast = false;
	coast__spin_unlock(&ch->lock);
	if (broadcast) {
		pthread_mutex_lock(&ch->block_lock);
		pthread_cond_broadcast(&ch->cond);
		pthread_mutex_unlock(&ch->block_lock);
	}
	if (k)
		coast_waker_wake(k);
}

COAST_EXTERN coast_chan *coast_chan_new(size_t cap, size_t elem_size)
{
	struct coast_chan *ch;

	if (!cap || !elem_size || cap > (SIZE_MAX - sizeof(*ch)) / elem_size) {
		errno = EINVAL;
		return NULL;
	}
	ch = malloc(sizeof(*ch) + cap * elem_size);
	if (!ch)
		return NULL; /* errno is ENOMEM */
	atomic_init(&ch->lock, false);
	pthread_mutex_init(&ch->block_lock, NULL);
	pthread_cond_init(&ch->cond, NULL);
	ch->nblocked = 0;
	atomic_init(&ch->epoch, 0);
	ch->broadcast = false;
	ch->cap = cap;
	ch->elem_size = elem_size;
	ch->head = ch->len = 0;
	ch->closed = false;
	ch->senders.head = ch->senders.tail = NULL;
	ch->receivers.head = ch->receivers.tail = NULL;
	return ch;
}

COAST_EXTERN int coast_chan_close(coast_chan *ch)
{
	coast_waker *k;

	if (!ch)
		return COAST__ERR(EINVAL);
	chan_lock(ch);
	ch->closed = true;
	changed(ch);
	/* One wake per section (C4); nobody links while closed. */
	for (;;) {
		k = wq_notify_one(&ch->senders);
		if (!k)
			k = wq_notify_one(&ch->receivers);
		chan_unlock(ch, k);
		if (!k)
			return 0;
		chan_lock(ch);
	}
}

COAST_EXTERN void coast_chan_free(coast_chan *ch)
{
	if (!ch)
		return;
	pthread_mutex_destroy(&ch->block_lock);
	pthread_cond_destroy(&ch->cond);
	free(ch);
}

size_t coast__chan_waiters(coast_chan *ch)
{
	struct chan_waiter *w;
	size_t n = 0;

	chan_lock(ch);
	for (w = ch->senders.head; w; w = w->next)
		n++;
	for (w = ch->receivers.head; w; w = w->next)
		n++;
	chan_unlock(ch, NULL);
	return n;
}

/* An element's copy: word-sized elements (pointers, longs) without a
 * call to memcpy. */
static void elem_copy(void *dst, const void *src, size_t n)
{
	if (n == sizeof(uint64_t))
		memcpy(dst, src, sizeof(uint64_t));
	else
		memcpy(dst, src, n);
}

/*
 * One attempt, ch->lock held: 0, -EPIPE, or -EAGAIN (would wait).  *k is
 * set to the waker to wake once the lock is released.  Ring positions
 * wrap by comparison, not %: a division was the largest cost of a
 * section.
 */
static int try_send(struct coast_chan *ch, const void *elem, coast_waker **k)
{
	size_t i;

	if (ch->closed)
		return COAST__ERR(EPIPE);
	if (ch->len == ch->cap)
		return COAST__ERR(EAGAIN);
	i = ch->head + ch->len;
	if (i >= ch->cap)
		i -= ch->cap;
	elem_copy(ch->buf + i * ch->elem_size, elem, ch->elem_size);
	ch->len++;
	*k = wq_notify_one(&ch->receivers);
	changed(ch);
	return 0;
}

static int try_recv(struct coast_chan *ch, void *elem, coast_waker **k)
{
	if (!ch->len)
		return ch->closed ? COAST__ERR(EPIPE) : COAST__ERR(EAGAIN);
	elem_copy(elem, ch->buf + ch->head * ch->elem_size, ch->elem_size);
	if (++ch->head == ch->cap)
		ch->head = 0;
	ch->len--;
	*k = wq_notify_one(&ch->senders);
	changed(ch);
	return 0;
}

/* ------------------------------------------------------------ the futures */

enum { CHAN_WAIT = 1 };

struct chan_frame {
	struct coast_frame h;
	int ret;
	bool send;
	struct coast_chan *ch;
	void *elem;
	struct chan_waiter w;
};

static int chan_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn send_fn = {
	.poll = chan_poll,
	.child = coast__no_child,
	.size = sizeof(struct chan_frame),
	.ret_offset = offsetof(struct chan_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_chan_send",
	.file = __FILE__,
};

static const struct coast_fn recv_fn = {
	.poll = chan_poll,
	.child = coast__no_child,
	.size = sizeof(struct chan_frame),
	.ret_offset = offsetof(struct chan_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_chan_recv",
	.file = __FILE__,
};

static int chan_done(struct chan_frame *c, int ret)
{
	c->ret = ret;
	c->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

static int chan_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct chan_frame *c = (struct chan_frame *)f;
	struct coast_chan *ch = c->ch;
	struct waitq *q;
	coast_waker *k = NULL, *drop = NULL;
	int r;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (!ch || !c->elem)
		return chan_done(c, COAST__ERR(EINVAL));
	q = c->send ? &ch->senders : &ch->receivers;
	chan_lock(ch);
	if (f->flags & COAST_F_CANCEL) {
		if (c->w.linked) {
			wq_unlink(q, &c->w);
			drop = c->w.waker;
			c->w.waker = NULL;
		} else if (c->w.notified) {
			/* C3: pass the notification on. */
			if (c->send ? ch->len < ch->cap || ch->closed
				    : ch->len > 0 || ch->closed)
				k = wq_notify_one(q);
		}
		chan_unlock(ch, k);
		coast_waker_drop(drop);
		return chan_done(c, COAST__ERR(ECANCELED));
	}
	if (c->w.linked) {
		chan_unlock(ch, NULL);
		return COAST_PENDING; /* spurious: still waiting */
	}
	c->w.notified = false;
	r = c->send ? try_send(ch, c->elem, &k) : try_recv(ch, c->elem, &k);
	if (r != COAST__ERR(EAGAIN)) {
		chan_unlock(ch, k);
		return chan_done(c, r);
	}
	c->w.waker = coast_waker_get(cx);
	wq_push(q, &c->w); /* C2: at the back */
	chan_unlock(ch, NULL);
	f->state = CHAN_WAIT;
	return COAST_PENDING;
}

static struct coast_frame *chan_start(struct coast_alloc *a,
				      const struct coast_fn *fn, bool send,
				      coast_chan *ch, void *elem)
{
	struct chan_frame *c = coast__frame_new(a, fn);

	if (!c)
		return NULL;
	c->ret = 0;
	c->send = send;
	c->ch = ch;
	c->elem = elem;
	c->w.next = c->w.prev = NULL;
	c->w.waker = NULL;
	c->w.linked = false;
	c->w.notified = false;
	return &c->h;
}

COAST_EXTERN struct coast_frame *
coast_chan_send__coast_start(struct coast_alloc *a, coast_chan *ch,
			     const void *elem)
{
	return chan_start(a, &send_fn, true, ch, (void *)elem);
}

COAST_EXTERN struct coast_frame *
coast_chan_recv__coast_start(struct coast_alloc *a, coast_chan *ch,
			     void *elem)
{
	return chan_start(a, &recv_fn, false, ch, elem);
}

/* ------------------------------------------------------ blocking versions */

static int chan_block(coast_chan *ch, bool send, void *elem)
{
	coast_waker *k = NULL;
	unsigned long seen;
	int r;

	if (!ch || !elem)
		return COAST__ERR(EINVAL);
	chan_lock(ch);
	for (;;) {
		r = send ? try_send(ch, elem, &k) : try_recv(ch, elem, &k);
		if (r != COAST__ERR(EAGAIN))
			break;
		ch->nblocked++; /* C5 */
		seen = atomic_load_explicit(&ch->epoch, memory_order_relaxed);
		chan_unlock(ch, NULL);
		pthread_mutex_lock(&ch->block_lock);
		while (atomic_load_explicit(&ch->epoch, memory_order_relaxed) ==
		       seen)
			pthread_cond_wait(&ch->cond, &ch->block_lock);
		pthread_mutex_unlock(&ch->block_lock);
		chan_lock(ch);
		ch->nblocked--;
	}
	chan_unlock(ch, k);
	return r;
}

COAST_EXTERN int coast_chan_send(coast_chan *ch, const void *elem)
{
	return chan_block(ch, true, (void *)elem);
}

COAST_EXTERN int coast_chan_recv(coast_chan *ch, void *elem)
{
	return chan_block(ch, false, elem);
}
