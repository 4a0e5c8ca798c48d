//===- ReturnJumps.cpp - break and continue that leave a return -----------===//

#include "ReturnJumps.h"

#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace coast {

namespace {

/// The body of \p S that `break` (and, for a loop, `continue`) leaves, or
/// null.
const Stmt *jumpBody(const Stmt *S, bool &IsLoop) {
  IsLoop = true;
  if (const auto *W = dyn_cast<WhileStmt>(S))
    return W->getBody();
  if (const auto *D = dyn_cast<DoStmt>(S))
    return D->getBody();
  if (const auto *F = dyn_cast<ForStmt>(S))
    return F->getBody();
  IsLoop = false;
  if (const auto *Sw = dyn_cast<SwitchStmt>(S))
    return Sw->getBody();
  return nullptr;
}

void collectEscaping(const Stmt *S, bool BreakBound, bool ContinueBound,
                     std::vector<const Stmt *> &Out) {
  if (!S)
    return;
  if (isa<BreakStmt>(S) || isa<ContinueStmt>(S)) {
    if (!(isa<BreakStmt>(S) ? BreakBound : ContinueBound))
      Out.push_back(S);
    return;
  }
  bool IsLoop;
  const Stmt *Body = jumpBody(S, IsLoop);
  for (const Stmt *Child : S->children()) {
    if (Child && Child == Body)
      collectEscaping(Child, true, ContinueBound || IsLoop, Out);
    else
      collectEscaping(Child, BreakBound, ContinueBound, Out);
  }
}

} // namespace

std::vector<const Stmt *> jumpsOutOfReturns(const Stmt *Body) {
  struct Finder : RecursiveASTVisitor<Finder> {
    std::vector<const Stmt *> Out;
    bool VisitReturnStmt(ReturnStmt *RS) {
      collectEscaping(RS->getRetValue(), false, false, Out);
      return true;
    }
  } F;
  F.TraverseStmt(const_cast<Stmt *>(Body));
  return F.Out;
}

} // namespace coast
