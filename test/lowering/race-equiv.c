// Races whose first arm wins and whose deadlines never fire print the same
// lowered and as plain C (where the call runs to completion and the first
// arm is the only one evaluated): results of several types through out,
// NULL outs, void calls, a race as a statement, an initializer, an
// assignment, a return value and inside a condition, in a loop.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

struct point { int x, y; };

static int calls;

async int twice(int v) {
  await(coast_yield());
  calls++;
  return 2 * v;
}

async struct point point_of(int x) {
  await(coast_yield());
  struct point p = {x, -x};
  return p;
}

async void bump(int *n) {
  await(coast_yield());
  ++*n;
}

async int never(void) {
  await(coast_sleep_ms(100000));
  return -1;
}

async int race_return(int v, int *out) {
  return await(coast_timeout(100000, twice(v), out));
}

async int run(void) {
  int a = 0, n = 0, sum = 0;
  struct point p = {0, 0};
  await(coast_timeout(100000, twice(1), &a));
  printf("statement: %d\n", a);
  int rc = await(coast_timeout(100000, point_of(3), &p));
  printf("init: %d %d %d\n", rc, p.x, p.y);
  rc = await(coast_timeout(100000, bump(&n), NULL));
  printf("assign: %d %d\n", rc, n);
  rc = await(race_return(4, &a)) + 10;
  printf("return: %d %d\n", rc, a);
  for (int i = 0; i < 3; i++)
    if (await(coast_first(coast_arm(twice(i), &a), coast_arm(never(), NULL))) == 0)
      sum += a;
  printf("loop: %d calls %d\n", sum, calls);
  rc = await(coast_first(coast_arm(point_of(5), &p), coast_arm(twice(9), NULL)));
  printf("first: %d %d %d\n", rc, p.x, p.y);
  return 0;
}

int main(void) {
  coast_block_on(run());
  return 0;
}
// CHECK: statement: 2
// CHECK-NEXT: init: 0 3 -3
// CHECK-NEXT: assign: 0 1
// CHECK-NEXT: return: 10 8
// CHECK-NEXT: loop: 6 calls 5
// CHECK-NEXT: first: 0 5 -5
