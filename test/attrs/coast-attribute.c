// coast-attribute: attributes on the wrong kind of declaration, with bad
// arguments, or naming destructors that do not exist or cannot destruct.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
// RUN: %coast -std=c2x -DC23 -fsyntax-only -Xclang -verify -ferror-limit=0 %s
#include <coast.h>

struct conn;
void conn_close(struct conn *c); // #conn_close

// Wrong kinds of declaration for each attribute.
not_send int not_send_function(void); // expected-error {{'not_send' only applies to structs, unions and typedefs of them [coast-attribute]}}
int not_send_variable not_send; // expected-error {{'not_send' only applies to structs, unions and typedefs of them [coast-attribute]}}
struct fields { not_send int not_send_field; }; // expected-error {{'not_send' only applies to structs, unions and typedefs of them [coast-attribute]}}
int box_async_variable box_async; // expected-error {{'box_async' only applies to functions [coast-attribute]}}
box_async int (*box_async_pointer)(void); // expected-error {{'box_async' only applies to functions [coast-attribute]}}
typedef box_async int (*box_async_typedef)(void); // expected-error {{'box_async' only applies to functions [coast-attribute]}}
async int async_int; // expected-error {{'async' only applies to functions and declarations of function pointers [coast-attribute]}}
async int *async_data_pointer; // expected-error {{'async' only applies to functions and declarations of function pointers [coast-attribute]}}
typedef async int async_int_typedef; // expected-error {{'async' only applies to functions and declarations of function pointers [coast-attribute]}}
struct async async_struct { int a; }; // expected-error {{'async' only applies to functions and declarations of function pointers [coast-attribute]}}
int async_param(async int n); // expected-error {{'async' only applies to functions and declarations of function pointers [coast-attribute]}}
returns_send int returns_send_int; // expected-error {{'returns_send' only applies to async functions and declarations of async function pointers [coast-attribute]}}
must_destruct() int must_destruct_int_function(void); // expected-error {{'must_destruct' only applies to structs, functions returning a pointer and parameters [coast-attribute]}}
must_destruct() struct conn *must_destruct_variable; // expected-error {{'must_destruct' only applies to structs, functions returning a pointer and parameters [coast-attribute]}}
struct conn_fields { struct conn *c must_destruct(); }; // expected-error {{'must_destruct' only applies to structs, functions returning a pointer and parameters [coast-attribute]}}

// must_destruct() (ownership) on a struct; must_destruct(f) on a function or
// a parameter.
struct no_destructor { int a; } must_destruct(); // expected-error {{'must_destruct' on a struct needs at least one destructor [coast-attribute]}}
must_destruct(conn_close) struct conn *with_destructor(void); // expected-error {{'must_destruct' on a function or parameter takes no destructors: write 'must_destruct()' [coast-attribute]}}
void param_destructor(struct conn *c must_destruct(conn_close)); // expected-error {{'must_destruct' on a function or parameter takes no destructors: write 'must_destruct()' [coast-attribute]}}

// Arguments that are not destructor names.
struct number_arg { int a; } must_destruct(1); // expected-error {{'must_destruct' arguments must name destructor functions [coast-attribute]}}
struct expr_arg { int a; } must_destruct(conn_close, 1 + 2); // expected-error {{'must_destruct' arguments must name destructor functions [coast-attribute]}}
struct call_arg { int a; } must_destruct(conn_close()); // expected-error {{'must_destruct' arguments must name destructor functions [coast-attribute]}}
struct empty_arg { int a; } must_destruct(conn_close, ); // expected-error {{'must_destruct' arguments must name destructor functions [coast-attribute]}}
struct string_arg { int a; } __attribute__((__must_destruct__("x", "y"))); // expected-error {{'must_destruct' arguments must name destructor functions [coast-attribute]}}
struct wide_arg { int a; } __attribute__((__must_destruct__(L"x"))); // expected-error {{'must_destruct' arguments must name destructor functions [coast-attribute]}}
int variable;
struct variable_arg { int a; } __attribute__((__must_destruct__(conn_close, variable))); // expected-error {{'must_destruct' arguments must name destructor functions [coast-attribute]}}

// Arguments to the attributes that take none.
int __attribute__((__async__(1))) async_arg(void); // expected-error {{'async' takes no arguments [coast-attribute]}}
int __attribute__((__box_async__(x))) box_async_arg(void); // expected-error {{'box_async' takes no arguments [coast-attribute]}}
async int __attribute__((__returns_send__(1))) returns_send_arg(void); // expected-error {{'returns_send' takes no arguments [coast-attribute]}}
struct __attribute__((__not_send__("x"))) not_send_arg { int a; }; // expected-error {{'not_send' takes no arguments [coast-attribute]}}

// Destructors that do not exist.
struct missing { int a; } must_destruct(missing_close); // expected-error {{destructor 'missing_close' of 'struct missing' is not a declared function [coast-attribute]}}
struct missing2 { int a; } must_destruct(missing2_close, missing2_abort); // expected-error {{destructor 'missing2_abort' of 'struct missing2' is not a declared function [coast-attribute]}}
void missing2_close(struct missing2 *m);
int not_a_function;
struct object { int a; } must_destruct(not_a_function); // expected-error {{destructor 'not_a_function' of 'struct object' is not a declared function [coast-attribute]}}

// Destructors with the wrong signature, with a note at their declaration.
struct two_params { int a; } must_destruct(two_params_close); // expected-error {{destructor 'two_params_close' must take one 'struct two_params *' or 'struct two_params' parameter [coast-attribute]}}
void two_params_close(struct two_params *t, int how); // expected-note {{'two_params_close' declared here}}
struct no_params { int a; } must_destruct(no_params_close); // expected-error {{destructor 'no_params_close' must take one 'struct no_params *' or 'struct no_params' parameter [coast-attribute]}}
void no_params_close(void); // expected-note {{'no_params_close' declared here}}
struct other_type { int a; } must_destruct(conn_close); // expected-error {{destructor 'conn_close' must take one 'struct other_type *' or 'struct other_type' parameter [coast-attribute]}}
// expected-note@#conn_close {{'conn_close' declared here}}
struct double_pointer { int a; } must_destruct(double_pointer_close); // expected-error {{destructor 'double_pointer_close' must take one 'struct double_pointer *' or 'struct double_pointer' parameter [coast-attribute]}}
void double_pointer_close(struct double_pointer **d); // expected-note {{'double_pointer_close' declared here}}

// A destructor declared before its struct without a forward declaration
// takes a different struct, local to its parameter list; the note says so.
void local_close(struct local *l); // expected-warning {{declaration of 'struct local' will not be visible outside of this function}} expected-note {{'local_close' declared here, where 'struct local' is a new type local to its parameter list; declare 'struct local;' before it}}
struct local { int a; } must_destruct(local_close); // expected-error {{destructor 'local_close' must take one 'struct local *' or 'struct local' parameter [coast-attribute]}}

// returns_send without async, reported once at the first declaration.
returns_send int not_async(void); // expected-error {{'returns_send' needs an async function or async function pointer: add 'async' [coast-attribute]}}
int not_async(void);
typedef returns_send int (*not_async_ptr)(void); // expected-error {{'returns_send' needs an async function or async function pointer: add 'async' [coast-attribute]}}
struct not_async_field { returns_send int (*poll)(void); }; // expected-error {{'returns_send' needs an async function or async function pointer: add 'async' [coast-attribute]}}
// ... but async may come on a later declaration.
returns_send int async_later(void);
async int async_later(void);

#ifdef C23
// The C23 spellings are checked alike (the __name__ forms, since the
// keyword macros would expand coast::async).
[[coast::__async__]] int c23_async_int; // expected-error {{'async' only applies to functions and declarations of function pointers [coast-attribute]}}
[[coast::__not_send__]] int c23_not_send_function(void); // expected-error {{'not_send' only applies to structs, unions and typedefs of them [coast-attribute]}}
[[coast::__async__(1)]] int c23_async_arg(void); // expected-error {{'async' takes no arguments [coast-attribute]}}
struct [[coast::__must_destruct__(1)]] c23_number_arg { int a; }; // expected-error {{'must_destruct' arguments must name destructor functions [coast-attribute]}}
struct [[coast::__must_destruct__()]] c23_no_destructor { int a; }; // expected-error {{'must_destruct' on a struct needs at least one destructor [coast-attribute]}}
void c23_param([[coast::__must_destruct__(conn_close)]] struct conn *c); // expected-error {{'must_destruct' on a function or parameter takes no destructors: write 'must_destruct()' [coast-attribute]}}
#endif
