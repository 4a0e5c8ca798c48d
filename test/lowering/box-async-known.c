// A box_async callee lowered above in the same file, or the function
// itself, is awaited through its descriptor, a constant: its body's poll
// called directly (coast__poll_known), its result and frame size read from
// depth__coast_fn. One lowered below it is not declared yet where it is
// awaited: it goes through the frame's own descriptor, like another
// file's callee. Both print what the program built without the plugin
// prints.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// LOWERED: static const struct coast_fn depth__coast_fn = {
// LOWERED: coast__poll_known(__co->__aw.p1, __cx, &depth__coast_fn)
// LOWERED-SAME: (&depth__coast_fn)->ret_offset
// LOWERED-SAME: coast__frame_free(__cx->frames, __co->__aw.p1, (&depth__coast_fn)->size);
// LOWERED: struct coast_frame *halves__coast_start(
// LOWERED-NOT: coast__poll_known
// LOWERED: coast__poll_child(__co->__aw.p1, __cx)
// LOWERED-SAME: (__co->__aw.p1->fn)->ret_offset
// LOWERED-SAME: coast__frame_free(__cx->frames, __co->__aw.p1, (__co->__aw.p1->fn)->size);
// LOWERED: static const struct coast_fn halves__coast_fn = {
// LOWERED: coast__poll_known(__co->__aw.p1, __cx, &halves__coast_fn)
// LOWERED: coast__poll_known(__co->__aw.p1, __cx, &depth__coast_fn)
// The start function takes its frame inline from the frame stack
// (coast__frame_new, which bumps the frame stack with coast__frame_alloc).
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=START
// START: struct coast_frame *depth__coast_start(struct coast_alloc *__a, {{.*}} *__w = (struct depth__coast_heap *)coast__frame_new(__a, &depth__coast_fn);
// At -O2 a known callee's body poll is a direct call (its descriptor's
// body_poll folded, no call through coast__heap_poll); a callee not known
// yet is polled through its frame's descriptor, an indirect call.
// RUN: %coast -O2 -S -emit-llvm %s -o %t.ll
// RUN: FileCheck %s --check-prefix=IR < %t.ll
// IR-LABEL: define internal i32 @depth__coast_poll(
// IR-NOT: {{call i32 %|call i32 @coast__heap_poll}}
// IR: call i32 @depth__coast_poll(
// IR-NOT: {{call i32 %|call i32 @coast__heap_poll}}
// IR-LABEL: define internal i32 @before__coast_poll(
// IR: call i32 %
#include <coast.h>
#include <stdio.h>

struct wide {
  long a, b, c;
};

box_async int depth(int n) {
  if (n == 0)
    return 0;
  int below = await(depth(n - 1));
  return below + 1;
}

box_async struct wide halves(long n);

async long before(long n) {
  struct wide w = await(halves(n));
  return w.a + w.b + w.c;
}

box_async struct wide halves(long n) {
  struct wide w = {n, 0, 0};
  if (n > 1) {
    w = await(halves(n / 2));
    w.b += n;
  }
  w.c += await(depth((int)(n % 7)));
  return w;
}

async long total(void) {
  long s = 0;
  for (int i = 0; i < 40; i++)
    s += await(depth(i)) + await(before(i * 1000003L));
  return s;
}

int main(void) {
  // CHECK: depth 5000
  printf("depth %d\n", coast_block_on(depth(5000)));
  // CHECK-NEXT: total 1560007708
  printf("total %ld\n", coast_block_on(total()));
  return 0;
}
