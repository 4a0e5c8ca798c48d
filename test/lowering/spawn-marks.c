// coast_spawn_local and coast_scope_spawn lower like coast_spawn: the call
// becomes its start function on the task allocator, handed to the runtime's
// entry point (with the scope, as written, for coast_scope_spawn), inside
// async functions and synchronous ones alike. (The patterns are written so
// that they do not match themselves: the dump keeps these comments.)
// RUN: %coast -Wall -Wextra -Werror -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: FileCheck %s < %t.lowered.c
#include <coast.h>

async int work(int *slot, int v)
{
	*slot = v;
	return v;
}

// CHECK-LABEL: int spawn_from_sync(
// CHECK: coast__spawn_local{{[(]}}work__coast_start(&coast__task_alloc, &x, 1))
// CHECK-NOT: {{__coast_spawn_local[(][)]}}
int spawn_from_sync(void)
{
	static int x;
	coast_task *t = coast_spawn_local(work(&x, 1));
	coast_detach(t);
	return x;
}

// In an async function the arguments and the scope are frame accesses.
// (The coast_spawn_local borrows no local: coast-spawn-borrows-local.)
// CHECK-LABEL: fill
// CHECK: coast__scope_spawn{{[(]}}&{{.*}}s, work__coast_start(&coast__task_alloc, &{{.*}}a[i], i))
// CHECK: coast__spawn_local{{[(]}}work__coast_start(&coast__task_alloc, {{.*}}out, 7))
// CHECK-NOT: {{__coast_scope_spawn[(][)]}}
async int fill(void)
{
	static int spare;
	int *out = &spare;
	int a[4];
	coast_scope s = COAST_SCOPE_INIT;
	int err = 0;

	for (int i = 0; i < 4; i++)
		err |= coast_scope_spawn(&s, work(&a[i], i));
	await(coast_scope_join(&s));
	await(coast_join(coast_spawn_local(work(out, 7)), 0));
	return err ? err : a[0] + a[1] + a[2] + a[3];
}

// The scope through a pointer variable, in parentheses or not (regression:
// the macro's load of the pointer hid its text).
// CHECK-LABEL: through_pointer
// CHECK: coast__scope_spawn{{[(]}}{{.*}}sp, work__coast_start
// CHECK: coast__scope_spawn{{[(]}}{{.*}}sp, work__coast_start(&coast__task_alloc, {{.*}}slot, 2)
async int through_pointer(coast_scope *sp, int *slot)
{
	return coast_scope_spawn(sp, work(slot, 1)) |
	       coast_scope_spawn((sp), work(slot, 2));
}

// CHECK-LABEL: int sync_through_pointer(
// CHECK: coast__scope_spawn{{[(]}}sp, work__coast_start
int sync_through_pointer(coast_scope *sp, int *slot)
{
	return coast_scope_spawn(sp, work(slot, 1));
}
