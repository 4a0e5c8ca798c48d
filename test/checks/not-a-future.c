// coast-not-a-future: the operand of await, coast_block_on, a spawn or
// box is not a call that creates a future.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
#include <coast.h>

async returns_send int fetch(int id); // #fetch
int plain(int id);
typedef async int (*fetch_fn)(int id);

// The bug: awaiting a synchronous call or a value.
async int await_plain(int id) {
  int a = await(plain(id)); // expected-error {{operand of 'await' must be a call of an async function [coast-not-a-future]}}
  int b = await(a); // expected-error {{operand of 'await' must be a call of an async function [coast-not-a-future]}}
  return a + b;
}

// The fixed code: the call of an async function, parentheses allowed.
async int await_async(int id) {
  int a = await(fetch(id));
  int b = await((fetch(a)));
  return a + b;
}

// The same for coast_block_on and the spawns.
int block_on_value(void) {
  return coast_block_on(3); // expected-error {{operand of 'coast_block_on' must be a call of an async function [coast-not-a-future]}}
}
int block_on_plain(void) {
  return coast_block_on(plain(1)); // expected-error {{operand of 'coast_block_on' must be a call of an async function [coast-not-a-future]}}
}
void spawn_plain(void) {
  coast_detach(coast_spawn(plain(1))); // expected-error {{operand of 'coast_spawn' must be a call of an async function [coast-not-a-future]}}
}
void spawn_local_plain(void) {
  coast_detach(coast_spawn_local(plain(1))); // expected-error {{operand of 'coast_spawn_local' must be a call of an async function [coast-not-a-future]}}
}
async int scope_spawn_plain(coast_scope *s) {
  return coast_scope_spawn(s, plain(1)); // expected-error {{operand of 'coast_scope_spawn' must be a call of an async function [coast-not-a-future]}}
}
async int scope_spawn_value(coast_scope *s, int v) {
  return coast_scope_spawn(s, v); // expected-error {{operand of 'coast_scope_spawn' must be a call of an async function [coast-not-a-future]}}
}
int block_on_ok(void) { return coast_block_on(fetch(1)); }
void spawn_ok(void) {
  coast_detach(coast_spawn(fetch(1)));
  coast_detach(coast_spawn_local(fetch(2)));
}
async int scope_spawn_ok(coast_scope *s) { return coast_scope_spawn(s, fetch(3)); }

// box takes a call (through an async function pointer).
int box_value(fetch_fn f) {
  return coast_block_on(box(f)) != 0; // expected-error {{operand of 'box' must be a call of an async function [coast-not-a-future]}}
}
int box_twice(fetch_fn f) {
  return coast_block_on(box(box(f(1)))); // expected-error {{operand of 'box' must be a call of an async function [coast-not-a-future]}}
}
int box_ok(fetch_fn f) { return coast_block_on(box(f(1))); }

// An operand Clang already rejected gets no second error (regression: it
// was also reported as coast-not-a-future).
int broken_operand(void) {
  return coast_block_on(fetch()); // expected-error {{too few arguments to function call}}
  // expected-note@#fetch {{'fetch' declared here}}
}
async int broken_argument(void) {
  return await(fetch(undeclared)); // expected-error {{use of undeclared identifier 'undeclared'}}
}
