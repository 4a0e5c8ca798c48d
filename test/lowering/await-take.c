// An await of a runtime leaf (a frame-stack callee whose name starts with
// coast_ and that has no ready companion: the sleeps, the I/O calls) or of
// a race is one call, coast__poll_take: the poll, the result stored through
// its third argument and the frame given back; a start function's NULL is
// reported there, by name, not tested after the start. The user's own
// callees (declared but not lowered above, another file's, a function
// pointer's box(...)), known ones and those with a ready companion (join,
// the mutex) keep the poll, the result and coast__frame_free inline:
// through coast__poll_take each of those awaits cost ~40 instructions more;
// the channels' frames are embedded (chan-embedded.c). So does
// a leaf whose result is _Atomic (wider than the __typeof_unqual__ the call
// stores it in: a stack overflow). The programs print what the one built
// without the plugin prints, a recursion deeper than COAST_POLL_DEPTH
// included.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// LOWERED-LABEL: static int pong__coast_poll(struct coast_head *__coast_h
// LOWERED: __co->__aw.p1 = ping__coast_start(__cx->frames, n - 1); if (!__co->__aw.p1) coast__out_of_frames("ping");
// LOWERED-SAME: coast__poll_child(__co->__aw.p1, __cx)
// LOWERED-SAME: coast__frame_free(
// LOWERED-LABEL: static int ping__coast_poll(struct coast_head *__coast_h
// LOWERED: coast__poll_known(__co->__aw.p1, __cx, &pong__coast_fn)
// LOWERED-SAME: coast__frame_free(
// LOWERED-LABEL: static int forms__coast_poll(struct coast_head *__coast_h
// LOWERED: coast__poll_child(__co->__aw.p1, __cx)
// LOWERED: coast__poll_child(__co->__aw.p2, __cx)
// LOWERED: coast__poll_child(__co->__aw.p3, __cx)
// LOWERED: coast__poll_take(__co->__aw.p4, __cx, &__coast_r, "coast_sleep_ms")
// LOWERED: coast__poll_take(__co->__aw.p5, __cx, &__coast_r, 0)
// LOWERED: coast_chan_send__coast_ready(
// LOWERED-SAME: coast_chan_send__coast_poll(&__co->__aw.s6.__h, __cx)
// LOWERED-NOT: coast__frame_free(
// LOWERED: coast_chan_recv__coast_ready(
// LOWERED-SAME: coast_chan_recv__coast_poll(&__co->__aw.s7.__h, __cx)
// LOWERED-NOT: coast__frame_free(
// LOWERED-LABEL: static int atomic_user__coast_poll(struct coast_head *__coast_h
// LOWERED-NOT: coast__poll_take
// LOWERED: coast__poll_child(__co->__aw.p1, __cx)
// LOWERED-NOT: coast__poll_take
// LOWERED-LABEL: static int coast_s5__coast_poll(
#include <coast.h>
#include <stdio.h>

struct pair {
  const int tag;
  long v;
};

box_async long ping(long n);

box_async long pong(long n) {
  if (n == 0)
    return 0;
  return await(ping(n - 1)) + 1;
}

box_async long ping(long n) {
  if (n == 0)
    return 0;
  return await(pong(n - 1)) + 2;
}

box_async struct pair later(long v);
box_async void bump(long *p);
box_async int twice(int x) { return 2 * x; }

async long forms(async int (*fp)(int)) {
  struct pair p = await(later(40));
  long k = 1;
  await(bump(&k));
  int t = await(box(fp(21)));
  int s = await(coast_sleep_ms(0));
  int out = 0;
  int r = await(coast_timeout(1000, twice(4), &out));
  coast_chan *ch = coast_chan_new(1, sizeof(int));
  int one = 7, got = 0;
  int sent = await(coast_chan_send(ch, &one));
  int recv = await(coast_chan_recv(ch, &got));
  coast_chan_free(ch);
  printf("tag %d v %ld k %ld t %d s %d r %d out %d sent %d recv %d got %d\n",
         p.tag, p.v, k, t, s, r, out, sent, recv, got);
  return p.v + k + t;
}

/* 5 bytes, 8 as _Atomic (lock-free: no libatomic). Named as a runtime leaf; defined below, after
 * its awaiter, so that the awaiter does not know its descriptor. */
struct s5 {
  char a[5];
};
box_async _Atomic(struct s5) coast_s5(int x);

async int atomic_user(void) {
  _Atomic(struct s5) v = await(coast_s5(1));
  struct s5 w = v;
  printf("%.5s %zu\n", w.a, sizeof v);
  return 0;
}

box_async _Atomic(struct s5) coast_s5(int x) {
  struct s5 s;
  for (int i = 0; i < 5; i++)
    s.a[i] = (char)('a' + x);
  await(coast_yield());
  return s;
}

box_async struct pair later(long v) {
  struct pair p = {3, v + 1};
  return p;
}

box_async void bump(long *p) { ++*p; }

int main(void) {
  // CHECK: ping 30002
  printf("ping %ld\n", coast_block_on(ping(20001)));
  // CHECK-NEXT: tag 3 v 41 k 2 t 42 s 0 r 0 out 8 sent 0 recv 0 got 7
  // CHECK-NEXT: forms 85
  printf("forms %ld\n", coast_block_on(forms(twice)));
  // CHECK-NEXT: bbbbb 8
  return coast_block_on(atomic_user());
}
