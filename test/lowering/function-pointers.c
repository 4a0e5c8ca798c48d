// Async function pointers (C's vtables): async functions stored in
// variables, fields of a static table and parameters, called with box(...)
// from await, coast_spawn and coast_block_on. The value of an async function
// is its start function; a boxed call allocates the callee's frame on its
// own. Prints the same lowered and as plain C.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: FileCheck %s --check-prefix=LOWERED < %t.lowered.c
// LOWERED: ((struct coast_frame *(*)(struct coast_alloc *, __typeof__(int)))(o->read))(__cx->frames, 2)
#include <coast.h>
#include <stdio.h>

typedef async int (*read_fn)(int);

struct ops {
	const char *name;
	read_fn read;
	async int (*write)(int, int);
};

async int disk_read(int block)
{
	await(coast_yield());
	return block * 10;
}

async int disk_write(int block, int value)
{
	await(coast_yield());
	return block + value;
}

async int net_read(int block)
{
	await(coast_sleep_ms(1));
	return block * 100;
}

static const struct ops disk = {"disk", disk_read, disk_write};
static const struct ops net = {.name = "net", .read = &net_read,
			       .write = disk_write};

async int use(const struct ops *o, read_fn extra)
{
	int a = await(box(o->read(2)));
	int b = await(box(o->write(a, 1))) + await(box(extra(3)));
	printf("%s: %d %d\n", o->name, a, b);
	return a + b;
}

async int twice(read_fn f, int x)
{
	return await(box(f(x))) + await(box(f(x + 1)));
}

// Pointers no declaration names: an element of a table of them, a call's
// result.
static read_fn readers[] = {disk_read, net_read};

static read_fn reader(int i)
{
	return readers[i];
}

async int from_table(int i)
{
	return await(box(readers[i](1))) + await(box(reader(1 - i)(2)));
}

int main(void)
{
	// CHECK: disk: 20 321
	// CHECK-NEXT: net: 200 231
	// CHECK-NEXT: total 772
	int total = coast_block_on(use(&disk, net_read)) +
		    coast_block_on(use(&net, disk_read));
	printf("total %d\n", total);
	read_fn f = disk_read;
	// CHECK-NEXT: block_on 70
	printf("block_on %d\n", coast_block_on(box(f(7))));
	// CHECK-NEXT: twice 90
	printf("twice %d\n", coast_block_on(twice(disk_read, 4)));
	// CHECK-NEXT: table 210 120
	printf("table %d %d\n", coast_block_on(from_table(0)),
	       coast_block_on(from_table(1)));
	return 0;
}
