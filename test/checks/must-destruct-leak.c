// coast-must-destruct-leak: a must_destruct value still owned on some path
// out of its scope, reported at its declaration with a note at each leaking
// exit; an owned call result nothing keeps. The correct code beside each.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>
#include <stddef.h>
#include <stdlib.h>

struct conn;
void conn_close(struct conn *c);
struct conn { int fd; } must_destruct(conn_close);
must_destruct() struct conn *conn_open(int fd);
int conn_use(const struct conn *c);
struct conn conn_make(int fd);
struct holder { struct conn *c; };
struct conn *global_conn;

// An early return skips the destructor.
int early_return(int x) {
  struct conn *c = conn_open(x); // expected-error {{must_destruct value 'c' is not destructed on every path [coast-must-destruct-leak]}}
  if (!c)
    return -1;
  if (x > 3)
    return 1; // expected-note {{'c' is still owned when this path leaves its scope}}
  conn_close(c);
  return 0;
}
int early_return_fixed(int x) {
  struct conn *c = conn_open(x);
  if (!c)
    return -1;
  if (x > 3) {
    conn_close(c);
    return 1;
  }
  conn_close(c);
  return 0;
}

// One case of a switch forgets it; a goto out of its block leaks it too.
void switch_case(int x) {
  struct conn c = conn_make(x); // expected-error {{must_destruct value 'c' is not destructed on every path}}
  switch (x) {
  case 1:
    conn_close(&c);
    break;
  case 2:
    break;
  default:
    conn_close(&c);
  }
} // expected-note {{'c' is still owned when this path leaves its scope}}
void goto_out(int x) {
  {
    struct conn c = conn_make(x); // expected-error {{must_destruct value 'c' is not destructed on every path}}
    if (x)
      goto done; // expected-note {{'c' is still owned when this path leaves its scope}}
    conn_close(&c);
  }
done:;
}

// Consumed on some iterations only: the loop may run zero times, and a
// value declared in the body leaks at the end of an iteration.
void zero_iterations(int n) {
  struct conn *c = conn_open(n); // expected-error {{must_destruct value 'c' is not destructed on every path}}
  if (!c)
    return;
  while (n-- > 0) {
    conn_close(c);
    break;
  }
} // expected-note {{'c' is still owned when this path leaves its scope}}
void per_iteration(int n) {
  for (int i = 0; i < n; i++) {
    struct conn c = conn_make(i); // expected-error {{must_destruct value 'c' is not destructed on every path}}
    if (i % 2)
      continue; // expected-note {{'c' is still owned when this path leaves its scope}}
    conn_close(&c);
  }
}

// The NULL test only exempts its NULL branch.
void wrong_branch(int x) {
  struct conn *c = conn_open(x); // expected-error {{must_destruct value 'c' is not destructed on every path}}
  if (c)
    return; // expected-note {{'c' is still owned when this path leaves its scope}}
}

// Parameters that own: must_destruct() and structs by value.
void owned_param(must_destruct() struct conn *c) { // expected-error {{must_destruct value 'c' is not destructed on every path}}
  conn_use(c);
} // expected-note {{'c' is still owned when this path leaves its scope}}
void struct_param(struct conn c, int x) { // expected-error {{must_destruct value 'c' is not destructed on every path}}
  if (x)
    conn_close(&c);
} // expected-note {{'c' is still owned when this path leaves its scope}}
void borrowed_param(struct conn *c) { conn_use(c); }

// Stored anywhere but a field of another must_destruct value, it leaks.
void stored_elsewhere(struct holder *h, int x) {
  struct conn *c = conn_open(x); // expected-error {{must_destruct value 'c' is not destructed on every path}}
  h->c = c;
} // expected-note {{'c' is still owned when this path leaves its scope}}
void stored_and_closed(struct holder *h, int x) {
  struct conn *c = conn_open(x);
  h->c = c;
  conn_close(c);
}

// A result nothing keeps.
void dropped(int x) {
  conn_open(x); // expected-error {{owned value returned by 'conn_open' is never destructed: keep it in a local or pass it to a destructor [coast-must-destruct-leak]}}
  global_conn = conn_open(x); // expected-error {{owned value returned by 'conn_open' is never destructed}}
  conn_make(x); // expected-error {{owned value returned by 'conn_make' is never destructed}}
  conn_use(conn_open(x)); // expected-error {{owned value returned by 'conn_open' is never destructed}}
  conn_close(conn_open(x));
}

// Every leaking exit gets its note; the paths that destruct get none.
int two_exits(int x) {
  struct conn *c = conn_open(x); // expected-error {{must_destruct value 'c' is not destructed on every path}}
  if (!c)
    return 0;
  if (x == 1)
    return 1; // expected-note {{'c' is still owned when this path leaves its scope}}
  if (x == 2)
    abort();
  if (x == 3) {
    conn_close(c);
    return 3;
  }
  return 4; // expected-note {{'c' is still owned when this path leaves its scope}}
}

// Async functions follow the same rules across awaits.
async int async_leak(int x) {
  struct conn *c = conn_open(x); // expected-error {{must_destruct value 'c' is not destructed on every path}}
  if (!c)
    return -1;
  if (await(coast_yield()))
    return 1; // expected-note {{'c' is still owned when this path leaves its scope}}
  conn_close(c);
  return 0;
}

// GNU `a ?: b`: the value is one of two owned results, whichever is kept;
// never destructed, it leaks like any other.
must_destruct() struct conn *conn_cached(void);
int elvis_leaks(int x) {
  struct conn *c = conn_cached() ?: conn_open(x); // expected-error {{must_destruct value 'c' is not destructed on every path}}
  return conn_use(c); // expected-note {{'c' is still owned when this path leaves its scope}}
}
int elvis_fixed(int x) {
  struct conn *c = conn_cached() ?: conn_open(x);
  int r = conn_use(c);
  conn_close(c);
  return r;
}
void elvis_consumed(int x) { conn_close(conn_cached() ?: conn_open(x)); }
