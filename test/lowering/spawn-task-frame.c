// A spawn's start function inlined at -O2 takes its task block from
// coast__task_frame_alloc, a direct call (coast__frame_new: the allocator
// is &coast__task_alloc there, a constant): no test of the allocator's
// room, no call through coast__task_alloc.alloc. A start function called
// with an allocator it does not know (the out-of-line copy, an await's
// frame stack, -O0) calls the allocator. The tasks run alike each way
// (coast_spawn has no plain build: no %coast-equiv).
// (Fails with main's header: the spawn loads coast__task_alloc's room.)
// RUN: %coast -O2 %s %coast-libs -o %t.o2 && %t.o2 | FileCheck %s
// RUN: %coast -O2 -S -emit-llvm %s -o %t.ll
// RUN: FileCheck %s --check-prefix=IR < %t.ll
// RUN: %coast -O0 %s %coast-libs -o %t.o0 && %t.o0 | FileCheck %s
// IR-LABEL: define {{.*}} @square__coast_start(
// IR: load ptr, ptr %{{.*}}
// IR: call {{.*}}ptr %
// IR-LABEL: define {{.*}} @sum__coast_poll(
// IR-NOT: @coast__task_alloc
// IR: call ptr @coast__task_frame_alloc(i64 {{.*}})
// IR-NOT: @coast__task_alloc
// IR: ret i32
// CHECK: sum 385
#include <coast.h>
#include <stdio.h>

async int square(int i)
{
	return i * i;
}

async int sum(void)
{
	coast_task *t[10];
	int s = 0;

	for (int i = 0; i < 10; i++)
		t[i] = coast_spawn(square(i + 1));
	for (int i = 0; i < 10; i++) {
		int v = 0;

		if (await(coast_join(t[i], &v)))
			return -1;
		s += v;
	}
	return s;
}

int main(void)
{
	printf("sum %d\n", coast_block_on(sum()));
	return 0;
}
