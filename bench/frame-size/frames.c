/*
 * frames.c - async functions whose frame sizes bench/frame-size/run.sh
 * compares with the same functions in Rust (frames.rs): a leaf, wrappers
 * (Rust's futures double per wrapper: rust-lang/rust#62958), locals live
 * across awaits, locals of disjoint scopes, and awaits of different callees.
 */
#include <coast.h>

async int leaf(int x)
{
	await(coast_yield());
	return x + 1;
}

async int wrap1(int x)
{
	return await(leaf(x));
}

async int wrap2(int x)
{
	return await(wrap1(x));
}

async int wrap3(int x)
{
	return await(wrap2(x));
}

async int buffer(int n)
{
	char buf[256];
	buf[n & 255] = (char)n;
	await(leaf(n));
	return buf[n & 255];
}

async int siblings(int n)
{
	int r = 0;
	if (n) {
		char a[256];
		a[0] = (char)n;
		await(leaf(n));
		r = a[0];
	} else {
		char b[256];
		b[0] = (char)n;
		await(leaf(n));
		r = b[0];
	}
	return r;
}

async int sequence(int n)
{
	int a = await(leaf(n));
	int b = await(buffer(a));
	int c = await(wrap3(b));
	return a + b + c;
}

int main(void)
{
	return coast_block_on(sequence(1)) == 0;
}
