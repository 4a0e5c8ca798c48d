// Attributes of an async function the lowering cannot honour are rejected
// by name. Attributes of the declaration callers see are accepted, as
// before, and so are error("...") and warning("..."): Clang's back end
// reports those only at calls it still generates, which an async call is
// not (docs/checks.md), so no call of one is reported, in dead code
// (`if (0)`) or not, as plain Clang reports none in dead code.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

static async int one(void) { return 1; }

__attribute__((always_inline)) static inline async int forced(void) // expected-error {{attribute 'always_inline' on async function 'forced': the runtime resumes it through a pointer to its poll function, which cannot be inlined; the lowering inlines a small body into its only awaiter itself [coast-unsupported]}}
{
	return await(one());
}

// Multiversioning is Clang's own error: `async` is an annotation to it.
__attribute__((target_clones("avx2", "default"))) async int cloned(void) // expected-error {{attribute 'target_clones' multiversioning cannot be combined with attribute 'annotate'}}
{
	return await(one());
}

__attribute__((naked)) async int bare(void) // expected-error {{attribute 'naked' on async function 'bare': its code runs in a generated function that keeps a frame pointer and locals: it has no naked body [coast-unsupported]}}
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
	int n = await(old());
	if (0)
		n += await(gone());
	n += (int)sizeof(old());
	return n + await(quiet()) + await(sent());
}

int sync_user(void)
{
	return coast_block_on(old());
}
