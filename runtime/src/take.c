/*
 * take.c - the out-of-line await of a runtime leaf (the I/O calls, the
 * sleeps: a start function whose name starts with coast_ and that has no
 * ready companion) or a race.
 *
 * Inline, each such await was coast__poll_child, the result read through
 * fn->ret_offset and coast__frame_free at every site: at -O2 a large part
 * of what a lowered function costs the optimizer and the back end over
 * plain C (docs/future-abi.md, section 3).  A leaf's poll costs a system
 * call; this adds a direct call.  The start function's NULL (out of
 * frames) is reported here too, not after every start.  Awaits the
 * runtime keeps fast (join, channels, the mutex: ready companions), known
 * callees and the user's callees of other files stay inline: through here
 * each of the latter cost ~40 instructions more.
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
