// What names the function the lowering generates rather than the async one
// is coast-unsupported: __builtin_FUNCSIG() and __builtin_FUNCTION()
// written in a macro's definition (printed `f__coast_poll`, plain C `f`;
// written in the body it is rewritten, builtin-function.c), Microsoft's
// __FUNCSIG__,
// __FUNCDNAME__ and L__FUNCTION__, and __func__ stringified after another
// macro expanded it where the body also names __func__ (the lowering's
// macro for __func__ showed as its string), and __builtin_FUNCTION() in
// an argument that a macro both stringifies and expands (it showed the
// name the lowering writes in its place); also __builtin_COLUMN() written
// in a macro's definition, whose column (the macro's use) the lowering's
// rewriting changes, and in an argument that a macro both stringifies and
// expands. __func__ stringified as written, or through two macros in a
// body that names no __func__, __builtin_FUNCTION() only stringified, and
// __builtin_COLUMN() written in the body (the lowering writes its column
// in its place: the rewritten line has other columns), in a macro's
// argument (the column of the macro's use) and in the body of a local
// type that stays in the function (one defined in a `sizeof` was missed:
// plain 54, coast 267), still print the same as plain C; in a type that
// moves to file scope with the frame after a type name on its line (the
// name is longer there) it is coast-unsupported (plain 22, coast 33).
// RUN: %coast -fsyntax-only -fms-extensions -Xclang -verify -DPOLL %s
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define STR(x) #x
#define XSTR(x) STR(x)
#define WHO() __builtin_FUNCTION()
#define BOTH(x) #x, x

#ifdef POLL
static async int builtin(void)
{
	await(coast_yield());
	printf("%s\n", WHO()); // expected-error {{__builtin_FUNCTION() in async function 'builtin' would name the function the lowering generates; use __func__ or __PRETTY_FUNCTION__ [coast-unsupported]}}
	printf("%s\n", __builtin_FUNCSIG()); // expected-error {{__builtin_FUNCSIG() in async function 'builtin' would name}}
	return 0;
}

static async int microsoft(void)
{
	await(coast_yield());
	printf("%s %s %ls\n", __FUNCSIG__, __FUNCDNAME__, L__FUNCTION__);
	// expected-error@-1 {{__FUNCSIG__ in async function 'microsoft' would name}}
	// expected-error@-2 {{__FUNCDNAME__ in async function 'microsoft' would name}}
	// expected-error@-3 {{L__FUNCTION__ in async function 'microsoft' would name}}
	return 0;
}

static async int expanded(void)
{
	await(coast_yield());
	printf("%s %s\n", __func__, XSTR(__func__)); // expected-error {{macro 'STR' stringifies the function's name after another macro expanded it, in async function 'expanded', whose lowering defines that name as a macro: it would show the string; stringify it in a macro used in the function's text [coast-unsupported]}}
	return 0;
}

#define WHERE() __builtin_COLUMN()

static async int column(void)
{
	await(coast_yield());
	printf("%s %u\n", BOTH(__builtin_COLUMN())); // expected-error {{__builtin_COLUMN() in an argument that macro 'BOTH' stringifies, in async function 'column': the lowered code would show the column the lowering writes in its place}}
	return WHERE(); // expected-error {{__builtin_COLUMN() in a macro's definition, used in async function 'column': the lowering rewrites the function's text, where its column would change; write it in the function [coast-unsupported]}}
}

// The type moves to file scope with the frame, under a longer name
// (struct at in columns() keeps its columns: no name precedes it on its
// line).
static async int moved_column(void)
{
	struct loc { char c[__builtin_COLUMN()]; } l; // expected-error {{type 'struct loc' of a value live across an 'await' is declared inside the function and its definition uses '__builtin_COLUMN()' after a type's name on its line, which is longer where the type moves: frames are declared at file scope [coast-unsupported]}}

	await(coast_yield());
	return sizeof l.c;
}

static async int shown(void)
{
	await(coast_yield());
	printf("%s %s\n", BOTH(__builtin_FUNCTION())); // expected-error {{__builtin_FUNCTION() in an argument that macro 'BOTH' stringifies, in async function 'shown': the lowered code would show the name the lowering writes in its place; stringify it in another macro use than the one that evaluates it [coast-unsupported]}}
	return 0;
}
#endif

static async int written(void)
{
	await(coast_yield());
	printf("%s %s %s\n", __func__, STR(__func__), STR(__FUNCTION__));
	printf("%s %s\n", STR(__builtin_FUNCTION()), __builtin_FUNCTION());
	return 0;
}
// CHECK:      written __func__ __FUNCTION__
// CHECK-NEXT: __builtin_FUNCTION() written

#define ID(x) x

static async int id(int x)
{
	await(coast_yield());
	return x;
}

static async int columns(int n)
{
	struct at {
		char c[__builtin_COLUMN()];
	} a = { { 0 } };
	unsigned c = await(id(n)) + __builtin_COLUMN();
	await(coast_yield());
	printf("%u %u %u %zu\n", __builtin_COLUMN(), c,
	       ID(await(id(1)) + __builtin_COLUMN()), sizeof a.c);
	// A type defined in an expression is no statement's.
	int k = await(id(1)) + (int)sizeof(struct { char c[__builtin_COLUMN()]; });
	printf("%d\n", k);
	return a.c[0];
}
// CHECK-NEXT: 27 70 46 10
// CHECK-NEXT: 54

static async int unnamed(void)
{
	await(coast_yield());
	printf("%s\n", XSTR(__func__));
	return 0;
}
// CHECK-NEXT: __func__

int main(void)
{
	coast_block_on(written());
	coast_block_on(columns(40));
	coast_block_on(unnamed());
	return 0;
}
