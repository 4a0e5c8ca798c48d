/*
 * oneshot.c - one value from one side to the other: coast_oneshot_new,
 * send, close, free, the async coast_oneshot_recv and its blocking version
 * for programs built without the plugin.
 *
 * A mutex, a state and one receiver's waker; the value is copied in at
 * send and out at recv.  send never waits (there is room for exactly one
 * value), so it is a plain function any thread may call.
 *
 * Protocol (o->lock guards every field)
 *  O1. States: EMPTY -> FULL (send) -> TAKEN (a recv returned it), and
 *      EMPTY -> CLOSED (close without a value).  A close of a FULL oneshot
 *      only stops further sends: the value is still delivered.
 *  O2. One receiver at a time: a recv that finds another registered
 *      returns -EBUSY.  A registered receiver holds its task's waker in
 *      o->waiter; send and close take it and wake it (C4 of chan.c: a wake
 *      only takes run-queue locks, so waking under o->lock is safe).
 *  O3. A cancelled recv drops its waker if it is still registered and
 *      takes nothing: the value stays for the next recv.  A recv that
 *      returned 0 took the value (TAKEN): it is never undone.
 *  O4. Blocked threads (the blocking recv) wait on o->cond; send and close
 *      broadcast it.
 */
#include <stdlib.h>
#include <string.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

enum { OS_EMPTY, OS_FULL, OS_TAKEN, OS_CLOSED };

struct coast_oneshot {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* O4 */
	int state;
	bool send_closed; /* close came after a send: the value stays */
	coast_waker *waiter;
	void *owner; /* the frame whose waker is waiter */
	size_t size;
	unsigned char value[];
};

COAST_EXTERN coast_oneshot *coast_oneshot_new(size_t size)
{
	struct coast_oneshot *o;

	if (size > SIZE_MAX - sizeof(*o)) {
		errno = ENOMEM;
		return NULL;
	}
	o = calloc(1, sizeof(*o) + size);
	if (!o)
		return NULL;
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->cond, NULL);
	o->state = OS_EMPTY;
	o->size = size;
	return o;
}

/* Under o->lock: the receiver may look again. */
static void changed(struct coast_oneshot *o)
{
	coast_waker *w = o->waiter;

	o->waiter = NULL;
	o->owner = NULL;
	coast_waker_wake(w);
	pthread_cond_broadcast(&o->cond);
}

COAST_EXTERN int coast_oneshot_send(coast_oneshot *o, const void *value)
{
	int err = 0;

	if (!o || (o->size && !value))
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&o->lock);
	if (o->state == OS_EMPTY) {
		memcpy(o->value, value, o->size);
		o->state = OS_FULL;
		changed(o);
	} else {
		err = o->state == OS_CLOSED || o->send_closed
			      ? COAST__ERR(EPIPE)
			      : COAST__ERR(EALREADY);
	}
	pthread_mutex_unlock(&o->lock);
	return err;
}

COAST_EXTERN int coast_oneshot_close(coast_oneshot *o)
{
	if (!o)
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&o->lock);
	if (o->state == OS_EMPTY) {
		o->state = OS_CLOSED;
		changed(o);
	} else {
		o->send_closed = true;
	}
	pthread_mutex_unlock(&o->lock);
	return 0;
}

COAST_EXTERN void coast_oneshot_free(coast_oneshot *o)
{
	if (!o)
		return;
	coast_waker_drop(o->waiter); /* a bug of the caller's, made harmless */
	pthread_cond_destroy(&o->cond);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

/* Under o->lock: 0 with the value, -EPIPE, or 1 while it must wait. */
static int try_take(struct coast_oneshot *o, void *out)
{
	switch (o->state) {
	case OS_FULL:
		if (out)
			memcpy(out, o->value, o->size);
		o->state = OS_TAKEN;
		return 0;
	case OS_EMPTY:
		return 1;
	default: /* TAKEN: the value went to an earlier recv */
		return COAST__ERR(EPIPE);
	}
}

/* --------------------------------------------------------- the future */

enum { RECV_WAIT = 1 };

struct recv_frame {
	struct coast_frame h;
	int ret;
	coast_oneshot *o;
	void *out;
};

static int recv_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn recv_fn = {
	.poll = recv_poll,
	.child = coast__no_child,
	.size = sizeof(struct recv_frame),
	.ret_offset = offsetof(struct recv_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_oneshot_recv",
	.file = __FILE__,
};

static int recv_done(struct recv_frame *r, int ret)
{
	r->ret = ret;
	r->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

static int recv_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct recv_frame *r = (struct recv_frame *)f;
	struct coast_oneshot *o = r->o;
	coast_waker *mine = NULL;
	int ret;

	if (f->state == COAST_STATE_DONE)
		return COAST_READY;
	if (!o)
		return recv_done(r, COAST__ERR(EINVAL));
	pthread_mutex_lock(&o->lock);
	if (f->flags & COAST_F_CANCEL) {
		/* O3 */
		if (o->owner == r) {
			mine = o->waiter;
			o->waiter = NULL;
			o->owner = NULL;
		}
		pthread_mutex_unlock(&o->lock);
		coast_waker_drop(mine);
		return recv_done(r, COAST__ERR(ECANCELED));
	}
	ret = try_take(o, r->out);
	if (ret == 1 && o->owner != r) {
		if (o->owner) {
			ret = COAST__ERR(EBUSY); /* O2 */
		} else {
			o->waiter = coast_waker_get(cx);
			o->owner = r;
		}
	}
	if (ret != 1 && o->owner == r) {
		mine = o->waiter;
		o->waiter = NULL;
		o->owner = NULL;
	}
	pthread_mutex_unlock(&o->lock);
	coast_waker_drop(mine);
	if (ret == 1) {
		f->state = RECV_WAIT;
		return COAST_PENDING;
	}
	return recv_done(r, ret);
}

COAST_EXTERN struct coast_frame *
coast_oneshot_recv__coast_start(struct coast_alloc *a, coast_oneshot *o,
				void *out)
{
	struct recv_frame *r = coast__frame_new(a, &recv_fn);

	if (!r)
		return NULL;
	r->ret = 0;
	r->o = o;
	r->out = out;
	return &r->h;
}

COAST_EXTERN int coast_oneshot_recv(coast_oneshot *o, void *out)
{
	int ret;

	if (!o)
		return COAST__ERR(EINVAL);
	pthread_mutex_lock(&o->lock);
	while ((ret = try_take(o, out)) == 1)
		pthread_cond_wait(&o->cond, &o->lock);
	pthread_mutex_unlock(&o->lock);
	return ret;
}
