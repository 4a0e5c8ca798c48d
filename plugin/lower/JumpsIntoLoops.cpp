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

/// The labels that are statements of a block, with the labels that are
/// their sub-statements (`case 0: case 1: x;`).
struct BlockLabels : RecursiveASTVisitor<BlockLabels> {
  llvm::SmallPtrSet<const Stmt *, 8> Found;
  bool VisitCompoundStmt(CompoundStmt *S) {
    for (const Stmt *C : S->body())
      while (isa<LabelStmt, SwitchCase>(C)) {
        Found.insert(C);
        C = isa<LabelStmt>(C) ? cast<LabelStmt>(C)->getSubStmt()
                              : cast<SwitchCase>(C)->getSubStmt();
      }
    return true;
  }
};

/// The `break`s of the loop whose body is \p S: those outside the loops and
/// switches in it.
void collectBreaks(const Stmt *S, std::vector<const BreakStmt *> &Out) {
  if (!S || isa<ForStmt, WhileStmt, DoStmt, SwitchStmt>(S))
    return;
  if (const auto *B = dyn_cast<BreakStmt>(S))
    Out.push_back(B);
  for (const Stmt *C : S->children())
    collectBreaks(C, Out);
}

} // namespace

std::vector<const Stmt *> entriesInto(const Stmt *Body,
                                      const Stmt *FunctionBody) {
  // Without a break the flag is cleared before it is read whatever its
  // value: a jump in changes nothing.
  if (loopBreaks(Body).empty())
    return {};
  Jumps Inside, All;
  Inside.TraverseStmt(const_cast<Stmt *>(Body));
  All.TraverseStmt(const_cast<Stmt *>(FunctionBody));
  llvm::SmallPtrSet<const Stmt *, 8> Local(Inside.Gotos.begin(),
                                           Inside.Gotos.end());
  Local.insert(Inside.Switches.begin(), Inside.Switches.end());
  llvm::SmallPtrSet<const Stmt *, 8> Seen;
  std::vector<const Stmt *> Found;
  auto Add = [&](const Stmt *S) {
    if (Seen.insert(S).second)
      Found.push_back(S);
  };
  for (const GotoStmt *G : All.Gotos)
    if (!Local.count(G) && Inside.Labels.count(G->getLabel()))
      Add(G->getLabel()->getStmt());
  for (const SwitchStmt *S : All.Switches) {
    if (Local.count(S))
      continue;
    for (const SwitchCase *C = S->getSwitchCaseList(); C;
         C = C->getNextSwitchCase())
      if (Inside.Cases.count(C))
        Add(C);
  }
  return Found;
}

std::vector<const BreakStmt *> loopBreaks(const Stmt *Body) {
  std::vector<const BreakStmt *> Found;
  collectBreaks(Body, Found);
  return Found;
}

bool labelInBlock(const Stmt *Entry, const Stmt *FunctionBody) {
  BlockLabels B;
  B.TraverseStmt(const_cast<Stmt *>(FunctionBody));
  return B.Found.count(Entry);
}

} // namespace coast
