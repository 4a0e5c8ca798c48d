// coast-fnptr-mismatch, returns_send part: a returns_send pointer takes only
// async functions whose future is Send and pointers with the same bound. A
// vtable whose async pointers are returns_send (a Service) can be used where
// the same-shaped vtable without the bound (a LocalService) is expected,
// not the other way round.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

struct not_send tls_ref { int *p; };
struct tls_ref make(void);
void use(struct tls_ref *r);
async returns_send int tick(void);

typedef async returns_send int (*send_fn)(int id);
typedef async int (*local_fn)(int id);

struct service { send_fn handle; }; // expected-note 2 {{declared returns_send here}}
struct local_service { local_fn handle; }; // expected-note {{declared without returns_send here}}

async int sendable(int id) { return await(tick()) + id; }
async returns_send int promised(int id);
async int not_sendable(int id) {
	struct tls_ref r = make();
	await(tick());
	use(&r);
	return id;
}
async int unknown(int id);

void serve(const struct local_service *s);
void serve_send(const struct service *s);

// Service where a LocalService is expected: accepted.
void service_as_local(void) {
	struct service svc = {.handle = sendable};
	struct local_service local = {.handle = not_sendable};
	send_fn s = promised;
	local_fn l = s;
	local.handle = svc.handle;
	serve((const struct local_service *)&svc);
	(void)l;
	(void)local;
}

// LocalService where a Service is expected: rejected.
void local_as_service(local_fn l) {
	struct service svc = {.handle = not_sendable}; // expected-error {{async 'not_sendable' whose future is not Send where a returns_send function pointer 'handle' is expected [coast-fnptr-mismatch]}}
	struct local_service local = {.handle = l};
	send_fn s = unknown; // expected-error {{async 'unknown' whose future is not Send where a returns_send function pointer 's' is expected}} expected-note {{declared returns_send here}}
	svc.handle = l; // expected-error {{async function pointer 'l' without returns_send where a returns_send function pointer 'handle' is expected}}
	serve_send((const struct service *)&local); // expected-error {{cast adds a returns_send bound: field 'handle' is not returns_send, but 'handle' in 'const struct service *' is}}
	(void)s;
}
