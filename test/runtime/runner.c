/*
 * runner.c - runs the runtime tests of test-list.h.
 *
 *   coast-runtime-tests            run every test
 *   coast-runtime-tests NAME...    run the named tests
 *   coast-runtime-tests --list     print the names
 *
 * Each test runs in a forked child with a time limit (COAST_TEST_TIMEOUT
 * seconds, default 120), so a crash, a sanitizer report (non-zero exit) or a
 * hang fails that test alone.  The limit is for hangs: under TSan on a
 * loaded machine sched_million took 11 s, and starved of CPU, five tests
 * ran past 30 s.  Prints "ok"/"FAIL" per test and finally
 * "N passed, M failed"; exits 1 when any failed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct test_entry {
	const char *name;
	int (*run)(void);
};

#include "test-list.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
/*
 * TSan sleeps a second at exit while other threads run, to catch their
 * last races; every test leaves the runtime's workers running, so that
 * second would be paid per test.  A tenth is plenty for parked workers.
 */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "atexit_sleep_ms=100";
}
#endif
#endif

static int timeout_ms(void)
{
	const char *s = getenv("COAST_TEST_TIMEOUT");
	int sec = s ? atoi(s) : 0;

	return (sec > 0 ? sec : 120) * 1000;
}

/* Runs one test in a child; returns 0 when it passed. */
static int run_one(const struct test_entry *t, int limit_ms,
		   char *why, size_t whylen)
{
	struct timespec tick = { 0, 5 * 1000 * 1000 };
	int status, waited = 0;
	pid_t pid, r;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork failed");
		return -1;
	}
	if (pid == 0) {
		int rc = t->run();

		fflush(stdout);
		exit(rc == 0 ? 0 : 1); /* exit, not _exit: leak checks run */
	}
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0) {
			snprintf(why, whylen, "waitpid failed");
			return -1;
		}
		if (waited >= limit_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(why, whylen, "timed out after %d ms", limit_ms);
			return -1;
		}
		nanosleep(&tick, NULL);
		waited += 5;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, whylen, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(why, whylen, "signal %d", WTERMSIG(status));
	else
		snprintf(why, whylen, "status 0x%x", (unsigned)status);
	return -1;
}

static const struct test_entry *find(const char *name)
{
	const struct test_entry *t;

	for (t = TASKS; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static void report(const struct test_entry *t, int limit, int *n,
		   int *passed, int *failed)
{
	char why[128];

	if (run_one(t, limit, why, sizeof(why)) == 0) {
		printf("ok %d - %s\n", ++*n, t->name);
		++*passed;
	} else {
		printf("FAIL %d - %s (%s)\n", ++*n, t->name, why);
		++*failed;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const struct test_entry *t;
	int limit = timeout_ms();
	int passed = 0, failed = 0, n = 0, i;

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (t = TASKS; t->name; t++)
			printf("%s\n", t->name);
		return 0;
	}
	if (argc == 1) {
		for (t = TASKS; t->name; t++)
			report(t, limit, &n, &passed, &failed);
	}
	for (i = 1; i < argc; i++) {
		t = find(argv[i]);
		if (t) {
			report(t, limit, &n, &passed, &failed);
		} else {
			printf("FAIL %d - %s (no such test)\n", ++n, argv[i]);
			failed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
