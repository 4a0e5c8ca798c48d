// A task cancelled before its first poll still owns its must_destruct()
// pointer and by-value must_destruct parameters: its cancellation poll
// destructs each exactly once with the first destructor of its type (an
// async one awaited to the end), and the body never runs. Parameters that
// only borrow are left alone.
// RUN: %coast %s %coast-libs -o %t
// RUN: %t | FileCheck %s
#include <coast.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct buf;
async void buf_free(struct buf *b);
struct buf { int id; } must_destruct(buf_free);
must_destruct() struct buf *buf_open(int id);

struct res;
void res_close(struct res *r);
struct res { int id; } must_destruct(res_close);

static int closed[8];
static int ran;

must_destruct() struct buf *buf_open(int id) {
  struct buf *b = malloc(sizeof *b);
  if (b)
    b->id = id;
  return b;
}
async void buf_free(struct buf *b) {
  await(coast_yield());
  closed[b->id]++;
  free(b);
}
void res_close(struct res *r) { closed[r->id]++; }

async int take_buf(must_destruct() struct buf *b) {
  ran++;
  await(buf_free(b));
  return 0;
}

async int take_res(struct res r, struct buf *borrowed) {
  ran++;
  (void)borrowed;
  res_close(&r);
  return 0;
}

// No await at all: the drop path before the first poll is all it has.
async int take_both(struct res r, struct res s) {
  ran++;
  res_close(&r);
  res_close(&s);
  return 0;
}

static void report(const char *what, int rc) {
  printf("%s: %s ran %d closed", what,
         rc == -ECANCELED ? "cancelled" : "completed", ran);
  for (int i = 1; i <= 5; i++)
    printf(" %d", closed[i]);
  printf("\n");
  ran = 0;
  for (int i = 0; i < 8; i++)
    closed[i] = 0;
}

async int run(int cancel) {
  for (int i = 0; i < 8; i++)
    closed[i] = 0;
  // spawn_local: the task waits for this worker, which runs us until the
  // next await, so it is cancelled before its first poll.
  struct buf *kept = buf_open(5);
  if (!kept)
    return -1;
  coast_task *t = coast_spawn_local(take_buf(buf_open(1)));
  if (cancel)
    coast_cancel(t);
  report("take_buf", await(coast_join(t, NULL)));

  struct res r = {2};
  t = coast_spawn_local(take_res(r, kept));
  if (cancel)
    coast_cancel(t);
  report("take_res", await(coast_join(t, NULL)));

  struct res r3 = {3}, r4 = {4};
  t = coast_spawn_local(take_both(r3, r4));
  if (cancel)
    coast_cancel(t);
  report("take_both", await(coast_join(t, NULL)));
  await(buf_free(kept));
  return 0;
}

int main(void) {
  coast_block_on(run(0));
  coast_block_on(run(1));
  return 0;
}
// CHECK: take_buf: completed ran 1 closed 1 0 0 0 0
// CHECK-NEXT: take_res: completed ran 1 closed 0 1 0 0 0
// CHECK-NEXT: take_both: completed ran 1 closed 0 0 1 1 0
// The borrowed buffer (id 5) is not the task's to free.
// CHECK-NEXT: take_buf: cancelled ran 0 closed 1 0 0 0 0
// CHECK-NEXT: take_res: cancelled ran 0 closed 0 1 0 0 0
// CHECK-NEXT: take_both: cancelled ran 0 closed 0 0 1 1 0
