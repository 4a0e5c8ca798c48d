// coast-overwrite-owned: an assignment over a variable that still owns a
// must_destruct value on some path. Assigning after the value was consumed,
// or to a variable known NULL, is accepted.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>
#include <stddef.h>

struct conn;
void conn_close(struct conn *c);
struct conn { int fd; } must_destruct(conn_close);
must_destruct() struct conn *conn_open(int fd);
struct conn conn_make(int fd);

void overwrite(int x) {
  struct conn *c = conn_open(x); // expected-note {{'c' declared here}}
  c = conn_open(x + 1); // expected-error {{assignment to 'c', which still owns a must_destruct value: destruct it first [coast-overwrite-owned]}}
  conn_close(c);
}
void reopen(int x) {
  struct conn *c = conn_open(x);
  conn_close(c);
  c = conn_open(x + 1);
  conn_close(c);
}

// A struct value overwritten on one path.
void struct_overwrite(int x) {
  struct conn c = conn_make(x); // expected-note {{'c' declared here}}
  if (x)
    conn_close(&c);
  c = conn_make(x); // expected-error {{assignment to 'c', which still owns a must_destruct value}}
  conn_close(&c);
}

// NULL over an owned pointer loses it; over a NULL one it is harmless.
void null_over_owned(int x) {
  struct conn *c = conn_open(x); // expected-note {{'c' declared here}}
  c = NULL; // expected-error {{assignment to 'c', which still owns a must_destruct value}}
}
void retry(int x) {
  struct conn *c = conn_open(x);
  if (!c)
    c = conn_open(x + 1);
  if (c)
    conn_close(c);
  c = NULL;
}
