// coast-spawn-not-send: coast_spawn needs a Send future. Send comes from
// liveness at each await, not from scopes: the false-positive shapes of
// Rust's and Swift's history are accepted (a value dead before the await,
// passed by value before it, assigned on a branch that does not reach it,
// held in a block that ends before it), and the true positives beside them
// are rejected with a note at the value and one at the await it crosses.
// RUN: %coast -fsyntax-only -Xclang -verify %s
// RUN: not %coast -fsyntax-only -fdiagnostics-parseable-fixits %s 2>&1 | FileCheck %s
#include <coast.h>
#include <errno.h>

struct not_send tls_ref { int *p; };
struct wrapper { int id; struct tls_ref refs[2]; };

struct tls_ref make(void);
void use(struct tls_ref *r);
void consume(struct tls_ref r);
void use_int(int *p);
async returns_send int tick(void);

// A value whose last use is before the await.
async int dead_before_await(void) {
	struct tls_ref r = make();
	use(&r);
	await(tick());
	return 0;
}

// A value passed by value into a callee before the await.
async int passed_by_value(void) {
	struct tls_ref r = make();
	consume(r);
	await(tick());
	return 0;
}

// Assigned on a branch that does not reach the await.
async int branch_without_await(int c) {
	struct tls_ref r;
	if (c) {
		r = make();
		use(&r);
		return 1;
	}
	await(tick());
	return 0;
}

// Held only in a block that ends before the await.
async int block_ends_before(void) {
	{
		struct tls_ref r = make();
		use(&r);
	}
	await(tick());
	return 0;
}

// Its address kept in an untyped pointer that outlives the block: the
// local's life ends with its block all the same.
async int address_outlives_block(int c) {
	void *p = 0;
	if (c) {
		struct tls_ref r = make();
		p = &r;
		use(p);
	}
	await(tick());
	return p != 0;
}

// Overwritten after the await: the old value is dead across it.
async int reassigned_after(void) {
	struct tls_ref r = make();
	use(&r);
	await(tick());
	r = make();
	use(&r);
	return 0;
}

// Live across the await on one branch only: rejected.
async int live_on_one_branch(int c) {
	struct tls_ref r = make(); // expected-note {{'r' is not Send: its type reaches not_send 'struct tls_ref'}}
	if (c)
		await(tick()); // expected-note {{'r' is live across this await}}
	use(&r);
	return 0;
}

// Live across, inside a struct's array field: rejected.
async int live_in_field(void) {
	struct wrapper w = {0}; // expected-note {{'w' is not Send: its type reaches not_send 'struct tls_ref'}}
	await(tick()); // expected-note {{'w' is live across this await}}
	return w.id;
}

// A pointer to a not_send local keeps it live while the pointer is, also
// when the pointer is untyped, and before the declaration on a goto back.
async int through_void_pointer(int n) {
	void *p = 0;
	{
	again:
		await(tick()); // expected-note {{'r' is live across this await}}
		struct tls_ref r = make(); // expected-note {{'r' is not Send}}
		if (p)
			use(p);
		p = &r;
		if (n--)
			goto again;
	}
	return 0;
}
// A pointer to a not_send local keeps it live while the pointer is.
async int through_pointer(void) {
	struct tls_ref r = make(); // expected-note {{'r' is not Send}}
	struct tls_ref *p = &r; // expected-note {{'p' is not Send: its type reaches not_send 'struct tls_ref'}}
	await(tick()); // expected-note {{'r' is live across this await}} expected-note {{'p' is live across this await}}
	use(p);
	return 0;
}

// An address stored where it is not followed (a global) keeps the local
// live at every await after the store; one given to the awaited call keeps
// it live across that await. Both rejected.
struct tls_ref *global_ref;
async returns_send int fill(struct tls_ref *r);
async int escapes(void) {
	struct tls_ref r = make(); // expected-note {{'r' is not Send}}
	global_ref = &r;
	await(tick()); // expected-note {{'r' is live across this await}}
	return 0;
}
async int lent_to_await(void) {
	struct tls_ref r = make(); // expected-note {{'r' is not Send}}
	return await(fill(&r)); // expected-note {{'r' is live across this await}}
}

// Pointers to thread-local objects and to errno.
_Thread_local int counter;
async int thread_local_pointer(void) {
	int *p = &counter; // expected-note {{'p' points to a thread-local object}}
	int *e = &errno; // expected-note {{'e' points to a thread-local object}}
	await(tick()); // expected-note {{'p' is used across this await, maybe on another thread}} expected-note {{'e' is used across this await}}
	return *p + *e;
}

// A thread-local address given to the spawned future: rejected (below).
async int takes_pointer(int *p) { return await(tick()) + *p; }

// A thread-local address used only before the await: accepted.
async int thread_local_before(void) {
	int *p = &counter;
	use_int(p);
	await(tick());
	return 0;
}

// Consumed by the awaited call's arguments: the callee's frame holds it,
// and the callee is Send when it does not keep it across its own await.
async int take_early(struct tls_ref r) {
	use(&r);
	await(tick());
	return 0;
}
async int take_late(struct tls_ref r) { // expected-note {{'r' is not Send}}
	await(tick()); // expected-note {{'r' is live across this await}}
	use(&r);
	return 0;
}
async int awaits_take_early(void) {
	struct tls_ref r = make();
	return await(take_early(r));
}
async int awaits_take_late(void) {
	struct tls_ref r = make();
	return await(take_late(r)); // expected-note {{the future of 'take_late', awaited here, is not Send}}
}

// A not_send parameter is held by the spawned future before its first
// poll, even when it is dead across every await.
async int takes_param(struct tls_ref r) { // expected-note {{parameter 'r' is not Send: its type reaches not_send 'struct tls_ref', and the future holds it until its first poll}}
	use(&r);
	await(tick());
	return 0;
}

// Mutual recursion: Send unless something in the cycle breaks it.
box_async int ping(int n);
box_async int pong(int n) { return n ? await(ping(n - 1)) : 0; }
box_async int ping(int n) { return n ? await(pong(n - 1)) : await(tick()); }

// Futures of other files and through pointers: Send only if returns_send.
async int elsewhere(int id); // expected-note {{the future of 'elsewhere' is not guaranteed Send: it is not declared returns_send}}
// CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:1-[[@LINE-1]]:1}:"returns_send "
typedef async int (*handler_fn)(int id); // expected-note {{the future of 'handler_fn' is not guaranteed Send: it is not declared returns_send}}
// CHECK: fix-it:"{{.*}}":{[[@LINE-1]]:1-[[@LINE-1]]:1}:"returns_send "
async int awaits_elsewhere(void) {
	return await(elsewhere(1)); // expected-note {{'elsewhere' awaited here}}
}

void spawner(handler_fn h, async returns_send int (*sh)(int)) { // expected-note {{the future of 'h' is not guaranteed Send: it is not declared returns_send}}
	coast_detach(coast_spawn(dead_before_await()));
	coast_detach(coast_spawn(passed_by_value()));
	coast_detach(coast_spawn(branch_without_await(1)));
	coast_detach(coast_spawn(block_ends_before()));
	coast_detach(coast_spawn(address_outlives_block(1)));
	coast_detach(coast_spawn(reassigned_after()));
	coast_detach(coast_spawn(thread_local_before()));
	coast_detach(coast_spawn(awaits_take_early()));
	coast_detach(coast_spawn(ping(3)));
	coast_detach(coast_spawn(box(sh(1))));
	coast_detach(coast_spawn(live_on_one_branch(1))); // expected-error {{coast_spawn needs a Send future, and the future of 'live_on_one_branch' is not Send [coast-spawn-not-send]}}
	coast_detach(coast_spawn(live_in_field())); // expected-error {{future of 'live_in_field' is not Send}}
	coast_detach(coast_spawn(through_pointer())); // expected-error {{future of 'through_pointer' is not Send}}
	coast_detach(coast_spawn(through_void_pointer(1))); // expected-error {{future of 'through_void_pointer' is not Send}}
	coast_detach(coast_spawn(thread_local_pointer())); // expected-error {{future of 'thread_local_pointer' is not Send}}
	coast_detach(coast_spawn(escapes())); // expected-error {{future of 'escapes' is not Send}}
	coast_detach(coast_spawn(lent_to_await())); // expected-error {{future of 'lent_to_await' is not Send}}
	coast_detach(coast_spawn(awaits_take_late())); // expected-error {{future of 'awaits_take_late' is not Send}}
	coast_detach(coast_spawn(takes_param(make()))); // expected-error {{future of 'takes_param' is not Send}}
	coast_detach(coast_spawn(awaits_elsewhere())); // expected-error {{future of 'awaits_elsewhere' is not Send}}
	coast_detach(coast_spawn(takes_pointer(&counter))); // expected-error {{future of 'takes_pointer' is not Send}} expected-note {{'&counter' points to a thread-local object}}
	coast_detach(coast_spawn(box(h(1)))); // expected-error {{future of 'h' is not Send}}
}

// A pointer no declaration names, read from a table or returned by a call:
// its typedef says whether it is bound.
typedef async returns_send int (*send_handler_fn)(int id);
extern handler_fn handlers[2];
extern send_handler_fn send_handlers[2];
send_handler_fn pick_send(int i);
void table_spawner(void) {
	coast_detach(coast_spawn(box(send_handlers[1](1))));
	coast_detach(coast_spawn(box(pick_send(0)(1))));
	coast_detach(coast_spawn(box(handlers[1](1)))); // expected-error {{coast_spawn needs a Send future, and the future of 'handler_fn' is not Send [coast-spawn-not-send]}}
}
