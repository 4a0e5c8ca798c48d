// Locals that stay in the frame (arrays, address-taken locals...) cannot be
// named by a macro's body, and the error says why each stays; register
// locals (count, local) can.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int one(void)
{
	return 1;
}

#define FIRST_OF_BUF (buf[0] + *ptr)
#define LOCAL_SUM (local + count)
async int macro_body_locals(int n)
{
	int buf[2] = {n, n};
	int local = n, count = 1;
	int addressed = n;
	int *ptr = &addressed;
	await(one());
	count += LOCAL_SUM;
	return count + FIRST_OF_BUF; // expected-error {{'buf' lives in the frame across an 'await', because it is an array, and is used inside the definition of macro 'FIRST_OF_BUF'; pass it to the macro as an argument [coast-unsupported]}}
}

#define ADDR_USE (addressed + 1)
async int macro_body_addressed(int n)
{
	int addressed = n;
	int *ptr = &addressed;
	await(one());
	return *ptr + ADDR_USE; // expected-error {{'addressed' lives in the frame across an 'await', because it has its address taken, and is used inside the definition of macro 'ADDR_USE'}}
}

