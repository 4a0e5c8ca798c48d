// Constructs the lowering cannot support (yet) are rejected by name with
// coast-unsupported, never compiled wrongly; the accepted forms next to them
// compile.
// RUN: %coast -fsyntax-only -Xclang -verify %s
// RUN: not %coast -c %s -o %t.o 2>&1 | FileCheck %s --check-prefix=COMPILE
// RUN: test ! -e %t.o
// COMPILE: error: variable-length array 'buf' is live across an 'await'; frames have a fixed size
#include <coast.h>

async int one(void) { return 1; }
async int twice(int x) { return 2 * x; }

// The accepted forms, for contrast.
async int accepted(int x)
{
	int a = await(one());
	x = await(twice(a));
	await(one());
	return await(twice(x));
}

// A variable-length array cannot live in a fixed-size frame.
async int vla(int n)
{
	int buf[n]; // expected-error {{variable-length array 'buf' is live across an 'await'; frames have a fixed size [coast-unsupported]}}
	buf[0] = 1;
	await(one());
	return buf[0];
}

// A VLA whose scope ends before the await is fine.
async int vla_before(int n)
{
	{
		int buf[n];
		buf[0] = n;
		n = buf[0];
	}
	await(one());
	return n;
}

#define TWICE_N (n * 2)
struct has_n {
	int n;
};
// A frame variable used inside a macro's definition, whose name also means
// something else in the function, is neither renamed nor reached by its
// name (register-locals-macros.c has the other meanings).
async int macro_body(int n, struct has_n *h)
{
	await(one());
	return TWICE_N + h->n; // expected-error {{'n' lives in the frame across an 'await', as a parameter, and is used inside the definition of macro 'TWICE_N', but its name also means a member (line 53); rename one of them, or pass it to the macro as an argument [coast-unsupported]}}
}

#define DOUBLE(v) ((v) * 2)
// Passed as a macro argument, it can.
async int macro_arg(int n)
{
	await(one());
	return DOUBLE(n);
}

#define SUM_TWICE(e) ((e) * 10 + (e))
#define BOTH(s) s s
// An await in a macro argument the macro expands twice is two awaits of
// one text (plain C awaits twice); expanded once, it is fine.
async int macro_arg_twice(int n)
{
	int a = SUM_TWICE(await(twice(n))); // expected-error {{'await' in a macro argument that the macro expands more than once; await into a variable and pass that [coast-unsupported]}}
	BOTH(await(one());) // expected-error {{'await' in a macro argument that the macro expands more than once}}
	int b = DOUBLE(await(twice(n)));
	return a + SUM_TWICE(b);
}

// Frames are aligned to 16 bytes: a value kept in one, the result of an
// async function and a value awaited into a temporary may not need more.
struct line {
	_Alignas(64) long x;
};
struct line make_line(long x);
async struct line await_line(void); // declared only: its callers see it
async struct line give_line(long x) // expected-error {{the return type of async function 'give_line' is aligned to more than 16 bytes, more than frames are [coast-unsupported]}}
{
	await(one());
	return make_line(x);
}
async long keep_line(void)
{
	struct line l = make_line(1); // expected-error {{'l' is live across an 'await' and aligned to more than 16 bytes, more than frames are [coast-unsupported]}}
	await(one());
	return l.x;
}
async long read_line(void) // expected-error {{a value awaited in 'read_line' is aligned to more than 16 bytes, more than frames are [coast-unsupported]}}
{
	return await(await_line()).x + 1;
}
async long double line_before_await(void)
{
	long double d;
	{
		struct line l = make_line(2);
		d = (long double)l.x;
	}
	await(one());
	return d;
}

// A cleanup attribute would run at every suspension of the poll function;
// on a variable whose block has no await, it runs where C runs it.
void release(int *p);
async int with_cleanup(void)
{
	{
		__attribute__((cleanup(release))) int held = 1; // expected-error {{'held' is live across an 'await' and has a cleanup attribute; call the cleanup function where the block ends [coast-unsupported]}}
		await(one());
		(void)held;
	}
	{
		__attribute__((cleanup(release))) int brief = 2;
		(void)brief;
	}
	return await(one());
}

// Variadic async functions have no fixed frame.
async int variadic(int n, ...) // expected-error {{async function 'variadic' is variadic; async functions take a fixed list of parameters [coast-unsupported]}}
{
	return n;
}

// Declared only (defined in another file), with a ready companion of its
// fixed parameters: its start function could not be declared either.
async int variadic_elsewhere(int n, ...); // expected-error {{async function 'variadic_elsewhere' is variadic; async functions take a fixed list of parameters [coast-unsupported]}}
int variadic_elsewhere__coast_ready(int n, int *result);

async int awaits_variadic(int n)
{
	return await(variadic_elsewhere(n, 1, 2));
}

// Not variadic: declared only, it is awaited through its start function.
async int fixed_elsewhere(int n, int m);

async int awaits_fixed(int n)
{
	return await(fixed_elsewhere(n, 1));
}

// Computed goto (SPEC section 1); a goto to a named label is fine, and so
// is a computed goto in a synchronous function.
async int computed_goto(int n)
{
	void *target = n ? &&done : &&again;
again:
	await(one());
	goto *target; // expected-error {{computed 'goto' in an async function; the lowering follows only jumps to named labels [coast-unsupported]}}
done:
	return n;
}
async int named_goto(int n)
{
again:
	if (await(one()) && n-- > 0)
		goto again;
	return n;
}
int sync_computed_goto(int n)
{
	void *target = n ? &&done : &&done;
	goto *target;
done:
	return n;
}

async int sum3(const int *v) { await(one()); return v[0] + v[1] + v[2]; }
struct pair { int a, b; };
async int first(struct pair p) { await(one()); return p.a; }

// A compound literal's address passed to an awaited call: the literal lives
// in the frame (compound-literals.c).
async int literal_args(void)
{
	int a = await(sum3((int[]){1, 2, 3}));
	int b = await(first((struct pair){4, 5})); // copied by value: fine
	int local[3] = {1, 2, 3};
	int c = await(sum3(local)); // a frame variable: fine
	return a + b + c;
}

// An await in an operand C never evaluates.
async int unevaluated(void)
{
	int n = sizeof(await(one())); // expected-error {{'await' in the operand of 'sizeof', which is never evaluated; await outside it [coast-unsupported]}}
	__typeof__(await(one())) m = 0; // expected-error {{'await' in the operand of 'typeof', which is never evaluated}}
	n += __builtin_choose_expr(1, await(one()), await(one())); // expected-error {{'await' in the operand of '__builtin_choose_expr', which is never evaluated}}
	return n + m + _Generic(await(one()), int: 1, default: 0); // expected-error {{'await' in the operand of '_Generic', which is never evaluated}}
}

#define PLUS_ONE(call) coast_block_on(call) + 1
#define RUN(call) coast_block_on(call)
// coast_block_on inside a larger macro body cannot be rewritten; a macro that
// is only the operation can.
int sync_user(void)
{
	int a = RUN(one());
	return a + PLUS_ONE(one()); // expected-error {{coast_block_on is written inside a macro definition; write it where the macro is used [coast-unsupported]}}
}

// Statement expressions and GNU's 'a ?: b' cannot hold awaits.
async int gnu_forms(int x)
{
	int a = ({ int t = await(one()); t; }); // expected-error {{'await' inside a statement expression is not supported yet; compute the value in a statement before it [coast-unsupported]}}
	int b = x ?: await(one()); // expected-error {{'await' in the GNU 'a ?: b' operator is not supported; write 'a ? a : b' with a local [coast-unsupported]}}
	return a + b;
}

int show(const char *text, int value);
#define SHOW_INT(e) show(#e, (e))
// An await in an argument a macro stringifies: the lowered text of the
// await is the temporary it reads, which the string would show. Awaited
// into a local first, it is shown as written.
async int await_stringified(void)
{
	SHOW_INT(await(one()) + 1); // expected-error {{'await' in an argument that macro 'SHOW_INT' stringifies: the lowered code would show the value it awaited instead; await into a local before it [coast-unsupported]}}
	int v = await(one());
	return SHOW_INT(v + 1);
}
