//===- FunctionAnalyses.h - Per-function analyses, computed once ----------===//
//
// The Send analysis and the lowering's planner both ask, for each async
// function, for its CFG (every statement added), its ParentMap and which
// values are live across each await. Building those is most of what the
// checks cost; this cache builds each once per function and translation
// unit. Results refer to the AST they were computed on: the checks and the
// planner read it unchanged (the lowering edits text, never the AST).
//
// One cache serves one translation unit, on one thread.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_FUNCTIONANALYSES_H
#define COAST_CHECKS_FUNCTIONANALYSES_H

#include "SuspendLiveness.h"

#include "clang/Analysis/AnalysisDeclContext.h"
#include "llvm/ADT/DenseMap.h"

#include <memory>

namespace coast {

class FunctionAnalyses {
public:
  /// \p FD's analysis context; its CFG is built with every statement added.
  clang::AnalysisDeclContext &context(const clang::FunctionDecl *FD);

  /// SuspendLiveness::compute over context(\p FD): null when \p FD has no
  /// body or no CFG.
  const SuspendLiveness *liveness(const clang::FunctionDecl *FD);

private:
  struct Entry {
    std::unique_ptr<clang::AnalysisDeclContext> Context;
    std::unique_ptr<SuspendLiveness> Liveness;
    bool LivenessDone = false;
  };
  Entry &entry(const clang::FunctionDecl *FD);

  llvm::DenseMap<const clang::FunctionDecl *, Entry> Entries;
};

} // namespace coast

#endif
