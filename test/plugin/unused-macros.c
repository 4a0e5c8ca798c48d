// -Wunused-macros with the plugin says what plain clang says, once each:
// macros redefined, undefined before and after a use, pushed and popped,
// defined inside an async body, after it and at the end of the file. The
// plugin marks the unit's macros used before it appends the lowered text
// (whose #undefs and end would warn again), reading each one's latest
// directive: for an undefined macro that is its last definition, which
// clang already judged at the #undef.
// RUN: %plain -Wunused-macros -c %s -o %t.plain.o 2> %t.plain
// RUN: %coast -Wunused-macros -c %s -o %t.o 2> %t.coast
// RUN: diff %t.plain %t.coast
// RUN: %coast -O2 -Wunused-macros -c %s -o %t.o 2> %t.coast2
// RUN: diff %t.plain %t.coast2
// RUN: grep -c 'warning: macro is not used' %t.coast | FileCheck %s
// CHECK: {{^}}10{{$}}
#include <coast.h>
#define UNUSED_A 1
#define USED_IN_BODY 2
#define REDEF_UNUSED 3
#define REDEF_UNUSED 4
#define REDEF_THEN_USED 5
#undef REDEF_THEN_USED
#define REDEF_THEN_USED 6
#define UNDEF_UNUSED 7
#undef UNDEF_UNUSED
#define UNDEF_USED 8
static int g = UNDEF_USED;
#undef UNDEF_USED
#define PUSHED 9
#pragma push_macro("PUSHED")
#undef PUSHED
#define PUSHED 10
#pragma pop_macro("PUSHED")
#define LATE_UNUSED 11
static async int f(int n)
{
	int k = USED_IN_BODY + REDEF_THEN_USED;
	await(coast_yield());
#define IN_BODY_UNUSED 13
#define IN_BODY_USED 14
	return n + k + g + IN_BODY_USED;
}
#define AFTER_UNUSED 15
int main(void)
{
	return coast_block_on(f(1)) == 0;
}
#define AT_END_UNUSED 16
