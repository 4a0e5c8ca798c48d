//===- SendAnalysis.cpp - Is a future Send, and why not -------------------===//

#include "SendAnalysis.h"
#include "AddressFlow.h"
#include "CoastAttrs.h"
#include "EvaluatedVisitor.h"
#include "SuspendLiveness.h"

#include "clang/Analysis/AnalysisDeclContext.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

using namespace clang;

namespace coast {

namespace {

bool notSendType(QualType T, const ASTContext &Ctx,
                 llvm::SmallPtrSetImpl<const RecordDecl *> &Seen,
                 std::string &Why) {
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (hasCoastAttr(TT->getDecl(), CoastAttr::NotSend)) {
      Why = TT->getDecl()->getName().str();
      return true;
    }
    T = TT->getDecl()->getUnderlyingType();
  }
  if (const auto *PT = T->getAs<PointerType>())
    return notSendType(PT->getPointeeType(), Ctx, Seen, Why);
  if (const ArrayType *AT = Ctx.getAsArrayType(T))
    return notSendType(AT->getElementType(), Ctx, Seen, Why);
  const auto *RT = T->getAs<RecordType>();
  if (!RT)
    return false;
  const RecordDecl *RD = RT->getDecl();
  if (hasCoastAttr(RD, CoastAttr::NotSend)) {
    Why = QualType(RT, 0).getAsString(Ctx.getPrintingPolicy());
    return true;
  }
  RD = RD->getDefinition();
  if (!RD || !Seen.insert(RD).second)
    return false; // a struct reached again through a pointer to itself
  for (const FieldDecl *F : RD->fields())
    if (notSendType(F->getType(), Ctx, Seen, Why))
      return true;
  return false;
}

/// Where the function's code takes addresses of thread-local storage: its
/// references to _Thread_local variables and its calls of glibc's
/// __errno_location (what `errno` expands to).
class ThreadLocalRoots : public EvaluatedVisitor<ThreadLocalRoots> {
public:
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
        VD && VD->getTLSKind() != VarDecl::TLS_None)
      Roots.push_back({DRE, AddressTracker::Start::Object});
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (const FunctionDecl *FD = CE->getDirectCallee();
        FD && FD->getIdentifier() && FD->getName() == "__errno_location")
      Roots.push_back({CE, AddressTracker::Start::Address});
    return true;
  }
  llvm::SmallVector<std::pair<const Expr *, AddressTracker::Start>, 4> Roots;
};

/// Where addresses of thread-local storage go in \p FD, with \p Followed
/// the calls whose arguments are reported.
AddressFlow
threadLocalFlow(const FunctionDecl *FD, AnalysisDeclContext &AC,
                const llvm::SmallPtrSetImpl<const CallExpr *> &Followed) {
  ThreadLocalRoots V;
  V.TraverseStmt(FD->getBody());
  if (V.Roots.empty())
    return {};
  AddressTracker T(FD->getBody(), AC.getParentMap(), Followed);
  return T.follow(V.Roots);
}

std::string spell(const Expr *E, const ASTContext &Ctx) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  E->IgnoreParenImpCasts()->printPretty(OS, nullptr, Ctx.getPrintingPolicy());
  return OS.str();
}

/// A thread-local address passed to an awaited call: it crosses the await
/// when the callee may use that parameter after a suspension of its own.
struct ThreadLocalArg {
  const FunctionDecl *Callee; ///< a definition of the unit, or null
  unsigned Index;
  NotSendReason Reason;
};

/// A reason, or for AwaitsNotSend one that holds when Callee is not Send.
struct Item {
  NotSendReason Reason;
  const FunctionDecl *Callee = nullptr;
};

} // namespace

struct SendAnalysis::Facts {
  /// Value, ThreadLocal, Lock and Unbound reasons, and AwaitsNotSend ones
  /// that hold only when their callee turns out not Send; in await order.
  std::vector<Item> Items;
  /// Parameter reasons.
  std::vector<NotSendReason> Entry;
  std::vector<LockAcrossAwait> Locks;
  std::vector<ThreadLocalArg> ThreadLocalArgs;
  /// Parameters live across one of the function's own awaits.
  llvm::SmallPtrSet<const VarDecl *, 4> ParamsAcross;
  /// Send while awaited: the fixpoint's unknown.
  bool Send = true;
};

bool isNotSendType(QualType T, const ASTContext &Ctx, std::string &Why) {
  llvm::SmallPtrSet<const RecordDecl *, 8> Seen;
  return notSendType(T, Ctx, Seen, Why);
}

bool isReturnsSendPointer(const ValueDecl *D) {
  return D && (hasCoastAttr(D, CoastAttr::ReturnsSend) ||
               pointerTypedefWith(D->getType(), CoastAttr::ReturnsSend));
}

SourceLocation returnsSendInsertLoc(const ValueDecl *D) {
  const Decl *Where = D;
  if (!isa<FunctionDecl>(D) && !hasCoastAttr(D, CoastAttr::Async))
    Where = pointerTypedefWith(D->getType(), CoastAttr::Async);
  if (!Where)
    return {};
  const SourceManager &SM = D->getASTContext().getSourceManager();
  SourceLocation Loc = SM.getExpansionLoc(Where->getBeginLoc());
  return SM.isInSystemHeader(Loc) ? SourceLocation() : Loc;
}

/// Why a call through the async pointer \p Callee may not be Send: the
/// pointer lacks returns_send. A pointer no declaration names
/// (`get()(x)`, an element of a typedef'd array) is judged, and fixed, by
/// its typedef.
static std::optional<NotSendReason> unboundPointer(const Expr *Callee,
                                                   SourceLocation Await) {
  if (const ValueDecl *Ptr = pointerDecl(Callee)) {
    if (isReturnsSendPointer(Ptr))
      return std::nullopt;
    NotSendReason R{NotSendKind::Unbound, Ptr->getName().str(), "",
                    Ptr->getLocation(), Await};
    R.AddReturnsSendAt = returnsSendInsertLoc(Ptr);
    return R;
  }
  QualType T = Callee->IgnoreParenImpCasts()->getType();
  const TypedefNameDecl *TD = pointerTypedefWith(T, CoastAttr::Async);
  if (!TD || pointerTypedefWith(T, CoastAttr::ReturnsSend))
    return std::nullopt;
  NotSendReason R{NotSendKind::Unbound, TD->getName().str(), "",
                  TD->getLocation(), Await};
  const SourceManager &SM = TD->getASTContext().getSourceManager();
  SourceLocation Loc = SM.getExpansionLoc(TD->getBeginLoc());
  if (!SM.isInSystemHeader(Loc))
    R.AddReturnsSendAt = Loc;
  return R;
}

SendAnalysis::SendAnalysis(ASTContext &Ctx, FunctionAnalyses &Analyses)
    : Ctx(Ctx), Analyses(Analyses) {
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (const auto *FD = dyn_cast<FunctionDecl>(D);
        FD && FD->doesThisDeclarationHaveABody() && isAsyncFunction(FD)) {
      Order.push_back(FD);
      Info[FD] = std::make_unique<Facts>();
    }
  for (const FunctionDecl *FD : Order)
    analyze(FD);
  solve();
}

SendAnalysis::~SendAnalysis() = default;

void SendAnalysis::analyze(const FunctionDecl *Def) {
  Facts &F = *Info[Def];
  std::unique_ptr<AnalysisDeclContext> AC = FunctionAnalyses::makeContext(Def);
  const SuspendLiveness *SL = Analyses.liveness(Def, *AC);
  if (!SL)
    return;
  llvm::ArrayRef<Suspension> Points = SL->suspensions();
  std::vector<llvm::SmallVector<HeldLock, 1>> Locks =
      locksHeldAcross(*AC, Points);
  llvm::SmallPtrSet<const CallExpr *, 8> Awaited;
  for (const Suspension &S : Points)
    for (const FutureCall &FC : S.Runs)
      Awaited.insert(FC.Call);
  AddressFlow TL = threadLocalFlow(Def, *AC, Awaited);
  const SourceManager &SM = Ctx.getSourceManager();

  for (size_t I = 0; I != Points.size(); ++I) {
    const Suspension &S = Points[I];
    SourceLocation Await = SM.getExpansionLoc(S.Await.Whole->getBeginLoc());
    for (const VarDecl *V : S.Live) {
      if (isa<ParmVarDecl>(V))
        F.ParamsAcross.insert(V);
      std::string Why;
      if (isNotSendType(V->getType(), Ctx, Why))
        F.Items.push_back({{NotSendKind::Value, V->getName().str(), Why,
                            V->getLocation(), Await}});
      else if (TL.Holders.count(V))
        F.Items.push_back({{NotSendKind::ThreadLocal, V->getName().str(), "",
                            V->getLocation(), Await}});
    }
    for (const HeldLock &L : Locks[I]) {
      F.Items.push_back({{NotSendKind::Lock, L.Lock, "", L.Acquired, Await}});
      F.Locks.push_back({Await, L});
    }
    // A race is Send when each of its arms is.
    for (const FutureCall &FC : S.Runs)
      addAwaited(F, FC, TL, Await);
  }
  for (const VarDecl *P : SL->liveAtEntry()) {
    std::string Why;
    if (isNotSendType(P->getType(), Ctx, Why))
      F.Entry.push_back({NotSendKind::Parameter, P->getName().str(), Why,
                         P->getLocation(), SourceLocation()});
  }
}

/// What awaiting \p FC at \p Await adds to \p F: a thread-local address
/// passed to it, and its own future's Sendness.
void SendAnalysis::addAwaited(Facts &F, const FutureCall &FC,
                              const AddressFlow &TL, SourceLocation Await) {
  for (const auto &[Call, Index] : TL.CallArgs) {
    if (Call != FC.Call)
      continue;
    const FunctionDecl *Target =
        FC.Callee ? FC.Callee->getDefinition() : nullptr;
    const Expr *Arg = Call->getArg(Index);
    F.ThreadLocalArgs.push_back(
        {Target && Info.count(Target) ? Target : nullptr, Index,
         NotSendReason{NotSendKind::ThreadLocal, spell(Arg, Ctx), "",
                       Arg->getBeginLoc(), Await}});
  }
  if (const FunctionDecl *Callee = FC.Callee) {
    if (const FunctionDecl *CalleeDef = Callee->getDefinition();
        CalleeDef && Info.count(CalleeDef)) {
      F.Items.push_back({{NotSendKind::AwaitsNotSend, Callee->getName().str(),
                          "", CalleeDef->getLocation(), Await},
                         CalleeDef});
    } else if (!hasCoastAttr(Callee, CoastAttr::ReturnsSend)) {
      NotSendReason R{NotSendKind::Unbound, Callee->getName().str(), "",
                      Callee->getLocation(), Await};
      R.AddReturnsSendAt = returnsSendInsertLoc(Callee);
      F.Items.push_back({R});
    }
  } else if (std::optional<NotSendReason> R =
                 unboundPointer(FC.Call->getCallee(), Await)) {
    F.Items.push_back({*R});
  }
}

void SendAnalysis::solve() {
  // A thread-local address given to a callee that never keeps that
  // parameter across an await of its own does not cross the caller's.
  for (const FunctionDecl *FD : Order)
    for (ThreadLocalArg &A : Info[FD]->ThreadLocalArgs)
      if (!A.Callee || A.Index >= A.Callee->getNumParams() ||
          Info[A.Callee]->ParamsAcross.count(A.Callee->getParamDecl(A.Index)))
        Info[FD]->Items.push_back({A.Reason});

  // Greatest fixpoint: every function is Send until a reason of its own or
  // an awaited function's breaks it; a cycle alone breaks nothing.
  for (const FunctionDecl *FD : Order)
    Info[FD]->Send = llvm::all_of(
        Info[FD]->Items, [](const Item &I) { return I.Callee != nullptr; });
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const FunctionDecl *FD : Order) {
      Facts &F = *Info[FD];
      if (F.Send && llvm::any_of(F.Items, [&](const Item &I) {
            return I.Callee && !Info[I.Callee]->Send;
          })) {
        F.Send = false;
        Changed = true;
      }
    }
  }
}

const SendAnalysis::Facts *SendAnalysis::factsOf(const FunctionDecl *FD) const {
  const FunctionDecl *Def = FD ? FD->getDefinition() : nullptr;
  auto It = Info.find(Def);
  return It == Info.end() ? nullptr : It->second.get();
}

std::vector<NotSendReason>
SendAnalysis::reasons(const FunctionDecl *Def) const {
  std::vector<NotSendReason> Out;
  const Facts *Top = factsOf(Def);
  if (!Top)
    return Out;
  Out = Top->Entry;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Done{Def->getDefinition()};
  // Depth first, so that a callee's reasons follow the await that reaches
  // it; each function is explained once.
  std::function<void(const Facts &)> Add = [&](const Facts &F) {
    for (const Item &I : F.Items) {
      if (!I.Callee) {
        Out.push_back(I.Reason);
        continue;
      }
      const Facts &C = *Info.find(I.Callee)->second;
      if (C.Send)
        continue;
      Out.push_back(I.Reason);
      if (Done.insert(I.Callee).second)
        Add(C);
    }
  };
  Add(*Top);
  return Out;
}

std::vector<NotSendReason> SendAnalysis::reasons(const FutureCall &FC,
                                                 const FunctionDecl *Spawner) {
  std::vector<NotSendReason> Out;
  if (FC.Callee && factsOf(FC.Callee)) {
    Out = reasons(FC.Callee);
  } else if (FC.Callee) {
    if (!hasCoastAttr(FC.Callee, CoastAttr::ReturnsSend)) {
      NotSendReason R{NotSendKind::Unbound, FC.Callee->getName().str(), "",
                      FC.Callee->getLocation(), SourceLocation()};
      R.AddReturnsSendAt = returnsSendInsertLoc(FC.Callee);
      Out.push_back(R);
    }
  } else if (std::optional<NotSendReason> R =
                 unboundPointer(FC.Call->getCallee(), SourceLocation())) {
    Out.push_back(*R);
  }
  if (Spawner && Spawner->hasBody()) {
    AnalysisDeclContext AC(nullptr, Spawner);
    llvm::SmallPtrSet<const CallExpr *, 1> Spawned{FC.Call};
    for (const auto &[Call, Index] :
         threadLocalFlow(Spawner, AC, Spawned).CallArgs) {
      const Expr *Arg = Call->getArg(Index);
      Out.push_back({NotSendKind::ThreadLocal, spell(Arg, Ctx), "",
                     Arg->getBeginLoc(), SourceLocation()});
    }
  }
  return Out;
}

bool SendAnalysis::isSend(const FunctionDecl *FD) const {
  if (const Facts *F = factsOf(FD))
    return F->Send && F->Entry.empty();
  return hasCoastAttr(FD, CoastAttr::ReturnsSend);
}

llvm::ArrayRef<LockAcrossAwait>
SendAnalysis::locksAcrossAwaits(const FunctionDecl *Def) const {
  if (const Facts *F = factsOf(Def))
    return F->Locks;
  return {};
}

} // namespace coast
