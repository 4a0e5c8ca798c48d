// Every attribute of SPEC section 1, spelled with coast.h's keyword macros,
// is accepted on each kind of declaration it belongs on.
// RUN: %coast -fsyntax-only -Xclang -verify -Wall -Wextra %s
// expected-no-diagnostics
#include <coast.h>

// async on functions: prototypes, before and after the specifiers.
async int fetch(int id);
extern async int cached(int id);
int async late(int id);
// box_async on a recursive function.
box_async int walk(int depth);
// returns_send beside async, in either order.
async returns_send int sendable(void);
returns_send async int sendable2(void);
box_async returns_send int sendable3(void);

// async on typedefs of function pointers and function types.
typedef async int (*fetch_fn)(int id);
typedef async int fetch_ty(int id);
typedef async returns_send int (*send_fn)(int id);

// async on fields, variables and parameters of function pointer type.
struct ops {
  async int (*poll)(int id);
  async returns_send int (*poll_send)(int id);
  fetch_fn via_typedef;
};
async int (*global_fn)(int id);
async int (*init_fn)(int id) = fetch;
int use(async int (*cb)(int id), async returns_send int (*scb)(int));

// not_send on structs, unions and typedefs of them.
struct not_send tls_ref { int *p; };
union not_send tls_any { int *p; long l; };
typedef struct { int *p; } not_send anon_t;
typedef struct named { int *p; } named_t not_send;
typedef struct tls_ref tls_ref_t not_send;

// A redeclaration without the attribute keeps it.
int fetch(int id);
