//===- FunctionAnalyses.h - Per-function analyses, computed once ----------===//
//
// The Send analysis and the lowering's planner both ask, for each async
// function, which values are live across each await. Building the CFG and
// Clang's LiveVariables behind that answer is most of what the checks
// cost; this cache computes it once per function and translation unit.
// Only the answers are kept: a function's CFG, ParentMap and LiveVariables
// are freed once it is analysed (keeping them for a whole file cost more in
// fresh memory than rebuilding them did). Results refer to the AST they
// were computed on: the checks and the planner read it unchanged (the
// lowering edits text, never the AST). The must_destruct flow is the same:
// the check and the planner's drop paths share one run per async function.
//
// One cache serves one translation unit, on one thread.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_FUNCTIONANALYSES_H
#define COAST_CHECKS_FUNCTIONANALYSES_H

#include "MustDestructAnalysis.h"
#include "SuspendLiveness.h"

#include "clang/Analysis/AnalysisDeclContext.h"
#include "llvm/ADT/DenseMap.h"

#include <memory>

namespace coast {

class FunctionAnalyses {
public:
  /// A fresh analysis context for \p FD, its CFG built with every
  /// statement added: the one liveness() expects.
  static std::unique_ptr<clang::AnalysisDeclContext>
  makeContext(const clang::FunctionDecl *FD);

  /// SuspendLiveness::compute for \p FD, over \p AC (from makeContext) the
  /// first time: null when \p FD has no body or no CFG.
  const SuspendLiveness *liveness(const clang::FunctionDecl *FD,
                                  clang::AnalysisDeclContext &AC);
  /// The same, over a context of its own the first time.
  const SuspendLiveness *liveness(const clang::FunctionDecl *FD);

  /// The must_destruct flow over \p FD, run the first time: the check runs
  /// it with its \p Handler, and the lowering, which runs after the checks,
  /// reads the same result.
  const MustDestructOwnership &ownership(const clang::FunctionDecl *FD,
                                         clang::ASTContext &Ctx,
                                         CheckHandler *Handler = nullptr);

private:
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<SuspendLiveness>>
      Liveness;
  llvm::DenseMap<const clang::FunctionDecl *,
                 std::unique_ptr<MustDestructOwnership>>
      Ownership;
};

} // namespace coast

#endif
