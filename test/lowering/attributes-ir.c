// The attributes that shape an async function's code are on the functions
// that run it (its poll function, its body function when split), printed
// from the AST: through a macro, in the C23 spelling (after the name, or
// first on the definition), inherited from an earlier declaration. cold and
// hot, hints for its calls, are on its start function too, and so are the
// symbol's visibility, weak and used: other files call the start function.
// The others stay on the declaration callers see: a start function is never
// `section`, nor `noinline` (an inlined start still runs the body out of
// line). The patterns allow `-g` (CI's asan stage adds it).
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

[[gnu::cold]] async int frosty(int x)
{
	return await(leaf(x)) + 6;
}

__attribute__((visibility("hidden"))) async int hidden_api(int x)
{
	return await(leaf(x)) + 7;
}

__attribute__((weak)) async int weak_api(int x)
{
	return await(leaf(x)) + 8;
}

__attribute__((used)) static async int kept(int x)
{
	return await(leaf(x)) + 9;
}

async int caller(int x)
{
	return await(chilly(x)) + await(warm(x)) + await(wide(x)) +
	       await(small(x));
}

// CHECK-DAG: define dso_local ptr @chilly__coast_start({{.*}}) #[[COLD:[0-9]+]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define internal i32 @chilly__coast_poll({{.*}}) #[[COLD]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define dso_local ptr @warm__coast_start({{.*}}) #[[HOT:[0-9]+]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define internal i32 @warm__coast_poll({{.*}}) #[[HOT]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define dso_local ptr @frosty__coast_start({{.*}}) #[[COLD]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define internal i32 @frosty__coast_poll({{.*}}) #[[COLD]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define hidden ptr @hidden_api__coast_start(
// CHECK-DAG: define weak dso_local ptr @weak_api__coast_start(
// CHECK-DAG: define internal ptr @kept__coast_start(
// CHECK-DAG: define internal i32 @wide__coast_poll({{.*}}) #[[WIDE:[0-9]+]] section ".text.coast_attrs"{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define dso_local ptr @wide__coast_start({{.*}}) #[[PLAIN:[0-9]+]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define internal i32 @leaf__coast_poll({{.*}}) #[[PLAIN]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define dso_local ptr @small__coast_start({{.*}}) #[[PLAIN]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define internal i32 @unchecked__coast_poll({{.*}}) #[[NOASAN:[0-9]+]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: define internal i32 @small__coast_poll({{.*}}) #[[SMALL:[0-9]+]]{{( !dbg ![0-9]+)?}} {
// CHECK-DAG: attributes #[[PLAIN]] = { noinline nounwind optnone sanitize_address sspstrong uwtable {{.*}}"target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87"
// CHECK-DAG: attributes #[[COLD]] = { cold noinline nounwind optnone sanitize_address sspstrong uwtable
// CHECK-DAG: attributes #[[HOT]] = { hot noinline nounwind optnone sanitize_address sspstrong uwtable
// CHECK-DAG: attributes #[[WIDE]] = { noinline nounwind optnone sanitize_address sspstrong uwtable {{.*}}"target-features"="{{[^"]*}}+avx2
// CHECK-DAG: attributes #[[NOASAN]] = { noinline nounwind optnone sspstrong uwtable
// CHECK-DAG: attributes #[[SMALL]] = { minsize noinline nounwind sanitize_address uwtable

// Split, the body function carries them too, and a small one awaited once is
// not always inlined (it would be without them: single-site-inline.c).
// SPLIT-DAG: define internal i32 @chilly__coast_body({{.*}}) #[[COLD:[0-9]+]]{{( !dbg ![0-9]+)?}} {
// SPLIT-DAG: define internal i32 @wide__coast_body({{.*}}) #[[WIDE:[0-9]+]] section ".text.coast_attrs"{{( !dbg ![0-9]+)?}} {
// SPLIT-DAG: define internal i32 @small__coast_body({{.*}}) #[[SMALL:[0-9]+]]{{( !dbg ![0-9]+)?}} {
// SPLIT-DAG: attributes #[[COLD]] = { cold nounwind
// SPLIT-DAG: attributes #[[WIDE]] = { nounwind {{.*}}"target-features"="{{[^"]*}}+avx2
// SPLIT-DAG: attributes #[[SMALL]] = { minsize noinline nounwind
