// An async function's target("avx2") reaches the poll function that runs its
// code: AVX2 intrinsics after an await compile (without it, the always_inline
// intrinsics of <immintrin.h> are an error in the poll function) and compute
// what plain C does. The awaiter, compiled without AVX2, only calls it when
// the CPU has AVX2, as plain C must; a small body with a target of its own is
// never inlined into it.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -O2 %s %coast-libs -o %t.o2 && %t.o2 | FileCheck %s
// CHECK: sum 36 44 52 60 68 76 84 92
// CHECK-NEXT: total 512
#include <coast.h>
#include <immintrin.h>
#include <stdio.h>

static async int ready(int x)
{
	await(coast_yield());
	return x;
}

__attribute__((target("avx2"))) static async int add8(const int *a,
						       const int *b, int *out)
{
	int k = await(ready(1));
	__m256i va = _mm256_loadu_si256((const __m256i *)a);
	__m256i vb = _mm256_loadu_si256((const __m256i *)b);
	__m256i vk = _mm256_set1_epi32(k);
	_mm256_storeu_si256((__m256i *)out,
			    _mm256_add_epi32(_mm256_add_epi32(va, vb), vk));
	int total = 0;
	for (int i = 0; i < 8; i++)
		total += out[i];
	return total;
}

static void add8_plain(const int *a, const int *b, int *out)
{
	for (int i = 0; i < 8; i++)
		out[i] = a[i] + b[i] + 1;
}

static async int run(void)
{
	int a[8], b[8], out[8], total = 0;
	for (int i = 0; i < 8; i++) {
		a[i] = 10 + i;
		b[i] = 25 + 7 * i;
	}
	/* A CPU without AVX2 takes the scalar path: the output is the same. */
	if (__builtin_cpu_supports("avx2")) {
		total = await(add8(a, b, out));
	} else {
		add8_plain(a, b, out);
		for (int i = 0; i < 8; i++)
			total += out[i];
	}
	printf("sum");
	for (int i = 0; i < 8; i++)
		printf(" %d", out[i]);
	printf("\ntotal %d\n", total);
	return 0;
}

int main(void)
{
	return coast_block_on(run());
}
