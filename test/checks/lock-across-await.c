// coast-lock-across-await: a blocking lock that may be held across an await
// is a warning at the await, with a note where it was taken; the future is
// then not Send. pthread locks and any function with Clang's
// acquire_capability family count; a lock released before the await, and
// coast's async mutex, do not.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>
#include <pthread.h>

async returns_send int tick(void);

struct __attribute__((capability("mutex"))) spin { int v; };
void spin_acquire(struct spin *s) __attribute__((acquire_capability(s)));
void spin_release(struct spin *s) __attribute__((release_capability(s)));
void shared_acquire(struct spin *s) __attribute__((acquire_shared_capability(s)));

pthread_mutex_t m;
pthread_rwlock_t rw;
struct spin sp;
struct conn { pthread_mutex_t mu; };

// Held across: warned.
async int held(void) {
	pthread_mutex_lock(&m); // expected-note {{'&m' locked here}}
	await(tick()); // expected-warning {{blocking lock '&m' may be held across this await; the task may resume on another thread, and other tasks needing it block their workers [coast-lock-across-await]}}
	pthread_mutex_unlock(&m);
	return 0;
}

// Held on one path only: warned.
async int held_on_one_path(int c) {
	pthread_mutex_lock(&m); // expected-note {{'&m' locked here}}
	if (c)
		pthread_mutex_unlock(&m);
	await(tick()); // expected-warning {{blocking lock '&m' may be held across this await}}
	if (!c)
		pthread_mutex_unlock(&m);
	return 0;
}

// Released before the await: accepted.
async int released_before(struct conn *c) {
	pthread_mutex_lock(&c->mu);
	pthread_rwlock_wrlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_mutex_unlock(&c->mu);
	await(tick());
	return 0;
}

// Released with other redundant parentheses than it was locked with (a
// macro's `&(c)->mu`): the same lock, accepted. Parentheses that change the
// expression name another lock.
#define LOCK(c) pthread_mutex_lock(&(c)->mu)
struct conn_ref { struct conn *c; };
async int released_as_spelled_otherwise(struct conn *c, struct conn_ref *r) {
	LOCK(c);
	pthread_mutex_unlock(&c->mu);
	pthread_mutex_lock(&(c->mu));
	pthread_mutex_unlock((&((c)->mu)));
	pthread_mutex_lock(&(r->c)->mu);
	pthread_mutex_unlock(&r->c->mu);
	pthread_mutex_lock(&(*c).mu); // expected-note {{'&(*c).mu' locked here}}
	pthread_mutex_unlock(&c[0].mu);
	await(tick()); // expected-warning {{blocking lock '&(*c).mu' may be held across this await}}
	pthread_mutex_unlock(&(*c).mu);
	return 0;
}
async int deref_parens(struct conn **cs) {
	pthread_mutex_lock(&(*cs)[1].mu); // expected-note {{'&(*cs)[1].mu' locked here}}
	pthread_mutex_unlock(&cs[1]->mu);
	await(tick()); // expected-warning {{blocking lock '&(*cs)[1].mu' may be held across this await}}
	pthread_mutex_unlock(&(*cs)[1].mu);
	return 0;
}

// Locked after the await: accepted.
async int locked_after(void) {
	await(tick());
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	return 0;
}

// Through capability attributes, with the lock named by the argument.
async int capability(struct conn *c) {
	spin_acquire(&sp); // expected-note {{'&sp' locked here}}
	pthread_rwlock_rdlock(&rw);
	pthread_rwlock_unlock(&rw);
	await(tick()); // expected-warning {{blocking lock '&sp' may be held across this await}}
	spin_release(&sp);
	shared_acquire(&sp);
	spin_release(&sp);
	await(tick());
	return 0;
}

// In a loop: the lock taken at the end of one iteration crosses the next
// iteration's await.
async int loop(int n) {
	for (int i = 0; i < n; i++) {
		await(tick()); // expected-warning {{blocking lock '&c.mu' may be held across this await}}
		struct conn c;
		pthread_mutex_lock(&c.mu); // expected-note {{'&c.mu' locked here}}
	}
	return 0;
}

// coast's async mutex is not a blocking lock.
async int async_mutex(coast_mutex *am) {
	await(coast_mutex_lock(am));
	await(tick());
	coast_mutex_unlock(am);
	return 0;
}
