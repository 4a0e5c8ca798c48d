// The poll function returns at each suspension and its C stack frame goes
// with it: setjmp in an async function, and alloca where a suspension may
// follow it, are coast-unsupported (both compiled, and crashed or read
// garbage once the task resumed on another stack), and so is a variably
// modified typedef in scope at an await. alloca after the last
// await, with no loop or goto bringing one back, is accepted.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <alloca.h>
#include <coast.h>
#include <setjmp.h>
#include <string.h>

async int leaf(int x)
{
	await(coast_yield());
	return x + 1;
}

async int jumps(int n)
{
	jmp_buf jb;
	if (setjmp(jb)) // expected-error {{'_setjmp' in an async function: the stack frame it returns to again is gone once the task suspends [coast-unsupported]}}
		return 1;
	await(leaf(n));
	longjmp(jb, 1);
}

async int later(int n)
{
	char *b = alloca(16); // expected-error {{memory from 'alloca' is freed when the task suspends at a later 'await'; use a local array or malloc [coast-unsupported]}}
	strcpy(b, "hi");
	await(leaf(n));
	return b[1];
}

async int in_loop(int n)
{
	char *b = 0;
	for (int i = 0; i < n; i++) {
		await(leaf(i));
		if (!b)
			b = __builtin_alloca(16); // expected-error {{memory from 'alloca' is freed}}
	}
	return b ? 1 : 0;
}

async int after_label(int n)
{
	char *b = 0;
again:
	n = await(leaf(n));
	if (!b) {
		b = alloca(16); // expected-error {{memory from 'alloca' is freed}}
		goto again;
	}
	return n;
}

// After the last await: the memory is used within one poll.
async int after_last(int n)
{
	int x = await(leaf(n));
	char *b = alloca(16);
	strcpy(b, "hi");
	for (int i = 0; i < 2; i++)
		x += b[i];
	return x;
}

// A variably modified typedef's size is a hidden local of the poll function
// (the lowered code did not compile: the resume jumped into its scope).
async int vm_typedef(int n)
{
	typedef int row[n]; // expected-error {{variably modified type 'row' is in scope at an 'await'; frames have a fixed size [coast-unsupported]}}
	n = 100;
	await(leaf(n));
	return (int)sizeof(row);
}

// One whose scope ends before the await is fine.
async int vm_typedef_before(int n)
{
	{
		typedef int row[n];
		n = (int)sizeof(row);
	}
	return await(leaf(n));
}
