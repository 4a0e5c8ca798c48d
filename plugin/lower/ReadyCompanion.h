//===- ReadyCompanion.h - An await that may complete without a frame ------===//
//
// C++20's await_ready for coast: an async function F declared in another
// translation unit may have a companion, `int F__coast_ready(params...,
// T *result)` (T is F's return type; no result for a void F), that
// completes F at once when it can (docs/future-abi.md, "Ready
// companions"). An await of F's call whose companion is found calls it
// first and starts F's frame only when it answers 0.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_READYCOMPANION_H
#define COAST_PLUGIN_LOWER_READYCOMPANION_H

#include "AsyncFunctionPlan.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"

namespace coast {

/// The ready companion the await \p Pt in \p Caller calls first, or null:
/// \p Pt awaits a direct call of a callee started from the frame stack or
/// embedded as a leaf (not a race, not lowered in this file), every
/// argument is free of side effects, calls and variably modified types
/// (the lowering evaluates them for the companion and again, when it
/// answers 0, for the start or init function), and a function of the
/// companion's name (not a macro's) and shape is declared at file scope before
/// \p Caller.
const clang::FunctionDecl *readyCompanion(const SuspendPoint &Pt,
                                          const clang::FunctionDecl &Caller,
                                          clang::ASTContext &Ctx);

/// Whether a declaration of \p R at file scope precedes \p Caller.
bool declaredAtFileScopeBefore(const clang::FunctionDecl &R,
                               const clang::FunctionDecl &Caller,
                               const clang::SourceManager &SM);

} // namespace coast

#endif
