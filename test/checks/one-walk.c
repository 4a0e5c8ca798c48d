// The checks that look at every declaration and expression of the file
// (AttributeChecks, AsyncCallChecks, FnPtrMismatchCheck, SpawnNotSendCheck)
// share one walk (checks/Checks.cpp); each must still see what it saw in a
// walk of its own: the function a return or an await is in, across a
// prototype declared inside a body; unevaluated operands (an await there is
// refused, no task is spawned there, a function value there still
// mismatches); a prototype's parameters.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
#include <coast.h>

async returns_send int fetch(int id); // expected-note 2 {{'fetch' declared async here}}
typedef int (*sync_fn)(int id);

struct not_send tls_ref { int *p; };
struct tls_ref make(void);
void use(struct tls_ref *r);
async returns_send int tick(void);

async int holds_ref(void) {
	struct tls_ref r = make(); // expected-note {{'r' is not Send: its type reaches not_send 'struct tls_ref'}}
	await(tick()); // expected-note {{'r' is live across this await}}
	use(&r);
	return 0;
}

// A prototype inside a body ends before the body does: the return and the
// call after it are still the outer function's.
sync_fn after_local_prototype(void) {
	int helper(int id);
	fetch(helper(1)); // expected-error {{async function 'fetch' called from a synchronous function}}
	return fetch; // expected-error {{async 'fetch' where a synchronous function pointer is expected}}
}

// Unevaluated operands: what an await there would wait for never runs,
// and no task is spawned; a function value there is still a mismatch.
async int unevaluated(void) {
	int n = sizeof(await(fetch(1))); // expected-error {{'await' in the operand of 'sizeof', which is never evaluated}}
	n += sizeof(coast_spawn(holds_ref()));
	n += sizeof((sync_fn)fetch); // expected-error {{async 'fetch' where a synchronous function pointer is expected}}
	n += __builtin_choose_expr(1, await(fetch(2)), await(fetch(3))); // expected-error {{'await' in the operand of '__builtin_choose_expr', which is never evaluated}}
	n += __builtin_choose_expr(0, (sync_fn)fetch, 1); // expected-error {{async 'fetch' where a synchronous function pointer is expected}}
	return n + _Generic(await(fetch(4)), int: 1, default: 0); // expected-error {{'await' in the operand of '_Generic', which is never evaluated}}
}

// The association _Generic selects is evaluated, the others are not.
int selected(void) {
	return _Generic(0, int: fetch(5), default: fetch(6)); // expected-error {{async function 'fetch' called from a synchronous function}}
}

// Evaluated, the same spawn is checked.
void spawns(void) {
	coast_detach(coast_spawn(holds_ref())); // expected-error {{coast_spawn needs a Send future, and the future of 'holds_ref' is not Send [coast-spawn-not-send]}}
}

// A prototype's parameters are declarations of the file too.
void takes(returns_send int (*poll)(void)); // expected-error {{'returns_send' needs an async function or async function pointer: add 'async'}}
