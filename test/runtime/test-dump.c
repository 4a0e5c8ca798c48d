/*
 * test-dump.c - coast_dump_tasks while tasks run, wake and finish on every
 * worker: the claim of a waiting task must not lose its wakes (every task
 * finishes) nor race with its runner (TSan), and a task dumped as waiting
 * is released the way a runner releases it.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "test.h"

static atomic_bool dumping_done;
static atomic_int dumps;

static void *dumper(void *arg)
{
	(void)arg;
	/* At least one dump: on a loaded machine the tasks may all be done
	 * before this thread first runs. */
	do {
		coast_dump_tasks();
		atomic_fetch_add(&dumps, 1);
	} while (!atomic_load(&dumping_done));
	return NULL;
}

TEST_IMPL(dump_under_load)
{
	enum { N = 200 };
	coast_task *t[N];
	struct coast_frame *j;
	int outs[N], joined = 0, i, devnull, saved;
	pthread_t th;

	test_workers(2);
	/* The dumps go to stderr; keep the test's output short. */
	devnull = open("/dev/null", O_WRONLY);
	saved = dup(2);
	ASSERT(devnull >= 0 && saved >= 0);
	dup2(devnull, 2);
	for (i = 0; i < N; i++)
		t[i] = coast__spawn(i % 2 ? test_yielder_start(
						    &coast__task_alloc, 50, i,
						    NULL, NULL)
					  : test_sleeper_start(
						    &coast__task_alloc,
						    (uint64_t)(i % 7), i, NULL,
						    NULL));
	ASSERT(pthread_create(&th, NULL, dumper, NULL) == 0);
	j = test_join_all_start(&coast__task_alloc, t, N, outs, sizeof(int));
	ASSERT_EQ(coast__block_on(j, &joined), 0);
	atomic_store(&dumping_done, true);
	pthread_join(th, NULL);
	dup2(saved, 2);
	ASSERT_EQ(joined, N);
	for (i = 0; i < N; i++)
		ASSERT_EQ(outs[i], i);
	ASSERT(atomic_load(&dumps) > 0);
	fprintf(stderr, "dump_under_load: %d dumps\n", atomic_load(&dumps));
	ASSERT_EQ(test_live_settle(0), 0);
	ASSERT_EQ(coast_dump_tasks(), 0);
	return 0;
}
