// coast-ready-companion: a function named F__coast_ready, F an async
// function, is F's ready companion only of the shape `int (F's parameters,
// T *)` (T F's result; nothing more for a void F), not async
// (docs/future-abi.md, "Ready companions"). Another shape is a warning at
// it, with a note at F: the lowering would not call it, silently. Right
// shapes (qualifiers of parameters aside) and a function of that name
// without an async F are not.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int half(int x);
int half__coast_ready(int x, int *result);

async void note(const char *s, long n);
int note__coast_ready(const char *const s, long n);

typedef unsigned u32;
async u32 typed(void);
int typed__coast_ready(unsigned *result);

async int not_pointer(int x); // expected-note {{async function 'not_pointer' declared here}}
int not_pointer__coast_ready(int x, int result); // expected-warning {{'not_pointer__coast_ready' is not the ready companion of 'not_pointer', which is a function of type 'int (int, int *)' and not async; awaits of 'not_pointer' start its frame without calling it [coast-ready-companion]}}

async int const_result(int x); // expected-note {{async function 'const_result' declared here}}
int const_result__coast_ready(int x, const int *result); // expected-warning {{'const_result__coast_ready' is not the ready companion of 'const_result', which is a function of type 'int (int, int *)'}}

async void void_result(int x); // expected-note {{async function 'void_result' declared here}}
int void_result__coast_ready(int x, void *result); // expected-warning {{'void_result__coast_ready' is not the ready companion of 'void_result', which is a function of type 'int (int)'}}

async int long_result(void); // expected-note {{async function 'long_result' declared here}}
long long_result__coast_ready(int *result); // expected-warning {{'long_result__coast_ready' is not the ready companion of 'long_result', which is a function of type 'int (int *)'}}

async int two(int a, char b); // expected-note {{async function 'two' declared here}}
int two__coast_ready(char b, int a, int *result); // expected-warning {{'two__coast_ready' is not the ready companion of 'two', which is a function of type 'int (int, char, int *)'}}

async int variadic_companion(int a); // expected-note {{async function 'variadic_companion' declared here}}
int variadic_companion__coast_ready(int a, int *result, ...); // expected-warning {{'variadic_companion__coast_ready' is not the ready companion of 'variadic_companion'}}

async int async_companion(int a); // expected-note {{async function 'async_companion' declared here}}
async int async_companion__coast_ready(int a, int *result); // expected-warning {{'async_companion__coast_ready' is not the ready companion of 'async_companion', which is a function of type 'int (int, int *)' and not async}}

// Warned once, at its first declaration.
async int twice(int a); // expected-note {{async function 'twice' declared here}}
int twice__coast_ready(int a); // expected-warning {{'twice__coast_ready' is not the ready companion of 'twice'}}
int twice__coast_ready(int a);

// No async function of that name: not a companion of anything.
int plain__coast_ready(int a);
int plain(int a);

async int use(int x)
{
	return await(half(x)) + await(not_pointer(x)) + await(typed());
}
