// Cancellation destructs the must_destruct values owned at the await where
// the task is cancelled, with the first destructor of their type, and awaits
// it when it is async; values consumed before are left alone, and an
// awaited destructor that is running finishes. Each count must be exactly 1.
// The task is cancelled once it has reached the await that stop names.
// RUN: %coast %s %coast-libs -o %t
// RUN: %t | FileCheck %s
#include <coast.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct res;
void res_close(struct res *r);
struct res { int id; } must_destruct(res_close);

struct slow;
async void slow_close(struct slow *s);
void slow_abandon(struct slow *s);
struct slow { int id; } must_destruct(slow_close, slow_abandon);

struct buf;
async void buf_free(struct buf *b);
struct buf { int id; char *data; } must_destruct(buf_free);
must_destruct() struct buf *buf_open(int id);

// Its first destructor is the one cancellation runs.
struct pair;
void pair_release(struct pair *p);
async void pair_close(struct pair *p);
struct pair { int id; } must_destruct(pair_release, pair_close);

static int closed[8];
static int abandoned;
static int slow_close_waits;
static atomic_int reached, cancel_sent;

void res_close(struct res *r) { closed[r->id]++; }
void slow_abandon(struct slow *s) { (void)s; abandoned++; }
void pair_release(struct pair *p) { (void)p; abandoned++; }
async void pair_close(struct pair *p) {
  await(coast_yield());
  closed[p->id]++;
}
async void slow_close(struct slow *s) {
  if (slow_close_waits)
    reached = 3;
  // Until the cancel is sent (10 s at most): a fixed sleep could end before
  // a loaded machine sends it, and the task would complete.
  for (int i = 0; slow_close_waits && !cancel_sent && i < 10000; i++)
    await(coast_sleep_ms(1));
  await(coast_yield());
  closed[s->id]++;
}

must_destruct() struct buf *buf_open(int id) {
  struct buf *b = malloc(sizeof *b);
  if (!b)
    return NULL;
  b->id = id;
  b->data = malloc(16);
  return b;
}
async void buf_free(struct buf *b) {
  await(coast_yield());
  closed[b->id]++;
  free(b->data);
  free(b);
}

static uint64_t wait_if(int stop, int here) {
  if (stop != here)
    return 0;
  reached = here;
  return 5000;
}

// A callee that owns a value and a buffer it was given: cancelled through
// its caller, it destructs both.
async int holder(int stop, must_destruct() struct buf *given) {
  struct res r = {4};
  await(coast_sleep_ms(wait_if(stop, 5)));
  res_close(&r);
  await(buf_free(given));
  return 0;
}

async int worker(int stop) {
  struct pair p = {6};
  struct res r = {1};
  struct slow s = {2};
  struct buf *b = buf_open(3);
  if (!b) {
    pair_release(&p);
    res_close(&r);
    slow_abandon(&s);
    return -1;
  }
  await(coast_sleep_ms(wait_if(stop, 1))); // r, s and b owned
  res_close(&r);
  await(coast_sleep_ms(wait_if(stop, 2))); // s and b owned
  slow_close_waits = stop == 3;
  await(slow_close(&s)); // b owned; s being destructed
  await(buf_free(b));
  struct buf *given = buf_open(5);
  if (!given) {
    pair_release(&p);
    return -1;
  }
  await(holder(stop, given)); // the callee owns r and given
  await(coast_sleep_ms(wait_if(stop, 6))); // p owned
  await(pair_close(&p));
  return 0;
}

async int run(int stop) {
  reached = 0;
  cancel_sent = 0;
  coast_task *t = coast_spawn(worker(stop));
  if (stop != 0 && stop != 4) {
    while (reached != stop)
      await(coast_sleep_ms(1));
    coast_cancel(t);
    cancel_sent = 1;
  }
  int rc = await(coast_join(t, NULL));
  printf("stop %d: %s", stop, rc == -ECANCELED ? "cancelled" : "completed");
  for (int i = 1; i <= 6; i++)
    printf(" %d", closed[i]);
  printf(" abandoned %d\n", abandoned);
  return 0;
}

int main(void) {
  for (int stop = 0; stop <= 6; stop++) {
    for (int i = 0; i < 8; i++)
      closed[i] = 0;
    abandoned = 0;
    coast_block_on(run(stop));
  }
  return 0;
}
// Not cancelled: every value destructed once by the code.
// CHECK: stop 0: completed 1 1 1 1 1 1 abandoned 0
// Cancelled where r, s and b are owned: all three, the async ones awaited;
// p with pair_release, its first destructor.
// CHECK-NEXT: stop 1: cancelled 1 1 1 0 0 0 abandoned 1
// CHECK-NEXT: stop 2: cancelled 1 1 1 0 0 0 abandoned 1
// Cancelled while slow_close runs: it finishes, b is destructed.
// CHECK-NEXT: stop 3: cancelled 1 1 1 0 0 0 abandoned 1
// stop 4 names no await: the task completes.
// CHECK-NEXT: stop 4: completed 1 1 1 1 1 1 abandoned 0
// Cancelled inside holder: its r and its given buffer.
// CHECK-NEXT: stop 5: cancelled 1 1 1 1 1 0 abandoned 1
// Everything but p was consumed before.
// CHECK-NEXT: stop 6: cancelled 1 1 1 1 1 0 abandoned 1
