// The attributes that shape an async function's code are on the functions
// that run it (its poll function, its body function when split), printed
// from the AST: through a macro, in the C23 spelling, inherited from an
// earlier declaration. cold and hot, hints for its calls, are on its start
// function too. The others stay on the declaration callers see: a start
// function is never `section`, nor `noinline` (an inlined start still runs
// the body out of line).
// RUN: %coast -O0 -S -emit-llvm -fsanitize=address -fstack-protector-strong \
// RUN:   %s -o - \
// RUN:   | FileCheck %s
// RUN: %coast -O2 -Xclang -disable-llvm-passes -S -emit-llvm %s -o - \
// RUN:   | FileCheck %s --check-prefix=SPLIT
#include <coast.h>

#define COLD __attribute__((cold))

async int leaf(int x)
{
	await(coast_yield());
	return x;
}

COLD async int chilly(int x)
{
	return await(leaf(x)) + 1;
}

async int warm [[gnu::hot]] (int x)
{
	return await(leaf(x)) + 2;
}

__attribute__((target("avx2"), section(".text.coast_attrs"))) async int
wide(int x)
{
	return await(leaf(x)) + 3;
}

__attribute__((no_sanitize("address"))) async int unchecked(int *p);
async int unchecked(int *p)
{
	return await(leaf(*p)) + 4;
}

__attribute__((noinline, minsize, no_stack_protector)) async int
small(int x)
{
	return await(leaf(x)) + 5;
}

async int caller(int x)
{
	return await(chilly(x)) + await(warm(x)) + await(wide(x)) +
	       await(small(x));
}

// CHECK-DAG: define dso_local ptr @chilly__coast_start({{.*}}) #[[COLD:[0-9]+]] {
// CHECK-DAG: define internal i32 @chilly__coast_poll({{.*}}) #[[COLD]] {
// CHECK-DAG: define dso_local ptr @warm__coast_start({{.*}}) #[[HOT:[0-9]+]] {
// CHECK-DAG: define internal i32 @warm__coast_poll({{.*}}) #[[HOT]] {
// CHECK-DAG: define internal i32 @wide__coast_poll({{.*}}) #[[WIDE:[0-9]+]] section ".text.coast_attrs" {
// CHECK-DAG: define dso_local ptr @wide__coast_start({{.*}}) #[[PLAIN:[0-9]+]] {
// CHECK-DAG: define internal i32 @leaf__coast_poll({{.*}}) #[[PLAIN]] {
// CHECK-DAG: define dso_local ptr @small__coast_start({{.*}}) #[[PLAIN]] {
// CHECK-DAG: define internal i32 @unchecked__coast_poll({{.*}}) #[[NOASAN:[0-9]+]] {
// CHECK-DAG: define internal i32 @small__coast_poll({{.*}}) #[[SMALL:[0-9]+]] {
// CHECK-DAG: attributes #[[PLAIN]] = { noinline nounwind optnone sanitize_address sspstrong uwtable {{.*}}"target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87"
// CHECK-DAG: attributes #[[COLD]] = { cold noinline nounwind optnone sanitize_address sspstrong uwtable
// CHECK-DAG: attributes #[[HOT]] = { hot noinline nounwind optnone sanitize_address sspstrong uwtable
// CHECK-DAG: attributes #[[WIDE]] = { noinline nounwind optnone sanitize_address sspstrong uwtable {{.*}}"target-features"="{{[^"]*}}+avx2
// CHECK-DAG: attributes #[[NOASAN]] = { noinline nounwind optnone sspstrong uwtable
// CHECK-DAG: attributes #[[SMALL]] = { minsize noinline nounwind sanitize_address uwtable

// Split, the body function carries them too, and a small one awaited once is
// not always inlined (it would be without them: single-site-inline.c).
// SPLIT-DAG: define internal i32 @chilly__coast_body({{.*}}) #[[COLD:[0-9]+]] {
// SPLIT-DAG: define internal i32 @wide__coast_body({{.*}}) #[[WIDE:[0-9]+]] section ".text.coast_attrs" {
// SPLIT-DAG: define internal i32 @small__coast_body({{.*}}) #[[SMALL:[0-9]+]] {
// SPLIT-DAG: attributes #[[COLD]] = { cold nounwind
// SPLIT-DAG: attributes #[[WIDE]] = { nounwind {{.*}}"target-features"="{{[^"]*}}+avx2
// SPLIT-DAG: attributes #[[SMALL]] = { minsize noinline nounwind
