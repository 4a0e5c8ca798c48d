//===- RecursionCheck.h - Async recursion needs a boxed frame -------------===//
//
// coast-recursion-needs-box: a caller's frame embeds the frames of the
// callees it awaits, so a cycle of async functions awaiting each other would
// have an infinite frame. One box_async function in the cycle (its frame
// allocated on its own) breaks it. Finds the cycles of the translation
// unit's await graph (Tarjan's strongly connected components) and reports
// each one without a box_async member once, at its first function.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_RECURSIONCHECK_H
#define COAST_CHECKS_RECURSIONCHECK_H

#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"

namespace coast {

void runRecursionCheck(clang::ASTContext &Ctx, CheckHandler &Handler);

} // namespace coast

#endif
