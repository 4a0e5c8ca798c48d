// A const frame variable keeps the type the program declared: its frame
// member is not const (its declaration assigns it), but the name reads
// the member through a pointer to the declared type, so _Generic over its
// address, __typeof__ and the pointer an array decays to see const (and
// restrict) as in plain C. Scalars, arrays of const, const structs,
// const pointers and pointers to const, const volatile, parameters, a
// renamed local (a member of the same name), and a const local that an
// await initializes but that lives in no frame.
// RUN: %coast-equiv | FileCheck %s
#include <coast.h>
#include <stdio.h>

#define KIND(x)                                                                \
	_Generic(&(x), const int *: "const int *",                             \
		 int *: "int *",                                                 \
		 const volatile int *: "const volatile int *",                   \
		 volatile int *: "volatile int *",                               \
		 const int(*)[2]: "const int (*)[2]",                            \
		 int(*)[2]: "int (*)[2]",                                        \
		 int *const *: "int *const *",                                   \
		 int **: "int **",                                               \
		 const char **: "const char **",                                 \
		 const char *const *: "const char *const *",                     \
		 default: "other")
#define DECAY(x) _Generic((x), const int *: "const int *", int *: "int *", default: "other")

struct s {
	const int m;
	int n;
};
struct named {
	int c;
};

static async int one(void)
{
	await(coast_yield());
	return 1;
}

static async int scalars(const int p, int *const pp)
{
	const int c = 3;
	const volatile int cv = 4;
	volatile int v = 5;
	const int a[2] = {1, 2};
	int *const cp = (int *)&v;
	const char *const cs = "x";
	const struct s st = {1, 2};
	const int r = await(one());
	await(coast_yield());
	printf("%s | %s | %s | %s\n", KIND(c), KIND(cv), KIND(v), KIND(a));
	printf("%s | %s | %s | %s\n", KIND(cp), KIND(cs), KIND(p), KIND(pp));
	printf("%s | %s\n", DECAY(a), KIND(r));
	printf("%d\n", _Generic(&st, const struct s *: 1, struct s *: 2, default: 3));
	__typeof__(c) t = 7;
	__typeof__(a) ta = {5, 6};
	printf("%d %d\n", _Generic(&t, const int *: 1, default: 2),
	       _Generic(&ta, const int(*)[2]: 1, default: 2));
	return c + cv + v + a[1] + *cs + st.m + st.n + p + *pp + r + t + ta[1];
}
// CHECK:      const int * | const volatile int * | volatile int * | const int (*)[2]
// CHECK-NEXT: int *const * | const char *const * | const int * | int *const *
// CHECK-NEXT: const int * | const int *
// CHECK-NEXT: 1
// CHECK-NEXT: 1 1
// CHECK-NEXT: scalars: 253

// `c` is also a member here: the local is renamed where written, and each
// reference still reads the declared type.
static async int renamed(void)
{
	struct named n = {1};
	const int c = 2;
	await(coast_yield());
	printf("%s %d\n", KIND(c), n.c + c);
	return c;
}
// CHECK-NEXT: const int * 3
// CHECK-NEXT: renamed: 2

// A const local an await initializes, live across no other await: a C
// local, still const.
static async int not_live(void)
{
	const int x = await(one()), y = 4;
	const int arr[2] = {x, await(one())};
	printf("%s %s %s\n", KIND(x), KIND(y), KIND(arr));
	return x + y + arr[1];
}
// CHECK-NEXT: const int * const int * const int (*)[2]
// CHECK-NEXT: not_live: 6

int main(void)
{
	int i = 100;
	printf("scalars: %d\n", coast_block_on(scalars(2, &i)));
	printf("renamed: %d\n", coast_block_on(renamed()));
	printf("not_live: %d\n", coast_block_on(not_live()));
	return 0;
}
