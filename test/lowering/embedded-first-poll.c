// An embedded callee's first poll enters its body function at the start
// state, a constant (its frame was just initialized): at -O2 the inliner
// folds the callee's dispatch away and inlines a chain of them, where the
// poll function's load of the state and its flags test kept each level
// too costly to inline into the next (cost 310 against 225: every other
// level was a call). Resuming polls through the poll function, which
// alone tests the cancel flag. Only when optimizing: at -O0 no inliner
// gains from it, the text is the single poll function's.
// RUN: %coast-equiv | FileCheck %s
// RUN: %coast -O2 %s %coast-libs -o %t.o2 && %t.o2 | FileCheck %s
// RUN: %coast -O2 -c %s -o %t.o -fplugin-arg-coast-dump=%t.lowered.c
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=LOWERED
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=KEPT
// RUN: grep -v '^//' %t.lowered.c | FileCheck %s --check-prefix=TWO
// RUN: %coast -O0 -c %s -o %t.o -fplugin-arg-coast-dump=%t.o0.c
// RUN: grep -v '^//' %t.o0.c | FileCheck %s --check-prefix=O0
// O0-NOT: __coast_body
// O0: static int e1__coast_poll(struct coast_head *__coast_h, struct coast_cx *__cx)
// O0: e0__coast_init(&__co->__aw.s1, n); __co->__h.state = 1; __coast_s1: if ((__coast_p = e0__coast_poll(&__co->__aw.s1.__h, __cx)) != COAST_READY) goto __coast_pending;
// O0-NOT: __coast_body
// LOWERED-LABEL: static int e1__coast_body(struct coast_head *__coast_h, struct coast_cx *__cx, unsigned __coast_st)
// LOWERED: switch (__coast_st) { case 0u: break; case 1: goto __coast_s1;
// LOWERED: e0__coast_init(&__co->__aw.s1, n); __co->__h.state = 1; if ((__coast_p = e0__coast_body(&__co->__aw.s1.__h, __cx, 0u)) != COAST_READY) goto __coast_pending;
// LOWERED-SAME: if (0) { __coast_s1: if ((__coast_p = e0__coast_poll(&__co->__aw.s1.__h, __cx)) != COAST_READY) goto __coast_pending; }
// LOWERED: static int e1__coast_poll(struct coast_head *__coast_h, struct coast_cx *__cx) { if (!(__coast_h->flags & 1u)) return e1__coast_body(__coast_h, __cx, __coast_h->state); return coast__drop_child(__coast_h, &e1__coast_fn, __cx); }
// A function no caller embeds is not split: its body inlined into its poll
// function, its one caller, would go through the optimizer twice.
// LOWERED-NOT: both__coast_body
// LOWERED: static int both__coast_poll(struct coast_head *__coast_h, struct coast_cx *__cx)
// LOWERED: { struct both__coast_frame *__co = (struct both__coast_frame *)__coast_h; int __coast_p = COAST_PENDING; (void)__cx; if (__coast_h->flags & 1u) goto __coast_drop; switch (__coast_h->state) {
// LOWERED-NOT: both__coast_body
//
// e6's first poll runs e0..e5's first polls inline: no call of a body from
// its start state is left in the module (e6's body itself may be inlined
// whole into its callers, the values it reads being C locals).
// RUN: %coast -O2 -S -emit-llvm %s -o %t.ll
// RUN: FileCheck %s --check-prefix=IR < %t.ll
// IR-NOT: call {{.*}}@e{{[0-6]}}__coast_body({{.*}}, i32 {{(noundef )?}}0)
// IR: define internal {{.*}}i32 @e6__coast_poll(
// IR-NOT: call {{.*}}@e{{[0-6]}}__coast_body({{.*}}, i32 {{(noundef )?}}0)
#include <coast.h>
#include <stdio.h>

/* await is not allowed in a macro's definition: written out. */
async int e0(int n)
{
	return n;
}

async int e1(int n) { return await(e0(n)) + 1; }
async int e2(int n) { return await(e1(n)) + 1; }
async int e3(int n) { return await(e2(n)) + 1; }
async int e4(int n) { return await(e3(n)) + 1; }
async int e5(int n) { return await(e4(n)) + 1; }
async int e6(int n) { return await(e5(n)) + 1; }

/* The same chain with a bottom that suspends: every level resumes through
 * its callee's poll function once. */
async int y0(int n)
{
	await(coast_yield());
	return n;
}

async int y1(int n) { return await(y0(n)) + 1; }
async int y2(int n) { return await(y1(n)) + 1; }

/* x, a register local live across the await: the first poll's pending
 * path spills it, the resume label reloads it before polling again. Its
 * one awaiter (both) inlines its body always (single-site-inline.c). */
// KEPT-LABEL: static inline __attribute__((__always_inline__)) int kept__coast_body(
// KEPT: y1__coast_init(&__co->__aw.s1, n); __co->__h.state = 1; if ((__coast_p = y1__coast_body(&__co->__aw.s1.__h, __cx, 0u)) != COAST_READY) { __co->x = x; goto __coast_pending; }
// KEPT-SAME: if (0) { __coast_r1: x = __co->x; if ((__coast_p = y1__coast_poll(&__co->__aw.s1.__h, __cx)) != COAST_READY) { __co->x = x; goto __coast_pending; } }
async int kept(int n)
{
	int x = n * 3;
	int r = await(y1(n));
	return x * 10 + r;
}

/* An embedded callee with more than one suspension point is not split:
 * each of its callees' first polls would be inlined into it, and it into
 * each awaiter's (gen-async.py 200 at -O2: 1.9x the compile's wall clock). */
// TWO-NOT: two__coast_body
// TWO: static int two__coast_poll(struct coast_head *__coast_h, struct coast_cx *__cx)
// TWO: two__coast_init(&__co->__aw.s1, n); __co->__h.state = 1; __coast_s1: if ((__coast_p = two__coast_poll(&__co->__aw.s1.__h, __cx)) != COAST_READY) goto __coast_pending;
// TWO-NOT: two__coast_body
async int two(int n)
{
	int a = await(e1(n));
	int b = await(y0(n));
	return a * 10 + b;
}

async int outer(int n) { return await(two(n)) + 1; }

async int both(int n)
{
	int a = await(e6(n));
	int b = await(y2(n));
	int c = await(kept(n));
	return (a * 100 + b) * 1000 + c;
}

int main(void)
{
	// CHECK: 1006125
	printf("%d\n", coast_block_on(both(4)));
	// CHECK-NEXT: 55
	printf("%d\n", coast_block_on(outer(4)));
	return 0;
}
