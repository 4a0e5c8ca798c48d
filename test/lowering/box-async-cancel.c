// A task cancelled 300 levels deep in a box_async recursion awaited through
// its descriptor (coast__poll_known): every level owns a must_destruct
// value, so each await has a drop case of its own, and the levels free
// their frames in LIFO order as they unwind (an out-of-order free aborts;
// the ASan stage checks that none leaks). The bottom sleeps; the task is
// cancelled once it is there, then the same recursion runs to the end.
// RUN: %coast %s %coast-libs -o %t
// RUN: %t | FileCheck %s
#include <coast.h>
#include <stdatomic.h>
#include <stdio.h>

struct token;
void token_drop(struct token *t);
struct token {
  int level;
} must_destruct(token_drop);

static int dropped;
static atomic_int bottom;

void token_drop(struct token *t) {
  (void)t;
  dropped++;
}

box_async int dig(int n, long ms) {
  struct token t = {n};
  if (n == 0) {
    bottom = 1;
    await(coast_sleep_ms(ms));
    token_drop(&t);
    return 0;
  }
  int r = await(dig(n - 1, ms)) + 1;
  token_drop(&t);
  return r;
}

async int run(void) {
  coast_task *t = coast_spawn(dig(300, 60000));
  while (!bottom)
    await(coast_sleep_ms(1));
  coast_cancel(t);
  int r = 0;
  int err = await(coast_join(t, &r));
  printf("cancelled: %d, dropped %d\n", err, dropped);
  dropped = 0;
  r = await(dig(300, 0));
  printf("finished: %d, dropped %d\n", r, dropped);
  return 0;
}

int main(void) {
  // CHECK: cancelled: -125, dropped 301
  // CHECK-NEXT: finished: 300, dropped 301
  return coast_block_on(run());
}
