// Locals that stay in the frame (arrays, address-taken locals...) may be
// named by a macro's body: the lowering defines their names as macros of
// their frame members around the body. That needs the name to mean the
// local wherever the function spells it; each other meaning is rejected,
// named, when a macro body or a stringification needs the name, and each
// rejected case has its accepted variant beside it. Register locals
// (count, local) never need it.
// RUN: %coast -fsyntax-only -Xclang -verify -ferror-limit=0 %s
#include <coast.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

async int one(void)
{
	return 1;
}

#define FIRST_OF_BUF (buf[0] + *ptr)
#define LOCAL_SUM (local + count)
// Arrays and address-taken locals named by macro bodies: accepted.
async int macro_body_locals(int n)
{
	int buf[2] = {n, n};
	int local = n, count = 1;
	int addressed = n;
	int *ptr = &addressed;
	await(one());
	count += LOCAL_SUM;
	return count + FIRST_OF_BUF;
}

int buf[2];
// A global of the same name used in the function before the local's
// scope: that token would become the local's member.
async int global_before(int n)
{
	int g = buf[0];
	{
		int buf[2] = {n, g};
		int *ptr = &buf[1];
		await(one());
		return FIRST_OF_BUF; // expected-error {{'buf' lives in the frame across an 'await', because it is an array, and is used inside the definition of macro 'FIRST_OF_BUF', but its name also means a variable declared outside the function (line 38); rename one of them, or pass it to the macro as an argument [coast-unsupported]}}
	}
}

// Accepted: the global is not used in this function.
async int global_elsewhere(int n)
{
	int buf[2] = {n, n};
	int *ptr = &buf[1];
	await(one());
	return FIRST_OF_BUF;
}

struct holder {
	int buf;
	int other;
};

// A member of the same name, a designator, offsetof.
async int member_access(struct holder *h)
{
	int buf[2] = {h->buf, 0};
	int *ptr = &buf[1];
	await(one());
	return FIRST_OF_BUF; // expected-error {{but its name also means a member (line 64)}}
}

async int member_designator(int n)
{
	int buf[2] = {n, n};
	int *ptr = &buf[0];
	struct holder h = {.buf = 1};
	await(one());
	return FIRST_OF_BUF + h.other; // expected-error {{but its name also means a member designator (line 74)}}
}

async int member_offsetof(int n)
{
	int buf[2] = {n, (int)offsetof(struct holder, buf)};
	int *ptr = &buf[0];
	await(one());
	return FIRST_OF_BUF; // expected-error {{but its name also means a member in offsetof (line 81)}}
}

// Accepted: the same member used through another name.
#define HOLDER_BUF(h) ((h)->other)
async int member_elsewhere(struct holder *h)
{
	int buf[2] = {HOLDER_BUF(h), 0};
	int *ptr = &buf[1];
	await(one());
	return FIRST_OF_BUF;
}

// A label and a local struct's member of the name.
async int label_of_name(int n)
{
	int buf[2] = {n, n};
	int *ptr = &buf[0];
	if (n)
		goto buf;
buf:
	await(one());
	return FIRST_OF_BUF; // expected-error {{but its name also means a label (line 104)}}
}

async int local_struct_member(int n)
{
	struct local {
		int buf;
	} l = {n};
	int buf[2] = {l.buf, n};
	int *ptr = &buf[0];
	await(one());
	return FIRST_OF_BUF; // expected-error {{but its name also means a member (line 112)}}
}

// A tag and a typedef of the name, at file scope and in the function.
struct arr {
	int x;
};
#define ARR_SUM (arr[0] + arr[1])
async int tag_at_file_scope(int n)
{
	int arr[2] = {n, n};
	await(one());
	return ARR_SUM; // expected-error {{but its name also means a struct, union or enum tag at file scope (line 121)}}
}

// A tag a header declares: the header is named.
#define TS_FIRST (timespec[0])
async int tag_in_header(int n)
{
	int timespec[1] = {n};
	await(one());
	return TS_FIRST; // expected-error-re {{'timespec' lives in the frame across an 'await', because it is an array, and is used inside the definition of macro 'TS_FIRST', but its name also means a struct, union or enum tag at file scope ({{[a-z_]+}}.h:{{[0-9]+}}); rename one of them}}
}

#define VEC_SUM (vec[0] + vec[1])
async int typedef_in_function(int n)
{
	typedef int vec_t;
	int vec[2] = {n, n};
	await(one());
	{
		typedef vec_t vec;
		vec unused = 0;
		(void)unused;
	}
	return VEC_SUM; // expected-error {{but its name also means a typedef (line 148)}}
}

// Accepted: the same locals, named by a macro, without the other meanings.
async int plain_vec(int n)
{
	int vec[2] = {n, n};
	await(one());
	return VEC_SUM;
}

// A macro of the local's name.
#define DATA_SUM (data[0] + data[1])
#define data data
async int macro_named_like(int n)
{
	int data[2] = {n, n};
	await(one());
	return DATA_SUM; // expected-error {{but its name also means a macro}}
}
#undef data

// A directive in the body naming it.
async int directive_names(int n)
{
	int vec[2] = {n, n};
	await(one());
#ifdef vec
	n++;
#endif
	return VEC_SUM + n; // expected-error {{but its name also means a preprocessor directive (line 179)}}
}

// Accepted: a macro parameter of the local's name, and a macro defined in
// the body naming the local.
#define TWICE(vec) ((vec) * 2)
async int macro_parameter(int n)
{
	int vec[2] = {n, n};
	await(one());
#define VEC_FIRST (vec[0])
	return TWICE(n) + VEC_FIRST + VEC_SUM;
#undef VEC_FIRST
}

// Two frame locals of the name.
async int shadowed(int n)
{
	int vec[2] = {n, n};
	await(one());
	{
		int vec[2] = {n, 1};
		await(one());
		n += vec[1];
	}
	return VEC_SUM; // expected-error {{but its name also means another local variable (line 203)}}
}

// Names the lowered body spells itself (a runtime member, a callee frame's
// member).
#define STATE_SUM (state[0] + s1[0])
async int generated_names(int n)
{
	int state[1] = {n};
	int s1[1] = {n};
	await(one());
	return STATE_SUM; // expected-error {{'state' lives in the frame across an 'await', because it is an array, and is used inside the definition of macro 'STATE_SUM', but its name also means a name the lowered code uses}} expected-error {{'s1' lives in the frame}}
}

// An attribute of the name, which is macro-expanded too.
#define UNUSED_FIRST (unused[0])
async int attribute_name(int n)
{
	int unused[1] = {n};
	__attribute__((unused)) int spare = 0;
	await(one());
	return UNUSED_FIRST; // expected-error {{'unused' lives in the frame across an 'await', because it is an array, and is used inside the definition of macro 'UNUSED_FIRST', but its name also means an attribute (line 226)}}
}

// A parameter named by a macro body: accepted.
#define PARAM_N (n + 1)
async int parameter(int n)
{
	await(one());
	return PARAM_N;
}

#define SHOW(e) printf("%s = %d\n", #e, (int)(e))
#define SHOW_TWICE(e) SHOW(e)
#define SHOW_VEC SHOW(vec[0])
#define SHOW_VEC_AT(i) SHOW(vec[1] + i)
#define SHOW_OF(v) SHOW(v[0])

// Stringified where a macro expanded the argument first: the lowered name
// would show expanded.
async int nested_stringify(int n)
{
	int vec[2] = {n, n};
	await(one());
	SHOW_TWICE(vec[0]); // expected-error {{'vec' lives in the frame across an 'await', because it is an array, and macro 'SHOW' would show it as its frame member where it stringifies it after another macro expanded it; stringify it in a macro used in the function's text}}
	SHOW(vec[0]);
	// Spelled in a definition, the argument is shown as written; through a
	// parameter, expanded first.
	SHOW_VEC;
	SHOW_VEC_AT(1); // expected-error {{'vec' lives in the frame across an 'await', because it is an array, and macro 'SHOW' would show it as its frame member where it stringifies it after another macro expanded it; stringify it in a macro used in the function's text}}
	SHOW_OF(vec); // expected-error {{'vec' lives in the frame across an 'await', because it is an array, and macro 'SHOW' would show it as its frame member where it stringifies it after another macro expanded it; stringify it in a macro used in the function's text}}
	return n;
}

// A renamed local (shadowed) stringified where its reference is
// rewritten; the parameter, defined, is shown as written.
async int stringified_renamed(int n)
{
	int vec[2] = {n, n};
	await(one());
	SHOW(n + vec[0]); // expected-error {{'vec' lives in the frame across an 'await', because it is an array, and macro 'SHOW' would show it}}
	{
		int vec[1] = {n};
		await(one());
		SHOW(vec[0]); // expected-error {{and macro 'SHOW' would show it as its frame member where it stringifies it; its name also means another local variable (line 265)}}
	}
	return n;
}

// Register locals are C locals: a global of their name, a stringification
// after another macro, all accepted.
int local;
async int register_locals(int n)
{
	int count = local;
	{
		int local = n;
		await(one());
		SHOW_TWICE(local + count);
		count += LOCAL_SUM;
	}
	return count;
}
