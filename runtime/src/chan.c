/*
 * chan.c - bounded channels: coast_chan_new/close/free, the async
 * coast_chan_send and coast_chan_recv, and their blocking versions for
 * programs built without the plugin.
 *
 * A ring of cap elements of elem_size bytes under one mutex, with two FIFO
 * lists of waiting futures (senders waiting for room, receivers waiting for
 * an element).  Multi-producer; several receivers work too (each element
 * goes to one of them).  A mutex, not a lock-free ring, on purpose: every
 * operation touches the waiter lists anyway, and the critical sections are
 * a memcpy long.
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
 *  C4. Wakes are done under ch->lock: a wake only takes run-queue locks,
 *      never a channel's, so the order chan -> queue is the only one (as
 *      reactor.c F3).
 *  C5. Threads blocked in the blocking versions wait on ch->cond; every
 *      push, pop and close broadcasts it when nblocked is non-zero.
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
	pthread_mutex_t lock;
	pthread_cond_t cond; /* C5 */
	unsigned nblocked;
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

/* C1: notifies the first waiter of q.  ch->lock held. */
static void wq_notify_one(struct waitq *q)
{
	struct chan_waiter *w = q->head;
	coast_waker *k;

	if (!w)
		return;
	wq_unlink(q, w);
	w->notified = true;
	k = w->waker;
	w->waker = NULL;
	coast_waker_wake(k); /* C4; w is not touched after this */
}

static void wq_notify_all(struct waitq *q)
{
	while (q->head)
		wq_notify_one(q);
}

static void changed(struct coast_chan *ch)
{
	if (ch->nblocked)
		pthread_cond_broadcast(&ch->cond);
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
	pthread_mutex_init(&ch->lock, NULL);
	pthread_cond_init(&ch->cond, NULL);
	ch->nblocked = 0;
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
	if (!ch)
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&ch->lock);
	ch->closed = true;
	wq_notify_all(&ch->senders);
	wq_notify_all(&ch->receivers);
	changed(ch);
	pthread_mutex_unlock(&ch->lock);
	return 0;
}

COAST_EXTERN void coast_chan_free(coast_chan *ch)
{
	if (!ch)
		return;
	pthread_mutex_destroy(&ch->lock);
	pthread_cond_destroy(&ch->cond);
	free(ch);
}

size_t coast__chan_waiters(coast_chan *ch)
{
	struct chan_waiter *w;
	size_t n = 0;

	pthread_mutex_lock(&ch->lock);
	for (w = ch->senders.head; w; w = w->next)
		n++;
	for (w = ch->receivers.head; w; w = w->next)
		n++;
	pthread_mutex_unlock(&ch->lock);
	return n;
}

/* One attempt, ch->lock held: 0, -EPIPE, or -EAGAIN (would wait). */
static int try_send(struct coast_chan *ch, const void *elem)
{
	if (ch->closed)
		return COAST__ERR(EPIPE);
	if (ch->len == ch->cap)
		return COAST__ERR(EAGAIN);
	memcpy(ch->buf + ((ch->head + ch->len) % ch->cap) * ch->elem_size,
	       elem, ch->elem_size);
	ch->len++;
	wq_notify_one(&ch->receivers);
	changed(ch);
	return 0;
}

static int try_recv(struct coast_chan *ch, void *elem)
{
	if (!ch->len)
		return ch->closed ? COAST__ERR(EPIPE) : COAST__ERR(EAGAIN);
	memcpy(elem, ch->buf + ch->head * ch->elem_size, ch->elem_size);
	ch->head = (ch->head + 1) % ch->cap;
	ch->len--;
	wq_notify_one(&ch->senders);
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
	coast_waker *k;
	int r;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (!ch || !c->elem)
		return chan_done(c, COAST__ERR(EINVAL));
	q = c->send ? &ch->senders : &ch->receivers;
	pthread_mutex_lock(&ch->lock);
	if (f->flags & COAST_F_CANCEL) {
		if (c->w.linked) {
			wq_unlink(q, &c->w);
			k = c->w.waker;
			c->w.waker = NULL;
			coast_waker_drop(k);
		} else if (c->w.notified) {
			/* C3: pass the notification on. */
			if (c->send ? ch->len < ch->cap || ch->closed
				    : ch->len > 0 || ch->closed)
				wq_notify_one(q);
		}
		pthread_mutex_unlock(&ch->lock);
		return chan_done(c, COAST__ERR(ECANCELED));
	}
	if (c->w.linked) {
		pthread_mutex_unlock(&ch->lock);
		return COAST_PENDING; /* spurious: still waiting */
	}
	c->w.notified = false;
	r = c->send ? try_send(ch, c->elem) : try_recv(ch, c->elem);
	if (r != COAST__ERR(EAGAIN)) {
		pthread_mutex_unlock(&ch->lock);
		return chan_done(c, r);
	}
	c->w.waker = coast_waker_get(cx);
	wq_push(q, &c->w); /* C2: at the back */
	pthread_mutex_unlock(&ch->lock);
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
	int r;

	if (!ch || !elem)
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&ch->lock);
	for (;;) {
		r = send ? try_send(ch, elem) : try_recv(ch, elem);
		if (r != COAST__ERR(EAGAIN))
			break;
		ch->nblocked++; /* C5 */
		pthread_cond_wait(&ch->cond, &ch->lock);
		ch->nblocked--;
	}
	pthread_mutex_unlock(&ch->lock);
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
