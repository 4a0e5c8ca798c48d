//===- SuspendLiveness.h - Values live across each await ------------------===//
//
// For one async function definition: its suspension points (the awaits, in
// CFG order) and, for each, the parameters and locals whose values may be
// used after it resumes. The suspension happens after the awaited
// expression's operand has been evaluated, so a value consumed by the
// awaited call's arguments is not live across it unless it is used again
// later. Clang's LiveVariables (over Clang's CFG, where the await mark's
// comma is the element right after its operand) answers for plain values;
// AddressFlow.h extends it to address-taken locals: such a local is live
// while a local holding its address is, across an await whose call receives
// its address, and, once its address escapes, at every await reachable from
// there within its scope.
//
// Only parameters and locals with automatic storage are reported. Results
// refer to the AST they were computed on: recompute after changing it.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_SUSPENDLIVENESS_H
#define COAST_CHECKS_SUSPENDLIVENESS_H

#include "AsyncAST.h"

#include "clang/AST/ASTContext.h"
#include "clang/Analysis/AnalysisDeclContext.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <vector>

namespace coast {

/// One await of the function.
struct Suspension {
  Mark Await;
  /// What it runs: the awaited future, or each arm of an awaited race;
  /// empty when the operand is not a future (reported by
  /// coast-not-a-future).
  std::vector<FutureCall> Runs;
  /// Parameters and locals live across it, in declaration order.
  llvm::SmallVector<const clang::VarDecl *, 4> Live;
};

class SuspendLiveness {
public:
  /// Computes the answers for \p FD's body, using \p AC's CFG (built with
  /// every statement added). Null when \p FD has no body or no CFG.
  static std::unique_ptr<SuspendLiveness>
  compute(const clang::FunctionDecl *FD, clang::AnalysisDeclContext &AC);

  /// Every await, in CFG order (one per mark).
  llvm::ArrayRef<Suspension> suspensions() const { return Points; }

  /// The suspension at await mark \p Await (Mark::Whole), or null.
  const Suspension *at(const clang::Expr *Await) const;

  /// True if \p VD's value may be used after \p Await resumes.
  bool isLiveAcross(const clang::VarDecl *VD, const clang::Expr *Await) const;

  /// Parameters whose values the function may use before assigning them:
  /// what a future holds before its first poll.
  llvm::ArrayRef<const clang::VarDecl *> liveAtEntry() const {
    return EntryLive;
  }

private:
  std::vector<Suspension> Points;
  llvm::SmallVector<const clang::VarDecl *, 4> EntryLive;
};

} // namespace coast

#endif
