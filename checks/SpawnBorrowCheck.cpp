//===- SpawnBorrowCheck.cpp - Spawned futures may not borrow locals -------===//
//
// Three steps per function:
//
// 1. A walk of the body (FactCollector) records the stores into each local
//    (its initialiser, assignments to it or to a field or element of it),
//    the scalars whose own address is taken, the block each local is
//    declared in, the marks, and every use of a local coast_scope.
// 2. What each local may hold the address of, to a fixpoint (AddressFlow).
//    A pointer (any scalar) is followed only when every store into it is a
//    local's address or null: it then carries all of those; otherwise it
//    carries nothing the check reports, so reusing a pointer for heap data
//    is never an error. A struct, union or array carries what any store
//    into any part of it carries. Flow-insensitive on purpose; a
//    parameter's value is the caller's, so a pointer parameter is never
//    followed.
// 3. Each argument of a spawned call is evaluated against that (valueOf):
//    every local it may carry the address of is a borrow. Each use of a
//    local scope is matched against the uses that keep it in the function.
//
//===----------------------------------------------------------------------===//

#include "SpawnBorrowCheck.h"
#include "AsyncAST.h"
#include "EvaluatedVisitor.h"
#include "MustDestructTypes.h"

#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

using namespace clang;

namespace coast {

namespace {

/// The locals whose address a value may hold.
struct Carried {
  llvm::SmallVector<const VarDecl *, 2> Locals;
  /// Part of the value is not known to be a local's address or null.
  bool Unknown = false;

  static Carried unknown() {
    Carried C;
    C.Unknown = true;
    return C;
  }
  void merge(const Carried &O) {
    for (const VarDecl *V : O.Locals)
      if (!llvm::is_contained(Locals, V))
        Locals.push_back(V);
    Unknown |= O.Unknown;
  }
  bool operator==(const Carried &O) const {
    return Unknown == O.Unknown && Locals == O.Locals;
  }
};

const VarDecl *localVar(const Expr *E) {
  const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParens());
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  return VD && VD->hasLocalStorage() ? VD : nullptr;
}

/// True for a value that can only be held whole: a pointer or a number.
bool isScalarVar(const VarDecl *VD) { return VD->getType()->isScalarType(); }

} // namespace

bool isLocalScope(const VarDecl *VD) {
  if (!VD->hasLocalStorage() || isa<ParmVarDecl>(VD))
    return false;
  const RecordDecl *RD = mustDestructRecord(VD->getType());
  return RD && RD->getIdentifier() && RD->getName() == "coast_scope";
}

namespace {

/// The local a store into \p LHS writes (part of): `v`, `v.f`, `v[i]` of
/// a local array; null through a pointer.
const VarDecl *storeTarget(const Expr *LHS) {
  LHS = LHS->IgnoreParens();
  if (const auto *ME = dyn_cast<MemberExpr>(LHS))
    return ME->isArrow() ? nullptr : storeTarget(ME->getBase());
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(LHS)) {
    const auto *Decay = dyn_cast<ImplicitCastExpr>(AS->getBase());
    return Decay && Decay->getCastKind() == CK_ArrayToPointerDecay
               ? storeTarget(Decay->getSubExpr())
               : nullptr;
  }
  return localVar(LHS);
}

/// Calls \p F with every local \p S names.
template <typename Fn> void forEachLocal(const Stmt *S, Fn F) {
  if (!S)
    return;
  if (const auto *E = dyn_cast<Expr>(S))
    if (const VarDecl *VD = localVar(E))
      F(VD);
  for (const Stmt *Child : S->children())
    forEachLocal(Child, F);
}

/// Step 1: what one function's body does with its locals.
class FactCollector : public EvaluatedVisitor<FactCollector> {
  using Base = EvaluatedVisitor<FactCollector>;

public:
  bool TraverseCompoundStmt(CompoundStmt *S) {
    Blocks.push_back(S);
    bool Result = Base::TraverseCompoundStmt(S);
    Blocks.pop_back();
    return Result;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (!VD->hasLocalStorage() || isa<ParmVarDecl>(VD))
      return true;
    BlockOf[VD] = Blocks.empty() ? nullptr : Blocks.back();
    if (isLocalScope(VD))
      Scopes.insert(VD);
    if (const Expr *Init = VD->getInit()) {
      Stores[VD].push_back(Init);
      describeScopeUse(Init, "it is copied into '" + VD->getName().str() + "'",
                       "its address is stored in '" + VD->getName().str() +
                           "'");
    }
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() != BO_Assign)
      return true;
    if (const VarDecl *To = storeTarget(BO->getLHS()))
      Stores[To].push_back(BO->getRHS());
    describeScopeUse(BO->getRHS(), "it is copied", "its address is stored");
    return true;
  }

  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() != UO_AddrOf)
      return true;
    if (const VarDecl *VD = localVar(UO->getSubExpr()); VD && isScalarVar(VD))
      AddressTaken.insert(VD);
    return true;
  }

  bool VisitInitListExpr(InitListExpr *ILE) {
    for (const Expr *Init : ILE->inits())
      describeScopeUse(Init, "it is copied into an initializer",
                       "its address is stored in an initializer");
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *RS) {
    if (const Expr *V = RS->getRetValue())
      describeScopeUse(V, "it is returned", "its address is returned");
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    bool KeepsScope = Callee && Callee->getIdentifier() &&
                      (Callee->getName() == "coast_scope_join" ||
                       Callee->getName() == "coast__forget");
    std::string Name = Callee && Callee->getIdentifier()
                           ? "'" + Callee->getName().str() + "'"
                           : std::string("a function pointer");
    for (const Expr *Arg : CE->arguments()) {
      if (KeepsScope) {
        if (const DeclRefExpr *DRE = scopeRef(Arg))
          Kept.insert(DRE);
        continue;
      }
      describeScopeUse(Arg, "it is passed by value to " + Name,
                       "its address is passed to " + Name);
    }
    return true;
  }

  bool VisitParenExpr(ParenExpr *PE) {
    if (std::optional<Mark> M = matchMark(PE))
      Marks.push_back(*M);
    return true;
  }

  bool VisitMemberExpr(MemberExpr *ME) {
    // A field of the scope, not the scope: nothing of it escapes here.
    if (const DeclRefExpr *DRE = scopeRef(ME->getBase()))
      Kept.insert(DRE);
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
        VD && Scopes.count(VD))
      ScopeUses.push_back(DRE);
    return true;
  }

  /// `s` or `&s` for a local scope `s`, casts and parentheses looked
  /// through; null otherwise.
  const DeclRefExpr *scopeRef(const Expr *E) const {
    E = E->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && UO->getOpcode() == UO_AddrOf)
      E = UO->getSubExpr()->IgnoreParenCasts();
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    return VD && Scopes.count(VD) ? DRE : nullptr;
  }

  llvm::DenseMap<const VarDecl *, std::vector<const Expr *>> Stores;
  llvm::DenseSet<const VarDecl *> AddressTaken;
  llvm::DenseMap<const VarDecl *, const CompoundStmt *> BlockOf;
  std::vector<Mark> Marks;
  llvm::DenseSet<const VarDecl *> Scopes;
  std::vector<const DeclRefExpr *> ScopeUses;
  /// Uses of a scope that keep it in the function.
  llvm::DenseSet<const DeclRefExpr *> Kept;
  /// What the other uses do, where a context says.
  llvm::DenseMap<const DeclRefExpr *, std::string> Escape;

private:
  void describeScopeUse(const Expr *E, std::string ByValue,
                        std::string ByAddress) {
    const DeclRefExpr *DRE = scopeRef(E);
    if (!DRE || Escape.count(DRE))
      return;
    bool Address = E->IgnoreParenCasts() != DRE;
    Escape[DRE] = Address ? std::move(ByAddress) : std::move(ByValue);
  }

  std::vector<const CompoundStmt *> Blocks;
};

/// Step 2: what each local may hold the address of.
class AddressFlow {
public:
  AddressFlow(const FunctionDecl *FD, const FactCollector &Facts,
              ASTContext &Ctx)
      : Ctx(Ctx) {
    // A parameter starts with the caller's value; a scalar whose address
    // is taken may be written through it.
    for (const ParmVarDecl *P : FD->parameters())
      Fixed[P] = Carried::unknown();
    for (const VarDecl *VD : Facts.AddressTaken)
      Fixed[VD] = Carried::unknown();
    // Least fixpoint: the tables only grow, over finitely many locals. A
    // change is passed on only to the locals whose stores read the one
    // that changed, so a chain of n pointers costs n steps, not n rounds.
    llvm::DenseMap<const VarDecl *, llvm::SmallVector<const VarDecl *, 2>>
        Readers;
    std::vector<const VarDecl *> Work;
    llvm::DenseSet<const VarDecl *> Queued;
    for (const auto &[VD, Sources] : Facts.Stores) {
      for (const Expr *S : Sources)
        forEachLocal(S, [&, VD = VD](const VarDecl *Read) {
          Readers[Read].push_back(VD);
        });
      Work.push_back(VD);
      Queued.insert(VD);
    }
    while (!Work.empty()) {
      const VarDecl *VD = Work.back();
      Work.pop_back();
      Queued.erase(VD);
      Carried C;
      if (auto It = Fixed.find(VD); It != Fixed.end())
        C = It->second;
      for (const Expr *S : Facts.Stores.find(VD)->second)
        C.merge(valueOf(S));
      Carried &Old = Carries[VD];
      if (Old == C)
        continue;
      Old = std::move(C);
      for (const VarDecl *Reader : Readers.lookup(VD))
        if (Queued.insert(Reader).second)
          Work.push_back(Reader);
    }
  }

  /// The locals the value of \p E may hold the address of.
  Carried valueOf(const Expr *E) const {
    E = E->IgnoreParens();
    // An lvalue whose implicit conversion was stripped (a mark's scope):
    // an array is its address, anything else is read.
    if (E->isGLValue())
      return E->getType()->isArrayType() ? objectOf(E) : loadOf(E);
    if (const auto *CE = dyn_cast<CastExpr>(E)) {
      switch (CE->getCastKind()) {
      case CK_ArrayToPointerDecay:
        return objectOf(CE->getSubExpr());
      case CK_LValueToRValue:
        return loadOf(CE->getSubExpr());
      case CK_NullToPointer:
      case CK_FunctionToPointerDecay:
        return {};
      default:
        return valueOf(CE->getSubExpr());
      }
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_AddrOf)
        return objectOf(UO->getSubExpr());
      if (UO->isIncrementDecrementOp())
        return loadOf(UO->getSubExpr());
      return Carried::unknown();
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E))
      return valueOfBinary(BO);
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
      Carried C = valueOf(CO->getTrueExpr());
      C.merge(valueOf(CO->getFalseExpr()));
      return C;
    }
    if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
      Carried C;
      for (const Expr *Init : ILE->inits())
        C.merge(valueOf(Init));
      return C;
    }
    if (const auto *CL = dyn_cast<CompoundLiteralExpr>(E))
      return valueOf(CL->getInitializer());
    if (isa<ImplicitValueInitExpr>(E) ||
        E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
      return {};
    return Carried::unknown();
  }

private:
  Carried valueOfBinary(const BinaryOperator *BO) const {
    switch (BO->getOpcode()) {
    case BO_Comma:
    case BO_Assign:
      return valueOf(BO->getRHS());
    case BO_Add:
    case BO_Sub:
      // A difference of pointers is a number, no address.
      if (!BO->getType()->isPointerType())
        return Carried::unknown();
      // Pointer arithmetic stays in the object it started in.
      if (BO->getLHS()->getType()->isPointerType())
        return valueOf(BO->getLHS());
      if (BO->getRHS()->getType()->isPointerType())
        return valueOf(BO->getRHS());
      return Carried::unknown();
    case BO_AddAssign:
    case BO_SubAssign:
      return BO->getLHS()->getType()->isPointerType() ? loadOf(BO->getLHS())
                                                      : Carried::unknown();
    default:
      return Carried::unknown();
    }
  }

  /// The locals the object designated by the lvalue \p E may lie in.
  Carried objectOf(const Expr *E) const {
    E = E->IgnoreParens();
    if (const VarDecl *VD = localVar(E))
      return Carried{{VD}, false};
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      return ME->isArrow() ? valueOf(ME->getBase()) : objectOf(ME->getBase());
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
      return valueOf(AS->getBase());
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && UO->getOpcode() == UO_Deref)
      return valueOf(UO->getSubExpr());
    return Carried::unknown();
  }

  /// What a value read from the lvalue \p E may carry.
  Carried loadOf(const Expr *E) const {
    E = E->IgnoreParens();
    if (const auto *CL = dyn_cast<CompoundLiteralExpr>(E))
      return valueOf(CL->getInitializer());
    const VarDecl *VD = storeTarget(E);
    if (!VD)
      return Carried::unknown();
    Carried C;
    if (auto It = Carries.find(VD); It != Carries.end())
      C = It->second;
    else if (auto It = Fixed.find(VD); It != Fixed.end())
      C = It->second;
    // A scalar is followed only when every store into it is known; a
    // struct or array carries what any part of it may.
    if (isScalarVar(VD) && localVar(E)) {
      if (C.Unknown)
        C.Locals.clear();
      return C;
    }
    C.Unknown = true;
    return C;
  }

  ASTContext &Ctx;
  llvm::DenseMap<const VarDecl *, Carried> Carries;
  llvm::DenseMap<const VarDecl *, Carried> Fixed;
};

/// Step 3, and the driver.
class SpawnBorrowChecker {
public:
  SpawnBorrowChecker(const FunctionDecl *FD, ASTContext &Ctx, CheckHandler &H)
      : FD(FD), Ctx(Ctx), Handler(H) {}

  void run() {
    Facts.TraverseStmt(FD->getBody());
    if (!llvm::any_of(Facts.Marks,
                      [](const Mark &M) { return isSpawnMark(M.Kind); }) &&
        Facts.Scopes.empty())
      return;
    AddressFlow Flow(FD, Facts, Ctx);
    for (const Mark &M : Facts.Marks)
      checkMark(M, Flow);
    checkScopeEscapes();
  }

private:
  void checkMark(const Mark &M, const AddressFlow &Flow) {
    std::optional<FutureCall> FC = futureCall(M);
    if (!FC)
      return;
    // Futures that are awaited or spawned take the scope as an argument
    // without letting it escape: the borrow check below judges a spawn's.
    for (const Expr *Arg : FC->Call->arguments())
      if (const DeclRefExpr *DRE = Facts.scopeRef(Arg))
        Facts.Kept.insert(DRE);
    if (!isSpawnMark(M.Kind))
      return;
    const VarDecl *Scope = nullptr;
    if (M.Kind == MarkKind::ScopeSpawn) {
      if (const DeclRefExpr *DRE = Facts.scopeRef(M.Scope))
        Facts.Kept.insert(DRE);
      Carried S = Flow.valueOf(M.Scope);
      if (!S.Unknown && S.Locals.size() == 1)
        Scope = S.Locals.front();
    }
    llvm::SmallVector<const VarDecl *, 4> Reported;
    const SourceManager &SM = Ctx.getSourceManager();
    for (const Expr *Arg : FC->Call->arguments()) {
      // In source order: a pointer's locals come in the order the flow met
      // its stores.
      llvm::SmallVector<const VarDecl *, 2> Locals = Flow.valueOf(Arg).Locals;
      llvm::sort(Locals, [&SM](const VarDecl *A, const VarDecl *B) {
        return SM.isBeforeInTranslationUnit(A->getLocation(), B->getLocation());
      });
      for (const VarDecl *Local : Locals) {
        if (llvm::is_contained(Reported, Local))
          continue;
        CheckHandler::ScopeLimit Limit = limit(M, Local, Scope);
        if (M.Kind == MarkKind::ScopeSpawn &&
            Limit == CheckHandler::ScopeLimit::None)
          continue;
        Reported.push_back(Local);
        report(M, Arg, Local, Scope, Limit);
      }
    }
  }

  /// Why \p Local does not outlive the scope of the spawn \p M (a local
  /// \p Scope, or null for any other); None when it does.
  CheckHandler::ScopeLimit limit(const Mark &M, const VarDecl *Local,
                                 const VarDecl *Scope) const {
    using L = CheckHandler::ScopeLimit;
    if (M.Kind != MarkKind::ScopeSpawn)
      return L::None;
    if (!Scope)
      return L::NotLocal;
    // The scope's own tasks may use it: its join waits for them.
    if (Local == Scope || (isa<ParmVarDecl>(Local) && !isa<ParmVarDecl>(Scope)))
      return L::None;
    const SourceManager &SM = Ctx.getSourceManager();
    if (SM.isBeforeInTranslationUnit(Local->getLocation(),
                                     Scope->getLocation()))
      return L::None;
    return Facts.BlockOf.lookup(Local) == Facts.BlockOf.lookup(Scope)
               ? L::DeclaredAfter
               : L::InnerBlock;
  }

  void report(const Mark &M, const Expr *Arg, const VarDecl *Local,
              const VarDecl *Scope, CheckHandler::ScopeLimit Limit) {
    std::string ScopeName;
    SourceLocation ScopeLoc;
    if (Scope) {
      ScopeName = Scope->getName().str();
      ScopeLoc = Scope->getLocation();
    } else if (M.Scope) {
      const ValueDecl *Named = namedDecl(M.Scope);
      ScopeName = Named ? Named->getName().str() : "the scope";
      ScopeLoc = M.Scope->getBeginLoc();
    }
    Handler.spawnBorrowsLocal(Arg->getSourceRange(), markName(M.Kind),
                              Local->getName(), Local->getLocation(),
                              FD->getName(), Limit, ScopeName, ScopeLoc);
  }

  void checkScopeEscapes() {
    for (const DeclRefExpr *DRE : Facts.ScopeUses) {
      if (Facts.Kept.count(DRE))
        continue;
      auto It = Facts.Escape.find(DRE);
      std::string How = It != Facts.Escape.end()
                            ? It->second
                            : std::string("it is used other than by "
                                          "coast_scope_spawn and "
                                          "coast_scope_join");
      const auto *VD = cast<VarDecl>(DRE->getDecl());
      Handler.scopeEscapes(DRE->getBeginLoc(), VD->getName(), FD->getName(),
                           How, VD->getLocation());
    }
  }

  const FunctionDecl *FD;
  ASTContext &Ctx;
  CheckHandler &Handler;
  FactCollector Facts;
};

} // namespace

void runSpawnBorrowCheck(ASTContext &Ctx, CheckHandler &Handler,
                         llvm::ArrayRef<const FunctionDecl *> Definitions) {
  for (const FunctionDecl *FD : Definitions)
    SpawnBorrowChecker(FD, Ctx, Handler).run();
}

} // namespace coast
