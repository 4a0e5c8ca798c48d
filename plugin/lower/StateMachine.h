//===- StateMachine.h - An async function as a resumable poll function ----===//
//
// Stage 3 of the lowering: turns the function's definition into its poll
// function, in place. The user's body stays where it is, as a block inside
// the poll function:
//
//   static int f__coast_poll(struct coast_head *__coast_h,
//                            struct coast_cx *__cx) {
//     struct f__coast_frame *__co = ...;
//     T p = __co->p;  (optimizing: each register parameter)
//     if (cancel requested) goto __coast_drop;
//     switch (state) { case 0: break; case 1: goto __coast_s1; ... }
//   #define return <store the value in __co->__ret, finish>
//     { user body, frame variables renamed to __co->x,
//       each await replaced by: start callee; state = N; __coast_sN:
//       poll callee, pending? goto __coast_pending; take its result }
//   #undef return
//     finish; __coast_pending: return COAST_PENDING;
//     __coast_drop: cancel the callee of the current state, finish
//   }
//
// Optimizing, an embedded function with at most one suspension point is
// split: the code is
// f__coast_body(__coast_h, __cx, unsigned __coast_st), dispatching on
// __coast_st, and f__coast_poll tests the flag, then calls it with the
// frame's state or runs the drop path. The embedding caller's first poll
// (the frame just initialized) calls f__coast_body with state 0, a constant
// the inliner folds the dispatch with; its __coast_sN, in an `if (0)`
// block, resumes through f__coast_poll. Awaited from one site only
// and small, f__coast_body is always inlined (AsyncFunctionPlan::InlineBody).
//
// Resuming jumps to the label of the suspension point; C allows jumps into
// blocks and loops, and planning made sure no jump enters the scope of a
// variable-length array or skips the declaration of a variable that lives
// across it (those live in the frame). `return` is redefined around the body
// so that returns written anywhere, macros included, finish the future.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_STATEMACHINE_H
#define COAST_PLUGIN_LOWER_STATEMACHINE_H

#include "AsyncFunctionPlan.h"
#include "LoweringContext.h"

namespace coast {

/// Schedules the edits that turn \p Plan's function into its poll function,
/// preceded by \p Prelude (declarations at file scope); \p BodyPragmas
/// (FunctionState::fpPragmas) go first in its body. \p Split: body and
/// poll functions (TULowering::plan decides: optimizing, an embedded
/// callee with at most one suspension point; at -O0 the split is only code
/// to compile, gen-async.py 200 +17% instructions, and a function no
/// caller embeds went through the optimizer's function passes twice, its
/// body inlined into its one caller, the poll function: +9.5% of
/// echo_server's -O2 compile).
void emitStateMachine(const AsyncFunctionPlan &Plan, LoweringContext &LC,
                      const std::string &Prelude,
                      const std::string &BodyPragmas = "", bool Split = false);

} // namespace coast

#endif
