// A coast_scope is must_destruct(coast_scope_join): the must_destruct
// analysis, not the borrow check, reports a scope that is not joined on
// every path, joined twice, or joined other than by await; a scope joined
// on every path is accepted.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int work(int *p) { return *p; }

// Never joined on the early return: its tasks' borrows would dangle.
async int not_joined(int c) {
  int x = 0;
  coast_scope s = COAST_SCOPE_INIT; // expected-error {{must_destruct value 's' is not destructed on every path [coast-must-destruct-leak]}}
  coast_scope_spawn(&s, work(&x));
  if (c)
    return -1; // expected-note {{'s' is still owned when this path leaves its scope}}
  return await(coast_scope_join(&s));
}

// Joined twice.
async int joined_twice(void) {
  int x = 0;
  coast_scope s = COAST_SCOPE_INIT;
  coast_scope_spawn(&s, work(&x));
  await(coast_scope_join(&s)); // expected-note {{'s' destructed by 'coast_scope_join' here}}
  return await(coast_scope_join(&s)); // expected-error {{'s' is consumed twice [coast-double-destruct]}}
}

// The join is async: not awaited, it is reported.
async int join_not_awaited(void) {
  coast_scope s = COAST_SCOPE_INIT;
  coast_scope_join(&s); // expected-error {{async destructor 'coast_scope_join' must be awaited [coast-async-destructor-context]}}
  return 0;
}

// Joined on every path, early returns included.
async int joined_everywhere(int c) {
  int x = 0;
  coast_scope s = COAST_SCOPE_INIT;
  coast_scope_spawn(&s, work(&x));
  if (c) {
    await(coast_scope_join(&s));
    return -1;
  }
  return await(coast_scope_join(&s));
}

// From a synchronous function, through coast_block_on.
int joined_sync(void) {
  int x = 0;
  coast_scope s = COAST_SCOPE_INIT;
  coast_scope_spawn(&s, work(&x));
  return coast_block_on(coast_scope_join(&s));
}
