// coast-returns-send-violated: a returns_send promise is checked at the
// definition, with a note for each reason; kept promises are accepted,
// including in a cycle of returns_send functions.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>
#include <pthread.h>

struct not_send tls_ref { int *p; };
struct tls_ref make(void);
void use(struct tls_ref *r);
async returns_send int tick(void);
async int unbound(void); // expected-note {{the future of 'unbound' is not guaranteed Send: it is not declared returns_send}}
pthread_mutex_t m;

// Kept: the value is dead before the await.
async returns_send int kept(void) {
	struct tls_ref r = make();
	use(&r);
	return await(tick());
}

// Broken by a value live across the await.
async returns_send int broken_value(void) { // expected-error {{'broken_value' is declared returns_send, but its future is not Send [coast-returns-send-violated]}}
	struct tls_ref r = make(); // expected-note {{'r' is not Send: its type reaches not_send 'struct tls_ref'}}
	await(tick()); // expected-note {{'r' is live across this await}}
	use(&r);
	return 0;
}

// Broken by a lock (also warned), by awaiting a future not known to be Send,
// and by awaiting a function of this file that is not Send.
async int not_send_helper(void) {
	struct tls_ref r = make(); // expected-note {{'r' is not Send}}
	await(tick()); // expected-note {{'r' is live across this await}}
	use(&r);
	return 0;
}
async returns_send int broken_await(void) { // expected-error {{'broken_await' is declared returns_send, but its future is not Send}}
	pthread_mutex_lock(&m); // expected-note {{blocking lock '&m' taken here}} expected-note {{'&m' locked here}}
	await(tick()); // expected-note {{'&m' is held across this await}} expected-warning {{blocking lock '&m' may be held across this await}}
	pthread_mutex_unlock(&m);
	await(unbound()); // expected-note {{'unbound' awaited here}}
	return await(not_send_helper()); // expected-note {{the future of 'not_send_helper', awaited here, is not Send}}
}

// Broken by a not_send parameter the future holds before its first poll.
async returns_send int broken_param(struct tls_ref r) { // expected-error {{'broken_param' is declared returns_send, but its future is not Send}} expected-note {{parameter 'r' is not Send: its type reaches not_send 'struct tls_ref', and the future holds it until its first poll}}
	use(&r);
	return await(tick());
}

// A kept promise in a cycle.
box_async returns_send int even(int n);
box_async returns_send int odd(int n) { return n ? await(even(n - 1)) : 0; }
box_async returns_send int even(int n) { return n ? await(odd(n - 1)) : 1; }
