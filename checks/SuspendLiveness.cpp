//===- SuspendLiveness.cpp - Values live across each await ----------------===//

#include "SuspendLiveness.h"
#include "AddressFlow.h"
#include "EvaluatedVisitor.h"

#include "clang/Analysis/Analyses/LiveVariables.h"
#include "clang/Analysis/CFG.h"
#include "clang/Analysis/CFGStmtMap.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>

using namespace clang;

namespace coast {

namespace {

/// The function's awaits, by the comma after which each suspends, and its
/// locals with the statement declaring each.
class BodyCollector : public EvaluatedVisitor<BodyCollector> {
public:
  bool VisitParenExpr(ParenExpr *PE) {
    std::optional<Mark> M = matchMark(PE);
    if (!M || M->Kind != MarkKind::Await)
      return true;
    ByComma.try_emplace(PE->getSubExpr(), *M);
    for (const FutureCall &FC : awaitedFutures(*M))
      Calls.insert(FC.Call);
    return true;
  }
  bool VisitDeclStmt(DeclStmt *DS) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->hasLocalStorage())
        Locals.push_back({VD, DS});
    return true;
  }
  llvm::DenseMap<const Stmt *, Mark> ByComma;
  llvm::SmallPtrSet<const CallExpr *, 8> Calls;
  std::vector<std::pair<const VarDecl *, const DeclStmt *>> Locals;
};

/// The blocks reachable from \p From, \p From included.
llvm::BitVector reachableFrom(const CFG &G, const CFGBlock *From) {
  llvm::BitVector Seen(G.getNumBlockIDs());
  llvm::SmallVector<const CFGBlock *, 16> Work{From};
  Seen.set(From->getBlockID());
  while (!Work.empty()) {
    const CFGBlock *B = Work.pop_back_val();
    for (const CFGBlock *S : B->succs())
      if (S && !Seen.test(S->getBlockID())) {
        Seen.set(S->getBlockID());
        Work.push_back(S);
      }
  }
  return Seen;
}

class Builder {
public:
  Builder(const FunctionDecl *FD, AnalysisDeclContext &AC, CFG &G,
          LiveVariables &LV)
      : FD(FD), AC(AC), G(G), LV(LV),
        SM(FD->getASTContext().getSourceManager()) {}

  void run(std::vector<Suspension> &Points,
           llvm::SmallVectorImpl<const VarDecl *> &EntryLive);

private:
  /// Marks \p VD live across the suspensions its address reaches.
  void addAddressTaken(const VarDecl *VD, const DeclStmt *DS,
                       const AddressFlow &F);
  /// True if \p Loc lies in the scope of \p VD (declared by \p DS; null
  /// for a parameter), after the declaration.
  bool inScope(const VarDecl *VD, const DeclStmt *DS, SourceLocation Loc);
  /// True if \p Loc lies in the block that declares a local by \p DS (null
  /// for a parameter): the local's lifetime, which a goto back over the
  /// declaration does not end.
  bool inBlock(const DeclStmt *DS, SourceLocation Loc);

  const FunctionDecl *FD;
  AnalysisDeclContext &AC;
  CFG &G;
  LiveVariables &LV;
  const SourceManager &SM;
  /// Per suspension, in order: the comma, its block, what is live.
  std::vector<const Stmt *> Commas;
  std::vector<const CFGBlock *> Blocks;
  /// The calls each suspension runs (several for a race).
  std::vector<llvm::SmallVector<const CallExpr *, 1>> Calls;
  std::vector<llvm::SmallPtrSet<const VarDecl *, 8>> Live;
};

bool Builder::inScope(const VarDecl *VD, const DeclStmt *DS,
                      SourceLocation Loc) {
  return inBlock(DS, Loc) &&
         (!DS || SM.isBeforeInTranslationUnit(
                     SM.getExpansionLoc(VD->getLocation()), Loc));
}

bool Builder::inBlock(const DeclStmt *DS, SourceLocation Loc) {
  if (!DS)
    return true;
  const Stmt *Scope = AC.getParentMap().getParent(DS);
  if (!Scope)
    return false;
  SourceLocation Begin = SM.getExpansionLoc(Scope->getBeginLoc());
  SourceLocation End = SM.getExpansionLoc(Scope->getEndLoc());
  return SM.isBeforeInTranslationUnit(Begin, Loc) &&
         SM.isBeforeInTranslationUnit(Loc, End);
}

void Builder::addAddressTaken(const VarDecl *VD, const DeclStmt *DS,
                              const AddressFlow &F) {
  llvm::BitVector AfterEscape(G.getNumBlockIDs());
  for (const Stmt *S : F.Escapes) {
    // A store the CFG does not show as such (a DeclStmt it split) is
    // taken to happen at entry: conservative.
    const CFGBlock *B = AC.getCFGStmtMap()->getBlock(const_cast<Stmt *>(S));
    AfterEscape |= reachableFrom(G, B ? B : &G.getEntry());
  }
  for (size_t I = 0; I != Commas.size(); ++I) {
    // A holder may outlive the local: its address then dangles, and the
    // local is not live past its block.
    bool Held = inBlock(DS, SM.getExpansionLoc(Commas[I]->getBeginLoc())) &&
                llvm::any_of(F.Holders, [&](const VarDecl *H) {
                  return LV.isLive(Commas[I], H);
                });
    bool Awaited = llvm::any_of(F.CallArgs, [&](const auto &CA) {
      return llvm::is_contained(Calls[I], CA.first);
    });
    bool Escaped =
        AfterEscape.test(Blocks[I]->getBlockID()) &&
        inScope(VD, DS, SM.getExpansionLoc(Commas[I]->getBeginLoc()));
    if (Held || Awaited || Escaped)
      Live[I].insert(VD);
  }
}

void Builder::run(std::vector<Suspension> &Points,
                  llvm::SmallVectorImpl<const VarDecl *> &EntryLive) {
  BodyCollector Body;
  Body.TraverseStmt(FD->getBody());
  for (const CFGBlock *B : G)
    for (const CFGElement &E : *B)
      if (std::optional<CFGStmt> S = E.getAs<CFGStmt>())
        if (auto It = Body.ByComma.find(S->getStmt());
            It != Body.ByComma.end()) {
          Points.push_back({It->second, awaitedFutures(It->second), {}});
          Commas.push_back(It->first);
          Blocks.push_back(B);
          Calls.emplace_back();
          for (const FutureCall &FC : Points.back().Runs)
            Calls.back().push_back(FC.Call);
        }
  Live.resize(Points.size());

  std::vector<std::pair<const VarDecl *, const DeclStmt *>> Vars;
  for (const ParmVarDecl *P : FD->parameters())
    Vars.push_back({P, nullptr});
  Vars.insert(Vars.end(), Body.Locals.begin(), Body.Locals.end());

  AddressTracker Tracker(FD->getBody(), AC.getParentMap(), Body.Calls);
  for (const auto &[VD, DS] : Vars) {
    for (size_t I = 0; I != Commas.size(); ++I)
      if (LV.isLive(Commas[I], VD))
        Live[I].insert(VD);
    llvm::SmallVector<std::pair<const Expr *, AddressTracker::Start>, 4> Roots;
    for (const DeclRefExpr *DRE : Tracker.refs(VD))
      Roots.push_back({DRE, AddressTracker::Start::Object});
    AddressFlow F = Tracker.follow(Roots);
    if (!F.Holders.empty() || !F.CallArgs.empty() || !F.Escapes.empty())
      addAddressTaken(VD, DS, F);
  }

  for (size_t I = 0; I != Points.size(); ++I)
    for (const auto &Var : Vars)
      if (Live[I].count(Var.first))
        Points[I].Live.push_back(Var.first);
  for (const ParmVarDecl *P : FD->parameters())
    if (LV.isLive(&G.getEntry(), P))
      EntryLive.push_back(P);
}

} // namespace

std::unique_ptr<SuspendLiveness>
SuspendLiveness::compute(const FunctionDecl *FD, AnalysisDeclContext &AC) {
  CFG *G = FD->hasBody() ? AC.getCFG() : nullptr;
  LiveVariables *LV = G ? AC.getAnalysis<LiveVariables>() : nullptr;
  if (!LV)
    return nullptr;
  auto R = std::make_unique<SuspendLiveness>();
  Builder(FD, AC, *G, *LV).run(R->Points, R->EntryLive);
  return R;
}

const Suspension *SuspendLiveness::at(const Expr *Await) const {
  for (const Suspension &S : Points)
    if (S.Await.Whole == Await)
      return &S;
  return nullptr;
}

bool SuspendLiveness::isLiveAcross(const VarDecl *VD, const Expr *Await) const {
  const Suspension *S = at(Await);
  return S && llvm::is_contained(S->Live, VD);
}

} // namespace coast
