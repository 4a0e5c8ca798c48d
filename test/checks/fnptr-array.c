// `async` on an array of function pointers (a variable or a field, any
// number of dimensions): its elements are async pointers, called with
// box(...), checked like any other async pointer.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
#include <coast.h>

async int fetch(int id);
async returns_send int fetch_send(int id);
int compute(int id);

// Declarations that carry async, and values stored in them.
async int (*reads[2])(int) = {fetch, fetch_send}; // #reads
async int (*grid[2][2])(int) = {{fetch, 0}, {&fetch, fetch_send}};
returns_send async int (*sendable[1])(int) = {fetch_send};
struct vtable {
	async int (*ops[2])(int); // #ops
};
static struct vtable vt = {{fetch, fetch_send}};

// The bugs: a sync function in an async array, an async one in a sync
// array, in initializers (nested ones too) and assignments.
async int (*bad_reads[2])(int) = {fetch, compute}; // expected-error {{synchronous 'compute' where an async function pointer 'bad_reads' is expected}} expected-note {{declared async here}}
int (*hashes[1])(int) = {fetch}; // #hashes expected-error {{async 'fetch' where a synchronous function pointer 'hashes' is expected}} expected-note {{declared synchronous here}}
static struct vtable bad_vt = {{compute, fetch}}; // expected-error {{synchronous 'compute' where an async function pointer 'ops' is expected}} expected-note@#ops {{declared async here}}
returns_send async int (*bad_sendable[1])(int) = {fetch}; // expected-error {{async 'fetch' whose future is not Send where a returns_send function pointer 'bad_sendable' is expected}} expected-note {{declared returns_send here}}

void assign(int i) {
	reads[i] = compute; // expected-error {{synchronous 'compute' where an async function pointer 'reads' is expected}} expected-note@#reads {{declared async here}}
	grid[i][i] = fetch;
	vt.ops[i] = reads[i];
	hashes[0] = reads[i]; // expected-error {{async 'reads' where a synchronous function pointer 'hashes' is expected}} expected-note@#hashes {{declared synchronous here}}
}

// Calls: boxed, through any element expression; unboxed is an error.
async int call(int i) {
	int a = await(box(reads[i](1)));
	int b = await(box(grid[i][1 - i](2)));
	int c = await(box(vt.ops[i](3)));
	int d = await(reads[i](4)); // expected-error {{call through async function pointer 'reads' must be boxed}}
	return a + b + c + d;
}

// Spawning: Send is the array's returns_send bound.
void spawn(int i) {
	coast_detach(coast_spawn(box(sendable[i](1))));
	coast_detach(coast_spawn(box(reads[i](1)))); // expected-error {{coast_spawn needs a Send future, and the future of 'reads' is not Send}}
	// expected-note@#reads {{the future of 'reads' is not guaranteed Send: it is not declared returns_send}}
}

// A typedef of an array is still not an async pointer declaration: an
// element read from it does not carry the typedef.
typedef async int (*table_t[2])(int); // expected-error {{'async' only applies to functions and declarations of function pointers}}
