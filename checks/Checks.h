//===- Checks.h - Every coast check, in one call --------------------------===//
//
// The single entry point the front ends (plugin, coast-check) run on a
// translation unit, so that they all run the same checks.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_CHECKS_H
#define COAST_CHECKS_CHECKS_H

#include "CheckHandler.h"
#include "FunctionAnalyses.h"

#include "clang/AST/ASTContext.h"

namespace coast {

/// Runs every check over \p Ctx's translation unit. \p Analyses may be
/// shared with the lowering's planner, which asks for the same analyses.
void runAllChecks(clang::ASTContext &Ctx, CheckHandler &Handler,
                  FunctionAnalyses &Analyses);

} // namespace coast

#endif
