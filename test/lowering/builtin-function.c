// __builtin_FUNCTION() in an async function names it, not the poll
// function it is lowered to (it printed `f__coast_poll`, plain C `f`): the
// lowering writes the name in its place, a `char *` as the builtin is,
// before and after an await, in a macro's argument, in an awaited
// call's argument, in the initializers of a frame variable and a static
// local. In a local type's body (an enumerator, a member's array size) it
// names no function, "" in plain C: it stays (it gave the name there).
// Written in a macro's definition, or in an argument a macro stringifies,
// it cannot be rewritten: coast-unsupported (function-names-poll.c).
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>
#include <string.h>

#define SHOW(s) printf("%s\n", s)

static async const char *echo(const char *s)
{
	await(coast_yield());
	return s;
}

static async int named(void)
{
	const char *who = __builtin_FUNCTION();
	SHOW(__builtin_FUNCTION());
	await(coast_yield());
	static const char *kept = __builtin_FUNCTION();
	printf("%s %s %s\n", who, kept, await(echo(__builtin_FUNCTION())));
	printf("%d %zu\n",
	       _Generic(__builtin_FUNCTION(), char *: 1, default: 0),
	       sizeof(__builtin_FUNCTION()));
	return (int)strlen(__builtin_FUNCTION());
}
// CHECK:      named
// CHECK-NEXT: named named named
// CHECK-NEXT: 1 8
// CHECK-NEXT: 5

static async int in_types(void)
{
	enum { N = __builtin_strlen(__builtin_FUNCTION()) };
	union U { char n[__builtin_strlen(__builtin_FUNCTION()) + 2]; };
	union U u = { { 0 } };
	await(coast_yield());
	printf("%d %zu %s\n", N, sizeof(u), __builtin_FUNCTION());
	return 0;
}
// CHECK-NEXT: 0 2 in_types

int main(void)
{
	printf("%d\n", coast_block_on(named()));
	coast_block_on(in_types());
	return 0;
}
