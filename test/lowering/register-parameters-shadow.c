// A register parameter's name is a C local of the poll function only
// inside the body's block: the drop path after it calls a must_destruct
// value's destructor by its name, which a parameter of the same name must
// not hide (a function pointer would be called, an int would not compile).
// Cancelled while suspended (parked on a channel nobody sends to), each
// task runs the global destructor, at -O2 (register parameters) and at -O0
// (macros).
// RUN: %coast -O2 -Wall -Wextra -Werror %s %coast-libs -o %t.O2
// RUN: %t.O2 | FileCheck %s
// RUN: %coast -O0 -Wall -Wextra -Werror %s %coast-libs -o %t.O0
// RUN: %t.O0 | FileCheck %s
// RUN: %coast -O2 -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: FileCheck %s --check-prefix=LOWERED < %t.lowered.c
// LOWERED: __typeof_unqual__(__co->release) release = __co->release;
#include <coast.h>
#include <stdio.h>

struct must_destruct(release) res {
	int fd;
};

void release(struct res *r)
{
	printf("release %d\n", r->fd);
}

static void other(struct res *r)
{
	printf("other %d\n", r->fd);
}

static coast_chan *never;

// Parks until cancelled when k > 5, else yields once.
async int waiter(int k)
{
	long v;

	if (k > 5)
		return await(coast_chan_recv(never, &v));
	await(coast_yield());
	return 0;
}

// A parameter named as the destructor, a function pointer.
async int by_pointer(void (*release)(struct res *), int k)
{
	struct res r = { k };

	await(waiter(k));
	release(&r);
	coast_forget(r);
	return k;
}

// The same name as an int.
async int by_int(int release, int k)
{
	struct res r = { k + release };

	await(waiter(k));
	printf("kept %d\n", r.fd);
	coast_forget(r);
	return k;
}

async int top(void)
{
	coast_task *a = coast_spawn(by_pointer(other, 7));
	coast_task *b = coast_spawn(by_int(1, 8));

	for (int i = 0; i < 4; i++)
		await(coast_yield());
	coast_cancel(a);
	coast_cancel(b);
	await(coast_join(a, NULL));
	await(coast_join(b, NULL));
	printf("uncancelled %d\n", await(by_int(1, 2)));
	return 0;
}

int main(void)
{
	never = coast_chan_new(1, sizeof(long));
	return coast_block_on(top());
}
// CHECK-DAG: release 7
// CHECK-DAG: release 9
// CHECK-NOT: other
// CHECK: kept 3
// CHECK-NEXT: uncancelled 2
