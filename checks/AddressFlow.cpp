//===- AddressFlow.cpp - Where an address goes within one function --------===//

#include "AddressFlow.h"

#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace coast {

namespace {

/// What the expression being walked up designates.
enum class Mode {
  Object,  ///< an lvalue of (part of) the followed object
  Holder,  ///< an lvalue of (part of) a local holding a followed address
  Address, ///< a pointer value into the followed object
};

class RefCollector : public RecursiveASTVisitor<RefCollector> {
public:
  explicit RefCollector(
      llvm::DenseMap<const VarDecl *, llvm::SmallVector<const DeclRefExpr *, 4>>
          &Refs)
      : Refs(Refs) {}
  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      Refs[VD].push_back(DRE);
    return true;
  }

private:
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<const DeclRefExpr *, 4>>
      &Refs;
};

/// The local whose storage the lvalue \p LHS designates (`p`, `h.field`,
/// `arr[i]` of a local array), or null.
const VarDecl *localBase(const Expr *LHS) {
  for (;;) {
    LHS = LHS->IgnoreParenImpCasts();
    if (const auto *ME = dyn_cast<MemberExpr>(LHS); ME && !ME->isArrow()) {
      LHS = ME->getBase();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(LHS)) {
      const Expr *Base = AS->getBase()->IgnoreParenImpCasts();
      if (Base->getType()->isArrayType()) {
        LHS = Base;
        continue;
      }
      return nullptr;
    }
    break;
  }
  const auto *DRE = dyn_cast<DeclRefExpr>(LHS);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  return VD && VD->hasLocalStorage() ? VD : nullptr;
}

class Walker {
public:
  Walker(const ParentMap &PM,
         const llvm::SmallPtrSetImpl<const CallExpr *> &FollowedCalls,
         AddressFlow &Out, llvm::SmallVectorImpl<const VarDecl *> &NewHolders)
      : PM(PM), FollowedCalls(FollowedCalls), Out(Out), NewHolders(NewHolders) {
  }

  /// Walks up from \p E while its value still designates the object.
  void walk(const Expr *E, Mode M);

private:
  void hold(const VarDecl *VD) {
    if (Out.Holders.insert(VD).second)
      NewHolders.push_back(VD);
  }
  void store(const Stmt *Where, const VarDecl *Into) {
    if (Into)
      hold(Into);
    else
      Out.Escapes.push_back(Where);
  }

  const ParentMap &PM;
  const llvm::SmallPtrSetImpl<const CallExpr *> &FollowedCalls;
  AddressFlow &Out;
  llvm::SmallVectorImpl<const VarDecl *> &NewHolders;
};

void Walker::walk(const Expr *E, Mode M) {
  const Stmt *Cur = E;
  while (const Stmt *P = PM.getParent(Cur)) {
    if (isa<ParenExpr>(P)) {
      // fall through to the next parent
    } else if (const auto *CE = dyn_cast<CastExpr>(P)) {
      if (CE->getCastKind() == CK_LValueToRValue) {
        if (M == Mode::Object)
          return; // the object's value is read, not its address
        if (M == Mode::Holder)
          M = Mode::Address;
      } else if (CE->getCastKind() == CK_ArrayToPointerDecay &&
                 M == Mode::Object) {
        M = Mode::Address;
      }
    } else if (const auto *ME = dyn_cast<MemberExpr>(P)) {
      if (ME->isArrow())
        M = Mode::Object; // the base is a pointer value: Address
    } else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(P)) {
      if (AS->getIdx() == Cur)
        return;
      if (M == Mode::Address)
        M = Mode::Object;
    } else if (const auto *UO = dyn_cast<UnaryOperator>(P)) {
      if (UO->getOpcode() == UO_AddrOf && M == Mode::Object) {
        M = Mode::Address;
      } else if (UO->getOpcode() == UO_AddrOf) {
        Out.Escapes.push_back(UO); // a pointer to the holder
        return;
      } else if (UO->getOpcode() == UO_Deref && M == Mode::Address) {
        M = Mode::Object;
      } else {
        return;
      }
    } else if (const auto *BO = dyn_cast<BinaryOperator>(P)) {
      if (M != Mode::Address)
        return;
      if (BO->getOpcode() == BO_Assign && BO->getRHS() == Cur)
        return store(BO, localBase(BO->getLHS()));
      bool Arithmetic =
          (BO->getOpcode() == BO_Add || BO->getOpcode() == BO_Sub) &&
          BO->getType()->isPointerType();
      bool CommaValue = BO->getOpcode() == BO_Comma && BO->getRHS() == Cur;
      if (!Arithmetic && !CommaValue)
        return;
    } else if (const auto *CO = dyn_cast<ConditionalOperator>(P)) {
      if (CO->getCond() == Cur)
        return;
    } else if (const auto *Call = dyn_cast<CallExpr>(P)) {
      if (M != Mode::Address || Call->getCallee() == Cur)
        return;
      if (FollowedCalls.count(Call)) {
        for (unsigned I = 0; I != Call->getNumArgs(); ++I)
          if (Call->getArg(I) == Cur)
            Out.CallArgs.push_back({Call, I});
        return;
      }
      // A synchronous call uses it; only its result is followed further.
      if (!Call->getType()->isPointerType())
        return;
    } else if (isa<InitListExpr>(P)) {
      if (M != Mode::Address)
        return;
    } else if (const auto *DS = dyn_cast<DeclStmt>(P)) {
      if (M != Mode::Address)
        return;
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->getInit() == Cur)
          return store(DS, VD->hasLocalStorage() ? VD : nullptr);
      return;
    } else if (isa<ReturnStmt>(P) || isa<CompoundLiteralExpr>(P)) {
      if (M == Mode::Address)
        Out.Escapes.push_back(P);
      return;
    } else {
      return;
    }
    Cur = P;
  }
}

} // namespace

AddressTracker::AddressTracker(
    const Stmt *Body, const ParentMap &PM,
    const llvm::SmallPtrSetImpl<const CallExpr *> &FollowedCalls)
    : PM(PM), FollowedCalls(FollowedCalls) {
  RefCollector(Refs).TraverseStmt(const_cast<Stmt *>(Body));
}

llvm::ArrayRef<const DeclRefExpr *>
AddressTracker::refs(const VarDecl *VD) const {
  auto It = Refs.find(VD);
  if (It == Refs.end())
    return {};
  return It->second;
}

AddressFlow AddressTracker::follow(
    llvm::ArrayRef<std::pair<const Expr *, Start>> Roots) const {
  AddressFlow Out;
  llvm::SmallVector<const VarDecl *, 4> NewHolders;
  Walker W(PM, FollowedCalls, Out, NewHolders);
  for (const auto &[E, S] : Roots)
    W.walk(E, S == Start::Object ? Mode::Object : Mode::Address);
  while (!NewHolders.empty()) {
    const VarDecl *VD = NewHolders.pop_back_val();
    for (const DeclRefExpr *DRE : refs(VD))
      W.walk(DRE, Mode::Holder);
  }
  return Out;
}

} // namespace coast
