// The lowered `return` is a `for` around the value: a `break` or `continue`
// in a statement expression of the value that jumps to a loop or switch
// around the return would end or repeat that `for` instead (t13: the
// function returned the sum where plain C left the loop). They are
// coast-unsupported; jumps bound inside the value, and jumps next to the
// return, are accepted.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int id(int x)
{
	await(coast_yield());
	return x;
}

async int continue_out(void)
{
	int s = 0;
	for (int i = 0; i < 5; i++) {
		s += await(id(i));
		if (i == 1)
			return ({ if (s < 100) continue; s; }); // expected-error {{'continue' in a returned value jumps out of the 'return' statement, which the lowering makes a loop; compute the value before the 'return' [coast-unsupported]}}
	}
	return -s;
}

async int break_out_of_switch(int k)
{
	int s = await(id(k));
	switch (k) {
	case 1:
		return ({ if (s) break; s; }); // expected-error {{'break' in a returned value jumps out of the 'return' statement, which the lowering makes a loop; compute the value before the 'return' [coast-unsupported]}}
	}
	return s;
}

async int break_out_of_inner_loop(void)
{
	int s = 0;
	while (s < 10) {
		s += await(id(1));
		// The inner loop binds continue; the break is the outer loop's.
		return ({ for (int i = 0; i < 3; i++) { if (i) continue; s++; } if (s) break; s; }); // expected-error {{'break' in a returned value}}
	}
	return s;
}

// Accepted: the jumps stay inside the value, or stand beside the return.
async int bound_inside(void)
{
	int s = await(id(3));
	for (int j = 0; j < 4; j++) {
		if (j == 2)
			break;
		if (j == 0)
			continue;
		return ({ int t = 0; for (int i = 0; i < 5; i++) { if (i == 3) break; if (i == 1) continue; t += i; } switch (t) { case 2: t++; break; } t + s; });
	}
	return s;
}
