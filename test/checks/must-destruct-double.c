// coast-double-destruct: a must_destruct value consumed twice on some
// path, with a note at the first consumption. The correct code beside each.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>
#include <stddef.h>

struct conn;
void conn_close(struct conn *c);
async void conn_close_async(struct conn *c);
struct conn { int fd; } must_destruct(conn_close, conn_close_async);
must_destruct() struct conn *conn_open(int fd);
void conn_send(must_destruct() struct conn *c);
struct conn conn_make(int fd);

void twice(int x) {
  struct conn c = conn_make(x);
  conn_close(&c); // expected-note {{'c' destructed by 'conn_close' here}}
  conn_close(&c); // expected-error {{'c' is consumed twice [coast-double-destruct]}}
}
void once(int x) {
  struct conn c = conn_make(x);
  conn_close(&c);
}

// A move then a destructor, on one path of two.
void moved_then_closed(int x) {
  struct conn *c = conn_open(x);
  if (x > 0)
    conn_send(c); // expected-note {{'c' moved into 'conn_send' here}}
  conn_close(c); // expected-error {{'c' is consumed twice}}
}
void moved_or_closed(int x) {
  struct conn *c = conn_open(x);
  if (x > 0)
    conn_send(c);
  else
    conn_close(c);
}

// Destructed in every iteration of a loop.
void in_loop(int n) {
  struct conn *c = conn_open(n);
  if (!c)
    return;
  do
    conn_close(c); // expected-error {{'c' is consumed twice}} expected-note {{'c' destructed by 'conn_close' here}}
  while (n--);
}

// coast_forget after a destructor.
void forget_after(int x) {
  struct conn *c = conn_open(x);
  conn_close(c); // expected-note {{'c' destructed by 'conn_close' here}}
  coast_forget(c); // expected-error {{'c' is consumed twice}}
}

// Awaited async destructor, then returned.
async struct conn *async_twice(int x) {
  struct conn *c = conn_open(x);
  await(conn_close_async(c)); // expected-note {{'c' destructed by 'conn_close_async' here}}
  return c; // expected-error {{'c' is consumed twice}}
}
async struct conn *async_once(int x) {
  struct conn *c = conn_open(x);
  if (x) {
    await(conn_close_async(c));
    return NULL;
  }
  return c;
}
