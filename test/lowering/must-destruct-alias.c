// A must_destruct pointer consumed through an alias (`g = f`) on one branch
// only: the drop flag of f follows the alias, so a task cancelled at the
// next await destructs f exactly when the code did not. The alias is a C
// local in one function (its block has no await) and a frame member in the
// other. Each count printed must be 1.
// RUN: %coast %s %coast-libs -o %t
// RUN: %t | FileCheck %s
#include <coast.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct file;
void file_close(struct file *f);
struct file { int id; } must_destruct(file_close);
must_destruct() struct file *file_open(int id);

static int closed[4];
static atomic_int reached;

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

static uint64_t stop_here(int here) {
  reached = here;
  return 5000;
}

async int local_alias(int consume) {
  struct file *f = file_open(1);
  if (consume) {
    struct file *g = f;
    file_close(g);
  }
  await(coast_sleep_ms(stop_here(1))); // f maybe owned
  abort();
}

async int frame_alias(int consume) {
  struct file *f = file_open(2);
  if (consume) {
    struct file *g = f;
    await(coast_yield());
    file_close(g);
  }
  await(coast_sleep_ms(stop_here(2))); // f maybe owned
  abort();
}

static async int pick(int which, int consume) {
  if (which == 1)
    return await(local_alias(consume));
  return await(frame_alias(consume));
}

async int run(int which, int consume) {
  closed[which] = 0;
  reached = 0;
  coast_task *t = coast_spawn(pick(which, consume));
  while (reached != which)
    await(coast_sleep_ms(1));
  coast_cancel(t);
  int rc = await(coast_join(t, NULL));
  printf("alias %d consume %d: %s %d\n", which, consume,
         rc == -ECANCELED ? "cancelled" : "completed", closed[which]);
  return 0;
}

async int all(void) {
  for (int which = 1; which <= 2; which++)
    for (int consume = 0; consume <= 1; consume++)
      await(run(which, consume));
  return 0;
}

int main(void) {
  coast_block_on(all());
  return 0;
}
// CHECK: alias 1 consume 0: cancelled 1
// CHECK-NEXT: alias 1 consume 1: cancelled 1
// CHECK-NEXT: alias 2 consume 0: cancelled 1
// CHECK-NEXT: alias 2 consume 1: cancelled 1
