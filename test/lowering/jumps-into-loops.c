// A for or do loop whose header awaits is rebuilt around a break flag set
// before each pass of its body: a jump into the body from outside the loop
// (a goto to a label in it; a case label of a switch around it, as in
// Duff's device) skipped the setting, and a 'break' after it went on to the
// step (goto into a for's body then break: plain 100, coast 1201; a do's:
// plain 100, coast 201). Such a jump into a body with a 'break' of its loop
// is coast-unsupported. Jumps into a body without one, inside the body,
// out of it, into a loop without an await in its header, and into a while
// whose condition awaits (rebuilt without a flag) stay accepted and print
// as plain C.
// RUN: %coast -fsyntax-only -Xclang -verify -DREJECTED %s
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

static async int id(int x)
{
	await(coast_yield());
	return x;
}

#ifdef REJECTED
static async int into_for(int n)
{
	int r = 0, i = 0;
	if (n > 2)
		goto inside; // expected-error {{a jump into the body of a loop whose header has an 'await', from outside the loop, in async function 'into_for': the lowering rebuilds the loop around a flag that the jump skips, and a 'break' after it would not leave the loop; jump to a label before the loop [coast-unsupported]}}
	for (i = 0; await(id(i)) < 5; i++) {
		r += 1;
inside:
		r += 100;
		if (n > 2)
			break;
	}
	return r + i * 1000;
}

static async int into_do(int n)
{
	int r = 0, i = 0;
	if (n > 2)
		goto inside; // expected-error {{a jump into the body of a loop whose header has an 'await', from outside the loop, in async function 'into_do'}}
	do {
		r += 1;
inside:
		r += 100;
		if (n > 2)
			break;
		i++;
	} while (await(id(i)) < 5);
	return r + i * 1000;
}

static async int duff_break(int count)
{
	int s = 0, n = (count + 1) / 2;
	switch (count % 2) {
	case 0:
		do {
			s += await(id(1));
	case 1: // expected-error {{a jump into the body of a loop whose header has an 'await', from outside the loop, in async function 'duff_break'}}
			if (s > 10)
				break;
			s += await(id(2));
		} while (await(id(--n)) > 0);
	}
	return s;
}
#endif

// Duff's device: a body without a 'break' clears the flag before it reads
// it, whatever its value.
static async int duff(int count)
{
	int s = 0, n = (count + 1) / 2;
	switch (count % 2) {
	case 0:
		do {
			s += await(id(1));
	case 1:
			s += await(id(2));
		} while (await(id(--n)) > 0);
	}
	return s;
}
// CHECK: duff 2 3 5 6 8

static async int accepted(int n)
{
	int r = 0, i = 0;
	// Into a while whose condition awaits: no flag.
	if (n > 2)
		goto in_while;
	while (await(id(i)) < 3) {
		r += 1;
in_while:
		r += 10;
		if (n > 2 && i == 1)
			break;
		i++;
	}
	// Into a for whose header does not await.
	if (n > 2)
		goto in_plain;
	for (i = 0; i < 3; i++) {
		r += 1000;
in_plain:
		r += await(id(100));
		if (n > 2)
			break;
	}
	// Inside the body, and out of it.
	for (i = 0; await(id(i)) < 4; i++) {
		if (i == 1)
			goto next;
		r += 10000;
next:
		if (i == 2)
			goto out;
	}
out:
	// A switch inside the body.
	do {
		switch (i) {
		case 2:
			r += 100000;
			break;
		default:
			r += 1000000;
		}
	} while (await(id(i++)) < 4);
	return r + i;
}
// CHECK-NEXT: accepted 2123338
// CHECK-NEXT: accepted 2120126

int main(void)
{
	printf("duff");
	for (int c = 1; c < 6; c++)
		printf(" %d", coast_block_on(duff(c)));
	printf("\n");
	printf("accepted %d\n", coast_block_on(accepted(1)));
	printf("accepted %d\n", coast_block_on(accepted(3)));
	return 0;
}
