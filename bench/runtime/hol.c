// hol: head-of-line blocking of a worker's I/O (review of uring21, item 2).
// A task starts a 1-byte read on its worker and that worker then runs a
// poll that spins for SPIN_MS without yielding; a thread writes the byte
// WRITE_MS into the spin.  Prints how long the read's task took to resume
// after the write, with two workers: on epoll the idle worker, holding the
// driver, sees the readiness and runs the task at once; on io_uring the
// read's completion can only be reaped by the ring's own (spinning)
// worker.  Build: clang-19 -fplugin=<build>/plugin/coast-plugin.so
// -Iruntime/include -O2 hol.c <build>/runtime/libcoast.a -lpthread;
// run: COAST_WORKERS=2 [COAST_IO=uring] ./hol [rounds].
#include <coast.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { SPIN_MS = 1000, WRITE_MS = 100 };

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int sv[2];
static double written_at, read_at;

static void *writer(void *arg) {
  (void)arg;
  usleep(WRITE_MS * 1000);
  written_at = now_ms();
  if (write(sv[1], "x", 1) != 1)
    abort();
  return NULL;
}

async int reader(void) {
  char c;
  ssize_t n = await(coast_read(sv[0], &c, 1));
  read_at = now_ms();
  return (int)n;
}

async int hog(void) {
  pthread_t th;
  coast_task *t = coast_spawn(reader());
  // The reader runs here first (this worker's LIFO slot) and starts its
  // read on this worker.
  await(coast_yield());
  pthread_create(&th, NULL, writer, NULL);
  double end = now_ms() + SPIN_MS;
  while (now_ms() < end)
    ;
  await(coast_join(t, NULL));
  pthread_join(th, NULL);
  return 0;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 3;

  for (int i = 0; i < rounds; i++) {
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
      return 1;
    coast_block_on(hog());
    printf("hol: the read resumed %.1f ms after its byte came\n",
           read_at - written_at);
    close(sv[0]);
    close(sv[1]);
  }
  return 0;
}
