//===- CheckAndLower.h - The checks, then the lowering, on one AST --------===//
//
// What both ways of compiling async code run on the AST of the user's
// source: the nested parse's consumer at the end of its translation unit,
// the single parse's at the end of the main file.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_CHECKANDLOWER_H
#define COAST_PLUGIN_CHECKANDLOWER_H

#include "lower/CounterExpansions.h"
#include "lower/Lowering.h"
#include "lower/MacroTests.h"
#include "lower/SkippedBranches.h"

#include "clang/Frontend/CompilerInstance.h"

namespace coast {

/// The preprocessor watchers the lowering reads; each watches \p PP from
/// its construction.
struct PreprocessorRecords {
  explicit PreprocessorRecords(clang::Preprocessor &PP);
  CounterExpansions Counters;
  MacroTests Tests;
  SkippedBranches Skipped;
};

/// Runs every check on \p Ctx, then the lowering if they found no error,
/// reporting through \p CI's diagnostics; each async function's block is
/// written for where it is parsed (\p Where: FunctionState.h). Not Ok if
/// anything was reported as an error.
LoweringResult checkAndLower(clang::CompilerInstance &CI,
                             clang::ASTContext &Ctx,
                             const PreprocessorRecords &Records,
                             Placement Where);

} // namespace coast

#endif
