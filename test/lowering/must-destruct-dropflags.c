// Drop flags: a value owned on some paths only to an await is destructed
// when the task is cancelled there iff it owns at run time, so exactly once
// over the program on every path: by the code before the await, or by the
// cancellation. Each count printed must be exactly 1 (0 for values never
// opened on that path). The task is cancelled once it has reached the await
// that stop names.
// RUN: %coast %s %coast-libs -o %t
// RUN: %t | FileCheck %s
#include <coast.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct buf;
async void buf_free(struct buf *b);
struct buf { int id; } must_destruct(buf_free);
must_destruct() struct buf *buf_open(int id);

struct file;
void file_close(struct file *f);
struct file { int id; } must_destruct(file_close);
must_destruct() struct file *file_open(int id);

static int closed[16];
static atomic_int reached;

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
must_destruct() struct file *file_open(int id) {
  struct file *f = malloc(sizeof *f);
  if (f)
    f->id = id;
  return f;
}
void file_close(struct file *f) {
  closed[f->id]++;
  free(f);
}

static uint64_t wait_if(int stop, int here) {
  if (stop != here)
    return 0;
  reached = here;
  return 5000;
}

// Consumed (and cleared) on one branch, owned on the other: both async and
// sync destructors.
async int branch(int stop, int consume) {
  struct buf *b = buf_open(1);
  struct file *f = file_open(2);
  if (consume) {
    await(buf_free(b));
    b = NULL;
    file_close(f);
    f = NULL;
  }
  await(coast_sleep_ms(wait_if(stop, 1))); // b and f maybe owned
  if (b)
    await(buf_free(b));
  if (f)
    file_close(f);
  return 0;
}

// Consumed on one branch and left pointing at the freed value: only the
// flag tells it apart from the owning branch. The task is always cancelled
// at the await, so the end is never reached.
async int dangling(int stop, int consume) {
  struct buf *b = buf_open(3);
  struct file *f = file_open(4);
  if (consume) {
    await(buf_free(b));
    file_close(f);
  }
  await(coast_sleep_ms(wait_if(stop, 2))); // b and f maybe owned
  abort();
}

// Each iteration frees what the last one opened and opens anew on even
// iterations: cancelled in iteration stop - 10, b owns iff that is odd.
async int loop(int stop) {
  struct buf *b = NULL;
  for (int i = 0; i < 4; i++) {
    await(coast_sleep_ms(wait_if(stop, 10 + i))); // b maybe owned
    if (b) {
      await(buf_free(b));
      b = NULL;
    }
    if (i % 2 == 0)
      b = buf_open(5 + i);
  }
  if (b)
    await(buf_free(b));
  return 0;
}

// A definitely owned value next to a maybe owned one: the first needs no
// flag and is destructed on both branches.
async int mixed(int stop, int consume) {
  struct file *always = file_open(9);
  struct file *maybe = file_open(10);
  if (consume) {
    file_close(maybe);
    maybe = NULL;
  }
  await(coast_sleep_ms(wait_if(stop, 3))); // always owned, maybe maybe
  file_close(always);
  if (maybe)
    file_close(maybe);
  return 0;
}

static async int pick(int which, int stop, int consume) {
  switch (which) {
  case 0:
    return await(branch(stop, consume));
  case 1:
    return await(dangling(stop, consume));
  case 2:
    return await(loop(stop));
  default:
    return await(mixed(stop, consume));
  }
}

async int run(const char *name, int which, int stop, int consume) {
  for (int i = 0; i < 16; i++)
    closed[i] = 0;
  reached = 0;
  coast_task *t = coast_spawn(pick(which, stop, consume));
  if (stop != 0) {
    while (reached != stop)
      await(coast_sleep_ms(1));
    coast_cancel(t);
  }
  int rc = await(coast_join(t, NULL));
  printf("%s stop %d consume %d: %s", name, stop, consume,
         rc == -ECANCELED ? "cancelled" : "completed");
  for (int i = 1; i <= 10; i++)
    printf(" %d", closed[i]);
  printf("\n");
  return 0;
}

async int all(void) {
  for (int consume = 0; consume <= 1; consume++) {
    await(run("branch", 0, 0, consume));
    await(run("branch", 0, 1, consume));
  }
  for (int consume = 0; consume <= 1; consume++)
    await(run("dangling", 1, 2, consume));
  await(run("loop", 2, 0, 0));
  for (int stop = 10; stop <= 13; stop++)
    await(run("loop", 2, stop, 0));
  for (int consume = 0; consume <= 1; consume++) {
    await(run("mixed", 3, 0, consume));
    await(run("mixed", 3, 3, consume));
  }
  return 0;
}

int main(void) {
  coast_block_on(all());
  return 0;
}
// Not cancelled: the code destructs each value once.
// CHECK: branch stop 0 consume 0: completed 1 1 0 0 0 0 0 0 0 0
// Cancelled where b and f are owned: the drop path destructs them.
// CHECK-NEXT: branch stop 1 consume 0: cancelled 1 1 0 0 0 0 0 0 0 0
// CHECK-NEXT: branch stop 0 consume 1: completed 1 1 0 0 0 0 0 0 0 0
// Cancelled after the code destructed them: not again.
// CHECK-NEXT: branch stop 1 consume 1: cancelled 1 1 0 0 0 0 0 0 0 0
// CHECK-NEXT: dangling stop 2 consume 0: cancelled 0 0 1 1 0 0 0 0 0 0
// CHECK-NEXT: dangling stop 2 consume 1: cancelled 0 0 1 1 0 0 0 0 0 0
// Opened in iterations 0 and 2 (ids 5 and 7), each freed once.
// CHECK-NEXT: loop stop 0 consume 0: completed 0 0 0 0 1 0 1 0 0 0
// Iteration 0: nothing opened yet.
// CHECK-NEXT: loop stop 10 consume 0: cancelled 0 0 0 0 0 0 0 0 0 0
// Iteration 1: id 5 owned, destructed by the drop path.
// CHECK-NEXT: loop stop 11 consume 0: cancelled 0 0 0 0 1 0 0 0 0 0
// Iteration 2: id 5 freed by the code, nothing owned.
// CHECK-NEXT: loop stop 12 consume 0: cancelled 0 0 0 0 1 0 0 0 0 0
// CHECK-NEXT: loop stop 13 consume 0: cancelled 0 0 0 0 1 0 1 0 0 0
// CHECK-NEXT: mixed stop 0 consume 0: completed 0 0 0 0 0 0 0 0 1 1
// CHECK-NEXT: mixed stop 3 consume 0: cancelled 0 0 0 0 0 0 0 0 1 1
// CHECK-NEXT: mixed stop 0 consume 1: completed 0 0 0 0 0 0 0 0 1 1
// CHECK-NEXT: mixed stop 3 consume 1: cancelled 0 0 0 0 0 0 0 0 1 1
