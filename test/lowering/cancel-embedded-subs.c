// Cancels a task at each suspension point of `mid`, a caller with no drop
// code of its own (it owns nothing), so each point's drop path is the
// runtime's coast__drop_child: several distinct embedded callees (its
// fn->subs, one awaited twice, one nesting another), a yield, a frame-stack
// callee defined later, a box(...) call, a race and an async function
// pointer called through box(...). Each leaf owns a must_destruct value: the
// sub-future suspended at the stop must be dropped through its own
// descriptor (the site's index into subs), so exactly the values of the
// points reached are closed, each once (a race's two arms both hold 7).
// Entries of subs swapped, a leaf's drop runs another's poll on its frame
// and the program crashes or closes the wrong values. Each stop waits for
// the task to get there, then cancels it; with 1 and 2 workers.
// RUN: %coast %s %coast-libs -o %t
// RUN: env COAST_WORKERS=1 %t | FileCheck %s
// RUN: env COAST_WORKERS=2 %t | FileCheck %s
#include <coast.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>

struct res;
void res_close(struct res *r);
struct res { int id; } must_destruct(res_close);

static int closed[40];
static atomic_int reached;
static int stop_at;

void res_close(struct res *r) { closed[r->id]++; }

// Until cancelled where the stop is: the cancel lands in milliseconds.
static uint64_t wait_if(int me) {
  if (stop_at != me % 100)
    return 0;
  reached = me % 100;
  return 5000;
}

async int leaf1(int me) {
  struct res r = {me % 100};
  await(coast_sleep_ms(wait_if(me)));
  res_close(&r);
  return 1;
}

// Another frame size and layout than leaf1's.
async long leaf2(int me) {
  char pad[24] = {0};
  struct res r = {me % 100};
  await(coast_sleep_ms(wait_if(me)));
  res_close(&r);
  return 2 + pad[3];
}

async int leaf3(int me) {
  struct res r = {me % 100};
  int x = await(leaf1(me + 20)); // nested embedded: closes me + 20 too
  await(coast_sleep_ms(wait_if(me)));
  res_close(&r);
  return x + 3;
}

async int late(int me);

// Yields until cancelled where the stop is (the bound only ends a test
// that fails: a yield costs nanoseconds, the cancel comes in milliseconds).
async int yielder(int me) {
  for (int i = 0; i < 1000000000; i++) {
    if (stop_at == me)
      reached = me;
    else if (i > 3)
      break;
    await(coast_yield());
  }
  closed[me]++;
  return 0;
}

async int mid(void) {
  int a = 0, s = 0;
  long b = 0;
  async returns_send int (*fp)(int) = leaf1;
  s += await(leaf1(1));
  s += await(leaf2(2));
  s += await(leaf1(3));
  await(coast_yield());
  s += await(leaf3(4)); // 4 and 24
  s += await(late(5));
  s += await(box(leaf2(6)));
  s += await(coast_first(coast_arm(leaf1(7), &a), coast_arm(leaf2(107), &b)));
  s += await(yielder(8));
  s += await(leaf2(9));
  s += await(leaf3(10)); // 10 and 30
  s += await(box(fp(11)));
  return s;
}

async int late(int me) {
  struct res r = {me % 100};
  await(coast_sleep_ms(wait_if(me)));
  res_close(&r);
  return 5;
}

async int run(int stop) {
  reached = 0;
  stop_at = stop;
  coast_task *t = coast_spawn(mid());
  if (stop) {
    for (int i = 0; i < 10000 && reached != stop; i++)
      await(coast_sleep_ms(1));
    coast_cancel(t);
  }
  int r = 0;
  int rc = await(coast_join(t, &r));
  printf("stop %d: %s", stop, rc == -ECANCELED ? "cancelled" : "completed");
  for (int i = 1; i <= 31; i++)
    if (closed[i])
      printf(" %d:%d", i, closed[i]);
  printf("\n");
  return 0;
}

int main(void) {
  static const int stops[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 24, 30};
  for (unsigned k = 0; k < sizeof stops / sizeof *stops; k++) {
    for (int i = 0; i < 40; i++)
      closed[i] = 0;
    coast_block_on(run(stops[k]));
  }
  return 0;
}

// CHECK: stop 0: completed 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1 11:1 24:1 30:1
// CHECK-NEXT: stop 1: cancelled 1:1
// CHECK-NEXT: stop 2: cancelled 1:1 2:1
// CHECK-NEXT: stop 3: cancelled 1:1 2:1 3:1
// CHECK-NEXT: stop 4: cancelled 1:1 2:1 3:1 4:1 24:1
// CHECK-NEXT: stop 5: cancelled 1:1 2:1 3:1 4:1 5:1 24:1
// CHECK-NEXT: stop 6: cancelled 1:1 2:1 3:1 4:1 5:1 6:1 24:1
// CHECK-NEXT: stop 7: cancelled 1:1 2:1 3:1 4:1 5:1 6:1 7:2 24:1
// The yielder owns nothing: 8 is closed only when it completes.
// CHECK-NEXT: stop 8: cancelled 1:1 2:1 3:1 4:1 5:1 6:1 7:1 24:1
// CHECK-NEXT: stop 9: cancelled 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 24:1
// CHECK-NEXT: stop 10: cancelled 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1 24:1 30:1
// CHECK-NEXT: stop 11: cancelled 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1 11:1 24:1 30:1
// CHECK-NEXT: stop 24: cancelled 1:1 2:1 3:1 4:1 24:1
// CHECK-NEXT: stop 30: cancelled 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1 10:1 24:1 30:1
// CHECK-NOT: {{.}}
