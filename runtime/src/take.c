/*
 * take.c - the out-of-line await of a sub-future the caller knows nothing
 * of: a start function of another translation unit (the runtime's I/O
 * leaves, another file's async function) or a function pointer's.
 *
 * Inline, each such await was coast__poll_child, the result read through
 * fn->ret_offset and coast__frame_free at every site: at -O2 a large part
 * of what a lowered function costs the optimizer and the back end over
 * plain C (docs/future-abi.md, section 3).  Its
 * callee's poll is an indirect call into other code already; this adds a
 * direct one.  The start function's NULL (out of frames) is reported
 * here too, not after every start: a compare, a branch and a call fewer
 * at each await.  Awaits the runtime keeps fast (a known callee, a callee
 * with a ready companion: join, channels, the mutex) stay inline.
 */
#include <string.h>

#include "internal.h"

int coast__poll_take(struct coast_frame *child, struct coast_cx *cx,
		     void *out, const char *name)
{
	const struct coast_fn *fn;
	int r;

	if (__builtin_expect(!child, 0))
		coast__out_of_frames(name);
	fn = child->fn;
	r = coast__poll_child(child, cx);
	if (r != COAST_READY)
		return r;
	if (out)
		memcpy(out, (char *)child + fn->ret_offset, fn->ret_size);
	coast__frame_free(cx->frames, child, fn->size);
	return COAST_READY;
}
