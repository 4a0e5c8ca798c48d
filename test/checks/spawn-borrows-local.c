// coast-spawn-borrows-local: a future spawned with coast_spawn or
// coast_spawn_local (joined or detached) whose arguments carry the address
// of a local of the spawning function: directly, of a field or an element,
// as a decayed array, inside a struct initializer or a compound literal, or
// through a local pointer; a future spawned into a coast_scope borrowing a
// local that does not outlive the scope; a scope that escapes. The correct
// code beside each.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
#include <coast.h>
#include <stdlib.h>

struct req {
  char *buf;
  int len;
};
struct pair {
  int a, b;
};
struct holder {
  coast_scope *s;
};

async int use_int(int *p) { return *p; }
async int use_buf(char *b, int n) { return b[0] + n; }
async int use_req(struct req r) { return r.len; }
async int use_pair(struct pair p) { return p.a; }
async int use_val(int v) { return v; }
async int use_str(const char *s) { return s[0]; }
async int use_scope(coast_scope *s) { return s != 0; }
void register_scope(coast_scope *s);

static int global_int;
static char global_buf[16];
static coast_scope *saved_scope;

// The address of a local, spawned and joined.
async int direct(int c) {
  int x = 1; // expected-note {{'x' declared here}}
  coast_task *t = coast_spawn(use_int(&x)); // expected-error {{future spawned with coast_spawn borrows local 'x' of 'direct' [coast-spawn-borrows-local]}} expected-note {{use a coast_scope (coast_scope_spawn) so the task cannot outlive 'x'}}
  await(coast_join(t, 0));
  int y = 2; // expected-note {{'y' declared here}}
  t = coast_spawn(use_int(c ? &global_int : &y)); // expected-error {{future spawned with coast_spawn borrows local 'y' of 'direct'}} expected-note {{so the task cannot outlive 'y'}}
  return await(coast_join(t, 0));
}

// A parameter is a local too: the frame holding it dies with the future.
async int param_address(int v) { // expected-note {{'v' declared here}}
  return await(coast_join(coast_spawn(use_int(&v)), 0)); // expected-error {{future spawned with coast_spawn borrows local 'v' of 'param_address'}} expected-note {{cannot outlive 'v'}}
}

// A field, an array element, an array decaying to a pointer.
async int parts(void) {
  struct pair p = {1, 2}; // expected-note {{'p' declared here}}
  int a[4] = {0};         // expected-note {{'a' declared here}}
  char buf[16];           // expected-note {{'buf' declared here}}
  coast_task *t1 = coast_spawn(use_int(&p.b)); // expected-error {{borrows local 'p' of 'parts'}} expected-note {{cannot outlive 'p'}}
  coast_task *t2 = coast_spawn(use_int(&a[2])); // expected-error {{borrows local 'a' of 'parts'}} expected-note {{cannot outlive 'a'}}
  coast_task *t3 = coast_spawn(use_buf(buf + 1, 15)); // expected-error {{borrows local 'buf' of 'parts'}} expected-note {{cannot outlive 'buf'}}
  return await(coast_join(t1, 0)) + await(coast_join(t2, 0)) +
         await(coast_join(t3, 0));
}

// Inside a struct initializer, a compound literal, through local pointers.
async int carried(void) {
  char buf[16];                // expected-note 2 {{'buf' declared here}}
  int x = 0;                   // expected-note {{'x' declared here}}
  struct req r = {buf, 16};
  int *p = &x;
  int *q;
  q = p + 1;
  coast_task *t1 = coast_spawn(use_req(r)); // expected-error {{borrows local 'buf' of 'carried'}} expected-note {{cannot outlive 'buf'}}
  coast_task *t2 = coast_spawn(use_req((struct req){.buf = buf, .len = 1})); // expected-error {{borrows local 'buf' of 'carried'}} expected-note {{cannot outlive 'buf'}}
  coast_task *t3 = coast_spawn(use_int(q - 1)); // expected-error {{borrows local 'x' of 'carried'}} expected-note {{cannot outlive 'x'}}
  return await(coast_join(t1, 0)) + await(coast_join(t2, 0)) +
         await(coast_join(t3, 0));
}

// A spawn inside a designated initializer, next to one that borrows
// nothing.
async int in_designated(void) {
  int x = 0; // expected-note {{'x' declared here}}
  coast_task *ts[2] = {[1] = coast_spawn(use_int(&x)), [0] = coast_spawn(use_val(x))}; // expected-error {{future spawned with coast_spawn borrows local 'x' of 'in_designated'}} expected-note {{cannot outlive 'x'}}
  return await(coast_join(ts[0], 0)) + await(coast_join(ts[1], 0));
}

// coast_spawn_local, and a detached spawn, from a synchronous function.
int local_and_detached(void) {
  int x = 0;     // expected-note {{'x' declared here}}
  char line[32]; // expected-note {{'line' declared here}}
  coast_task *t = coast_spawn_local(use_int(&x)); // expected-error {{future spawned with coast_spawn_local borrows local 'x' of 'local_and_detached'}} expected-note {{cannot outlive 'x'}}
  coast_detach(t);
  coast_detach(coast_spawn(use_buf(line, 32))); // expected-error {{future spawned with coast_spawn borrows local 'line' of 'local_and_detached'}} expected-note {{cannot outlive 'line'}}
  return 0;
}

// Accepted: values, heap, global, static and string-literal pointers, a
// pointer parameter (the caller's data), a struct without local addresses,
// a pointer whose every store is a heap pointer, and borrows by await and
// coast_block_on, which finish before the function goes on.
async int accepted(int *caller, int n) {
  int x = n;
  static int counter;
  int *heap = malloc(sizeof *heap);
  struct pair p = {x, n};
  struct req r = {global_buf, 16};
  int *p_local = &x;
  coast_task *ts[9] = {
      coast_spawn(use_val(x)),
      coast_spawn(use_val(*p_local)),
      coast_spawn(use_int(heap)),
      coast_spawn(use_int(&global_int)),
      coast_spawn_local(use_int(&counter)),
      coast_spawn(use_str("literal")),
      coast_spawn(use_int(caller)),
      coast_spawn(use_pair(p)),
      coast_spawn(use_req(r)),
  };
  int sum = await(use_int(&x)) + await(use_int(p_local));
  for (int i = 0; i < 9; i++)
    sum += await(coast_join(ts[i], 0));
  return sum;
}
// A difference of pointers into a local is a number: nothing borrowed. The
// pointer arithmetic next to it still carries the local.
async int pointer_difference(void) {
  char buf[16]; // expected-note {{'buf' declared here}}
  char *end = buf + 8;
  int n = await(coast_join(coast_spawn(use_val(end - buf)), 0));
  n += await(coast_join(coast_spawn(use_val(&buf[8] - &buf[0])), 0));
  return n + await(coast_join(coast_spawn(use_str(end - 1)), 0)); // expected-error {{future spawned with coast_spawn borrows local 'buf' of 'pointer_difference'}} expected-note {{use a coast_scope}}
}
int accepted_sync(void) {
  int x = 0;
  return coast_block_on(use_int(&x));
}

// A pointer that is also given heap memory is not followed (reusing it is
// never an error); known false negative: it may still point to 'x' here.
async int reused_pointer(int c) {
  int x = 0;
  int *p = &x;
  if (c)
    p = malloc(sizeof *p);
  return await(coast_join(coast_spawn(use_int(p)), 0));
}

// Scope tasks may borrow the parameters, the locals declared before the
// scope, and the scope itself.
async int scope_accepted(int v) {
  int x = 0;
  char buf[8];
  struct pair pr = {0, 0};
  int *p = &x;
  coast_scope s = COAST_SCOPE_INIT;
  coast_scope_spawn(&s, use_int(&x));
  coast_scope_spawn(&s, use_buf(buf, 8));
  coast_scope_spawn(&s, use_int(&pr.b));
  coast_scope_spawn(&s, use_int(p));
  coast_scope_spawn(&s, use_int(&v));
  coast_scope_spawn(&s, use_scope(&s));
  coast_scope_spawn(&s, use_val(v));
  int r = await(use_scope(&s));
  (void)sizeof(&s);
  return r + await(coast_scope_join(&s));
}

// A local declared after the scope, in its block or in a nested one.
async int scope_after(void) {
  coast_scope s = COAST_SCOPE_INIT; // expected-note {{scope 's' declared here: its tasks may borrow only locals declared before it}} expected-note {{scope 's' declared here: 'tmp' is declared in a block that ends before the scope's}}
  int late = 0; // expected-note {{'late' declared here}}
  coast_scope_spawn(&s, use_int(&late)); // expected-error {{future spawned into scope 's' borrows local 'late' of 'scope_after', which does not outlive the scope [coast-spawn-borrows-local]}}
  for (int i = 0; i < 2; i++) {
    int tmp = i; // expected-note {{'tmp' declared here}}
    coast_scope_spawn(&s, use_int(&tmp)); // expected-error {{future spawned into scope 's' borrows local 'tmp' of 'scope_after', which does not outlive the scope}}
  }
  return await(coast_scope_join(&s));
}

// Through a pointer holding the scope's address, the scope is still the
// local one (storing its address is an escape of its own).
async int scope_alias(void) {
  coast_scope s = COAST_SCOPE_INIT; // expected-note {{scope 's' declared here: its tasks may borrow only locals declared before it}} expected-note {{scope 's' declared here: its tasks borrow locals}}
  coast_scope *sp = &s; // expected-error {{scope 's' escapes 'scope_alias': its address is stored in 'sp'}}
  int late = 0; // expected-note {{'late' declared here}}
  coast_scope_spawn(sp, use_int(&late)); // expected-error {{future spawned into scope 's' borrows local 'late' of 'scope_alias', which does not outlive the scope}}
  return await(coast_scope_join(&s));
}

// A scope that is not a local of the spawning function may be joined after
// it returns; the caller's data may still be borrowed.
async int scope_param(coast_scope *sp, int *slot) {
  int x = 0; // expected-note {{'x' declared here}}
  coast_scope_spawn(sp, use_int(slot));
  coast_scope_spawn(sp, use_val(x));
  return coast_scope_spawn(sp, use_int(&x)); // expected-error {{future spawned into scope 'sp' borrows local 'x' of 'scope_param', which does not outlive the scope}} expected-note {{scope 'sp' is not a local of 'scope_param': it may be joined after 'scope_param' returns}}
}

// The scope may not escape: stored, passed to another function, returned,
// spawned with coast_spawn (a borrow like any other).
async int scope_escapes(void) {
  coast_scope s = COAST_SCOPE_INIT; // expected-note 4 {{scope 's' declared here: its tasks borrow locals, so only coast_scope_spawn, coast_scope_join and futures it outlives may use it}} expected-note {{'s' declared here}}
  saved_scope = &s; // expected-error {{scope 's' escapes 'scope_escapes': its address is stored [coast-spawn-borrows-local]}}
  coast_scope *alias = &s; // expected-error {{scope 's' escapes 'scope_escapes': its address is stored in 'alias'}}
  struct holder h = {&s}; // expected-error {{scope 's' escapes 'scope_escapes': its address is stored in an initializer}}
  register_scope(&s); // expected-error {{scope 's' escapes 'scope_escapes': its address is passed to 'register_scope'}}
  coast_task *t = coast_spawn(use_scope(&s)); // expected-error {{future spawned with coast_spawn borrows local 's' of 'scope_escapes'}} expected-note {{cannot outlive 's'}}
  (void)alias;
  (void)h;
  await(coast_join(t, 0));
  return await(coast_scope_join(&s));
}
coast_scope make_scope(void) {
  coast_scope s = COAST_SCOPE_INIT; // expected-note {{scope 's' declared here}}
  return s; // expected-error {{scope 's' escapes 'make_scope': it is returned}}
}
