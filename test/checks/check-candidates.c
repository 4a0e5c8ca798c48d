// The checks' one walk lists the definitions the borrow check and the
// must_destruct analysis walk (checks/Checks.cpp): a definition is listed
// for any one thing either reports about, wherever in its body. Each
// function below has one such thing alone, and is diagnosed; the two
// after "Accepted" must not be (whether the walk lists them is not
// visible here: only that nothing is reported).
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

struct conn;
void conn_close(struct conn *c);
async void conn_close_async(struct conn *c);
struct conn { int fd; } must_destruct(conn_close_async, conn_close);
struct conn *conn_open(int fd) must_destruct();
int conn_fd(const struct conn *c);
void consume(struct conn *c must_destruct());
async returns_send int use_int(int *p);
void register_scope(coast_scope *s);

// The borrow check: a spawn, or a local coast_scope.
void spawns(void)
{
	int x = 0; // expected-note {{'x' declared here}}
	coast_task *t = coast_spawn(use_int(&x)); // expected-error {{future spawned with coast_spawn borrows local 'x' of 'spawns'}} expected-note {{use a coast_scope}}
	(void)t;
}

async int scope_only(void)
{
	coast_scope s = COAST_SCOPE_INIT; // expected-note {{scope 's' declared here}}
	register_scope(&s); // expected-error {{scope 's' escapes 'scope_only': its address is passed to 'register_scope'}}
	await(coast_scope_join(&s));
	return 0;
}

// The must_destruct analysis: an owned parameter, by value or declared
// must_destruct(), an owned local, a call whose result is owned, a call of
// a destructor.
void by_value(struct conn c) // expected-error {{must_destruct value 'c' is not destructed on every path}}
{
	(void)conn_fd(&c);
} // expected-note {{'c' is still owned when this path leaves its scope}}

void owned_pointer(struct conn *c must_destruct()) // expected-error {{must_destruct value 'c' is not destructed on every path}}
{
	(void)conn_fd(c);
} // expected-note {{'c' is still owned when this path leaves its scope}}

void owned_local(void)
{
	struct conn c; // expected-error {{must_destruct value 'c' is not destructed on every path}}
	c.fd = 1;
} // expected-note {{'c' is still owned when this path leaves its scope}}

void dropped(void)
{
	conn_open(1); // expected-error {{owned value returned by 'conn_open' is never destructed}}
}

void destructs(struct conn *c)
{
	conn_close_async(c); // expected-error {{async destructor 'conn_close_async' called from a synchronous function must run through coast_block_on}}
}

// Accepted: a borrowed pointer, used.
void borrows(const struct conn *c)
{
	(void)conn_fd(c);
}

// Accepted: an owned result and a borrowing spawn in operands C never
// evaluates (the walk lists the function; neither check's own walk looks
// there).
int unevaluated(void)
{
	int x = 0;
	return (int)sizeof(conn_open(1)) + (int)sizeof(coast_spawn(use_int(&x)));
}
