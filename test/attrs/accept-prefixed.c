// With COAST_NO_KEYWORDS only the coast_ spellings exist; they are accepted
// where the keywords are, and async, await, box... are free identifiers.
// RUN: %coast -fsyntax-only -Xclang -verify -Wall -Wextra %s
// RUN: %plain -fsyntax-only -Wall -Wextra -Werror %s
// RUN: %gcc -std=c11 -fsyntax-only -Wall -Wextra -Werror %s
// expected-no-diagnostics
#define COAST_NO_KEYWORDS
#include <coast.h>

#if defined(async) || defined(await) || defined(box) || defined(box_async) || \
    defined(returns_send) || defined(not_send) || defined(must_destruct)
#error "COAST_NO_KEYWORDS must leave the keywords undefined"
#endif

// The keywords as ordinary identifiers.
static int async = 1;
struct box { int await; };
static int box_async(struct box *b) { return b->await + async; }
typedef int returns_send, not_send;
returns_send must_destruct(not_send n) { return n; }

coast_async int fetch(int id);
coast_box_async int walk(int depth);
coast_async coast_returns_send int sendable(void);
typedef coast_async int (*fetch_fn)(int id);
typedef coast_async int fetch_ty(int id);
struct ops { coast_async coast_returns_send int (*poll)(int id); };
coast_async int (*global_fn)(int id);
int use(coast_async int (*cb)(int id));
struct coast_not_send tls_ref { int *p; };
typedef struct { int *p; } coast_not_send anon_t;

struct conn;
void conn_close(struct conn *c);
struct conn { int fd; } coast_must_destruct(conn_close, conn_abort);
void conn_abort(struct conn *c);
coast_must_destruct() struct conn *conn_open(void);
void conn_send(coast_must_destruct() struct conn *c);

// Every declaration is used, so -Wall stays quiet without the plugin.
int use_all(void) {
  struct box b = {0};
  return box_async(&b) + must_destruct(0);
}
