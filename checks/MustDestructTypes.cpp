//===- MustDestructTypes.cpp - Which values own a must_destruct resource --===//

#include "MustDestructTypes.h"
#include "AsyncAST.h"
#include "CoastAttrs.h"

using namespace clang;

namespace coast {

const RecordDecl *mustDestructRecord(QualType T) {
  const RecordDecl *RD = T.isNull() ? nullptr : T->getAsRecordDecl();
  if (!RD)
    return nullptr;
  if (const RecordDecl *Def = RD->getDefinition())
    RD = Def;
  return mustDestructNames(RD).empty() ? nullptr : RD;
}

llvm::SmallVector<const FunctionDecl *, 2> destructorsOf(const RecordDecl *RD,
                                                         ASTContext &Ctx) {
  llvm::SmallVector<const FunctionDecl *, 2> Result;
  for (StringRef Name : mustDestructNames(RD)) {
    for (const NamedDecl *ND : Ctx.getTranslationUnitDecl()->lookup(
             DeclarationName(&Ctx.Idents.get(Name)))) {
      const auto *FD = dyn_cast<FunctionDecl>(ND);
      if (FD && destructedRecord(FD) == RD) {
        Result.push_back(FD);
        break;
      }
    }
  }
  return Result;
}

const RecordDecl *destructedRecord(const FunctionDecl *FD) {
  if (!FD || !FD->getIdentifier() || FD->getNumParams() != 1)
    return nullptr;
  QualType P = FD->getParamDecl(0)->getType();
  if (const auto *PT = P->getAs<PointerType>())
    P = PT->getPointeeType();
  const RecordDecl *RD = mustDestructRecord(P);
  if (!RD)
    return nullptr;
  for (StringRef Name : mustDestructNames(RD))
    if (Name == FD->getName())
      return RD;
  return nullptr;
}

bool returnsOwned(const FunctionDecl *FD) {
  return FD && FD->getReturnType()->isPointerType() &&
         hasCoastAttr(FD, CoastAttr::MustDestruct);
}

bool consumesArgument(const FunctionDecl *FD, unsigned I) {
  if (!FD || I >= FD->getNumParams())
    return false;
  const ParmVarDecl *P = FD->getParamDecl(I);
  return hasCoastAttr(P, CoastAttr::MustDestruct) ||
         mustDestructRecord(P->getType()) || destructedRecord(FD);
}

const Expr *valueOperand(const Expr *E) {
  while (true) {
    E = E->IgnoreImpCasts();
    if (std::optional<Mark> M = matchMark(E)) {
      if (M->Kind != MarkKind::Await && M->Kind != MarkKind::BlockOn)
        return E;
      E = M->Operand;
    } else if (const auto *PE = dyn_cast<ParenExpr>(E)) {
      E = PE->getSubExpr();
    } else if (const auto *GS = dyn_cast<GenericSelectionExpr>(E)) {
      E = GS->getResultExpr(); // the association C selects
    } else {
      return E;
    }
  }
}

const CallExpr *ownedResultCall(const Expr *E) {
  const auto *CE = dyn_cast<CallExpr>(valueOperand(E));
  // In C a call's type is its function's return type.
  if (CE && (returnsOwned(CE->getDirectCallee()) ||
             mustDestructRecord(CE->getType())))
    return CE;
  return nullptr;
}

} // namespace coast
