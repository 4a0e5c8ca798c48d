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
 * section waits, allocates or makes a system call (C4).
 *
 * Protocol (ch->lock guards every field and every waiter node linked in)
 *  C1. A waiter is linked (waiting, holds its task's waker), notified
 *      (unlinked by the side that made progress possible; its waker was
 *      woken), handed an element (a receiver unlinked by a send that
 *      copies into its node: HANDING, then HANDED, C6) or idle.  Each
 *      push notifies the first receiver (or hands it the element, C6; or
 *      leaves it to the settle of the hand-off outstanding, C7), each pop
 *      the first sender, close notifies everyone.
 *  C2. A notified waiter retries its operation on its next poll; if it
 *      loses the element to another, a receiver links again at the back;
 *      a sender that loses the room links again at the front, so that
 *      senders keep their order.
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
 *  C6. Hand-off: a send that finds the ring empty, no hand-off
 *      outstanding and a receiver linked copies the element into that
 *      receiver's node (w->slot: channel-owned while linked), unlinks it
 *      and marks it HANDING under the lock; after the unlock (and C5's
 *      broadcast) it marks it HANDED with a release store, its last touch
 *      of the channel and the node, then wakes it.  The receiver treats
 *      HANDING as LINKED; when polled and not cancelled it sees HANDED
 *      with an acquire load, copies the element to its destination itself
 *      without the lock (only the receiver ever writes its destination,
 *      and only when it completes) and settles the hand-off (C7).
 *      Elements larger than the slot are pushed and the receiver notified
 *      (C1) instead.
 *  C7. At most one hand-off is outstanding (handed, not yet settled), and
 *      it counts against cap: a send waits while len + outstanding >=
 *      cap, and pushes to the ring, never hands off, while one is
 *      outstanding.  A receive waits while one is outstanding, even with
 *      elements in the ring (they are all younger), and gets -EPIPE only
 *      when closed, the ring empty and nothing outstanding.  It settles
 *      when the receiver copies the element (one seq_cst fetch_add on
 *      ch->settled, then a seq_cst load of ch->waiting: set, it takes the
 *      lock and notifies) or when a cancelled receiver gives it back,
 *      under the lock, at the front of the ring: the element is older
 *      than every other in it, and the room is there (counted).  A settle
 *      frees a unit of room as a pop does, so it notifies a sender too
 *      when senders were linked at the hand-off.  Whoever would wait, or
 *      leave a waiter waiting, because a hand-off is outstanding sets
 *      ch->waiting (seq_cst) and reads ch->settled again (seq_cst) under
 *      the lock: either it sees the settle or the settling receiver sees
 *      the flag, so no wake-up is lost (Dekker).  A hand-off made with
 *      senders linked sets it too, and the notification that follows a
 *      settle clears it only when nothing is outstanding (another
 *      hand-off may have been made since that settle).  So FIFO
 *      holds with cancelled receivers, nothing is received after -EPIPE,
 *      and nothing grows or allocates under the lock.
 * Freeing a channel with operations in flight is the caller's bug.
 */
#include <stdlib.h>
#include <string.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

/* A waiter's state: written under ch->lock, but for HANDED (C6) and
 * the IDLE its owner stores once it has copied a handed element (nobody
 * else reads the node after HANDED), and once a section: wq_unlink writes none, the section that unlinks a node
 * writes its next state (NOTIFIED, HANDING; IDLE in its own cancel, after
 * which its frame is done).  So its owner, reading it without the lock,
 * sees LINKED, then HANDING and HANDED or NOTIFIED, never an IDLE in
 * between, and what it sees unlinked (IDLE, NOTIFIED) holds still (only
 * its poll links). */
enum { W_IDLE, W_LINKED, W_NOTIFIED, W_HANDING, W_HANDED };

/* Room for the element of a hand-off (C6): two words.  coast/runtime.h's
 * struct coast_chan_op counts it. */
#define CHAN_SLOT COAST__CHAN_SLOT

struct chan_waiter {
	struct chan_waiter *next, *prev;
	coast_waker *waker;
	_Atomic unsigned char state;
	unsigned char slot[CHAN_SLOT]; /* C6 */
};

struct waitq {
	struct chan_waiter *head, *tail;
};

struct coast_chan {
	struct coast__chan_look look; /* first: coast/runtime.h reads it */
	atomic_bool lock;
	pthread_mutex_t block_lock; /* C5 */
	pthread_cond_t cond;
	unsigned nblocked;
	_Atomic unsigned long epoch; /* written under lock, read under
					block_lock */
	bool broadcast;              /* C5: due at the next unlock */
	size_t elem_size;
	size_t head;
	unsigned long handed;           /* C7: hand-offs made */
	_Atomic unsigned long settled;  /* C7: hand-offs settled */
	atomic_bool waiting;            /* C7: a settle must notify */
	struct waitq senders, receivers;
	unsigned char buf[];
};

_Static_assert(offsetof(struct coast_chan, look) == 0,
	       "coast/runtime.h reads a channel's look at its address");

static void set_state(struct chan_waiter *w, unsigned char st)
{
	atomic_store_explicit(&w->state, st, memory_order_relaxed);
}

/* Acquire: HANDED is stored after the unlock, and the slot with it. */
static unsigned char get_state(struct chan_waiter *w)
{
	return atomic_load_explicit(&w->state, memory_order_acquire);
}

/*
 * len and closed change by relaxed atomic stores, under ch->lock all the
 * same: the ready companions look at them without it first.
 */
static void set_len(struct coast_chan *ch, size_t len)
{
	__atomic_store_n(&ch->look.len, len, __ATOMIC_RELAXED);
}

static void wq_push(struct waitq *q, struct chan_waiter *w)
{
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
	set_state(w, W_LINKED);
}

/* C2: a notified sender that lost the room waits first again. */
static void wq_push_front(struct waitq *q, struct chan_waiter *w)
{
	w->prev = NULL;
	w->next = q->head;
	if (q->head)
		q->head->prev = w;
	else
		q->tail = w;
	q->head = w;
	set_state(w, W_LINKED);
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
}

/* wq_unlink of q's first waiter w: no predecessor to look at (a
 * hand-off's and a notify's unlink, 4 instructions fewer). */
static void wq_pop_head(struct waitq *q, struct chan_waiter *w)
{
	q->head = w->next;
	if (w->next)
		w->next->prev = NULL;
	else
		q->tail = NULL;
}

/* wq_pop_head of q's first waiter, which there is. */
static struct chan_waiter *wq_pop(struct waitq *q)
{
	struct chan_waiter *w = q->head;

	wq_pop_head(q, w);
	return w;
}

/*
 * C1: notifies the first waiter of q, ch->lock held: returns its waker
 * for chan_unlock to wake (C4), or NULL when nobody waits.
 */
static coast_waker *wq_notify_one(struct waitq *q)
{
	struct chan_waiter *w;
	coast_waker *k;

	if (!q->head)
		return NULL;
	w = wq_pop(q);
	set_state(w, W_NOTIFIED);
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

/*
 * What the hot sections call only when they must: out of line, and
 * keeping every register where the compiler allows it, so that the
 * sections themselves save none for these calls (the saves and restores
 * were a tenth of a send's instructions).
 */
/* Only clang on x86-64 and AArch64 honours preserve_most: __has_attribute
 * says yes on every target, and others warn (arm32, riscv64, ppc64le,
 * s390x) or crash (i386, clang 19 and 22). */
#if defined(__clang__) && (defined(__x86_64__) || defined(__aarch64__))
#define CHAN_OUT __attribute__((noinline, preserve_most))
#else
#define CHAN_OUT __attribute__((noinline))
#endif
#define CHAN_COLD CHAN_OUT __attribute__((cold))

static CHAN_COLD void chan_lock_wait(struct coast_chan *ch)
{
	coast__spin_lock(&ch->lock);
}

/* coast__spin_lock, its wait out of line. */
static inline __attribute__((always_inline)) void
chan_lock(struct coast_chan *ch)
{
	if (atomic_exchange_explicit(&ch->lock, true, memory_order_acquire))
		chan_lock_wait(ch);
}

/* C5's broadcast, due: releases ch->lock first. */
static CHAN_COLD void chan_unlock_broadcast(struct coast_chan *ch)
{
	ch->broadcast = false;
	coast__spin_unlock(&ch->lock);
	pthread_mutex_lock(&ch->block_lock);
	pthread_cond_broadcast(&ch->cond);
	pthread_mutex_unlock(&ch->block_lock);
}

/* Releases ch->lock, with C5's broadcast if one is due. */
static inline __attribute__((always_inline)) void
chan_release(struct coast_chan *ch)
{
	if (ch->broadcast)
		chan_unlock_broadcast(ch);
	else
		coast__spin_unlock(&ch->lock);
}

/* A wake (C4) of k (NULL: none), the lock released: its inline part,
 * else the call.  The callers have nothing live across it: a
 * preserve_most call there saved every register a wake's call clobbers
 * (20 instructions a wake with two workers). */
static inline __attribute__((always_inline)) void
chan_wake(coast_waker *k)
{
	if (k && !coast__waker_wake_deferred(k))
		coast_waker_wake(k);
}

/* Releases ch->lock, then wakes k (C4; NULL: none). */
static inline __attribute__((always_inline)) void
chan_unlock(struct coast_chan *ch, coast_waker *k)
{
	chan_release(ch);
	chan_wake(k);
}

/* C7: whether a hand-off is outstanding, ch->lock held. */
static bool outstanding(struct coast_chan *ch)
{
	return ch->handed !=
	       atomic_load_explicit(&ch->settled, memory_order_seq_cst);
}

/*
 * C7: whether an outstanding hand-off keeps something waiting, ch->lock
 * held; if so ch->waiting is set, so that its settle notifies.  The flag
 * before the second look (Dekker, with the settle's fetch_add and load).
 */
static bool settle_pending(struct coast_chan *ch)
{
	if (!outstanding(ch))
		return false;
	if (!atomic_load_explicit(&ch->waiting, memory_order_relaxed))
		atomic_store_explicit(&ch->waiting, true, memory_order_seq_cst);
	return outstanding(ch);
}

/* Whether a send would find room (C7), ch->lock held. */
static bool has_room(struct coast_chan *ch)
{
	if (ch->look.len >= ch->look.cap)
		return false;
	return ch->look.len + 1 < ch->look.cap || !settle_pending(ch);
}

/*
 * A hand-off was just made with senders linked, ch->lock held: its
 * element holds a unit of room until it settles, so the settle must pass
 * that unit to a linked sender, as a pop would (C7's ch->waiting set).
 * The send that handed may have been a notified sender, woken for room
 * it did not use: without this, the wake was lost with it, and a
 * channel fed by more senders than its cap could end with every sender
 * linked on an empty ring.  Out of line for the hand-off's section,
 * which then saves no registers.
 */
static CHAN_OUT void senders_wait(struct coast_chan *ch)
{
	if (!atomic_load_explicit(&ch->waiting, memory_order_relaxed))
		atomic_store_explicit(&ch->waiting, true, memory_order_seq_cst);
}

/* Whether a receive would complete (C7), ch->lock held. */
static bool can_recv(struct coast_chan *ch)
{
	if (!ch->look.len && !ch->look.closed)
		return false;
	return !settle_pending(ch);
}

/*
 * After a settle (C7), ch->lock held: notifies the receivers that may
 * complete now (every one once closed) and a sender that may, one a
 * section (C4), and releases the lock.
 */
static void notify_settled(struct coast_chan *ch)
{
	size_t n = ch->look.closed ? SIZE_MAX : ch->look.len;
	bool sender = true;
	coast_waker *k;

	/* Another hand-off may have been made since the settle that brought
	 * us here: its flag stays for its own settle.  None is made while
	 * the lock is held, so a flag cleared here is one nobody needs. */
	if (!outstanding(ch))
		atomic_store_explicit(&ch->waiting, false,
				      memory_order_relaxed);
	changed(ch);
	for (;;) {
		k = NULL;
		if (n && ch->receivers.head && can_recv(ch)) {
			k = wq_notify_one(&ch->receivers);
			n--;
		} else if (sender && ch->senders.head && has_room(ch)) {
			k = wq_notify_one(&ch->senders);
			sender = false;
		}
		chan_unlock(ch, k);
		if (!k)
			return;
		chan_lock(ch);
	}
}

static CHAN_COLD void settle_notify(struct coast_chan *ch)
{
	chan_lock(ch);
	notify_settled(ch);
}

/* C7: the receiver has copied its handed-off element; no lock held. */
static inline __attribute__((always_inline)) void
settle(struct coast_chan *ch)
{
	atomic_fetch_add_explicit(&ch->settled, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&ch->waiting, memory_order_seq_cst))
		settle_notify(ch);
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
	ch->look.cap = cap;
	ch->elem_size = elem_size;
	ch->head = ch->look.len = 0;
	ch->handed = 0;
	atomic_init(&ch->settled, 0);
	atomic_init(&ch->waiting, false);
	ch->look.closed = false;
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
	__atomic_store_n(&ch->look.closed, true, __ATOMIC_RELAXED);
	changed(ch);
	/* One wake per section (C4); nobody links while closed but a
	 * receiver behind an outstanding hand-off, which its settle
	 * notifies (C7). */
	for (;;) {
		k = wq_notify_one(&ch->senders);
		if (!k && !settle_pending(ch))
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

static CHAN_OUT void chan_memcpy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
}

/* An element's copy: words and ints (pointers, longs) without a call to
 * memcpy, other sizes through one that saves no registers in the
 * sections.  A word is tested first (the compiler's order tested an int
 * first: 2 instructions a word's copy, 3 a hand-off's). */
static inline __attribute__((always_inline)) void
elem_copy(void *dst, const void *src, size_t n)
{
	if (__builtin_expect(n == sizeof(uint64_t), 1))
		memcpy(dst, src, sizeof(uint64_t));
	else if (n == sizeof(int))
		memcpy(dst, src, sizeof(int));
	else
		chan_memcpy(dst, src, n);
}

/*
 * C6: a send that hands elem to the first receiver linked, ch->lock held:
 * true when it did (the send's result is 0), released the lock, marked
 * the node HANDED and woke its receiver;
 * false, the lock still held, when the channel is closed or holds
 * elements, nobody is linked, one is outstanding (C7) or the element does
 * not fit the slot: try_send's turn.  A path of its own, ahead of
 * try_send: merged into it, the hand-off tested again after the unlock
 * what it knows (a node to mark, a waker to wake).
 */
static inline __attribute__((always_inline)) bool
send_handing(struct coast_chan *ch, const void *elem)
{
	struct chan_waiter *w = ch->receivers.head;
	size_t n = ch->elem_size; /* once: the node's stores may alias it */
	coast_waker *k;

	if (!w || ch->look.len || ch->look.closed || n > CHAN_SLOT ||
	    outstanding(ch))
		return false;
	/* w, not q->head again: outstanding()'s seq_cst load is between. */
	wq_pop_head(&ch->receivers, w);
	set_state(w, W_HANDING);
	k = w->waker;
	elem_copy(w->slot, elem, n);
	ch->handed++;
	if (ch->senders.head)
		senders_wait(ch);
	chan_release(ch);
	/* The last touch: the receiver may finish and free ch at once. */
	atomic_store_explicit(&w->state, W_HANDED, memory_order_release);
	chan_wake(k);
	return true;
}

/* Ring slot i (0 = the front) of ch. */
static unsigned char *ring_at(struct coast_chan *ch, size_t i)
{
	i += ch->head;
	if (i >= ch->look.cap)
		i -= ch->look.cap;
	return ch->buf + i * ch->elem_size;
}

/*
 * One attempt after send_handing's, ch->lock held: 0, -EPIPE, or -EAGAIN
 * (would wait).  *k is set to the waker to wake once the lock is
 * released.  Ring positions wrap by comparison, not %: a division was the
 * largest cost of a section.
 */
static inline __attribute__((always_inline)) int
try_send(struct coast_chan *ch, const void *elem, coast_waker **k)
{
	if (ch->look.closed)
		return COAST__ERR(EPIPE);
	if (!has_room(ch))
		return COAST__ERR(EAGAIN);
	elem_copy(ring_at(ch, ch->look.len), elem, ch->elem_size);
	set_len(ch, ch->look.len + 1);
	if (ch->receivers.head && can_recv(ch))
		*k = wq_notify_one(&ch->receivers);
	if (ch->senders.head)
		(void)has_room(ch); /* sets ch->waiting (C7) */
	changed(ch);
	return 0;
}

static int try_recv(struct coast_chan *ch, void *elem, coast_waker **k)
{
	if (!can_recv(ch))
		return COAST__ERR(EAGAIN);
	if (!ch->look.len)
		return COAST__ERR(EPIPE);
	elem_copy(elem, ring_at(ch, 0), ch->elem_size);
	if (++ch->head == ch->look.cap)
		ch->head = 0;
	set_len(ch, ch->look.len - 1);
	if (ch->senders.head && has_room(ch))
		*k = wq_notify_one(&ch->senders);
	changed(ch);
	return 0;
}

/* C7: gives w's handed-off element back to the front of the ring and
 * settles the hand-off; ch->lock held, and released. */
static void give_back(struct coast_chan *ch, struct chan_waiter *w)
{
	set_state(w, W_IDLE);
	ch->head = ch->head ? ch->head - 1 : ch->look.cap - 1;
	set_len(ch, ch->look.len + 1);
	elem_copy(ring_at(ch, 0), w->slot, ch->elem_size);
	atomic_fetch_add_explicit(&ch->settled, 1, memory_order_relaxed);
	notify_settled(ch);
}

/* ------------------------------------------------------------ the futures */

enum { CHAN_WAIT = 1 };

struct chan_frame {
	struct coast_frame h;
	int ret;
	struct coast_chan *ch;
	void *elem;
	struct chan_waiter w;
};

/* The lowering embeds the frame in its awaiter's as coast/runtime.h
 * publishes it, and reads and writes the members it names there. */
#define CHAN_OP_SAME(a, b)                                                 \
	(offsetof(struct chan_frame, a) == offsetof(struct coast_chan_op, b))
_Static_assert(sizeof(struct chan_frame) == sizeof(struct coast_chan_op) &&
		       _Alignof(struct chan_frame) ==
			       _Alignof(struct coast_chan_op),
	       "coast/runtime.h's struct coast_chan_op is chan_frame's size");
_Static_assert(CHAN_OP_SAME(h, __h) && CHAN_OP_SAME(ret, __ret) &&
		       CHAN_OP_SAME(ch, __ch) && CHAN_OP_SAME(elem, __elem) &&
		       CHAN_OP_SAME(w, __w) &&
		       offsetof(struct chan_waiter, state) ==
			       COAST__CHAN_W_STATE &&
		       W_IDLE == 0,
	       "coast/runtime.h's struct coast_chan_op is chan_frame's layout");

COAST_EXTERN const struct coast_fn coast__chan_send_fn = {
	.poll = coast_chan_send__coast_poll,
	.child = coast__no_child,
	.size = sizeof(struct chan_frame),
	.ret_offset = offsetof(struct chan_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_chan_send",
	.file = __FILE__,
};

COAST_EXTERN const struct coast_fn coast__chan_recv_fn = {
	.poll = coast_chan_recv__coast_poll,
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

/* A poll with COAST_F_CANCEL (C3, C7).  Out of line: the common polls
 * keep fewer registers. */
static __attribute__((noinline)) int chan_cancel(struct chan_frame *c,
						 bool send)
{
	struct coast_chan *ch = c->ch;
	struct waitq *q = send ? &ch->senders : &ch->receivers;
	coast_waker *k = NULL, *drop = NULL;

	chan_lock(ch);
	switch (get_state(&c->w)) {
	case W_LINKED:
		wq_unlink(q, &c->w);
		set_state(&c->w, W_IDLE);
		drop = c->w.waker;
		c->w.waker = NULL;
		break;
	case W_NOTIFIED:
		/* C3: pass the notification on. */
		if (send ? ch->look.closed || has_room(ch) : can_recv(ch))
			k = wq_notify_one(q);
		break;
	case W_HANDING:
		/* The sender's wake follows its HANDED (C6). */
		chan_unlock(ch, NULL);
		return COAST_PENDING;
	case W_HANDED:
		give_back(ch, &c->w);
		return chan_done(c, COAST__ERR(ECANCELED));
	}
	chan_unlock(ch, k);
	coast_waker_drop(drop);
	return chan_done(c, COAST__ERR(ECANCELED));
}

/* poll_wait's linking, with the waker k. */
static inline __attribute__((always_inline)) int
poll_link(struct chan_frame *c, struct coast_chan *ch, coast_waker *k,
	  bool send)
{
	c->w.waker = k;
	if (send && get_state(&c->w) == W_NOTIFIED)
		wq_push_front(&ch->senders, &c->w); /* C2 */
	else
		wq_push(send ? &ch->senders : &ch->receivers, &c->w);
	coast__spin_unlock(&ch->lock); /* nothing changed (C5) */
	c->h.state = CHAN_WAIT;
	return COAST_PENDING;
}

/* poll_wait with a waker of its own: the runner's reference was lent
 * already. */
static __attribute__((noinline)) int poll_wait_ref(struct chan_frame *c,
						   struct coast_chan *ch,
						   struct coast_cx *cx,
						   bool send)
{
	coast__task_ref(cx->task);
	return poll_link(c, ch, (coast_waker *)(void *)cx->task, send);
}

/*
 * A poll that waits, ch (c->ch: passed, not loaded again after the
 * lock's acquire) locked: links the node and releases the lock.  Its
 * waker is coast_waker_get's without the call: almost always the
 * reference its runner lends (task.c rule 9), else made by poll_wait_ref,
 * a tail call (a call that came back here made the poll keep a stack
 * frame on every path).
 */
static inline __attribute__((always_inline)) int
poll_wait(struct chan_frame *c, struct coast_chan *ch, struct coast_cx *cx,
	  bool send)
{
	if (!coast__task_lend_ref(cx->task))
		return poll_wait_ref(c, ch, cx, send);
	return poll_link(c, ch, (coast_waker *)(void *)cx->task, send);
}

/* A poll's try, ch (c->ch) locked, and released. */
static inline __attribute__((always_inline)) int
poll_try(struct chan_frame *c, struct coast_chan *ch, struct coast_cx *cx,
	 bool send)
{
	coast_waker *k = NULL;
	int r;

	if (send && send_handing(ch, c->elem)) {
		c->ret = 0;
		c->h.state = COAST_STATE_DONE;
		return COAST_READY;
	}
	r = send ? try_send(ch, c->elem, &k) : try_recv(ch, c->elem, &k);
	if (r == COAST__ERR(EAGAIN))
		return poll_wait(c, ch, cx, send);
	r = chan_done(c, r); /* first: nothing is live across the wake */
	chan_unlock(ch, k);
	return r;
}

static __attribute__((noinline)) int recv_try(struct chan_frame *c,
					      struct coast_cx *cx)
{
	return poll_try(c, c->ch, cx, false);
}

/* poll_locked's part under ch->lock (c->ch, taken). */
static inline __attribute__((always_inline)) int
poll_lock_held(struct chan_frame *c, struct coast_chan *ch,
	       struct coast_cx *cx, bool send)
{
	if (send)
		return poll_try(c, ch, cx, true);
	/* An open, empty channel: the receive waits without the try, and
	 * without the registers the try needs. */
	if (ch->look.len || ch->look.closed)
		return recv_try(c, cx);
	return poll_wait(c, ch, cx, false);
}

/* poll_locked's lock, contended: taken by spinning. */
static __attribute__((noinline)) int poll_contended(struct chan_frame *c,
						    struct coast_cx *cx,
						    bool send)
{
	coast__spin_lock(&c->ch->lock);
	return poll_lock_held(c, c->ch, cx, send);
}

/*
 * The rest of a poll, the node unlinked (IDLE or NOTIFIED, which hold
 * still): everything under the lock.  Apart, so that the polls that need
 * no lock save no registers; one copy for each side.  A contended lock
 * is poll_contended's, a tail call (see poll_wait).
 */
static inline __attribute__((always_inline)) int
poll_locked(struct chan_frame *c, struct coast_cx *cx, bool send)
{
	struct coast_chan *ch = c->ch;

	if (!ch || !c->elem)
		return chan_done(c, COAST__ERR(EINVAL));
	if (c->h.flags & COAST_F_CANCEL)
		return chan_cancel(c, send);
	if (atomic_exchange_explicit(&ch->lock, true, memory_order_acquire))
		return poll_contended(c, cx, send);
	return poll_lock_held(c, ch, cx, send);
}

static __attribute__((noinline)) int send_locked(struct chan_frame *c,
						 struct coast_cx *cx)
{
	return poll_locked(c, cx, true);
}

static __attribute__((noinline)) int recv_locked(struct chan_frame *c,
						 struct coast_cx *cx)
{
	return poll_locked(c, cx, false);
}

/* A receive handed its element (C6) that copied it: done, and the
 * hand-off settled (C7). */
static inline __attribute__((always_inline)) int
handed_done(struct chan_frame *c, struct coast_chan *ch)
{
	set_state(&c->w, W_IDLE); /* a later poll is READY */
	chan_done(c, 0);
	settle(ch);
	return COAST_READY;
}

/*
 * The same with elem_copy's call, apart (a tail call), so that the common
 * copy (a word, an int) sets up no call.  It returns COAST_READY through
 * an empty asm the compiler cannot see through: returning the constant,
 * clang's IPSCCP made the tail call a call and a move, and the poll then
 * kept a stack frame on every path (2 instructions a poll).
 */
static __attribute__((noinline)) int handed_copy(struct chan_frame *c,
						 struct coast_chan *ch)
{
	int r;

	chan_memcpy(c->elem, c->w.slot, ch->elem_size);
	r = handed_done(c, ch);
	__asm__("" : "+r"(r));
	return r;
}

static inline __attribute__((always_inline)) int
chan_poll(struct coast_frame *f, struct coast_cx *cx, bool send)
{
	struct chan_frame *c = (struct chan_frame *)f;
	struct coast_chan *ch;
	unsigned char st;

	/* Only this poll links the node, so HANDED holds still without
	 * the lock; acquire: the slot's element (C6).  Tested first: it is
	 * the poll after a wait that a hand-off ended, the other polls of a
	 * ping-pong's receives.  A receive done from HANDED leaves the node
	 * IDLE: one store where a test of DONE cost two instructions.  A
	 * first poll's node is idle (the init's and the start's): it goes to
	 * the lock with no test of START. */
	st = get_state(&c->w);
	if (st == W_HANDED && !(f->flags & COAST_F_CANCEL)) {
		ch = c->ch; /* before the copy, which may alias c */
		/* elem_copy's order, its call apart (handed_copy) */
		if (__builtin_expect(ch->elem_size == sizeof(uint64_t), 1))
			memcpy(c->elem, c->w.slot, sizeof(uint64_t));
		else if (ch->elem_size == sizeof(int))
			memcpy(c->elem, c->w.slot, sizeof(int));
		else
			return handed_copy(c, ch);
		return handed_done(c, ch);
	}
	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (!(f->flags & COAST_F_CANCEL) && (st == W_LINKED || st == W_HANDING))
		return COAST_PENDING; /* spurious: still waiting */
	return send ? send_locked(c, cx) : recv_locked(c, cx);
}

COAST_EXTERN int coast_chan_send__coast_poll(struct coast_frame *f,
					     struct coast_cx *cx)
{
	return chan_poll(f, cx, true);
}

COAST_EXTERN int coast_chan_recv__coast_poll(struct coast_frame *f,
					     struct coast_cx *cx)
{
	return chan_poll(f, cx, false);
}

/* coast_chan_recv__coast_first's paths that do not link the waiter at
 * once (a contended lock, NULLs): the waiter idle, then recv_locked's
 * poll.  Apart, a tail call: inline, the NULLs' path made clang keep a
 * stack frame on every path. */
static __attribute__((noinline)) int first_idle(struct chan_frame *c,
						struct coast_cx *cx)
{
	atomic_init(&c->w.state, W_IDLE);
	return recv_locked(c, cx);
}

/* coast_chan_recv__coast_init, then chan_poll's first poll, which knows
 * what the init stored: the channel and destination in registers, and no
 * cancellation (the awaiter, polling, was not cancelled; its frame's was
 * just cleared).  The init's stores but the waiter's state: a wait links
 * the waiter, and only the other paths make it idle first (a store a
 * waiting receive fewer).  NULLs tested one at a time: together clang
 * tested them with two setnes. */
COAST_EXTERN int coast_chan_recv__coast_first(struct coast_chan_op *f,
					      coast_chan *ch, void *elem,
					      struct coast_cx *cx)
{
	struct chan_frame *c = (struct chan_frame *)(void *)f;

	c->h.fn = &coast__chan_recv_fn;
	c->h.state = COAST_STATE_START;
	c->h.flags = 0;
	c->ch = ch;
	c->elem = elem;
	if (!ch)
		return first_idle(c, cx);
	if (!elem)
		return first_idle(c, cx);
	if (atomic_exchange_explicit(&ch->lock, true, memory_order_acquire))
		return first_idle(c, cx);
	if (ch->look.len || ch->look.closed) {
		atomic_init(&c->w.state, W_IDLE);
		return recv_try(c, cx);
	}
	return poll_wait(c, ch, cx, false);
}

/* The start functions' init: the waiter idle, as coast__chan_op_init leaves
 * it. */
static inline __attribute__((always_inline)) struct coast_frame *
chan_init(struct chan_frame *c, coast_chan *ch, void *elem)
{
	if (!c)
		return NULL;
	c->ch = ch;
	c->elem = elem;
	atomic_init(&c->w.state, W_IDLE);
	return &c->h;
}

/* A start whose frame is not bumped from the frame stack's room. */
static __attribute__((noinline)) struct coast_frame *
chan_start_slow(struct coast_alloc *a, const struct coast_fn *fn,
		coast_chan *ch, void *elem)
{
	return chan_init(coast__frame_new(a, fn), ch, elem);
}

/*
 * The frame stack's room tested first, the way coast__frame_alloc does
 * (the compiler folds its test into this one): the common start then
 * makes no call and saves no registers.
 */
static inline __attribute__((always_inline)) struct coast_frame *
chan_start(struct coast_alloc *a, const struct coast_fn *fn, coast_chan *ch,
	   void *elem)
{
	size_t n = coast__frame_round(sizeof(struct chan_frame));

	if (n - 1 >= (size_t)((uintptr_t)a->end - (uintptr_t)a->cur))
		return chan_start_slow(a, fn, ch, elem);
	return chan_init(coast__frame_new(a, fn), ch, elem);
}

COAST_EXTERN struct coast_frame *
coast_chan_send__coast_start(struct coast_alloc *a, coast_chan *ch,
			     const void *elem)
{
	return chan_start(a, &coast__chan_send_fn, ch, (void *)elem);
}

COAST_EXTERN struct coast_frame *
coast_chan_recv__coast_start(struct coast_alloc *a, coast_chan *ch,
			     void *elem)
{
	return chan_start(a, &coast__chan_recv_fn, ch, elem);
}

/*
 * The ready companions (coast/runtime.h): the first poll's try without a
 * frame, ch->lock held (a send's hand-off tried).  On -EAGAIN nothing is
 * linked and nothing woken; the only trace is ch->waiting, which the try
 * of the frame's first poll, next, sets again anyway (C7; a settle that
 * finds it notifies: at worst a spurious poll, C2).
 */
static inline __attribute__((always_inline)) int
chan_ready(struct coast_chan *ch, void *elem, bool send)
{
	coast_waker *k = NULL;
	int r;

	r = send ? try_send(ch, elem, &k) : try_recv(ch, elem, &k);
	if (r == COAST__ERR(EAGAIN))
		r = COAST__CHAN_WAIT;
	/* Only a push or pop that completed wakes: then 0, nothing live
	 * across the wake's call. */
	if (k) {
		chan_unlock(ch, k);
		return 0;
	}
	chan_unlock(ch, NULL);
	return r;
}

static __attribute__((noinline)) int send_ready(coast_chan *ch,
						const void *elem)
{
	return chan_ready(ch, (void *)elem, true);
}

/*
 * The companions' try (coast/runtime.h), ch and elem not NULL, after the
 * inline look found that it may complete; called directly it is right too
 * (the look only saves the lock).  A send's hand-off first, its one call
 * (the wake's) the last thing before the return; the rest, ch->lock held,
 * a tail call.
 */
COAST_EXTERN int coast__chan_send_try(coast_chan *ch, const void *elem)
{
	chan_lock(ch);
	if (send_handing(ch, elem))
		return 0;
	return send_ready(ch, elem);
}

COAST_EXTERN int coast__chan_recv_try(coast_chan *ch, void *elem)
{
	chan_lock(ch);
	return chan_ready(ch, elem, false);
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
		if (send && send_handing(ch, elem))
			return 0;
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
