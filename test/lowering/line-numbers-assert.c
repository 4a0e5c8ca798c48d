// An assert that fails in code the lowering moves names the file and line
// the preprocessor presumed for it, as plain C's does: past a `#line N
// "file"` inside the statement (coast named this file), a GNU line marker
// with flags, a `#line MACRO`, and in a for's step, which runs after a
// body that names another file. Each case fails in a child of its own,
// whose abort prints the message on stdout.
// RUN: %coast-equiv | FileCheck %s
#define _GNU_SOURCE
#include <assert.h>
#include <coast.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static async int check(int n)
{
	await(coast_yield());
	return n;
}

static async int named(int n)
{
	int y = n +
#line 300 "gen.y"
		await(check((assert(n > 1), n)));
	return y;
}
// CHECK: t: gen.y:300: {{.*}}named{{.*}}: Assertion `n > 1' failed.
// CHECK-NEXT: exit 0

#line 33 "line-numbers-assert.c"
static async int gnu(int n)
{
	int y = n +
# 400 "sys.y" 1 3
		await(check((assert(n > 1), n)));
	return y;
}
# 41 "line-numbers-assert.c" 2
// CHECK: t: sys.y:400: {{.*}}gnu{{.*}}: Assertion `n > 1' failed.
// CHECK-NEXT: exit 0

#define AT 500 "macro.y"
static async int macro(int n)
{
	int y = n +
#line AT
		await(check((assert(n > 1), n)));
	return y;
}
// CHECK: t: macro.y:500: {{.*}}macro{{.*}}: Assertion `n > 1' failed.
// CHECK-NEXT: exit 0

#line 54 "line-numbers-assert.c"
static async int step(int n)
{
	int s = 0;
	for (int i = 0; i < 2; i += await(check((assert(i < 1), 1)))) {
#line 600 "body.y"
		s += n;
	}
	return s;
}
// CHECK: t: {{.*}}line-numbers-assert.c:57: {{.*}}step{{.*}}: Assertion `i < 1' failed.
// CHECK-NEXT: exit 0

static void aborted(int sig)
{
	(void)sig;
	_exit(0);
}

static void fails(int which)
{
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		program_invocation_short_name = "t";
		dup2(1, 2);
		signal(SIGABRT, aborted);
		if (which == 0)
			coast_block_on(named(1));
		else if (which == 1)
			coast_block_on(gnu(1));
		else if (which == 2)
			coast_block_on(macro(1));
		else
			coast_block_on(step(1));
		_exit(1);
	}
	int status;
	waitpid(child, &status, 0);
	printf("exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void)
{
	for (int which = 0; which < 4; which++)
		fails(which);
	return 0;
}
