// coast-async-destructor-context: an async destructor must be awaited in an
// async function and run through coast_block_on in a synchronous one; the
// fix-it wraps the call. Neither coast-unawaited-future nor coast-sync-call
// is reported for it as well.
// RUN: %coast -fsyntax-only -Xclang -verify %s
// RUN: not %coast -fsyntax-only -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
#include <coast.h>

struct conn;
void conn_close(struct conn *c);
async void conn_close_async(struct conn *c);
struct conn { int fd; } must_destruct(conn_close_async, conn_close);
struct conn conn_make(int fd);

async void not_awaited(int x) {
  struct conn c = conn_make(x);
  conn_close_async(&c); // expected-error {{async destructor 'conn_close_async' must be awaited [coast-async-destructor-context]}}
  // CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:3-[[@LINE-1]]:3}:"await("
  // CHECK: fix-it:"{{.*}}":{[[@LINE-2]]:23-[[@LINE-2]]:23}:")"
}
async void awaited(int x) {
  struct conn c = conn_make(x);
  await(conn_close_async(&c));
}

void sync_context(int x) {
  struct conn c = conn_make(x);
  conn_close_async(&c); // expected-error {{async destructor 'conn_close_async' called from a synchronous function must run through coast_block_on [coast-async-destructor-context]}}
  // CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:3-[[@LINE-1]]:3}:"coast_block_on("
}
void sync_block_on(int x) {
  struct conn c = conn_make(x);
  coast_block_on(conn_close_async(&c));
}
// Or the synchronous destructor, or a move out.
void sync_destructor(int x) {
  struct conn c = conn_make(x);
  conn_close(&c);
}
struct conn sync_move_out(int x) {
  struct conn c = conn_make(x);
  return c;
}
