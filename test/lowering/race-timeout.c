// await(coast_timeout(ms, f(x), &out)): 0 with f's result when f completes
// in time; -ETIMEDOUT when the deadline comes first, f cancelled at its
// suspension point with its must_destruct values destructed (an async
// destructor run to completion) before the await returns; -EINVAL for a
// negative ms, f dropped unpolled. Nested timeouts, a timeout as an
// expression, and a task cancelled while it waits inside a timeout.
// RUN: %coast %s %coast-libs -o %t
// RUN: %t | FileCheck %s
#include <coast.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>

struct res;
async void res_close(struct res *r);
struct res { int id; } must_destruct(res_close);

static int closed[8];
static int started[8];
static atomic_int asleep;

async void res_close(struct res *r) {
  await(coast_yield()); // async clean-up: the race stays pending meanwhile
  closed[r->id]++;
}

async int add_later(int a, int b, uint64_t ms) {
  await(coast_sleep_ms(ms));
  return a + b;
}

// Holds a value with an async destructor while it sleeps.
async int sleeper(int id, uint64_t ms) {
  struct res r = {id};
  started[id]++;
  asleep = id;
  await(coast_sleep_ms(ms));
  await(res_close(&r));
  return id;
}

async void ping(int *seen) {
  await(coast_yield());
  (*seen)++;
}

// A timeout inside a future that is itself under a timeout; it holds a
// value across its race, which its drop path destructs there.
async int inner(int id, uint64_t ms, int *rc) {
  struct res held = {7};
  int got = -1;
  *rc = await(coast_timeout(ms, sleeper(id, 10000), &got));
  await(res_close(&held));
  return got;
}

async int run(void) {
  int v = 0;
  int rc = await(coast_timeout(1000, add_later(2, 3, 1), &v));
  printf("in time: %d %d\n", rc, v);

  rc = await(coast_timeout(20, sleeper(1, 10000), &v));
  printf("fired: %d closed %d\n", rc == -ETIMEDOUT, closed[1]);

  rc = await(coast_timeout(10000, add_later(1, 1, 0), NULL));
  printf("result dropped: %d\n", rc);

  int seen = 0;
  rc = await(coast_timeout(1000, ping(&seen), NULL));
  printf("void: %d %d\n", rc, seen);

  rc = await(coast_timeout(-1, sleeper(2, 0), &v));
  printf("negative: %d started %d closed %d\n", rc == -EINVAL, started[2],
         closed[2]);

  // The outer deadline comes first: inner's race is cancelled with it.
  int inner_rc = 0;
  rc = await(coast_timeout(30, inner(3, 10000, &inner_rc), &v));
  printf("outer fired: %d closed %d held %d\n", rc == -ETIMEDOUT, closed[3],
         closed[7]);
  // The inner one does: the outer completes with inner's result.
  v = 0;
  rc = await(coast_timeout(10000, inner(4, 20, &inner_rc), &v));
  printf("inner fired: %d %d %d closed %d held %d\n", rc, v,
         inner_rc == -ETIMEDOUT, closed[4], closed[7]);

  if (await(coast_timeout(10, sleeper(5, 10000), NULL)) == -ETIMEDOUT)
    printf("expression: closed %d\n", closed[5]);
  return 0;
}

async int waits_long(void) {
  int v = 0;
  return await(coast_timeout(10000, sleeper(6, 10000), &v));
}

// The task is cancelled while it waits inside a timeout.
async int cancel_inside(void) {
  coast_task *t = coast_spawn(waits_long());
  while (asleep != 6)
    await(coast_sleep_ms(1));
  coast_cancel(t);
  int rc = await(coast_join(t, NULL));
  printf("task cancelled: %d closed %d\n", rc == -ECANCELED, closed[6]);
  return 0;
}

int main(void) {
  coast_block_on(run());
  coast_block_on(cancel_inside());
  return 0;
}
// CHECK: in time: 0 5
// CHECK-NEXT: fired: 1 closed 1
// CHECK-NEXT: result dropped: 0
// CHECK-NEXT: void: 0 1
// CHECK-NEXT: negative: 1 started 0 closed 0
// CHECK-NEXT: outer fired: 1 closed 1 held 1
// CHECK-NEXT: inner fired: 0 -1 1 closed 1 held 2
// CHECK-NEXT: expression: closed 1
// CHECK-NEXT: task cancelled: 1 closed 1
