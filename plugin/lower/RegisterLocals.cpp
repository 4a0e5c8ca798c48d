//===- RegisterLocals.cpp - Locals that stay C locals across awaits -------===//

#include "RegisterLocals.h"
#include "CoastAttrs.h"
#include "LocalTypes.h"
#include "MustDestructTypes.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/BitVector.h"

#include <algorithm>
#include <numeric>

using namespace clang;

namespace coast {

const VarDecl *designatedVar(const Expr *E) {
  for (;;) {
    E = E->IgnoreParens();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return dyn_cast<VarDecl>(DRE->getDecl());
    if (const auto *ME = dyn_cast<MemberExpr>(E); ME && !ME->isArrow())
      E = ME->getBase();
    else if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E);
             ASE &&
             !ASE->getBase()->IgnoreParenImpCasts()->getType()->isPointerType())
      E = ASE->getBase()->IgnoreParenImpCasts();
    else
      return nullptr;
  }
}

void collectAddressTaken(const Stmt *Body,
                         llvm::DenseSet<const VarDecl *> &Taken) {
  struct AddressFinder : RecursiveASTVisitor<AddressFinder> {
    llvm::DenseSet<const VarDecl *> &Taken;
    explicit AddressFinder(llvm::DenseSet<const VarDecl *> &T) : Taken(T) {}
    void note(const Expr *E) {
      if (const VarDecl *VD = designatedVar(E))
        Taken.insert(VD);
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      if (UO->getOpcode() == UO_AddrOf)
        note(UO->getSubExpr());
      return true;
    }
    bool VisitImplicitCastExpr(ImplicitCastExpr *ICE) {
      if (ICE->getCastKind() == CK_ArrayToPointerDecay)
        note(ICE->getSubExpr());
      return true;
    }
  } AF(Taken);
  AF.TraverseStmt(const_cast<Stmt *>(Body));
}

void collectVarRefs(const Stmt *S, llvm::DenseSet<const VarDecl *> &Refs) {
  struct RefFinder : RecursiveASTVisitor<RefFinder> {
    llvm::DenseSet<const VarDecl *> &Refs;
    explicit RefFinder(llvm::DenseSet<const VarDecl *> &R) : Refs(R) {}
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        Refs.insert(VD);
      return true;
    }
  } Finder(Refs);
  Finder.TraverseStmt(const_cast<Stmt *>(S));
}

void collectAssigned(const Stmt *Body,
                     llvm::DenseSet<const VarDecl *> &Assigned) {
  struct AssignFinder : RecursiveASTVisitor<AssignFinder> {
    llvm::DenseSet<const VarDecl *> &Assigned;
    explicit AssignFinder(llvm::DenseSet<const VarDecl *> &A) : Assigned(A) {}
    void note(const Expr *E) {
      if (const VarDecl *VD = designatedVar(E))
        Assigned.insert(VD);
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp())
        note(BO->getLHS());
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      if (UO->isIncrementDecrementOp())
        note(UO->getSubExpr());
      return true;
    }
    bool VisitGCCAsmStmt(GCCAsmStmt *S) {
      for (const Expr *Out : S->outputs())
        note(Out);
      return true;
    }
  } AF(Assigned);
  AF.TraverseStmt(const_cast<Stmt *>(Body));
}

/// The parts of an Expression point's anchor that the lowering evaluates
/// after the await: the statement's own expressions, not the bodies of the
/// statements it holds.
static void evaluatedParts(const Stmt *S,
                           llvm::SmallVectorImpl<const Stmt *> &Parts) {
  if (const auto *If = dyn_cast<IfStmt>(S))
    Parts.push_back(If->getCond());
  else if (const auto *Sw = dyn_cast<SwitchStmt>(S))
    Parts.push_back(Sw->getCond());
  else if (const auto *W = dyn_cast<WhileStmt>(S))
    Parts.push_back(W->getCond());
  else if (const auto *D = dyn_cast<DoStmt>(S))
    Parts.push_back(D->getCond());
  else if (const auto *F = dyn_cast<ForStmt>(S))
    Parts.append({F->getInit(), F->getCond(), F->getInc()});
  else
    Parts.push_back(S);
}

RegisterLocals::RegisterLocals(const FunctionDecl *FD, ASTContext &Ctx,
                               const AsyncFunctionPlan &Plan,
                               const SuspendLiveness *Liveness,
                               std::function<unsigned(SourceLocation)> OffsetOf)
    : Ctx(Ctx), Plan(Plan), SL(Liveness) {
  for (const SuspendPoint &Pt : Plan.Points) {
    PointOffsets.push_back(OffsetOf(Pt.Await->getBeginLoc()));
    llvm::DenseSet<const VarDecl *> &Refs = ReadAfter.emplace_back();
    if (Pt.Form == AwaitForm::Expression) {
      llvm::SmallVector<const Stmt *, 3> Parts;
      evaluatedParts(Pt.Anchor, Parts);
      for (const Stmt *S : Parts)
        if (S)
          collectVarRefs(S, Refs);
      // A declaration declares its locals one by one, each after the code
      // of the awaits in its initializer: from the one this await is in on,
      // they do not exist yet across it.
      if (const auto *DS = dyn_cast<DeclStmt>(Pt.Anchor))
        for (const Decl *D : DS->decls())
          if (const auto *VD = dyn_cast<VarDecl>(D);
              VD && OffsetOf(VD->getEndLoc()) >= PointOffsets.back())
            Refs.erase(VD);
    }
    if (Pt.Assign)
      collectVarRefs(Pt.Assign->getLHS(), Refs);
  }
  // Names in the ordinary identifier space; members, tags and labels have
  // their own.
  struct DeclFinder : RecursiveASTVisitor<DeclFinder> {
    RegisterLocals &RL;
    std::function<unsigned(SourceLocation)> &OffsetOf;
    DeclFinder(RegisterLocals &RL, std::function<unsigned(SourceLocation)> &O)
        : RL(RL), OffsetOf(O) {}
    bool VisitNamedDecl(NamedDecl *ND) {
      if ((isa<VarDecl>(ND) && !isa<ParmVarDecl>(ND)) ||
          isa<TypedefNameDecl>(ND) || isa<EnumConstantDecl>(ND) ||
          isa<FunctionDecl>(ND))
        if (ND->getIdentifier())
          RL.Declared[ND->getName()].push_back(OffsetOf(ND->getLocation()));
      return true;
    }
  } Finder(*this, OffsetOf);
  Finder.TraverseStmt(FD->getBody());
  // One walk for every local: a walk per local was a sixth of the
  // planner's time on async-heavy files.
  collectAddressTaken(FD->getBody(), AddressTaken);
}

bool RegisterLocals::inScope(const LocalScope &L, unsigned Point) const {
  return PointOffsets[Point] > L.DeclOffset && PointOffsets[Point] < L.ScopeEnd;
}

/// Without liveness for a point, a local is taken as live across it
/// wherever it is in scope.
bool RegisterLocals::live(const LocalScope &L, unsigned Point) const {
  const Expr *Await = Plan.Points[Point].Await;
  if (!SL || !SL->at(Await))
    return inScope(L, Point);
  return SL->isLiveAcross(L.Var, Await) || ReadAfter[Point].count(L.Var);
}

QualType RegisterLocals::slotType(const VarDecl *VD) const {
  auto Spellable = [&](QualType T) {
    return !namesLocalType(T, Ctx) && printableType(T, Ctx);
  };
  QualType T = VD->getType().getUnqualifiedType();
  if (Spellable(T))
    return T;
  QualType Canonical = Ctx.getCanonicalType(T);
  return Spellable(Canonical) ? Canonical : QualType();
}

std::string RegisterLocals::whyInFrame(const LocalScope &L) const {
  const VarDecl *VD = L.Var;
  QualType T = VD->getType();
  if (T->isVariablyModifiedType())
    return "has a variably modified type";
  if (T->isArrayType())
    return "is an array";
  if (T->isIncompleteType() || !T->isObjectType())
    return "has an incomplete type";
  if (T.isVolatileQualified())
    return "is volatile";
  if (T.isConstQualified())
    return "is const";
  if (T->isAtomicType())
    return "is _Atomic";
  if (const auto *RT = T->getAs<RecordType>(); RT && RT->hasConstFields())
    return "has const members";
  QualType Owned = T;
  if (const auto *PT = T->getAs<PointerType>())
    Owned = PT->getPointeeType();
  // Drop paths destruct it from the frame at any suspension point.
  if (mustDestructRecord(Owned) || hasCoastAttr(VD, CoastAttr::MustDestruct))
    return "must be destructed";
  if (VD->hasAttrs())
    return "has an attribute";
  // Its spills name it: as the user wrote it, in the function's text or a
  // macro's argument there (`FOR(i, n)`), and not a macro's name.
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Name = VD->getLocation();
  if ((Name.isMacroID() && !(SM.isMacroArgExpansion(Name) &&
                             SM.getImmediateSpellingLoc(Name).isFileID())) ||
      Ctx.Idents.get(VD->getName()).hasMacroDefinition())
    return "has the name of a macro";
  auto Names = Declared.find(VD->getName());
  if (Names != Declared.end() && llvm::any_of(Names->second, [&](unsigned Off) {
        return Off > L.DeclOffset && Off < L.ScopeEnd;
      }))
    return "is hidden by an inner declaration of the same name";
  if (AddressTaken.count(VD))
    return "has its address taken";
  QualType Slot = slotType(VD);
  if (Slot.isNull())
    return "has a type declared inside the function";
  if (Ctx.getTypeAlignInChars(Slot).getQuantity() > 16)
    return "is aligned to more than 16 bytes";
  // Reached by a jump past its declaration, where its name means something
  // else or nothing: C keeps its value across that jump, only the frame can.
  for (unsigned I = 0; I != PointOffsets.size(); ++I)
    if (!inScope(L, I) && live(L, I))
      return "is live across an 'await' outside its scope";
  return "";
}

bool RegisterLocals::registerParameter(const ParmVarDecl *P) const {
  QualType T = P->getType();
  if (!T->isScalarType() || T->isVariablyModifiedType() ||
      T.isVolatileQualified() || T->isAtomicType() || P->hasAttrs() ||
      AddressTaken.count(P))
    return false;
  // Drop paths destruct owned values from the frame at any suspension point.
  QualType Owned = T;
  if (const auto *PT = T->getAs<PointerType>())
    Owned = PT->getPointeeType();
  return !mustDestructRecord(Owned) &&
         !hasCoastAttr(P, CoastAttr::MustDestruct);
}

std::vector<unsigned> RegisterLocals::liveAcross(const LocalScope &L) const {
  std::vector<unsigned> Points;
  for (unsigned I = 0; I != PointOffsets.size(); ++I)
    if (inScope(L, I) && live(L, I))
      Points.push_back(I);
  return Points;
}

void colorSpillSlots(AsyncFunctionPlan &Plan, ASTContext &Ctx,
                     unsigned FirstSlot) {
  size_t N = Plan.Spills.size();
  std::vector<llvm::BitVector> Interferes(N, llvm::BitVector(N));
  for (const SuspendPoint &Pt : Plan.Points)
    for (unsigned A : Pt.Spills)
      for (unsigned B : Pt.Spills)
        if (A != B)
          Interferes[A].set(B);
  std::vector<unsigned> Order(N);
  std::iota(Order.begin(), Order.end(), 0);
  std::sort(Order.begin(), Order.end(), [&](unsigned A, unsigned B) {
    uint64_t SizeA = Ctx.getTypeSize(Plan.Spills[A].SlotType);
    uint64_t SizeB = Ctx.getTypeSize(Plan.Spills[B].SlotType);
    return SizeA != SizeB ? SizeA > SizeB : A < B;
  });
  const unsigned None = ~0u;
  std::vector<unsigned> Color(N, None);
  std::vector<unsigned> Members;
  for (unsigned I : Order) {
    llvm::BitVector Taken(Members.size());
    for (unsigned J : Interferes[I].set_bits())
      if (Color[J] != None)
        Taken.set(Color[J]);
    int Free = Taken.find_first_unset();
    Color[I] = Free < 0 ? Members.size() : unsigned(Free);
    if (Color[I] == Members.size())
      Members.push_back(0);
    ++Members[Color[I]];
  }
  // Colors of one local are plain members; the others are numbered unions.
  std::vector<unsigned> UnionOf(Members.size(), 0);
  unsigned Next = FirstSlot;
  for (size_t C = 0; C != Members.size(); ++C)
    if (Members[C] > 1)
      UnionOf[C] = Next++;
  for (size_t I = 0; I != N; ++I) {
    SpillVar &S = Plan.Spills[I];
    S.Slot = UnionOf[Color[I]];
    S.Field = S.Slot ? "__s" + std::to_string(S.Slot) + "." + S.Name : S.Name;
  }
}

} // namespace coast
