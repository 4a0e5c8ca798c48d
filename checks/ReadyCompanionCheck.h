//===- ReadyCompanionCheck.h - A ready companion of the wrong shape -------===//
//
// coast-ready-companion (a warning): a function named `F__coast_ready`, F
// an async function of the translation unit, that has not the shape of
// F's ready companion (docs/future-abi.md, "Ready companions"): the
// lowering does not call it, and awaits of F start F's frame. Reported at
// each such function once, with a note at F and the shape it should have.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_READYCOMPANIONCHECK_H
#define COAST_CHECKS_READYCOMPANIONCHECK_H

#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"

namespace coast {

/// Whether \p R is `int (params of F..., T *)`, T F's (unqualified,
/// non-void) result, not variadic and not async; nothing more for a void F.
bool hasReadyCompanionShape(const clang::FunctionDecl *R,
                            const clang::FunctionProtoType *F,
                            clang::ASTContext &Ctx);

void runReadyCompanionCheck(clang::ASTContext &Ctx, CheckHandler &Handler);

} // namespace coast

#endif
