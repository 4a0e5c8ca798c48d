// Attributes of an async function the lowering cannot honour are rejected
// by name; error("...") and warning("...") are reported at each evaluated
// call in Clang's words, as its back end reports a plain function's (which
// never sees these: the lowered code calls the start function). Attributes
// of the declaration callers see are accepted, as before.
// RUN: %coast -fsyntax-only -Xclang -verify %s
// RUN: %coast -fsyntax-only -Wno-attribute-warning -Xclang -verify=quiet %s
// RUN: not %coast -fsyntax-only -Werror=attribute-warning %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=WERROR
// WERROR: error: call to 'old' declared with 'warning' attribute: use new_one [-Werror,-Wattribute-warning]
#include <coast.h>

static async int one(void) { return 1; }

__attribute__((always_inline)) static inline async int forced(void) // expected-error {{attribute 'always_inline' on async function 'forced': the runtime resumes it through a pointer to its poll function, which cannot be inlined; the lowering inlines a small body into its only awaiter itself [coast-unsupported]}} quiet-error {{always_inline}}
{
	return await(one());
}

// Multiversioning is Clang's own error: `async` is an annotation to it.
__attribute__((target_clones("avx2", "default"))) async int cloned(void) // expected-error {{attribute 'target_clones' multiversioning cannot be combined with attribute 'annotate'}} quiet-error {{target_clones}}
{
	return await(one());
}

__attribute__((naked)) async int bare(void) // expected-error {{attribute 'naked' on async function 'bare': its code runs in a generated function that keeps a frame pointer and locals: it has no naked body [coast-unsupported]}} quiet-error {{naked}}
{
	__asm__("ret");
}

__attribute__((error("never call gone"))) async int gone(void);
__attribute__((warning("use new_one"))) async int old(void)
{
	return await(one());
}

// Accepted: attributes of the declaration, and storage classes.
__attribute__((unused)) static inline async int quiet(void)
{
	return await(one());
}
returns_send __attribute__((warn_unused_result)) async int sent(void)
{
	return await(one());
}

async int user(void)
{
	int n = await(old()); // expected-warning {{call to 'old' declared with 'warning' attribute: use new_one}}
	n += await(gone()); // expected-error {{call to 'gone' declared with 'error' attribute: never call gone}} quiet-error {{call to 'gone' declared with 'error' attribute: never call gone}}
	n += (int)sizeof(old()); // not evaluated: no call
	return n + await(quiet()) + await(sent());
}

int sync_user(void)
{
	return coast_block_on(old()); // expected-warning {{call to 'old' declared with 'warning' attribute: use new_one}}
}
