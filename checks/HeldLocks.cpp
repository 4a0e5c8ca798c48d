//===- HeldLocks.cpp - Blocking locks held at each await ------------------===//

#include "HeldLocks.h"
#include "CoastAttrs.h"

#include "clang/AST/Attr.h"
#include "clang/Analysis/CFG.h"
#include "clang/Analysis/FlowSensitive/DataflowWorklist.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace clang;

namespace coast {

namespace {

using LockSet = llvm::SmallVector<HeldLock, 2>;

enum class LockOp { None, Acquire, Release };

/// Prints a lock's expression without the parentheses that cannot change
/// its meaning, those around a primary or postfix expression, so the
/// `&(s->mu)` a macro wrote and the `&s->mu` written by hand name one lock.
class RedundantParensOmitted : public PrinterHelper {
public:
  explicit RedundantParensOmitted(const PrintingPolicy &Policy)
      : Policy(Policy) {}

  bool handledStmt(Stmt *S, raw_ostream &OS) override {
    const auto *PE = dyn_cast<ParenExpr>(S);
    if (!PE)
      return false;
    const Expr *Sub = PE->getSubExpr()->IgnoreImpCasts();
    if (!isa<DeclRefExpr, MemberExpr, ArraySubscriptExpr, CallExpr, ParenExpr>(
            Sub))
      return false;
    Sub->printPretty(OS, this, Policy);
    return true;
  }

private:
  const PrintingPolicy &Policy;
};

LockOp pthreadOp(StringRef Name) {
  return llvm::StringSwitch<LockOp>(Name)
      .Case("pthread_mutex_lock", LockOp::Acquire)
      .Case("pthread_rwlock_rdlock", LockOp::Acquire)
      .Case("pthread_rwlock_wrlock", LockOp::Acquire)
      .Case("pthread_spin_lock", LockOp::Acquire)
      .Case("mtx_lock", LockOp::Acquire)
      .Case("pthread_mutex_unlock", LockOp::Release)
      .Case("pthread_rwlock_unlock", LockOp::Release)
      .Case("pthread_spin_unlock", LockOp::Release)
      .Case("mtx_unlock", LockOp::Release)
      .Default(LockOp::None);
}

class LockTransfer {
public:
  explicit LockTransfer(const ASTContext &Ctx) : Ctx(Ctx) {}

  /// Applies the call \p CE to \p Held.
  void apply(const CallExpr *CE, LockSet &Held) const {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD || !FD->getIdentifier() || isAsyncFunction(FD))
      return;
    llvm::SmallVector<std::string, 1> Keys;
    LockOp Op = pthreadOp(FD->getName());
    if (Op != LockOp::None) {
      if (CE->getNumArgs() > 0)
        Keys.push_back(spell(CE->getArg(0)));
    } else if (const auto *A = FD->getAttr<AcquireCapabilityAttr>()) {
      Op = LockOp::Acquire;
      capabilityKeys(CE, FD, A->args(), Keys);
    } else if (const auto *R = FD->getAttr<ReleaseCapabilityAttr>()) {
      Op = LockOp::Release;
      capabilityKeys(CE, FD, R->args(), Keys);
    }
    for (std::string &K : Keys) {
      auto It =
          llvm::find_if(Held, [&](const HeldLock &L) { return L.Lock == K; });
      if (Op == LockOp::Release && It != Held.end())
        Held.erase(It);
      else if (Op == LockOp::Acquire && It == Held.end())
        Held.push_back({std::move(K), CE->getBeginLoc()});
    }
  }

private:
  std::string spell(const Expr *E) const {
    std::string S;
    llvm::raw_string_ostream OS(S);
    RedundantParensOmitted Helper(Ctx.getPrintingPolicy());
    E->IgnoreParenImpCasts()->printPretty(OS, &Helper, Ctx.getPrintingPolicy());
    return OS.str();
  }

  /// The capabilities an attribute names, as the call spells them: an
  /// argument naming a parameter is that call's argument.
  template <typename Range>
  void capabilityKeys(const CallExpr *CE, const FunctionDecl *FD, Range Args,
                      llvm::SmallVectorImpl<std::string> &Keys) const {
    for (const Expr *A : Args) {
      const auto *DRE = dyn_cast<DeclRefExpr>(A->IgnoreParenImpCasts());
      const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
      if (P && P->getFunctionScopeIndex() < CE->getNumArgs())
        Keys.push_back(spell(CE->getArg(P->getFunctionScopeIndex())));
      else
        Keys.push_back(spell(A));
    }
    if (Keys.empty())
      Keys.push_back(FD->getName().str()); // the function is the lock
  }

  const ASTContext &Ctx;
};

/// Adds \p From's locks to \p Into; true if it grew.
bool join(llvm::SmallVectorImpl<HeldLock> &Into,
          llvm::ArrayRef<HeldLock> From) {
  bool Grew = false;
  for (const HeldLock &L : From)
    if (!llvm::is_contained(Into, L)) {
      Into.push_back(L);
      Grew = true;
    }
  return Grew;
}

} // namespace

std::vector<llvm::SmallVector<HeldLock, 1>>
locksHeldAcross(AnalysisDeclContext &AC, llvm::ArrayRef<Suspension> Points) {
  std::vector<llvm::SmallVector<HeldLock, 1>> Result(Points.size());
  CFG *G = AC.getCFG();
  if (!G || Points.empty())
    return Result;
  llvm::DenseMap<const Stmt *, size_t> PointOf;
  for (size_t I = 0; I != Points.size(); ++I)
    PointOf[cast<ParenExpr>(Points[I].Await.Whole)->getSubExpr()] = I;

  LockTransfer Transfer(AC.getASTContext());
  std::vector<LockSet> In(G->getNumBlockIDs());
  std::vector<bool> Done(G->getNumBlockIDs());
  ForwardDataflowWorklist Work(*G, AC);
  Work.enqueueBlock(&G->getEntry());
  while (const CFGBlock *B = Work.dequeue()) {
    LockSet Held = In[B->getBlockID()];
    for (const CFGElement &E : *B) {
      std::optional<CFGStmt> S = E.getAs<CFGStmt>();
      if (!S)
        continue;
      if (const auto *CE = dyn_cast<CallExpr>(S->getStmt()))
        Transfer.apply(CE, Held);
      else if (auto It = PointOf.find(S->getStmt()); It != PointOf.end())
        join(Result[It->second], Held);
    }
    for (const CFGBlock *Succ : B->succs())
      if (Succ &&
          (join(In[Succ->getBlockID()], Held) || !Done[Succ->getBlockID()])) {
        Done[Succ->getBlockID()] = true;
        Work.enqueueBlock(Succ);
      }
  }
  return Result;
}

} // namespace coast
