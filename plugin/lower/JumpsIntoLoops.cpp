//===- JumpsIntoLoops.cpp - goto and case labels into a rebuilt loop ------===//

#include "JumpsIntoLoops.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace coast {

namespace {

/// The jumps of a statement, and the targets they may reach.
struct Jumps : RecursiveASTVisitor<Jumps> {
  std::vector<const GotoStmt *> Gotos;
  std::vector<const SwitchStmt *> Switches;
  llvm::SmallPtrSet<const LabelDecl *, 8> Labels;
  llvm::SmallPtrSet<const SwitchCase *, 8> Cases;
  bool VisitGotoStmt(GotoStmt *S) { return Gotos.push_back(S), true; }
  bool VisitSwitchStmt(SwitchStmt *S) { return Switches.push_back(S), true; }
  bool VisitLabelStmt(LabelStmt *S) {
    return Labels.insert(S->getDecl()), true;
  }
  bool VisitSwitchCase(SwitchCase *S) { return Cases.insert(S), true; }
};

/// Whether \p S holds a `break` of the loop whose body it is: one outside
/// the loops and switches in it.
bool breaksOut(const Stmt *S) {
  if (!S || isa<ForStmt, WhileStmt, DoStmt, SwitchStmt>(S))
    return false;
  if (isa<BreakStmt>(S))
    return true;
  return llvm::any_of(S->children(),
                      [](const Stmt *C) { return breaksOut(C); });
}

} // namespace

std::vector<const Stmt *> jumpsInto(const Stmt *Body,
                                    const Stmt *FunctionBody) {
  // Without a break the flag is cleared before it is read whatever its
  // value: a jump in changes nothing.
  if (!breaksOut(Body))
    return {};
  Jumps Inside, All;
  Inside.TraverseStmt(const_cast<Stmt *>(Body));
  All.TraverseStmt(const_cast<Stmt *>(FunctionBody));
  llvm::SmallPtrSet<const Stmt *, 8> Local(Inside.Gotos.begin(),
                                           Inside.Gotos.end());
  Local.insert(Inside.Switches.begin(), Inside.Switches.end());
  std::vector<const Stmt *> Found;
  for (const GotoStmt *G : All.Gotos)
    if (!Local.count(G) && Inside.Labels.count(G->getLabel()))
      Found.push_back(G);
  for (const SwitchStmt *S : All.Switches) {
    if (Local.count(S))
      continue;
    for (const SwitchCase *C = S->getSwitchCaseList(); C;
         C = C->getNextSwitchCase())
      if (Inside.Cases.count(C))
        Found.push_back(C);
  }
  return Found;
}

} // namespace coast
