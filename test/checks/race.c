// coast_timeout, coast_first and coast_arm under the checks: their
// operands are futures as await's are (coast-not-a-future,
// coast-dyn-call-needs-box), the arms are consumed (no
// coast-unawaited-future) but a race must be awaited, an out pointer of
// the wrong type is an error, the Send of the awaiting future follows the
// arms', and must_destruct values flow into arms as into an await.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
#include <coast.h>

async returns_send int fetch(int id);
int plain(int id);
typedef async int (*fetch_fn)(int id);
typedef async returns_send int (*send_fn)(int id);

// Accepted: calls of async functions, box(...) through pointers, typed or
// NULL outs, a void call.
async void nothing(void);
async int accepted(fetch_fn p) {
  int a = 0, b = 0;
  int rc = await(coast_timeout(10, fetch(1), &a));
  rc += await(coast_timeout(10, box(p(2)), NULL));
  rc += await(coast_timeout(10, nothing(), NULL));
  rc += await(coast_first(coast_arm(fetch(3), &a), coast_arm(box(p(4)), &b),
                          coast_arm(nothing(), NULL)));
  return rc + a + b;
}

// The operands must be futures.
async int not_futures(int v) {
  int a = 0;
  int rc = await(coast_timeout(10, plain(1), &a)); // expected-error {{operand of 'coast_timeout' must be a call of an async function [coast-not-a-future]}}
  rc += await(coast_first(coast_arm(plain(2), &a), coast_arm(fetch(1), NULL))); // expected-error {{operand of 'coast_arm' must be a call of an async function [coast-not-a-future]}}
  rc += await(coast_first(v, coast_arm(fetch(1), NULL))); // expected-error {{operand of 'coast_first' must be a call of an async function [coast-not-a-future]}} expected-warning {{left operand of comma operator has no effect}}
  return rc;
}

// A call through an async pointer needs box, in an arm as in an await.
async int needs_box(fetch_fn p) {
  return await(coast_timeout(10, p(1), NULL)); // expected-error {{[coast-dyn-call-needs-box]}}
}

// A race is a future: it must be awaited.
async int not_awaited(void) {
  int rc = coast_timeout(10, fetch(1), NULL); // expected-error {{future of async function 'coast_timeout' is never awaited [coast-unawaited-future]}}
  return rc;
}
async int stray_arm(void) {
  int rc = coast_arm(fetch(1), NULL); // expected-error {{'coast_arm' outside 'coast_first'; race futures with await(coast_first(coast_arm(f(x), &out), ...)) [coast-unsupported]}}
  return rc;
}

// The out pointer must point to the call's result type (void * too), be
// writable, and be NULL for a void call: the race copies the result there.
async int wrong_out(void) {
  long l = 0;
  int i = 0;
  const int c = 0;
  void *any = &i;
  int rc = await(coast_timeout(10, fetch(1), &l)); // expected-error {{the out pointer of 'coast_timeout' has type 'long *'; it must be NULL or a pointer to 'int', the call's result [coast-unsupported]}}
  rc += await(coast_first(coast_arm(fetch(1), &c), coast_arm(fetch(2), &i))); // expected-error {{the out pointer of 'coast_arm' has type 'const int *'; it must be NULL or a pointer to 'int', the call's result [coast-unsupported]}}
  rc += await(coast_timeout(10, nothing(), &i)); // expected-error {{the out pointer of 'coast_timeout' has type 'int *'; it must be NULL: the call returns nothing [coast-unsupported]}}
  rc += await(coast_timeout(10, fetch(1), i)); // expected-error {{the out pointer of 'coast_timeout' has type 'int'; it must be NULL or a pointer to 'int', the call's result [coast-unsupported]}}
  rc += await(coast_timeout(10, fetch(1), &i));
  rc += await(coast_timeout(10, fetch(1), any));
  rc += await(coast_timeout(10, fetch(1), 0));
  return rc + (int)l + i;
}

// Send: a race is Send when each arm is.
struct not_send tls_ref { int *p; };
struct tls_ref make(void);
void use(struct tls_ref *r);
async int holds(void) {
  struct tls_ref r = make(); // expected-note {{'r' is not Send}}
  await(fetch(1)); // expected-note {{'r' is live across this await}}
  use(&r);
  return 0;
}
async int races_holds(void) {
  return await(coast_first(coast_arm(fetch(1), NULL), coast_arm(holds(), NULL))); // expected-note {{the future of 'holds', awaited here, is not Send}}
}
async int races_fetch(send_fn p) {
  return await(coast_timeout(5, fetch(1), NULL)) +
         await(coast_first(coast_arm(box(p(1)), NULL), coast_arm(fetch(2), NULL)));
}
void spawns(send_fn p) {
  coast_detach(coast_spawn(races_holds())); // expected-error {{[coast-spawn-not-send]}}
  coast_detach(coast_spawn(races_fetch(p)));
}

// must_destruct: a value passed into an arm moves there; one the race
// does not take must still be destructed.
struct res;
void res_close(struct res *r);
struct res { int id; } must_destruct(res_close);
async int take(struct res r);
async int moved_into_arm(void) {
  struct res r = {1};
  return await(coast_timeout(5, take(r), NULL));
}
async int kept(void) {
  struct res r = {1}; // expected-error {{[coast-must-destruct-leak]}}
  return await(coast_timeout(5, fetch(1), NULL)); // expected-note {{}}
}
async int kept_and_closed(void) {
  struct res r = {1};
  int rc = await(coast_first(coast_arm(fetch(1), NULL), coast_arm(fetch(2), NULL)));
  res_close(&r);
  return rc;
}

// What the lowering cannot do, said once each.
int block_on_race(void) {
  return coast_block_on(coast_timeout(5, fetch(1), NULL)); // expected-error {{'coast_timeout' outside 'await'; races run only in async functions [coast-unsupported]}} expected-error {{operand of 'coast_block_on' must be a call of an async function [coast-not-a-future]}}
}
async int await_in_arm(void) {
  return await(coast_timeout(5, fetch(await(fetch(1))), NULL)); // expected-error {{'await' inside the operands of 'coast_timeout'; await into a local before it [coast-unsupported]}}
}
async int too_many(void) {
  return await(coast_first(coast_arm(fetch(1), NULL), coast_arm(fetch(2), NULL), // expected-error {{'coast_first' takes at most 16 arms [coast-unsupported]}}
      coast_arm(fetch(3), NULL), coast_arm(fetch(4), NULL), coast_arm(fetch(5), NULL),
      coast_arm(fetch(6), NULL), coast_arm(fetch(7), NULL), coast_arm(fetch(8), NULL),
      coast_arm(fetch(9), NULL), coast_arm(fetch(10), NULL), coast_arm(fetch(11), NULL),
      coast_arm(fetch(12), NULL), coast_arm(fetch(13), NULL), coast_arm(fetch(14), NULL),
      coast_arm(fetch(15), NULL), coast_arm(fetch(16), NULL), coast_arm(fetch(17), NULL)));
}
async int sixteen(void) {
  return await(coast_first(coast_arm(fetch(1), NULL), coast_arm(fetch(2), NULL),
      coast_arm(fetch(3), NULL), coast_arm(fetch(4), NULL), coast_arm(fetch(5), NULL),
      coast_arm(fetch(6), NULL), coast_arm(fetch(7), NULL), coast_arm(fetch(8), NULL),
      coast_arm(fetch(9), NULL), coast_arm(fetch(10), NULL), coast_arm(fetch(11), NULL),
      coast_arm(fetch(12), NULL), coast_arm(fetch(13), NULL), coast_arm(fetch(14), NULL),
      coast_arm(fetch(15), NULL), coast_arm(fetch(16), NULL)));
}
