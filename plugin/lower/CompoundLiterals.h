//===- CompoundLiterals.h - Compound literals that live in the frame ------===//
//
// C gives a compound literal in a block the lifetime of that block. In an
// async function the poll function's C frame is gone at every suspension,
// so a literal whose block holds an await (lexically: a suspension point
// somewhere in its innermost compound statement) lives in a frame member
// instead: each evaluation copies the literal there and denotes the member,
//
//   (*(__typeof__(T) *)__builtin_memcpy((void *)&__co->__clN,
//       (const void *)&(T){...}, sizeof __co->__clN))
//
// which works for arrays and const members alike, keeps the literal's text
// (awaits in its initializer included, lowered before it) and its type.
// A literal read only for its value (lvalue-to-rvalue: `v = (T){...}`,
// passed by value) has no address to keep and stays as written, as do
// literals in blocks without awaits and at file scope, and the rvalue
// literal Sema wraps around an argument of a transparent union parameter
// (it has no text: the argument's own is the value).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_COMPOUNDLITERALS_H
#define COAST_PLUGIN_LOWER_COMPOUNDLITERALS_H

#include "AsyncFunctionPlan.h"
#include "LoweringContext.h"

#include <vector>

namespace coast {

/// The compound literals of \p Plan's function (its suspension points
/// planned) that need frame storage, in source order.
std::vector<const clang::CompoundLiteralExpr *>
literalsInFrame(const AsyncFunctionPlan &Plan, clang::ASTContext &Ctx);

/// Schedules the rewrite of each of \p Plan's frame literals into its
/// member.
void rewriteFrameLiterals(const AsyncFunctionPlan &Plan, LoweringContext &LC);

} // namespace coast

#endif
