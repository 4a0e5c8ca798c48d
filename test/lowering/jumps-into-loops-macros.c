// A jump from outside into a rebuilt loop's body reaches a label a macro
// writes with its statement: the loop's breaks set its flag instead. When
// a macro writes a 'break' too, no place is left for the setting: rejected,
// naming the jump. A break in a macro with the label in the text compiles.
// RUN: %coast -fsyntax-only -Xclang -verify %s
#include <coast.h>

async int id(int x) { return x; }

#define RESUME_POINT(n) case n:;
#define ENTRY(l) l: r += 100;
#define STOP_AT(c) if (c) break

async int case_form(int st)
{
	int r = 0, i = 0;
	switch (st) {
	case 0:
		for (i = 0; await(id(i)) < 6; i++) {
			RESUME_POINT(1) // expected-error {{a switch around a loop whose header awaits jumps to this case label in its body, which a macro writes with its statement, and the loop's 'break' at line 21 is written by a macro too: the lowering cannot set the flag that tells the 'break' apart; write the label's statement or the 'break' in the function body [coast-unsupported]}}
			STOP_AT(i == 4);
		}
	}
	return r + i;
}

async int goto_form(int st)
{
	int r = 0, i = 0;
	if (st)
		goto entry;
	do {
		ENTRY(entry) // expected-error {{a 'goto' from outside a loop whose header awaits jumps to this label in its body, which a macro writes with its statement, and the loop's 'break' at line 35 is written by a macro too}}
		i++;
		STOP_AT(i == 4);
	} while (await(id(i)) < 8);
	return r + i;
}

async int label_in_text(int st)
{
	int r = 0, i = 0;
	if (st)
		goto entry;
	do {
entry:
		r += 100;
		STOP_AT(i == 4);
		i++;
	} while (await(id(i)) < 8);
	return r + i;
}
