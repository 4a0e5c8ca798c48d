// error("...") and warning("...") on an async function: Clang's back end
// reports a call of such a function only where it still generates one, so
// the compile-time assertion idiom (a call in code optimization removes)
// compiles. The lowered code calls the start function, never `gone`, so
// coast reports none (docs/checks.md): a call in dead code, in an unused
// static inline function, under -fsyntax-only is accepted as plain Clang
// accepts it. Plain Clang on the same file is the reference.
// RUN: %plain -c -O0 -Werror %s -o %t.plain.o
// RUN: %coast -c -O0 -Werror %s -o %t.o
// RUN: %coast -c -O2 -Werror %s -o %t.o
// RUN: %coast -fsyntax-only -Werror %s
// RUN: %coast -O2 %s %coast-libs -o %t && %t
#include <coast.h>

__attribute__((error("never call gone"))) async int gone(void);

static async int one(void)
{
	return 1;
}

static inline async int never_used(void)
{
	return await(gone());
}

async int user(int x)
{
	int n = await(one());

	if (0)
		n += await(gone());
	return n + x;
}

int main(void)
{
	return coast_block_on(user(0)) - 1;
}
