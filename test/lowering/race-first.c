// await(coast_first(coast_arm(f(x), &out), ...)): the index of the first
// arm to complete, its result through its out (results of any type), every
// other arm cancelled (its must_destruct values destructed, async
// destructors run to completion) before the await returns. A channel
// receive against a sleep both ways (a cancelled receive leaves the value
// in the channel), arms that borrow the caller's locals, a box(...) arm
// through a function pointer, earlier arms winning ties.
// RUN: %coast %s %coast-libs -o %t
// RUN: %t | FileCheck %s
#include <coast.h>
#include <stdio.h>
#include <string.h>

struct res;
async void res_close(struct res *r);
struct res { int id; } must_destruct(res_close);

struct point { int x, y; };

static int closed[8];

async void res_close(struct res *r) {
  await(coast_yield());
  closed[r->id]++;
}

async int sleeper(int id, uint64_t ms) {
  struct res r = {id};
  await(coast_sleep_ms(ms));
  await(res_close(&r));
  return id;
}

async struct point point_later(int x, uint64_t ms) {
  await(coast_sleep_ms(ms));
  struct point p = {x, x + 1};
  return p;
}

async double half_later(int v, uint64_t ms) {
  await(coast_sleep_ms(ms));
  return v / 2.0;
}

// Fills a buffer its caller owns: the arm borrows the caller's local.
async int fill(char *buf, size_t n, uint64_t ms) {
  await(coast_sleep_ms(ms));
  strncpy(buf, "filled", n);
  return (int)strlen(buf);
}

async int send_later(coast_chan *ch, int v, uint64_t ms) {
  await(coast_sleep_ms(ms));
  return await(coast_chan_send(ch, &v));
}

async int quick(int v) { return v; }

typedef async int (*op_fn)(int v);

async int run(void) {
  coast_chan *ch = coast_chan_new(4, sizeof(int));
  int got = 0;
  coast_task *t = coast_spawn(send_later(ch, 42, 10));
  int i = await(coast_first(coast_arm(coast_chan_recv(ch, &got), NULL),
                            coast_arm(coast_sleep_ms(5000), NULL)));
  printf("recv first: %d %d\n", i, got);
  await(coast_join(t, NULL));

  got = 0;
  i = await(coast_first(coast_arm(coast_chan_recv(ch, &got), NULL),
                        coast_arm(coast_sleep_ms(10), NULL)));
  printf("sleep first: %d %d\n", i, got);
  // The cancelled receive took nothing: the next one gets the value.
  int v = 7;
  await(coast_chan_send(ch, &v));
  await(coast_chan_recv(ch, &got));
  printf("after: %d\n", got);

  struct point p = {0, 0};
  double d = 0;
  int id = -1;
  i = await(coast_first(coast_arm(sleeper(1, 10000), &id),
                        coast_arm(point_later(3, 10), &p),
                        coast_arm(half_later(5, 10000), &d)));
  printf("point: %d %d %d id %d closed %d\n", i, p.x, p.y, id, closed[1]);
  i = await(coast_first(coast_arm(sleeper(2, 10000), &id),
                        coast_arm(point_later(3, 10000), &p),
                        coast_arm(half_later(5, 5), &d)));
  printf("double: %d %.1f closed %d\n", i, d, closed[2]);

  char buf[16] = "";
  int n = 0;
  i = await(coast_first(coast_arm(sleeper(3, 10000), NULL),
                        coast_arm(fill(buf, sizeof buf, 5), &n)));
  printf("borrowed: %d %s %d closed %d\n", i, buf, n, closed[3]);

  // Both complete at their first poll: the earlier arm wins.
  op_fn op = quick;
  i = await(coast_first(coast_arm(box(op(8)), &n), coast_arm(quick(9), &v)));
  printf("tie: %d %d\n", i, n);

  // Eight arms: the last is the quickest; the seven others are dropped.
  i = await(coast_first(
      coast_arm(sleeper(4, 10000), NULL), coast_arm(sleeper(4, 10000), NULL),
      coast_arm(sleeper(4, 10000), NULL), coast_arm(sleeper(4, 10000), NULL),
      coast_arm(sleeper(4, 10000), NULL), coast_arm(sleeper(4, 10000), NULL),
      coast_arm(sleeper(4, 10000), NULL), coast_arm(half_later(9, 5), &d)));
  printf("eight: %d %.1f closed %d\n", i, d, closed[4]);

  coast_chan_free(ch);
  return 0;
}

int main(void) {
  coast_block_on(run());
  return 0;
}
// CHECK: recv first: 0 42
// CHECK-NEXT: sleep first: 1 0
// CHECK-NEXT: after: 7
// CHECK-NEXT: point: 1 3 4 id -1 closed 1
// CHECK-NEXT: double: 2 2.5 closed 1
// CHECK-NEXT: borrowed: 1 filled 6 closed 1
// CHECK-NEXT: tie: 0 8
// CHECK-NEXT: eight: 7 4.5 closed 7
