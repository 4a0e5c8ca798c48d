// coast-use-after-destruct: a must_destruct value used after a destructor,
// a consuming call, a return or a move took it, on some path; a note at
// what took it. The correct code beside each.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

struct conn;
void conn_close(struct conn *c);
struct conn { int fd; } must_destruct(conn_close);
must_destruct() struct conn *conn_open(int fd);
void conn_send(must_destruct() struct conn *c);
int conn_use(const struct conn *c);
struct conn conn_make(int fd);

int after_close(int x) {
  struct conn *c = conn_open(x);
  conn_close(c); // expected-note {{'c' destructed by 'conn_close' here}}
  return c->fd;  // expected-error {{'c' is used after it was consumed [coast-use-after-destruct]}}
}
int before_close(int x) {
  struct conn *c = conn_open(x);
  int fd = c->fd;
  conn_close(c);
  return fd;
}

// Consumed on the path where it is not NULL.
void maybe_moved(int x) {
  struct conn *c = conn_open(x);
  if (c)
    conn_send(c); // expected-note {{'c' moved into 'conn_send' here}}
  conn_use(c); // expected-error {{'c' is used after it was consumed}}
}
void moved_or_used(int x) {
  struct conn *c = conn_open(x);
  if (!c)
    return;
  conn_use(c);
  conn_send(c);
}

// Consumed in one iteration, used (and consumed again) in the next.
void next_iteration(int n) {
  struct conn *c = conn_open(n);
  if (!c)
    return;
  for (;;) {
    conn_use(c); // expected-error {{'c' is used after it was consumed}}
    conn_close(c); // expected-error {{'c' is consumed twice}} expected-note 2 {{'c' destructed by 'conn_close' here}}
  }
}
void last_iteration(int n) {
  struct conn c = conn_make(n);
  for (int i = 0; i < n; i++) {
    conn_use(&c);
    if (i == n - 1) {
      conn_close(&c);
      return;
    }
  }
  conn_close(&c);
}

// A struct moved into another local.
void moved_struct(int x) {
  struct conn c = conn_make(x);
  struct conn d = c; // expected-note {{'c' moved into 'd' here}}
  conn_use(&c); // expected-error {{'c' is used after it was consumed}}
  conn_close(&d);
}

// Across an await.
async void across_await(int x) {
  struct conn *c = conn_open(x);
  conn_close(c); // expected-note {{'c' destructed by 'conn_close' here}}
  await(coast_yield());
  conn_use(c); // expected-error {{'c' is used after it was consumed}}
}
