// must_destruct values consumed on every path are accepted, however the
// paths run: switch/goto/early-return mazes, loops, noreturn calls, owned
// pointers known to be NULL, a destructor's own parameter, moves by return,
// into consuming parameters and into fields of other must_destruct values,
// and coast_forget.
// RUN: %coast -fsyntax-only -Xclang -verify -Wall -Wextra %s
// expected-no-diagnostics
#include <coast.h>
#include <stddef.h>
#include <stdlib.h>

struct conn;
void conn_close(struct conn *c);
void conn_abort(struct conn c);
async void conn_close_async(struct conn *c);
struct conn { int fd; } must_destruct(conn_close, conn_abort, conn_close_async);
must_destruct() struct conn *conn_open(int fd);
async must_destruct() struct conn *conn_open_async(int fd);
void conn_send(must_destruct() struct conn *c, int x);
int conn_use(const struct conn *c);
struct conn conn_make(int fd);

struct server { struct conn *c; struct conn inline_conn; } must_destruct(server_close);
void server_close(struct server *s);

// Every case of a switch consumes, one through a goto to a shared exit.
int maze(int x) {
  struct conn *c = conn_open(x);
  if (c == NULL)
    return -1;
  switch (x) {
  case 1:
    conn_close(c);
    break;
  case 2:
    conn_send(c, 1);
    return 2;
  case 3:
    if (conn_use(c))
      goto out;
    conn_close(c);
    break;
  default:
    goto out;
  }
  return 0;
out:
  conn_close(c);
  return 1;
}

// The NULL test in every spelling leaves nothing to destruct on its branch.
void null_tests(int x) {
  struct conn *a = conn_open(x);
  if (!a)
    return;
  conn_close(a);
  struct conn *b = conn_open(x);
  if (b != NULL)
    conn_close(b);
  struct conn *c = conn_open(x);
  if (NULL == c)
    return;
  conn_close(c);
  struct conn *d;
  if ((d = conn_open(x)) == NULL)
    return;
  conn_close(d);
  struct conn *e = conn_open(x);
  if (e && conn_use(e) > 0)
    conn_close(e);
  else if (e)
    conn_send(e, 0);
  struct conn *f = conn_open(x);
  while (!f)
    f = conn_open(x);
  conn_close(f);
}

// Paths ending in a noreturn call need no destruction.
void noreturn_paths(int x) {
  struct conn *c = conn_open(x);
  if (x < 0)
    abort();
  if (x == 0)
    exit(1);
  conn_close(c);
}

// A value declared in a loop body is consumed in each iteration; one
// declared before the loop is consumed after it, or on the way out of it.
void loops(int n) {
  for (int i = 0; i < n; i++) {
    struct conn c = conn_make(i);
    if (i == 3) {
      conn_abort(c);
      continue;
    }
    conn_close(&c);
  }
  struct conn *c = conn_open(n);
  while (n--)
    conn_use(c);
  conn_close(c);
  struct conn *d = conn_open(n);
  for (;;) {
    if (conn_use(d) > 3) {
      conn_close(d);
      break;
    }
  }
  // Consumed, then owned again before the next iteration.
  struct conn *e = conn_open(n);
  do {
    conn_close(e);
    e = conn_open(n);
  } while (e && conn_use(e));
  if (e)
    conn_close(e);
}

// Moves: by return, into a consuming parameter, into another local struct.
struct conn *moved_out(int x) {
  struct conn *c = conn_open(x);
  if (!c)
    return NULL;
  conn_use(c);
  return c;
}
struct conn struct_out(int x) {
  struct conn c = conn_make(x);
  struct conn d = c;
  return d;
}
void consumed_arg(int x) {
  conn_send(conn_open(x), 1);
  conn_close(moved_out(x));
  conn_abort(conn_make(x));
}

// Stored into a field of another must_destruct value, it moves there.
void into_owner(struct server *s, int x) {
  struct conn *c = conn_open(x);
  s->c = c;
  struct server t = {0};
  t.inline_conn = conn_make(x);
  t.c = conn_open(x);
  server_close(&t);
}

// A destructor's own parameter, and a must_destruct() parameter consumed.
void conn_close(struct conn *c) { conn_use(c); }
void conn_abort(struct conn c) { (void)c.fd; }
void conn_send(must_destruct() struct conn *c, int x) {
  if (x)
    conn_close(c);
  else
    conn_abort(*c);
}

// The only deliberate leak.
void forgotten(int x) {
  struct conn *c = conn_open(x);
  coast_forget(c);
  struct conn d = conn_make(x);
  coast_forget(d);
}

// Through the association a _Generic selects.
void generic(int x) {
  struct conn *c = _Generic(x, int: conn_open(x), default: NULL);
  struct conn d = _Generic(x, long: conn_make(0), int: conn_make(x));
  conn_close(_Generic(c, struct conn *: c));
  conn_abort(d);
  // Never evaluated: nothing made, used or consumed.
  size_t n = sizeof(conn_make(x)) + sizeof(*conn_open(x)) + sizeof d;
  __typeof__(conn_open(x)) e = (void *)0;
  (void)n;
  (void)e;
}

// A borrowed pointer is not owned, and a struct declared without an
// initialiser owns nothing until it is filled.
void borrowed(struct conn *c) { conn_use(c); }
void filled_later(int x) {
  struct conn c;
  if (x)
    return;
  c = conn_make(x);
  conn_close(&c);
}

// Async: awaited destructors and owned results of async functions.
async int async_paths(int x) {
  struct conn *c = await(conn_open_async(x));
  if (!c)
    return -1;
  await(coast_yield());
  if (x > 1) {
    await(conn_close_async(c));
    return 1;
  }
  conn_close(c);
  struct conn d = conn_make(x);
  await(conn_close_async(&d));
  return 0;
}

// In a synchronous function an async destructor runs through coast_block_on.
void sync_block_on(int x) {
  struct conn d = conn_make(x);
  coast_block_on(conn_close_async(&d));
}

// Types without must_destruct are not followed.
struct plain { int fd; };
struct plain *plain_open(void);
void plain_paths(void) {
  struct plain *p = plain_open();
  struct plain q = {1};
  (void)p;
  (void)q;
}
