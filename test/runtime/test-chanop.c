/*
 * test-chanop.c - channel operations embedded in the frame that awaits
 * them (coast/runtime.h's struct coast_chan_op, docs/future-abi.md
 * "Embedded leaves"): initialized in place, polled by a direct call, the
 * result read from the frame, nothing freed.  A body written as the
 * lowering writes one, whose site says COAST_CHILD_EMBEDDED with a NULL
 * subs entry, is cancelled through the runtime's shared drop path while
 * parked on a send or a receive (its waiter unlinked: nothing lost,
 * nothing received twice, the channel usable after) and dumped while
 * parked (the await's file:line:col, then the leaf's name), with
 * several workers, under TSan and ASan; a receive's first poll also
 * through coast_chan_recv__coast_first, its init and first poll in one
 * call, as the lowering makes it.
 */
#include <stdatomic.h>
#include <unistd.h>

#include "test.h"

/* A site as the lowering writes it: the line and column of the await,
 * the embedded sub-future's index in subs, EMBEDDED. */
#define OP_LINE 4242u
#define OP_COL 7u
#define OP_SITE                                                         \
	((coast_site)OP_LINE << 32 | (coast_site)OP_COL << 18 |           \
	 COAST_CHILD_EMBEDDED)

/*
 * The body of
 *
 *	async int chan_op(coast_chan *ch, int *elem, int send)
 *	{ return await(send ? coast_chan_send(ch, elem)
 *			    : coast_chan_recv(ch, elem)); }
 *
 * as the plugin lowers it (one await, a shared drop path).
 */
/* What op_body awaits: OP_RECV_FIRST is a receive through its first. */
enum { OP_RECV, OP_SEND, OP_RECV_FIRST };

struct op_body {
	struct coast_head h;
	coast_chan *ch;
	int *elem;
	int send; /* OP_* */
	int ret;
	union {
		struct coast_chan_op s1;
	} aw;
};

struct op_heap {
	struct coast_frame b;
	struct op_body f;
};

static int op_body_poll(struct coast_head *h, struct coast_cx *cx);

static const coast_site op_sites[] = { OP_SITE };
/* NULL: the sub-future at child_offset has its own struct coast_frame. */
static const struct coast_fn *const op_subs[] = { NULL };

static const struct coast_fn op_fn = {
	.poll = coast__heap_poll,
	.size = sizeof(struct op_heap),
	.ret_offset = offsetof(struct op_heap, f.ret),
	.ret_size = sizeof(int),
	.name = "chan_op",
	.file = __FILE__,
	.sites = op_sites,
	.nsites = 1,
	.body_poll = op_body_poll,
	.body_offset = offsetof(struct op_heap, f),
	.child_offset = offsetof(struct op_body, aw),
	.subs = op_subs,
};

static _Atomic int op_parked; /* first polls that returned PENDING */

static int op_body_poll(struct coast_head *h, struct coast_cx *cx)
{
	struct op_body *b = (struct op_body *)h;
	struct coast_chan_op *op = &b->aw.s1;
	int r;

	if (h->flags & COAST_F_CANCEL)
		return coast__drop_child(h, &op_fn, cx);
	switch (h->state) {
	case COAST_STATE_START:
		/* The init stores only what it must: the first poll sets the
		 * rest, whatever the union held before. */
		memset(op, 0xa5, sizeof(*op));
		h->state = 1;
		if (b->send == OP_SEND) {
			coast_chan_send__coast_init(op, b->ch, b->elem);
			r = coast_chan_send__coast_poll(&op->__h, cx);
		} else if (b->send == OP_RECV) {
			coast_chan_recv__coast_init(op, b->ch, b->elem);
			r = coast_chan_recv__coast_poll(&op->__h, cx);
		} else {
			r = coast_chan_recv__coast_first(op, b->ch, b->elem,
							 cx);
		}
		if (r != COAST_READY) {
			atomic_fetch_add(&op_parked, 1);
			return r;
		}
		break;
	case 1:
		r = b->send == OP_SEND
			    ? coast_chan_send__coast_poll(&op->__h, cx)
			    : coast_chan_recv__coast_poll(&op->__h, cx);
		if (r != COAST_READY)
			return r;
		break;
	default:
		return COAST_READY;
	}
	b->ret = op->__ret;
	h->state = COAST_STATE_DONE;
	return COAST_READY;
}

static coast_task *op_spawn(coast_chan *ch, int *elem, int send)
{
	struct op_heap *f = coast__frame_new(&coast__task_alloc, &op_fn);

	ASSERT(f);
	f->f.h.state = COAST_STATE_START;
	f->f.h.flags = 0;
	f->f.ch = ch;
	f->f.elem = elem;
	f->f.send = send;
	return test_spawn(&f->b);
}

static int nothing(struct coast_cx *cx, void *p, int n)
{
	(void)cx;
	(void)p;
	return n;
}

/* The workers, started: tasks spawned before the first block_on wait for
 * it, and these tests spawn from the main thread and watch. */
static void start_workers(void)
{
	test_workers(2);
	ASSERT_EQ(test_block_on_int(test_leaf_start(&coast__task_alloc,
						    nothing, NULL, 0)),
		  0);
}

static bool parked_is(const void *n)
{
	return atomic_load(&op_parked) == *(const int *)n;
}

/*
 * How many frames of a dump of every task show the await's site in
 * chan_op (*sites) and the leaf by name (*leaves).  Read back from a
 * temporary file that stands in for stderr.
 */
static void dump_count(const char *leaf, int *sites, int *leaves)
{
	char line[512], site[128], want[128];
	FILE *tmp = tmpfile();
	int saved;

	ASSERT(tmp);
	fflush(stderr);
	saved = dup(2);
	ASSERT(saved >= 0);
	ASSERT(dup2(fileno(tmp), 2) == 2);
	coast_dump_tasks();
	fflush(stderr);
	ASSERT(dup2(saved, 2) == 2);
	close(saved);
	snprintf(site, sizeof(site), "test-chanop.c:%u:%u in chan_op\n",
		 OP_LINE, OP_COL);
	snprintf(want, sizeof(want), "    %s\n", leaf);
	*sites = *leaves = 0;
	rewind(tmp);
	while (fgets(line, sizeof(line), tmp)) {
		*sites += strstr(line, site) != NULL;
		*leaves += !strcmp(line, want);
	}
	fclose(tmp);
}

/*
 * The dump of n tasks parked on the embedded operation: each shows the
 * await's site, then the leaf.  Until every runner has let its task go
 * (a task still RUNNING is listed without its frames).
 */
static void dump_expect(int n, const char *leaf)
{
	double t0 = test_now_ms();
	int sites, leaves;

	for (;;) {
		dump_count(leaf, &sites, &leaves);
		if (sites == n && leaves == n)
			return;
		ASSERT(sites <= n && leaves <= n);
		ASSERT_WITHIN(t0, "a dump of every parked task");
	}
}

enum { N = 8, K = 3 };

/*
 * N receives parked on an empty channel, dumped, K elements sent, all
 * cancelled: every element is received once, by a receive that answered
 * 0 or from the channel after the close; none twice.
 */
static int cancel_parked_recv(int how)
{
	coast_chan *ch = coast_chan_new(4, sizeof(int));
	coast_task *t[N];
	int got[N], seen[K] = { 0 }, n = N, i, v, r;

	start_workers();
	ASSERT(ch);
	for (i = 0; i < N; i++) {
		got[i] = -1;
		t[i] = op_spawn(ch, &got[i], how);
	}
	ASSERT(test_wait(parked_is, &n));
	ASSERT_EQ(coast__chan_waiters(ch), N);
	dump_expect(N, "coast_chan_recv");
	for (v = 0; v < K; v++)
		ASSERT_EQ(coast_chan_send(ch, &v), 0);
	for (i = 0; i < N; i++)
		coast_cancel(t[i]);
	for (i = 0; i < N; i++) {
		r = test_join_int(t[i]);
		if (r == 0) {
			ASSERT(got[i] >= 0 && got[i] < K);
			seen[got[i]]++;
		} else {
			ASSERT_EQ(r, -ECANCELED);
			ASSERT_EQ(got[i], -1);
		}
	}
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	/* The channel is usable: what is left comes out in order. */
	v = 77;
	ASSERT_EQ(coast_chan_send(ch, &v), 0);
	ASSERT_EQ(coast_chan_close(ch), 0);
	while ((r = coast_chan_recv(ch, &v)) == 0 && v != 77) {
		ASSERT(v >= 0 && v < K);
		seen[v]++;
	}
	ASSERT_EQ(r, 0);
	ASSERT_EQ(coast_chan_recv(ch, &v), -EPIPE);
	for (v = 0; v < K; v++)
		ASSERT_EQ(seen[v], 1);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

TEST_IMPL(chanop_cancel_parked_recv)
{
	return cancel_parked_recv(OP_RECV);
}

TEST_IMPL(chanop_cancel_parked_recv_first)
{
	return cancel_parked_recv(OP_RECV_FIRST);
}

/*
 * A full channel, N sends parked on it, dumped, K elements received, all
 * cancelled: the elements received and those left are the first ones
 * and the sends that answered 0, each once; a cancelled send's element is
 * never received.
 */
TEST_IMPL(chanop_cancel_parked_send)
{
	enum { CAP = 2 };
	coast_chan *ch = coast_chan_new(CAP, sizeof(int));
	coast_task *t[N];
	int vals[N], seen[CAP + N] = { 0 }, sent[N], n = N, i, v, r;

	start_workers();
	ASSERT(ch);
	for (v = 0; v < CAP; v++)
		ASSERT_EQ(coast_chan_send(ch, &v), 0);
	for (i = 0; i < N; i++) {
		vals[i] = CAP + i;
		t[i] = op_spawn(ch, &vals[i], OP_SEND);
	}
	ASSERT(test_wait(parked_is, &n));
	ASSERT_EQ(coast__chan_waiters(ch), N);
	dump_expect(N, "coast_chan_send");
	for (i = 0; i < K; i++) {
		ASSERT_EQ(coast_chan_recv(ch, &v), 0);
		ASSERT(v >= 0 && v < CAP + N);
		seen[v]++;
	}
	for (i = 0; i < N; i++)
		coast_cancel(t[i]);
	for (i = 0; i < N; i++) {
		r = test_join_int(t[i]);
		ASSERT(r == 0 || r == -ECANCELED);
		sent[i] = r == 0;
	}
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	ASSERT_EQ(coast_chan_close(ch), 0);
	while (coast_chan_recv(ch, &v) == 0) {
		ASSERT(v >= 0 && v < CAP + N);
		seen[v]++;
	}
	for (v = 0; v < CAP; v++)
		ASSERT_EQ(seen[v], 1);
	for (i = 0; i < N; i++)
		ASSERT_EQ(seen[CAP + i], sent[i]);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

/*
 * Ping-pong through embedded operations on two workers, with wakes from
 * the other side (hand-offs): every value arrives once, in order.
 */
static int ping_pong(int how)
{
	enum { ROUNDS = 2000 };
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	coast_task *t;
	int got, i, v;

	start_workers();
	ASSERT(ch);
	for (i = 0; i < ROUNDS; i++) {
		got = -1;
		t = op_spawn(ch, &got, how);
		v = i;
		ASSERT_EQ(coast_chan_send(ch, &v), 0);
		ASSERT_EQ(test_join_int(t), 0);
		ASSERT_EQ(got, i);
	}
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}

TEST_IMPL(chanop_ping_pong)
{
	return ping_pong(OP_RECV);
}

TEST_IMPL(chanop_ping_pong_first)
{
	return ping_pong(OP_RECV_FIRST);
}

/*
 * A receive's first that completes at once, called as the lowering calls
 * it (its frame's memory dirty, here with bytes that read as HANDED): an
 * element there, a closed empty channel, NULLs; each READY, the frame
 * done and describing itself, a poll after it READY with nothing copied
 * (its waiter made idle: first links it only when it waits).
 */
static int recv_first(struct coast_cx *cx, void *p, int n)
{
	coast_chan *ch = coast_chan_new(2, sizeof(int));
	struct coast_chan_op op;
	int v = 5, got = -1;

	(void)p, (void)n;
	ASSERT(ch);
	ASSERT_EQ(coast_chan_send(ch, &v), 0);
	memset(&op, 4, sizeof(op));
	ASSERT_EQ(coast_chan_recv__coast_first(&op, ch, &got, cx), COAST_READY);
	ASSERT_EQ(op.__ret, 0);
	ASSERT_EQ(got, 5);
	ASSERT_EQ(op.__h.state, COAST_STATE_DONE);
	ASSERT(op.__h.fn == &coast__chan_recv_fn);
	got = -1;
	ASSERT_EQ(coast_chan_recv__coast_poll(&op.__h, cx), COAST_READY);
	ASSERT_EQ(got, -1);
	ASSERT_EQ(coast_chan_close(ch), 0);
	memset(&op, 0xa5, sizeof(op));
	ASSERT_EQ(coast_chan_recv__coast_first(&op, ch, &got, cx), COAST_READY);
	ASSERT_EQ(op.__ret, -EPIPE);
	memset(&op, 4, sizeof(op));
	ASSERT_EQ(coast_chan_recv__coast_first(&op, NULL, &got, cx),
		  COAST_READY);
	ASSERT_EQ(op.__ret, -EINVAL);
	ASSERT_EQ(coast_chan_recv__coast_poll(&op.__h, cx), COAST_READY);
	ASSERT_EQ(got, -1);
	memset(&op, 0xa5, sizeof(op));
	ASSERT_EQ(coast_chan_recv__coast_first(&op, ch, NULL, cx), COAST_READY);
	ASSERT_EQ(op.__ret, -EINVAL);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
	return 0;
}

TEST_IMPL(chanop_recv_first_ready)
{
	ASSERT_EQ(test_block_on_int(test_leaf_start(&coast__task_alloc,
						    recv_first, NULL, 0)),
		  0);
	return 0;
}

/*
 * An operation embedded where the last one ended NOTIFIED (a send that
 * was woken for room and then sent: the next await of a loop reuses its
 * union member) starts over: its first poll links it behind the senders
 * already waiting, not at the front, where C2 puts only a notified
 * sender that lost the room.  Fails if the init leaves the waiter's
 * state as it was and the first poll does not reset it.
 */
static void reused_send(struct coast_cx *cx)
{
	coast_chan *ch = coast_chan_new(1, sizeof(int));
	struct coast_chan_op op;
	struct coast_frame *b;
	int v0 = 0, v1 = 1, v2 = 2, v3 = 3, got = -1;

	ASSERT_EQ(coast_chan_send(ch, &v0), 0); /* full */
	coast_chan_send__coast_init(&op, ch, &v1);
	ASSERT_EQ(coast_chan_send__coast_poll(&op.__h, cx), COAST_PENDING);
	ASSERT_EQ(coast_chan_recv(ch, &got), 0); /* notifies op */
	ASSERT_EQ(got, 0);
	ASSERT_EQ(coast_chan_send__coast_poll(&op.__h, cx), COAST_READY);
	ASSERT_EQ(op.__ret, 0);

	b = COAST_START(coast_chan_send)(cx->frames, ch, &v2);
	ASSERT(b);
	ASSERT_EQ(test_poll(b, cx), COAST_PENDING); /* first in line */
	coast_chan_send__coast_init(&op, ch, &v3);
	ASSERT_EQ(coast_chan_send__coast_poll(&op.__h, cx), COAST_PENDING);
	ASSERT_EQ(coast__chan_waiters(ch), 2);

	ASSERT_EQ(coast_chan_recv(ch, &got), 0); /* notifies the first */
	ASSERT_EQ(got, 1);
	ASSERT_EQ(test_poll(b, cx), COAST_READY);
	ASSERT_EQ(COAST_RESULT(int, b), 0);
	test_free(cx, b);
	ASSERT_EQ(coast_chan_recv(ch, &got), 0);
	ASSERT_EQ(got, 2);
	ASSERT_EQ(coast_chan_send__coast_poll(&op.__h, cx), COAST_READY);
	ASSERT_EQ(op.__ret, 0);
	ASSERT_EQ(coast_chan_recv(ch, &got), 0);
	ASSERT_EQ(got, 3);
	ASSERT_EQ(coast__chan_waiters(ch), 0);
	coast_chan_free(ch);
}

TEST_SCRIPT(chanop_reused_send, reused_send)
