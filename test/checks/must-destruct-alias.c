// A pointer local defined once, by a copy of an owned pointer that is
// itself defined once, is an alias: consuming either name consumes the one
// resource. Copies into locals assigned more than once are not followed.
// RUN: %coast -fsyntax-only -Xclang -verify -Wall -Wextra %s
#include <coast.h>
#include <stddef.h>

struct conn;
void conn_close(struct conn *c);
struct conn { int fd; } must_destruct(conn_close);
must_destruct() struct conn *conn_open(int fd);
int conn_use(const struct conn *c);

// Accepted: the copy is closed.
void close_copy(int fd) {
  struct conn *a = conn_open(fd);
  struct conn *c = a;
  conn_close(c);
}

// Accepted: assigned once, after the original got its resource.
void close_assigned_copy(int fd) {
  struct conn *a = conn_open(fd);
  struct conn *c = NULL;
  conn_use(a);
  c = a;
  conn_close(c);
}

// Accepted: the copy is only used; the original is closed.
void use_copy_close_original(int fd) {
  struct conn *a = conn_open(fd);
  struct conn *c = a;
  conn_use(c);
  conn_close(a);
}

// Accepted: a copy of a copy, and a NULL test through the copy.
int chain(int fd) {
  struct conn *a = conn_open(fd);
  struct conn *b = a;
  struct conn *c = b;
  if (!c)
    return -1;
  conn_close(c);
  return 0;
}

// Accepted: a consuming parameter's alias.
void param_alias(must_destruct() struct conn *p) {
  struct conn *q = p;
  conn_close(q);
}

// Rejected: closing both names closes one resource twice.
void close_both(int fd) {
  struct conn *a = conn_open(fd);
  struct conn *c = a;
  conn_close(c); // expected-note {{'a' destructed by 'conn_close' here}}
  conn_close(a); // expected-error {{'a' is consumed twice}}
}

// Rejected: a use through the original after the copy closed it.
void use_after_copy_closed(int fd) {
  struct conn *a = conn_open(fd);
  struct conn *c = a;
  conn_close(c); // expected-note {{destructed by 'conn_close' here}}
  conn_use(a); // expected-error {{'a' is used after it was consumed}}
}

// Rejected: neither name is closed on the early return.
int leak_through_alias(int fd, int x) {
  struct conn *a = conn_open(fd); // expected-error {{must_destruct value 'a' is not destructed on every path}}
  struct conn *c = a;
  if (x)
    return -1; // expected-note {{'a' is still owned when this path leaves its scope}}
  conn_close(c);
  return 0;
}

// Not followed: the copy is assigned twice, so closing it is not known to
// close 'a'.
void copy_assigned_twice(int fd, struct conn *other) {
  struct conn *a = conn_open(fd); // expected-error {{must_destruct value 'a' is not destructed on every path}}
  struct conn *c = other;
  c = a;
  conn_close(c);
} // expected-note {{'a' is still owned when this path leaves its scope}}
