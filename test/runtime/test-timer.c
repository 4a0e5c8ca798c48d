/*
 * test-timer.c - the timer heap (order, FIFO ties, removal) and timers
 * firing through the executor in deadline order.
 */
#include "test.h"

enum { NT = 1000 };

static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Pops the heap empty, checking (deadline, insertion order). */
static size_t drain_check(struct coast__timer_heap *h, struct coast__timer *base)
{
	struct coast__timer *t, *prev = NULL;
	size_t n = 0;

	while ((t = coast__timer_heap_min(h))) {
		if (prev) {
			ASSERT(prev->deadline <= t->deadline);
			/* Equal deadlines: armed first, fires first. */
			if (prev->deadline == t->deadline)
				ASSERT(prev - base < t - base);
		}
		coast__timer_heap_remove(h, t);
		ASSERT_EQ(t->index, COAST__TIMER_NONE);
		prev = t;
		n++;
	}
	return n;
}

TEST_IMPL(timer_heap_order)
{
	static struct coast__timer t[NT];
	struct coast__timer_heap h = { 0 };
	uint32_t seed = 1;
	size_t i;

	for (i = 0; i < NT; i++) {
		coast__timer_init(&t[i]);
		t[i].deadline = lcg(&seed) % 50; /* many ties */
		ASSERT_EQ(coast__timer_heap_insert(&h, &t[i]), 0);
		ASSERT(t[i].index < h.len);
	}
	ASSERT_EQ(h.len, NT);
	ASSERT_EQ(drain_check(&h, t), NT);
	ASSERT(coast__timer_heap_min(&h) == NULL);
	coast__timer_heap_free(&h);
	return 0;
}

TEST_IMPL(timer_heap_remove)
{
	static struct coast__timer t[NT];
	struct coast__timer_heap h = { 0 };
	uint32_t seed = 7;
	size_t i, removed = 0;

	for (i = 0; i < NT; i++) {
		coast__timer_init(&t[i]);
		t[i].deadline = lcg(&seed) % 200;
		ASSERT_EQ(coast__timer_heap_insert(&h, &t[i]), 0);
	}
	/* Cancel a pseudo-random third, from anywhere in the heap. */
	for (i = 0; i < NT; i++) {
		if (lcg(&seed) % 3)
			continue;
		coast__timer_heap_remove(&h, &t[i]);
		ASSERT_EQ(t[i].index, COAST__TIMER_NONE);
		removed++;
	}
	/* The stored indices still match the array. */
	for (i = 0; i < h.len; i++)
		ASSERT_EQ(h.v[i]->index, i);
	/* The last element and the minimum, the edge cases of remove. */
	coast__timer_heap_remove(&h, h.v[h.len - 1]);
	coast__timer_heap_remove(&h, coast__timer_heap_min(&h));
	removed += 2;
	ASSERT_EQ(drain_check(&h, t), NT - removed);
	/* Re-arm after removal works. */
	ASSERT_EQ(coast__timer_heap_insert(&h, &t[0]), 0);
	coast__timer_heap_remove(&h, &t[0]);
	coast__timer_heap_free(&h);
	return 0;
}

/*
 * Sleeping tasks wake in deadline order, equal deadlines in FIFO order.
 * Each arms its timer at its first poll, so a worker kept off its CPU
 * between two first polls moves the later deadline: the 200 ms between
 * distinct deadlines is the stall the order survives (it was 20 ms).
 */
TEST_IMPL(timer_fire_order)
{
	static const uint64_t ms[] = { 600, 200, 400, 200, 0, 800, 400 };
	static const int expect[] = { 4, 1, 3, 2, 6, 0, 5 };
	enum { N = sizeof(ms) / sizeof(ms[0]) };
	coast_task *tasks[N];
	int log[N], nlog = 0;
	int ids[N];
	size_t i;

	test_workers(1); /* the order of one run queue */

	for (i = 0; i < N; i++) {
		tasks[i] = test_spawn(test_sleeper_start(
			&coast__task_alloc, ms[i], (int)i, log, &nlog));
	}
	ASSERT_EQ(test_block_on_int(test_join_all_start(
			  &coast__task_alloc, tasks, N, ids, sizeof(int))),
		  N);
	ASSERT_EQ(nlog, N);
	for (i = 0; i < N; i++) {
		ASSERT_EQ(log[i], expect[i]);
		ASSERT_EQ(ids[i], (int)i);
	}
	ASSERT_EQ(coast__timer_count(), 0);
	ASSERT_EQ(test_live_settle(0), 0);
	return 0;
}
