/*
 * sleep.c - coast_sleep_ms: the async leaf future and its blocking version.
 *
 * The future arms a runtime timer (reactor.c) holding a waker of the
 * sleeping task and completes once the timer has fired.  It is written
 * exactly as lowered code would be: a frame starting with struct
 * coast_frame, a static struct coast_fn, and the start function the plugin
 * calls for await(coast_sleep_ms(ms)).
 *
 * States: START (unarmed, owns nothing), SLEEP_WAIT (armed: the timer owns
 * a waker until it fires or is cancelled), DONE.  Cancellation (rule 4 of
 * future.h) in SLEEP_WAIT disarms the timer and drops the waker it owned;
 * if the timer fired meanwhile, the driver has already consumed the waker.
 *
 * The blocking coast_sleep_ms is what programs built without the plugin
 * call: it sleeps the thread.
 */
#include <stdlib.h>
#include <time.h>

#define COAST_NO_KEYWORDS
#include "coast.h"
#include "internal.h"

enum { SLEEP_WAIT = 1 };

struct sleep_frame {
	struct coast_frame h;
	int ret;
	uint64_t ms;
	struct coast__timer timer;
};

static int sleep_poll(struct coast_frame *f, struct coast_cx *cx);

static const struct coast_fn sleep_fn = {
	.poll = sleep_poll,
	.child = coast__no_child,
	.size = sizeof(struct sleep_frame),
	.ret_offset = offsetof(struct sleep_frame, ret),
	.ret_size = sizeof(int),
	.name = "coast_sleep_ms",
	.file = __FILE__,
};

static int sleep_done(struct sleep_frame *s, int ret)
{
	s->ret = ret;
	s->h.state = COAST_STATE_DONE;
	return COAST_READY;
}

static int sleep_poll(struct coast_frame *f, struct coast_cx *cx)
{
	struct sleep_frame *s = (struct sleep_frame *)f;
	coast_waker *w;
	uint64_t now;
	int r;

	if (f->flags & COAST_F_CANCEL) {
		if (f->state == SLEEP_WAIT)
			coast_waker_drop(coast__timer_cancel(&s->timer));
		return sleep_done(s, COAST__ERR(ECANCELED));
	}
	switch (f->state) {
	case COAST_STATE_START:
		if (s->ms == 0)
			return sleep_done(s, 0);
		now = coast__now_ms();
		w = coast_waker_get(cx);
		r = coast__timer_start(&s->timer,
				       s->ms > UINT64_MAX - now ? UINT64_MAX
								: now + s->ms,
				       w);
		if (r) {
			coast_waker_drop(w);
			return sleep_done(s, r);
		}
		f->state = SLEEP_WAIT;
		return COAST_PENDING;
	case SLEEP_WAIT:
		/* A spurious poll leaves the timer armed with our waker. */
		if (!coast__timer_fired(&s->timer))
			return COAST_PENDING;
		return sleep_done(s, 0);
	case COAST_STATE_DONE:
		return COAST_READY;
	default:
		abort(); /* a state this function never sets */
	}
}

COAST_EXTERN struct coast_frame *
coast_sleep_ms__coast_start(struct coast_alloc *a, uint64_t ms)
{
	struct sleep_frame *s = coast__frame_new(a, &sleep_fn);

	if (!s)
		return NULL;
	s->ret = 0;
	s->ms = ms;
	coast__timer_init(&s->timer);
	return &s->h;
}

COAST_EXTERN int coast_sleep_ms(uint64_t ms)
{
	struct timespec ts, rem;

	if (ms / 1000u > (uint64_t)INT32_MAX)
		ms = (uint64_t)INT32_MAX * 1000u; /* ~68 years; keeps time_t sane */
	ts.tv_sec = (time_t)(ms / 1000u);
	ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
	return 0;
}
