// An await of a frame-stack callee whose descriptor only its frame knows
// (declared but not lowered above, a function pointer's box(...), a race,
// the runtime's leaves) is one call, coast__poll_take: the poll, the result
// stored through its third argument (NULL for a void callee) and the
// frame given back; a start function's NULL is reported there, by name, not
// tested after the start. One whose callee is known, or has a ready companion (the
// channels), keeps coast__poll_child, the result and coast__frame_free
// inline. The programs print what the one built without the plugin prints,
// a recursion through taken awaits deeper than COAST_POLL_DEPTH included.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// LOWERED-LABEL: static int pong__coast_poll(struct coast_head *__coast_h
// LOWERED: __typeof_unqual__(pong__coast_result1) __coast_r; __co->__aw.p1 = ping__coast_start(__cx->frames, n - 1); __co->__h.state = 1;
// LOWERED-SAME: coast__poll_take(__co->__aw.p1, __cx, &__coast_r, "ping")) != COAST_READY)
// LOWERED-NOT: coast__frame_free
// LOWERED-LABEL: static int ping__coast_poll(struct coast_head *__coast_h
// LOWERED: coast__poll_known(__co->__aw.p1, __cx, &pong__coast_fn)
// LOWERED-SAME: coast__frame_free(
// LOWERED-LABEL: static int forms__coast_poll(struct coast_head *__coast_h
// LOWERED: coast__poll_take(__co->__aw.p1, __cx, &__coast_r, "later")
// LOWERED: coast__poll_take(__co->__aw.p2, __cx, 0, "bump")
// LOWERED: coast__poll_take(__co->__aw.p3, __cx, &__coast_r, "function pointer")
// LOWERED: coast__poll_take(__co->__aw.p4, __cx, &__coast_r, "coast_sleep_ms")
// LOWERED: coast__poll_take(__co->__aw.p5, __cx, &__coast_r, 0)
// LOWERED: coast_chan_send__coast_ready(
// LOWERED-SAME: coast__poll_child(__co->__aw.p6, __cx)
// LOWERED-SAME: coast__frame_free(
// LOWERED: coast_chan_recv__coast_ready(
// LOWERED-SAME: coast__poll_child(__co->__aw.p7, __cx)
// LOWERED-SAME: coast__frame_free(
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
  return 0;
}
