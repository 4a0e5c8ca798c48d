//===- MustDestructAnalysis.cpp - Linear must_destruct values -------------===//
//
// Two steps per function, as in Clang's Consumed.cpp:
//
// 1. A walk of the body (RoleCollector) decides which variables own a
//    resource and what each reference to one does: consume it (a
//    destructor's or a consuming parameter's argument, `return x`, a store
//    into a field of another must_destruct value, a move into another local,
//    coast_forget), assign it, or merely use it.
// 2. A forward dataflow over the CFG (built with lifetime ends, so the end
//    of each scope is an element) keeps, per variable, the set of states it
//    may be in: owned, consumed, or holding nothing (not yet initialised, or
//    a pointer known to be NULL after a test). Sets merge by union; a block
//    ending in a noreturn call passes nothing on. After the fixpoint one
//    more pass over every block reports, so each element reports once.
//
// A pointer local whose one definition copies a followed pointer that is
// itself never reassigned (`struct conn *c = a;`) is an alias: its
// references stand for the original's, so `conn_close(c)` consumes `a`.
//
// Limits, on purpose: values are followed through locals and parameters,
// not through memory (a copy stored in a plain struct or a global is a use
// and leaves the variable owning); a pointer copied into a local that is
// assigned more than once is not followed; calls through function pointers
// never consume.
//
//===----------------------------------------------------------------------===//

#include "MustDestructAnalysis.h"
#include "AsyncAST.h"
#include "CoastAttrs.h"
#include "EvaluatedVisitor.h"
#include "FunctionAnalyses.h"
#include "MustDestructTypes.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace clang;

namespace coast {

namespace {

/// The states a variable may be in on the paths reaching a point.
enum : uint8_t {
  Owned = 1,    ///< it owns its resource
  Consumed = 2, ///< a destructor or a move took it
  Empty = 4,    ///< nothing to destruct: not initialised, or a NULL pointer
};

struct Consumption {
  SourceLocation At;
  std::string How; ///< "destructed by 'conn_close'", "returned", ...
};

struct VarState {
  uint8_t Bits = Empty;
  const Consumption *By = nullptr; ///< one consumption reaching here
};

using State = std::vector<VarState>;

/// What an assignment or initialiser puts into a variable.
enum class Incoming { Owned, Null, Other };

enum class Action { Use, Consume, Assign };

struct RefRole {
  Action A = Action::Use;
  const Consumption *By = nullptr; ///< Consume
  Incoming In = Incoming::Other;   ///< Assign
  SourceLocation AssignLoc;        ///< Assign
};

bool isNull(const Expr *E, ASTContext &Ctx) {
  return E->IgnoreParenImpCasts()->isNullPointerConstant(
             Ctx, Expr::NPC_ValueDependentIsNotNull) != Expr::NPCK_NotNull;
}

const VarDecl *localVar(const Expr *E) {
  const auto *DRE = dyn_cast<DeclRefExpr>(E);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  return VD && VD->hasLocalStorage() ? VD : nullptr;
}

std::string quoted(StringRef S) { return ("'" + S + "'").str(); }

bool ownedParameter(const ParmVarDecl *P) {
  return hasCoastAttr(P, CoastAttr::MustDestruct) ||
         mustDestructRecord(P->getType());
}

/// Step 1: which variables are followed and what each reference does.
/// Operands C never evaluates (sizeof, typeof, the associations _Generic
/// does not select) neither make, use nor consume a value.
class RoleCollector : public EvaluatedVisitor<RoleCollector> {
public:
  RoleCollector(const FunctionDecl *FD, ASTContext &Ctx, CheckHandler *H)
      : FD(FD), Ctx(Ctx), Handler(H) {}

  void run() {
    // A destructor's own parameter is what it destructs.
    if (!destructedRecord(FD))
      for (const ParmVarDecl *P : FD->parameters())
        if (ownedParameter(P))
          track(P);
    TraverseStmt(FD->getBody());
    findAliases();
    if (Handler)
      for (const CallExpr *CE : Producers)
        if (!Kept.count(CE))
          Handler->mustDestructLeak(CE->getBeginLoc(), calleeName(CE),
                                    /*Dropped=*/true, {});
  }

  bool VisitParenExpr(ParenExpr *PE) {
    if (std::optional<Mark> M = matchMark(PE))
      MarkOf[M->Operand] = M->Kind;
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (!VD->hasLocalStorage() || isa<ParmVarDecl>(VD))
      return true;
    if (ownsLocal(VD))
      track(VD);
    if (const Expr *Init = VD->getInit()) {
      InitOf[VD] = into(VD, Init);
      if (const VarDecl *From = localVar(valueOperand(Init)))
        Copies[VD].push_back({From, nullptr});
      else if (!isNull(Init, Ctx))
        Copies[VD].push_back({nullptr, nullptr});
    }
    return true;
  }

  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf)
      if (const VarDecl *VD = localVar(UO->getSubExpr()->IgnoreParens()))
        AddressTaken.insert(VD);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (ownedResultCall(CE))
      Producers.push_back(CE);
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee)
      return true;
    if (Callee->getIdentifier() && Callee->getName() == "coast__forget" &&
        CE->getNumArgs() == 1) {
      consume(CE->getArg(0), CE->getBeginLoc(), "forgotten");
      return true;
    }
    bool Destructor = destructedRecord(Callee);
    for (unsigned I = 0, N = CE->getNumArgs(); I != N; ++I)
      if (consumesArgument(Callee, I))
        consume(CE->getArg(I), CE->getBeginLoc(),
                (Destructor ? "destructed by " : "moved into ") +
                    quoted(Callee->getName()));
    if (Destructor && isAsyncFunction(Callee))
      checkAsyncDestructor(CE, Callee);
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *RS) {
    if (const Expr *V = RS->getRetValue())
      sink(V, RS->getBeginLoc(), "returned");
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() != BO_Assign)
      return true;
    const Expr *LHS = BO->getLHS()->IgnoreParenImpCasts();
    if (const VarDecl *VD = localVar(LHS)) {
      if (isNull(BO->getRHS(), Ctx))
        NullStores.insert(VD);
      else
        Copies[VD].push_back(
            {localVar(valueOperand(BO->getRHS())), cast<DeclRefExpr>(LHS)});
      RefRole &R = Roles[cast<DeclRefExpr>(LHS)];
      R.A = Action::Assign;
      R.In = into(VD, BO->getRHS());
      R.AssignLoc = BO->getBeginLoc();
      return true;
    }
    // A field of another must_destruct value takes ownership; any other
    // place keeps a copy the checks do not follow.
    if (const auto *ME = dyn_cast<MemberExpr>(LHS)) {
      QualType Base = ME->getBase()->getType();
      if (ME->isArrow())
        if (const auto *PT = Base->getAs<PointerType>())
          Base = PT->getPointeeType();
      if (mustDestructRecord(Base)) {
        const ValueDecl *Owner = namedDecl(ME->getBase());
        sink(BO->getRHS(), BO->getBeginLoc(),
             "moved into a field of " +
                 (Owner ? quoted(Owner->getName()) : std::string("its owner")));
      }
    }
    return true;
  }

  const FunctionDecl *FD;
  ASTContext &Ctx;
  CheckHandler *Handler;
  std::vector<const VarDecl *> Vars;
  llvm::DenseMap<const VarDecl *, unsigned> Index;
  llvm::DenseMap<const DeclRefExpr *, RefRole> Roles;
  llvm::DenseMap<const VarDecl *, Incoming> InitOf;
  std::deque<Consumption> Consumptions;

  /// The index of the followed value \p VD stands for: its own, or the
  /// original's for an alias.
  std::optional<unsigned> indexOf(const VarDecl *VD) const {
    if (!VD)
      return std::nullopt;
    if (auto A = AliasOf.find(VD); A != AliasOf.end())
      VD = A->second;
    auto It = Index.find(VD);
    if (It == Index.end())
      return std::nullopt;
    return It->second;
  }

private:
  /// A definition of a local: the local it copies (null for any other
  /// value), and the assignment's left side (null for the initialiser).
  struct Copy {
    const VarDecl *From;
    const DeclRefExpr *Assigned;
  };

  /// Pointer locals defined once, by a copy of a followed pointer defined
  /// once, become its aliases (transitively). The copy itself is then a
  /// use of the original, not an assignment. Storing NULL into the
  /// original gives it no other resource (`a = NULL` after a close); into
  /// the alias, it ends the alias.
  void findAliases() {
    auto Single = [&](const VarDecl *VD) -> const Copy * {
      auto It = Copies.find(VD);
      if (It == Copies.end())
        return nullptr;
      return It->second.size() == 1 ? &It->second.front() : nullptr;
    };
    auto DefinedOnce = [&](const VarDecl *VD) {
      if (isa<ParmVarDecl>(VD))
        return !Copies.count(VD);
      return Single(VD) != nullptr;
    };
    bool Changed = true;
    while (Changed) {
      Changed = false;
      for (const auto &[VD, Defs] : Copies) {
        const Copy *C = Single(VD);
        if (!C || !C->From || AliasOf.count(VD) || Index.count(VD) ||
            isa<ParmVarDecl>(VD) || !VD->getType()->isPointerType() ||
            AddressTaken.count(VD) || NullStores.count(VD))
          continue;
        const VarDecl *Orig = C->From;
        if (auto A = AliasOf.find(Orig); A != AliasOf.end())
          Orig = A->second;
        if (!Index.count(Orig) || !DefinedOnce(Orig) ||
            !Orig->getType()->isPointerType() || AddressTaken.count(Orig))
          continue;
        // A copy written before the original's assignment copies
        // something else.
        const Copy *OrigDef = Single(Orig);
        SourceLocation CopyAt =
            C->Assigned ? C->Assigned->getLocation() : VD->getLocation();
        if (OrigDef && OrigDef->Assigned &&
            !Ctx.getSourceManager().isBeforeInTranslationUnit(
                OrigDef->Assigned->getLocation(), CopyAt))
          continue;
        AliasOf[VD] = Orig;
        if (C->Assigned)
          Roles.erase(C->Assigned);
        Changed = true;
      }
    }
  }

  void track(const VarDecl *VD) {
    if (Index.try_emplace(VD, Vars.size()).second)
      Vars.push_back(VD);
  }

  static std::string calleeName(const CallExpr *CE) {
    const FunctionDecl *F = CE->getDirectCallee();
    return F && F->getIdentifier() ? F->getName().str() : "function pointer";
  }

  /// The argument \p E is consumed at \p At: a local, its address (`&x`
  /// to a by-pointer destructor) or what it points to (`*p` to a by-value
  /// one) is taken; an owned call's result is kept.
  void consume(const Expr *E, SourceLocation At, std::string How) {
    const Expr *V = valueOperand(E);
    if (const auto *UO = dyn_cast<UnaryOperator>(V);
        UO && (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref))
      V = valueOperand(UO->getSubExpr());
    sink(V, At, std::move(How));
  }

  void sink(const Expr *E, SourceLocation At, std::string How) {
    const Expr *V = valueOperand(E);
    if (const auto *CO = dyn_cast<ConditionalOperator>(V)) {
      sink(CO->getTrueExpr(), At, How);
      sink(CO->getFalseExpr(), At, How);
      return;
    }
    // GNU `a ?: b`: the value is a's (evaluated once) or b's.
    if (const auto *BCO = dyn_cast<BinaryConditionalOperator>(V)) {
      sink(BCO->getCommon(), At, How);
      sink(BCO->getFalseExpr(), At, How);
      return;
    }
    if (localVar(V)) {
      Consumptions.push_back({At, std::move(How)});
      RefRole &R = Roles[cast<DeclRefExpr>(V)];
      R.A = Action::Consume;
      R.By = &Consumptions.back();
      return;
    }
    if (const CallExpr *CE = ownedResultCall(V))
      Kept.insert(CE);
  }

  /// What storing \p E into the local \p To puts there. A struct copied
  /// from another local moves out of it; a pointer copied from one is an
  /// alias, not followed.
  Incoming into(const VarDecl *To, const Expr *E) {
    const Expr *V = valueOperand(E);
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(V)) {
      // For GNU `a ?: b` the true value is a itself, evaluated once.
      const auto *BCO = dyn_cast<BinaryConditionalOperator>(CO);
      Incoming T = into(To, BCO ? BCO->getCommon() : CO->getTrueExpr());
      Incoming F = into(To, CO->getFalseExpr());
      return T == Incoming::Owned || F == Incoming::Owned ? Incoming::Owned
             : T == Incoming::Null && F == Incoming::Null ? Incoming::Null
                                                          : Incoming::Other;
    }
    if (const VarDecl *From = localVar(V)) {
      if (!mustDestructRecord(From->getType()))
        return Incoming::Other;
      sink(V, V->getBeginLoc(), "moved into " + quoted(To->getName()));
      return Incoming::Owned;
    }
    if (const CallExpr *CE = ownedResultCall(V)) {
      Kept.insert(CE);
      if (To->getType()->isPointerType())
        track(To);
      return Incoming::Owned;
    }
    return isNull(V, Ctx) ? Incoming::Null : Incoming::Other;
  }

  void checkAsyncDestructor(const CallExpr *CE, const FunctionDecl *Callee) {
    if (!Handler)
      return;
    auto It = MarkOf.find(CE);
    bool InAsync = isAsyncFunction(FD);
    MarkKind Needed = InAsync ? MarkKind::Await : MarkKind::BlockOn;
    // `await` in a synchronous function is coast-await-outside-async.
    if (It != MarkOf.end() &&
        (It->second == Needed || It->second == MarkKind::Await))
      return;
    Handler->asyncDestructorContext(CE->getSourceRange(), Callee->getName(),
                                    InAsync);
  }

  llvm::DenseMap<const Expr *, MarkKind> MarkOf;
  std::vector<const CallExpr *> Producers;
  llvm::DenseSet<const CallExpr *> Kept;
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<Copy, 1>> Copies;
  llvm::DenseSet<const VarDecl *> AddressTaken;
  llvm::DenseSet<const VarDecl *> NullStores;
  llvm::DenseMap<const VarDecl *, const VarDecl *> AliasOf;
};

/// Step 2: the flow over the CFG.
class OwnershipFlow {
public:
  OwnershipFlow(const FunctionDecl *FD, ASTContext &Ctx, CheckHandler *H)
      : FD(FD), Ctx(Ctx), Handler(H), Roles(FD, Ctx, H) {}

  /// Runs the flow; reports through the handler when there is one, and
  /// records what each awaited call owns into \p OwnedAt when given.
  void run(llvm::DenseMap<const CallExpr *, llvm::SmallVector<OwnedValue, 2>>
               *OwnedAt) {
    Roles.run();
    if (Roles.Vars.empty())
      return;
    CFG::BuildOptions Opts;
    Opts.AddLifetime = true;
    Opts.setAllAlwaysAdd();
    std::unique_ptr<CFG> G = CFG::buildCFG(FD, FD->getBody(), &Ctx, Opts);
    if (!G)
      return;
    Await = awaitedCalls();

    // Parameters own their values on entry; locals hold nothing yet.
    State Entry(Roles.Vars.size());
    for (unsigned I = 0; I != Roles.Vars.size(); ++I)
      if (isa<ParmVarDecl>(Roles.Vars[I]))
        Entry[I].Bits = Owned;
    In.assign(G->getNumBlockIDs(), std::nullopt);
    In[G->getEntry().getBlockID()] = Entry;

    std::vector<const CFGBlock *> Work{&G->getEntry()};
    while (!Work.empty()) {
      const CFGBlock *B = Work.back();
      Work.pop_back();
      State S = *In[B->getBlockID()];
      transfer(*B, S, /*Final=*/false);
      propagate(*B, S, [&](const CFGBlock *Succ) { Work.push_back(Succ); });
    }

    OwnedOut = OwnedAt;
    for (const CFGBlock *B : *G) {
      if (!In[B->getBlockID()])
        continue;
      State S = *In[B->getBlockID()];
      transfer(*B, S, /*Final=*/true);
      if (!B->hasNoReturnElement() && leadsToExit(*B, *G))
        checkExit(*B, S);
    }
    reportLeaks();
  }

  const RoleCollector &roles() const { return Roles; }

  /// What a variable holds once an initialiser or assignment put \p In
  /// there.
  static uint8_t incoming(const VarDecl *VD, Incoming In) {
    switch (In) {
    case Incoming::Owned:
      return Owned;
    case Incoming::Null:
      return Empty;
    case Incoming::Other:
      // A struct value is a value of its type; a pointer from elsewhere is
      // borrowed.
      return VD->getType()->isPointerType() ? Empty : Owned;
    }
    llvm_unreachable("unknown incoming value");
  }

private:
  llvm::DenseSet<const CallExpr *> awaitedCalls() {
    llvm::DenseSet<const CallExpr *> Calls;
    struct Finder : RecursiveASTVisitor<Finder> {
      llvm::DenseSet<const CallExpr *> *Out;
      bool VisitParenExpr(ParenExpr *PE) {
        // A race is keyed by its last arm: every arm's arguments have
        // been evaluated there.
        if (std::optional<Mark> M = matchMark(PE);
            M && M->Kind == MarkKind::Await)
          if (std::vector<FutureCall> FCs = awaitedFutures(*M); !FCs.empty())
            Out->insert(FCs.back().Call);
        return true;
      }
    } F;
    F.Out = &Calls;
    F.TraverseStmt(FD->getBody());
    return Calls;
  }

  static bool leadsToExit(const CFGBlock &B, const CFG &G) {
    for (const CFGBlock::AdjacentBlock &Succ : B.succs())
      if (Succ.getReachableBlock() == &G.getExit())
        return true;
    return false;
  }

  template <typename Fn>
  void propagate(const CFGBlock &B, const State &S, Fn Changed) {
    if (B.hasNoReturnElement())
      return; // exit(), abort(): nothing needs destruction on this path
    std::optional<std::pair<unsigned, bool>> Test = nullTest(B);
    unsigned N = 0;
    for (const CFGBlock::AdjacentBlock &Succ : B.succs()) {
      const CFGBlock *To = Succ.getReachableBlock();
      unsigned Edge = N++;
      if (!To)
        continue;
      State Out = S;
      if (Test) {
        auto [Var, NullOnTrue] = *Test;
        bool Null = (Edge == 0) == NullOnTrue;
        Out[Var].Bits = Null ? uint8_t(Empty) : uint8_t(Out[Var].Bits & ~Empty);
      }
      if (merge(In[To->getBlockID()], Out))
        Changed(To);
    }
  }

  static bool merge(std::optional<State> &Into, const State &From) {
    if (!Into) {
      Into = From;
      return true;
    }
    bool Changed = false;
    for (unsigned I = 0; I != From.size(); ++I) {
      VarState &V = (*Into)[I];
      uint8_t Bits = V.Bits | From[I].Bits;
      if (Bits != V.Bits) {
        V.Bits = Bits;
        Changed = true;
      }
      if (!V.By && From[I].By) {
        V.By = From[I].By;
        Changed = true;
      }
    }
    return Changed;
  }

  /// The followed pointer a two-way block's condition tests against NULL,
  /// and whether the true edge is the NULL one: `p`, `!p`, `p == NULL`,
  /// `NULL != p`, `(p = open()) == NULL`.
  std::optional<std::pair<unsigned, bool>> nullTest(const CFGBlock &B) {
    const auto *Cond = dyn_cast_or_null<Expr>(B.getTerminatorCondition());
    if (!Cond || B.succ_size() != 2)
      return std::nullopt;
    bool NullOnTrue = false;
    const Expr *E = Cond->IgnoreParenImpCasts();
    while (true) {
      if (const auto *UO = dyn_cast<UnaryOperator>(E);
          UO && UO->getOpcode() == UO_LNot) {
        NullOnTrue = !NullOnTrue;
        E = UO->getSubExpr()->IgnoreParenImpCasts();
        continue;
      }
      const auto *BO = dyn_cast<BinaryOperator>(E);
      if (BO && BO->isEqualityOp()) {
        const Expr *Other = BO->getRHS();
        E = BO->getLHS()->IgnoreParenImpCasts();
        if (isNull(E, Ctx)) {
          Other = BO->getLHS();
          E = BO->getRHS()->IgnoreParenImpCasts();
        }
        if (!isNull(Other, Ctx))
          return std::nullopt;
        if (BO->getOpcode() == BO_EQ)
          NullOnTrue = !NullOnTrue;
        continue;
      }
      if (BO && BO->getOpcode() == BO_Assign) {
        E = BO->getLHS()->IgnoreParenImpCasts();
        continue;
      }
      break;
    }
    const VarDecl *VD = localVar(E);
    if (!VD || !VD->getType()->isPointerType())
      return std::nullopt;
    std::optional<unsigned> I = Roles.indexOf(VD);
    if (!I)
      return std::nullopt;
    return std::make_pair(*I, NullOnTrue);
  }

  void transfer(const CFGBlock &B, State &S, bool Report) {
    for (const CFGElement &El : B) {
      if (std::optional<CFGLifetimeEnds> LE = El.getAs<CFGLifetimeEnds>()) {
        auto It = Roles.Index.find(LE->getVarDecl());
        if (It == Roles.Index.end())
          continue;
        if (Report && (S[It->second].Bits & Owned))
          Leaks[It->second].insert(exitLoc(LE->getTriggerStmt()));
        S[It->second] = VarState();
        continue;
      }
      std::optional<CFGStmt> CS = El.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(St))
        reference(DRE, S, Report);
      else if (const auto *DS = dyn_cast<DeclStmt>(St))
        declare(DS, S);
      else if (const auto *CE = dyn_cast<CallExpr>(St);
               CE && Report && OwnedOut && Await.count(CE))
        recordOwned(CE, S);
    }
  }

  void declare(const DeclStmt *DS, State &S) {
    for (const Decl *D : DS->decls()) {
      const auto *VD = dyn_cast<VarDecl>(D);
      auto It = VD ? Roles.Index.find(VD) : Roles.Index.end();
      if (It == Roles.Index.end())
        continue;
      S[It->second] = VarState();
      auto Init = Roles.InitOf.find(VD);
      if (Init != Roles.InitOf.end())
        S[It->second].Bits = incoming(VD, Init->second);
    }
  }

  void reference(const DeclRefExpr *DRE, State &S, bool Report) {
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    std::optional<unsigned> I = Roles.indexOf(VD);
    if (!I)
      return;
    VarState &V = S[*I];
    auto RI = Roles.Roles.find(DRE);
    RefRole Role = RI == Roles.Roles.end() ? RefRole() : RI->second;
    switch (Role.A) {
    case Action::Use:
      if (Report && Handler && (V.Bits & Consumed))
        Handler->useAfterDestruct(DRE->getLocation(), VD->getName(), V.By->At,
                                  V.By->How);
      // Using a struct that was declared without initialiser fills it.
      if (!VD->getType()->isPointerType() && (V.Bits & Empty))
        V.Bits = (V.Bits & ~Empty) | Owned;
      return;
    case Action::Consume:
      if (Report && Handler && (V.Bits & Consumed))
        Handler->doubleDestruct(Role.By->At, VD->getName(), V.By->At,
                                V.By->How);
      V.Bits = Consumed;
      V.By = Role.By;
      return;
    case Action::Assign:
      if (Report && Handler && (V.Bits & Owned))
        Handler->overwriteOwned(Role.AssignLoc, VD->getName(),
                                VD->getLocation());
      V.Bits = incoming(VD, Role.In);
      V.By = nullptr;
      return;
    }
    llvm_unreachable("unknown action");
  }

  void recordOwned(const CallExpr *CE, const State &S) {
    llvm::SmallVector<OwnedValue, 2> &Out = (*OwnedOut)[CE];
    for (unsigned I = 0; I != S.size(); ++I)
      if (S[I].Bits & Owned)
        Out.push_back({Roles.Vars[I], S[I].Bits == Owned});
  }

  /// Where a path leaves a scope: the `}`, or the return, goto or break.
  SourceLocation exitLoc(const Stmt *Trigger) const {
    if (const auto *CS = dyn_cast_or_null<CompoundStmt>(Trigger))
      return CS->getRBracLoc();
    if (Trigger)
      return Trigger->getBeginLoc();
    return cast<CompoundStmt>(FD->getBody())->getRBracLoc();
  }

  /// A block that leaves the function: whatever is still owned leaks there
  /// (parameters have no lifetime end of their own).
  void checkExit(const CFGBlock &B, const State &S) {
    const Stmt *Exit = nullptr;
    for (const CFGElement &El : B)
      if (std::optional<CFGStmt> CS = El.getAs<CFGStmt>())
        if (isa<ReturnStmt>(CS->getStmt()))
          Exit = CS->getStmt();
    for (unsigned I = 0; I != S.size(); ++I)
      if (S[I].Bits & Owned)
        Leaks[I].insert(exitLoc(Exit));
  }

  void reportLeaks() {
    if (!Handler)
      return;
    const SourceManager &SM = Ctx.getSourceManager();
    for (auto &[I, Exits] : Leaks) {
      std::vector<SourceLocation> Sorted(Exits.begin(), Exits.end());
      llvm::sort(Sorted, [&](SourceLocation A, SourceLocation B) {
        return SM.isBeforeInTranslationUnit(A, B);
      });
      const VarDecl *VD = Roles.Vars[I];
      Handler->mustDestructLeak(VD->getLocation(), VD->getName(),
                                /*Dropped=*/false, Sorted);
    }
  }

  const FunctionDecl *FD;
  ASTContext &Ctx;
  CheckHandler *Handler;
  RoleCollector Roles;
  std::vector<std::optional<State>> In;
  llvm::DenseSet<const CallExpr *> Await;
  llvm::DenseMap<const CallExpr *, llvm::SmallVector<OwnedValue, 2>> *OwnedOut =
      nullptr;
  /// Per variable index, where its leaking paths leave.
  std::map<unsigned, std::set<SourceLocation>> Leaks;
};

} // namespace

bool ownsParameters(const FunctionDecl *FD) {
  return !destructedRecord(FD) && llvm::any_of(FD->parameters(), ownedParameter);
}

bool ownsLocal(const VarDecl *VD) {
  return VD->hasLocalStorage() && !isa<ParmVarDecl>(VD) &&
         mustDestructRecord(VD->getType());
}

bool ownsOrDestructs(const CallExpr *CE) {
  return ownedResultCall(CE) || destructedRecord(CE->getDirectCallee());
}

void runMustDestructAnalysis(ASTContext &Ctx, CheckHandler &Handler,
                             FunctionAnalyses &Analyses,
                             llvm::ArrayRef<const FunctionDecl *> Synchronous) {
  if (!mentionsCoast(Ctx))
    return;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Listed(Synchronous.begin(),
                                                    Synchronous.end());
  // A C function is defined at file scope only (C++'s namespaces, linkage
  // blocks and classes are not visited: coast is C): the translation unit's
  // declarations, not a RecursiveASTVisitor walk of every prototype's types
  // and parameters (most of them the system headers').
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody() || FD->isDependentContext())
      continue;
    // The lowering asks again about async functions: they keep the result.
    if (isAsyncFunction(FD))
      Analyses.ownership(FD, Ctx, &Handler);
    else if (Listed.count(FD))
      OwnershipFlow(FD, Ctx, &Handler).run(nullptr);
  }
}

MustDestructOwnership::MustDestructOwnership(const FunctionDecl *FD,
                                             ASTContext &Ctx,
                                             CheckHandler *Handler) {
  if (!FD->hasBody())
    return;
  OwnershipFlow Flow(FD, Ctx, Handler);
  Flow.run(&Owned);
  const RoleCollector &R = Flow.roles();
  for (const auto &[Ref, Role] : R.Roles) {
    const auto *VD = dyn_cast<VarDecl>(Ref->getDecl());
    std::optional<unsigned> I = R.indexOf(VD);
    if (!I)
      continue;
    if (R.Vars[*I] != VD)
      AliasRefs[Ref] = R.Vars[*I];
    switch (Role.A) {
    case Action::Use:
      break;
    case Action::Consume:
      Effects[Ref] = OwnershipEffect::Release;
      break;
    case Action::Assign:
      Effects[Ref] = OwnershipFlow::incoming(VD, Role.In) == coast::Owned
                         ? OwnershipEffect::Acquire
                         : OwnershipEffect::Release;
      break;
    }
  }
  // The flow's Use of a struct that holds nothing yet fills it.
  for (const VarDecl *VD : R.Vars) {
    auto Init = R.InitOf.find(VD);
    if (Init != R.InitOf.end()) {
      if (OwnershipFlow::incoming(VD, Init->second) == coast::Owned)
        OwnedByDecl.insert(VD);
    } else if (!isa<ParmVarDecl>(VD) && !VD->getType()->isPointerType()) {
      FilledByUse.insert(VD);
    }
  }
}

OwnershipEffect MustDestructOwnership::effectOf(const DeclRefExpr *Ref) const {
  auto It = Effects.find(Ref);
  if (It != Effects.end())
    return It->second;
  const auto *VD = dyn_cast<VarDecl>(Ref->getDecl());
  return VD && FilledByUse.count(VD) ? OwnershipEffect::Acquire
                                     : OwnershipEffect::None;
}

const VarDecl *MustDestructOwnership::followedBy(const DeclRefExpr *Ref) const {
  auto It = AliasRefs.find(Ref);
  if (It != AliasRefs.end())
    return It->second;
  return dyn_cast<VarDecl>(Ref->getDecl());
}

bool MustDestructOwnership::ownedByDeclaration(const VarDecl *VD) const {
  return OwnedByDecl.count(VD);
}

llvm::ArrayRef<OwnedValue>
MustDestructOwnership::ownedAt(const CallExpr *AwaitedCall) const {
  auto It = Owned.find(AwaitedCall);
  if (It == Owned.end())
    return {};
  return It->second;
}

} // namespace coast
