/*
 * coast_micro.c - coast's versions of the peers' micro workloads
 * (/work/shared/peers: go_micro, tokio_micro, cpp_micro), same work and
 * same output lines:
 *   spawn_join   1,000,000 trivial tasks returning an int, spawned by one
 *                task, then joined in spawn order;
 *   yield_storm  1,000 tasks x 1,000 coast_yield();
 *   ping_pong    1,000,000 round trips over two channels of one slot;
 *   chain        box_async recursion of depth 10,000, 100 times;
 *   chain_embedded  32 distinct async functions, each awaiting the next
 *                (embedded frames, no frame stack), 300,000 times; no
 *                peer has it: it is the line `chain impl=LABEL-embedded`,
 *                against the peers' chain.
 * Each runs once as warm-up and once measured, in one coast_block_on
 * each (runtime start-up excluded).  Workers: COAST_WORKERS (run.sh runs
 * 1 and 2, labelled coast-1w and coast-2w).
 *
 *   coast_micro [LABEL [WORKLOAD]]     (one workload: for profiling)
 */
#include <coast.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Overridable for instruction counts at two sizes (count.sh). */
#ifndef SPAWN_N
#define SPAWN_N 1000000
#endif
#ifndef YIELD_TASKS
#define YIELD_TASKS 1000
#endif
#ifndef YIELD_ITERS
#define YIELD_ITERS 1000
#endif
#ifndef PING_N
#define PING_N 1000000L
#endif
#ifndef CHAIN_DEPTH
#define CHAIN_DEPTH 10000
#endif
#ifndef CHAIN_REPS
#define CHAIN_REPS 100
#endif
#ifndef EMB_REPS
#define EMB_REPS 300000
#endif
#define EMB_DEPTH 32

static volatile long sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

async int trivial(int i)
{
	return i;
}

async double spawn_join(void)
{
	coast_task **hs = malloc(SPAWN_N * sizeof *hs);
	long sum = 0;

	if (!hs)
		abort();
	double t0 = now_ns();
	for (int i = 0; i < SPAWN_N; i++)
		hs[i] = coast_spawn(trivial(i));
	for (int i = 0; i < SPAWN_N; i++) {
		int v = 0;
		if (await(coast_join(hs[i], &v)))
			abort();
		sum += v;
	}
	double el = now_ns() - t0;
	free(hs);
	sink = sum;
	return el / SPAWN_N;
}

async int yielder(void)
{
	for (int i = 0; i < YIELD_ITERS; i++)
		await(coast_yield());
	return 0;
}

async double yield_storm(void)
{
	coast_task *hs[YIELD_TASKS];

	double t0 = now_ns();
	for (int i = 0; i < YIELD_TASKS; i++)
		hs[i] = coast_spawn(yielder());
	for (int i = 0; i < YIELD_TASKS; i++)
		if (await(coast_join(hs[i], NULL)))
			abort();
	return (now_ns() - t0) / ((double)YIELD_TASKS * YIELD_ITERS);
}

async long pinger(coast_chan *out, coast_chan *in)
{
	long s = 0;

	for (long i = 0; i < PING_N; i++) {
		long v;
		if (await(coast_chan_send(out, &i)) ||
		    await(coast_chan_recv(in, &v)))
			abort();
		s += v;
	}
	return s;
}

async int ponger(coast_chan *in, coast_chan *out)
{
	for (long i = 0; i < PING_N; i++) {
		long v;
		if (await(coast_chan_recv(in, &v)) ||
		    await(coast_chan_send(out, &v)))
			abort();
	}
	return 0;
}

async double ping_pong(void)
{
	coast_chan *c1 = coast_chan_new(1, sizeof(long));
	coast_chan *c2 = coast_chan_new(1, sizeof(long));
	long s = 0;

	if (!c1 || !c2)
		abort();
	double t0 = now_ns();
	coast_task *b = coast_spawn(ponger(c1, c2));
	coast_task *a = coast_spawn(pinger(c1, c2));
	if (await(coast_join(a, &s)) || await(coast_join(b, NULL)))
		abort();
	double el = now_ns() - t0;
	sink = s;
	coast_chan_free(c1);
	coast_chan_free(c2);
	return el / PING_N;
}

box_async int chain(int n)
{
	if (n == 0)
		return 0;
	return await(chain(n - 1)) + 1;
}

async double chain_bench(void)
{
	long s = 0;

	double t0 = now_ns();
	for (int r = 0; r < CHAIN_REPS; r++)
		s += await(chain(CHAIN_DEPTH));
	double el = now_ns() - t0;
	if (s != (long)CHAIN_DEPTH * CHAIN_REPS)
		abort();
	return el / ((double)CHAIN_DEPTH * CHAIN_REPS);
}

/* await is not allowed in a macro's definition: written out. */
async int emb0(int n)
{
	return n;
}

async int emb1(int n) { return await(emb0(n)) + 1; }
async int emb2(int n) { return await(emb1(n)) + 1; }
async int emb3(int n) { return await(emb2(n)) + 1; }
async int emb4(int n) { return await(emb3(n)) + 1; }
async int emb5(int n) { return await(emb4(n)) + 1; }
async int emb6(int n) { return await(emb5(n)) + 1; }
async int emb7(int n) { return await(emb6(n)) + 1; }
async int emb8(int n) { return await(emb7(n)) + 1; }
async int emb9(int n) { return await(emb8(n)) + 1; }
async int emb10(int n) { return await(emb9(n)) + 1; }
async int emb11(int n) { return await(emb10(n)) + 1; }
async int emb12(int n) { return await(emb11(n)) + 1; }
async int emb13(int n) { return await(emb12(n)) + 1; }
async int emb14(int n) { return await(emb13(n)) + 1; }
async int emb15(int n) { return await(emb14(n)) + 1; }
async int emb16(int n) { return await(emb15(n)) + 1; }
async int emb17(int n) { return await(emb16(n)) + 1; }
async int emb18(int n) { return await(emb17(n)) + 1; }
async int emb19(int n) { return await(emb18(n)) + 1; }
async int emb20(int n) { return await(emb19(n)) + 1; }
async int emb21(int n) { return await(emb20(n)) + 1; }
async int emb22(int n) { return await(emb21(n)) + 1; }
async int emb23(int n) { return await(emb22(n)) + 1; }
async int emb24(int n) { return await(emb23(n)) + 1; }
async int emb25(int n) { return await(emb24(n)) + 1; }
async int emb26(int n) { return await(emb25(n)) + 1; }
async int emb27(int n) { return await(emb26(n)) + 1; }
async int emb28(int n) { return await(emb27(n)) + 1; }
async int emb29(int n) { return await(emb28(n)) + 1; }
async int emb30(int n) { return await(emb29(n)) + 1; }
async int emb31(int n) { return await(emb30(n)) + 1; }

async double chain_embedded(void)
{
	long s = 0;

	double t0 = now_ns();
	for (int r = 0; r < EMB_REPS; r++)
		s += await(emb31(r));
	double el = now_ns() - t0;
	if (s != (long)EMB_REPS * (EMB_REPS - 1) / 2 + (long)EMB_REPS * 31)
		abort();
	return el / ((double)EMB_DEPTH * EMB_REPS);
}

static bool wanted(int argc, char **argv, const char *workload)
{
	return argc < 3 || !strcmp(argv[2], workload);
}

int main(int argc, char **argv)
{
	const char *impl = argc > 1 ? argv[1] : "coast";
	double r;

	if (wanted(argc, argv, "spawn_join")) {
		coast_block_on(spawn_join());
		r = coast_block_on(spawn_join());
		printf("spawn_join impl=%s ns_per_task=%.1f tasks=%d\n", impl,
		       r, SPAWN_N);
	}
	if (wanted(argc, argv, "yield_storm")) {
		coast_block_on(yield_storm());
		r = coast_block_on(yield_storm());
		printf("yield_storm impl=%s ns_per_yield=%.1f tasks=%d "
		       "yields_per_task=%d\n",
		       impl, r, YIELD_TASKS, YIELD_ITERS);
	}
	if (wanted(argc, argv, "ping_pong")) {
		coast_block_on(ping_pong());
		r = coast_block_on(ping_pong());
		printf("ping_pong impl=%s ns_per_roundtrip=%.1f "
		       "roundtrips=%ld\n",
		       impl, r, PING_N);
	}
	if (wanted(argc, argv, "chain")) {
		coast_block_on(chain_bench());
		r = coast_block_on(chain_bench());
		printf("chain impl=%s ns_per_level=%.2f depth=%d reps=%d\n",
		       impl, r, CHAIN_DEPTH, CHAIN_REPS);
	}
	if (wanted(argc, argv, "chain_embedded")) {
		coast_block_on(chain_embedded());
		r = coast_block_on(chain_embedded());
		printf("chain impl=%s-embedded ns_per_level=%.2f depth=%d "
		       "reps=%d\n",
		       impl, r, EMB_DEPTH, EMB_REPS);
	}
	return 0;
}
