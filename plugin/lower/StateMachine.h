//===- StateMachine.h - An async function as a resumable poll function ----===//
//
// Stage 3 of the lowering: turns the function's definition into its poll
// function, in place. The user's body stays where it is, as a block inside
// the body function; the poll function of the descriptor follows it:
//
//   static int f__coast_body(struct coast_head *__coast_h,
//                            struct coast_cx *__cx, unsigned __coast_st) {
//     struct f__coast_frame *__co = ...;
//     switch (__coast_st) { case 0: break; case 1: goto __coast_s1; ... }
//   #define return <store the value in __co->__ret, finish>
//     { user body, frame variables renamed to __co->x,
//       each await replaced by: start callee; state = N; __coast_sN:
//       poll callee, pending? goto __coast_pending; take its result
//       (an embedded callee: its first poll is its body from state 0,
//       __coast_sN polls it again) }
//   #undef return
//     finish; __coast_pending: return COAST_PENDING;
//   }
//   static int f__coast_poll(struct coast_head *__coast_h,
//                            struct coast_cx *__cx) {
//     if (!cancel requested) return f__coast_body(.., state);
//     cancel the callee of the current state, finish
//   }
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
/// (FunctionState::fpPragmas) go first in its body.
void emitStateMachine(const AsyncFunctionPlan &Plan, LoweringContext &LC,
                      const std::string &Prelude,
                      const std::string &BodyPragmas = "");

} // namespace coast

#endif
