// I/O leaves cancelled by coast_timeout while the kernel completes them:
// no byte lost, none duplicated, order kept; a write's reported counts add
// up to what its peer received; no connection dropped.  On epoll a
// cancelled op did nothing; on io_uring one the kernel completed first
// leaves its bytes or socket for the fd's next read or accept, and a
// write's count is reported by the timeout (docs/runtime.md).  The same
// output in all four runs; each says which reactor it ran on.
//  try0       timeout(0) reads over queued bytes, of varying sizes
//  pairs      64 socket pairs, reads under 0-2 ms timeouts against a writer
//             writing small pieces with pauses
//  wtimeout   64 KiB writes under 0 and 1 ms timeouts to a slow reader
//  acc        accepts under timeout(0) while a thread connects 200 times
// RUN: %coast %s %coast-libs -o %t
// RUN: %t | FileCheck %s --check-prefixes=CHECK,EPOLL
// RUN: env COAST_WORKERS=1 %t | FileCheck %s --check-prefixes=CHECK,EPOLL
// RUN: env COAST_IO=uring %t | FileCheck %s --check-prefixes=CHECK,URING
// RUN: env COAST_IO=uring COAST_WORKERS=1 %t | FileCheck %s --check-prefixes=CHECK,URING
#include <arpa/inet.h>
#include <coast.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

unsigned coast__uring_rings(void);
size_t coast__carry_kept(void);

#define PAT(off) ((unsigned char)((off) % 251))

// Checks buf against the stream's pattern from *off; advances *off.
static int in_order(const unsigned char *buf, ssize_t n, size_t *off) {
  for (ssize_t i = 0; i < n; i++)
    if (buf[i] != PAT(*off + i))
      return 0;
  *off += n;
  return 1;
}

enum { TRY0_BYTES = 6400 };

async int try0(void) {
  int sv[2];
  static unsigned char all[TRY0_BYTES];
  unsigned char buf[128];
  size_t off = 0;
  long tries = 0;

  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
    return -1;
  for (size_t i = 0; i < TRY0_BYTES; i++)
    all[i] = PAT(i);
  if (write(sv[1], all, TRY0_BYTES) != TRY0_BYTES)
    return -1;
  while (off < TRY0_BYTES && tries++ < 1000000) {
    ssize_t n = 0;
    int rc = await(coast_timeout(0, coast_read(sv[0], buf, 1 + tries % 97),
                                 &n));
    if (rc == 0 && (n <= 0 || !in_order(buf, n, &off)))
      break;
  }
  printf("try0: %zu of %d bytes in order\n", off, TRY0_BYTES);
  close(sv[0]);
  close(sv[1]);
  return 0;
}

enum { NPAIRS = 64, PAIR_BYTES = 5000 };

async int pair_writer(int fd, int seed) {
  unsigned char buf[256];
  size_t off = 0;

  while (off < PAIR_BYTES) {
    size_t k = 1 + (unsigned)(seed = seed * 1103515245 + 12345) % 200;
    if (k > PAIR_BYTES - off)
      k = PAIR_BYTES - off;
    for (size_t i = 0; i < k; i++)
      buf[i] = PAT(off + i);
    ssize_t w = await(coast_write(fd, buf, k));
    if (w <= 0)
      return -1;
    off += w;
    if (seed & 0x10000)
      await(coast_sleep_ms((seed >> 8) & 1));
  }
  close(fd);
  return 0;
}

// Returns the bytes read in order, -1 on a wrong byte.
async long pair_reader(int fd, int ms) {
  unsigned char buf[128];
  size_t off = 0;

  for (;;) {
    ssize_t n = 0;
    int rc = await(coast_timeout(ms, coast_read(fd, buf, sizeof(buf)), &n));
    if (rc == -ETIMEDOUT)
      continue;
    if (rc || n < 0 || !in_order(buf, n, &off))
      return -1;
    if (!n)
      break;
  }
  close(fd);
  return (long)off;
}

async int pairs(void) {
  coast_task *r[NPAIRS], *w[NPAIRS];
  long total = 0, got;
  int bad = 0;

  for (int i = 0; i < NPAIRS; i++) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
      return -1;
    r[i] = coast_spawn(pair_reader(sv[0], i % 3));
    w[i] = coast_spawn(pair_writer(sv[1], i));
  }
  for (int i = 0; i < NPAIRS; i++) {
    int wrc = -1;
    await(coast_join(w[i], &wrc));
    await(coast_join(r[i], &got));
    bad += wrc != 0 || got < 0;
    total += got;
  }
  printf("pairs: %ld of %d bytes in order, %d bad\n", total,
         NPAIRS * PAIR_BYTES, bad);
  return 0;
}

enum { WCHUNK = 65536, WROUNDS = 64 };

// Reads until the end of the stream, slowly: the writer's buffer fills.
async long slow_reader(int fd) {
  static unsigned char buf[WCHUNK];
  size_t off = 0;
  int k = 0;

  for (;;) {
    ssize_t n = await(coast_read(fd, buf, 4096 + (k * 7919) % 8192));
    if (n < 0 || !in_order(buf, n, &off))
      return -1;
    if (!n)
      break;
    if (++k % 8 == 0)
      await(coast_sleep_ms(1));
  }
  close(fd);
  return (long)off;
}

async int wtimeout(void) {
  static unsigned char pat[WCHUNK + 251];
  int sv[2];
  size_t off = 0;
  int timedout = 0;
  long got = 0;

  for (size_t i = 0; i < sizeof(pat); i++)
    pat[i] = PAT(i);
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
    return -1;
  coast_task *t = coast_spawn(slow_reader(sv[0]));
  for (int i = 0; i < WROUNDS; i++) {
    ssize_t n = 0;
    int rc = await(
        coast_timeout(i % 2, coast_write(sv[1], pat + off % 251, WCHUNK), &n));
    if (rc == -ETIMEDOUT)
      timedout++;
    else if (rc || n < 0)
      break;
    else
      off += n;
  }
  close(sv[1]);
  await(coast_join(t, &got));
  printf("wtimeout: received %s reported\n",
         got == (long)off ? "==" : "!=");
  if (getenv("IO_CANCEL_VERBOSE"))
    fprintf(stderr, "wtimeout: %zu bytes, %d timed out\n", off, timedout);
  return 0;
}

enum { NCLIENTS = 200 };

static struct sockaddr_in acc_addr;

// Connects NCLIENTS times in turn; counts the connections served (a byte
// from the server, then its close).
static void *clients(void *arg) {
  int *served = arg;
  struct timeval tv = {10, 0};

  for (int i = 0; i < NCLIENTS; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char c;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (fd < 0 ||
        connect(fd, (struct sockaddr *)&acc_addr, sizeof(acc_addr)) ||
        read(fd, &c, 1) != 1 || c != 'k') {
      close(fd);
      break;
    }
    ++*served;
    close(fd);
  }
  return NULL;
}

async int acc(void) {
  socklen_t len = sizeof(acc_addr);
  int l = socket(AF_INET, SOCK_STREAM, 0), accepted = 0, served = 0;
  pthread_t th;
  time_t end = time(NULL) + 30;

  acc_addr.sin_family = AF_INET;
  acc_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (l < 0 || bind(l, (struct sockaddr *)&acc_addr, sizeof(acc_addr)) ||
      listen(l, 16) || getsockname(l, (struct sockaddr *)&acc_addr, &len))
    return -1;
  pthread_create(&th, NULL, clients, &served);
  while (accepted < NCLIENTS && time(NULL) < end) {
    int fd = -1;
    int rc = await(coast_timeout(0, coast_accept(l, NULL, NULL), &fd));
    if (rc || fd < 0)
      continue;
    accepted++;
    await(coast_write(fd, "k", 1));
    close(fd);
  }
  pthread_join(th, NULL);
  printf("acc: %d accepted, %d of %d served\n", accepted, served, NCLIENTS);
  close(l);
  return 0;
}

async int run(void) {
  await(try0());
  await(pairs());
  await(wtimeout());
  await(acc());
  printf("io: %s, %zu kept\n", coast__uring_rings() ? "uring" : "epoll",
         coast__carry_kept());
  return 0;
}

int main(void) {
  return coast_block_on(run());
}
// CHECK: try0: 6400 of 6400 bytes in order
// CHECK-NEXT: pairs: 320000 of 320000 bytes in order, 0 bad
// CHECK-NEXT: wtimeout: received == reported
// CHECK-NEXT: acc: 200 accepted, 200 of 200 served
// EPOLL-NEXT: io: epoll, 0 kept
// URING-NEXT: io: uring, 0 kept
