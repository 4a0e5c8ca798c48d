// coast-fnptr-mismatch: an async function's value may only go where an async
// function pointer is expected, and a synchronous one never there: in
// assignments, initializers (fields of initializer lists too), arguments,
// returns and casts. Unknown kinds (void *, results of calls) are accepted.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int fetch(int id);
int compute(int id);
typedef async int (*fetch_fn)(int id);
typedef int (*compute_fn)(int id);

struct ops {
	fetch_fn read; // expected-note 2 {{declared async here}}
	compute_fn hash; // expected-note {{declared synchronous here}}
};

void take_async(fetch_fn f); // expected-note 2 {{declared async here}}
void take_sync(compute_fn f); // expected-note {{declared synchronous here}}

// Each flow, wrong.
void wrong(void)
{
	fetch_fn f = compute; // expected-error {{synchronous 'compute' where an async function pointer 'f' is expected [coast-fnptr-mismatch]}} expected-note {{declared async here}}
	compute_fn c = fetch; // expected-error {{async 'fetch' where a synchronous function pointer 'c' is expected; its value is an async function's, callable only with box(...) [coast-fnptr-mismatch]}} expected-note {{declared synchronous here}}
	struct ops o = {compute, fetch}; // expected-error {{synchronous 'compute' where an async function pointer 'read' is expected}} expected-error {{async 'fetch' where a synchronous function pointer 'hash' is expected}}
	o.read = &compute; // expected-error {{synchronous 'compute' where an async function pointer 'read' is expected}}
	take_async(compute); // expected-error {{synchronous 'compute' where an async function pointer 'f' is expected}}
	take_sync(fetch); // expected-error {{async 'fetch' where a synchronous function pointer 'f' is expected}}
	c = (compute_fn)fetch; // expected-error {{async 'fetch' where a synchronous function pointer is expected}}
	f = (fetch_fn)c; // expected-error {{synchronous 'c' where an async function pointer is expected}}
	(void)f;
	(void)o;
}

// Each arm of a conditional, the right side of a comma.
void take_either(int c)
{
	fetch_fn f = c ? compute : fetch; // expected-error {{synchronous 'compute' where an async function pointer 'f' is expected}} expected-note 2 {{declared async here}}
	take_async(c ? fetch : compute); // expected-error {{synchronous 'compute' where an async function pointer 'f' is expected}}
	f = (take_async(f), compute); // expected-error {{synchronous 'compute' where an async function pointer 'f' is expected}}
	f = c ? fetch : &fetch;
	(void)f;
}

// Elements of arrays, also arrays in fields.
struct table {
	fetch_fn reads[2]; // #field_reads
};
static fetch_fn reads[] = {fetch, compute}; // expected-error {{synchronous 'compute' where an async function pointer 'reads' is expected}} expected-note {{declared async here}}
static compute_fn hashes[2] = {[1] = fetch}; // expected-error {{async 'fetch' where a synchronous function pointer 'hashes' is expected}} expected-note {{declared synchronous here}}
static struct table in_field = {{compute, fetch}}; // expected-error {{synchronous 'compute' where an async function pointer 'reads' is expected}} expected-note@#field_reads {{declared async here}}
static fetch_fn right_reads[][2] = {{fetch, &fetch}, {0, (fetch_fn)0}};
static compute_fn right_hashes[] = {compute, 0};

compute_fn give_sync(void) { return fetch; } // expected-error {{async 'fetch' where a synchronous function pointer is expected}}

// Each flow, right.
fetch_fn give_async(void) { return fetch; }
static const struct ops table = {.read = fetch, .hash = compute};
void right(void *anything)
{
	fetch_fn f = fetch;
	compute_fn c = &compute;
	struct ops o = table;
	o.read = f;
	take_async(fetch);
	take_sync(compute);
	take_async(0);
	anything = (void *)compute;
	(void)c;
	(void)o;
}
