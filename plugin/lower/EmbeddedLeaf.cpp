//===- EmbeddedLeaf.cpp - A hand-written leaf embedded in its awaiter -----===//
//
// A declaration of another shape is no leaf: the await starts F from the
// frame stack as it would without one.
//
//===----------------------------------------------------------------------===//

#include "EmbeddedLeaf.h"
#include "GeneratedNames.h"
#include "ReadyCompanion.h"

#include "CoastAttrs.h"

using namespace clang;

namespace coast {

namespace {

/// The function \p Name declares at file scope before \p Caller, if no
/// macro has the name anywhere in the translation unit: the lowered text is
/// preprocessed again, and the macro would expand in the call.
const FunctionDecl *visibleFunction(StringRef Name, const FunctionDecl &Caller,
                                    ASTContext &Ctx) {
  const IdentifierInfo &II = Ctx.Idents.get(Name);
  if (II.hadMacroDefinition())
    return nullptr;
  for (const NamedDecl *ND : Ctx.getTranslationUnitDecl()->lookup(&II))
    if (const auto *FD = dyn_cast<FunctionDecl>(ND);
        FD && declaredAtFileScopeBefore(*FD, Caller, Ctx.getSourceManager()))
      return FD;
  return nullptr;
}

/// Whether \p T is a pointer to a struct named \p Tag.
bool pointsToStruct(QualType T, StringRef Tag) {
  const auto *P = T->getAs<PointerType>();
  const RecordDecl *RD = P ? P->getPointeeType()->getAsRecordDecl() : nullptr;
  return RD && RD->isStruct() && RD->getName() == Tag;
}

/// The member of \p RD named \p Name, or null.
const FieldDecl *fieldNamed(const RecordDecl &RD, StringRef Name) {
  for (const FieldDecl *F : RD.fields())
    if (F->getName() == Name)
      return F;
  return nullptr;
}

} // namespace

QualType leafFrame(const FunctionDecl &Callee, const FunctionDecl &Caller,
                   ASTContext &Ctx) {
  const auto *FP = Callee.getType()->getAs<FunctionProtoType>();
  if (!FP || FP->isVariadic() || Callee.isDefined())
    return {};
  const FunctionDecl *Init =
      visibleFunction(generatedName(Callee.getName(), "init"), Caller, Ctx);
  const FunctionDecl *Poll =
      visibleFunction(generatedName(Callee.getName(), "poll"), Caller, Ctx);
  if (!Init || !Poll || isAsyncFunction(Init) || isAsyncFunction(Poll))
    return {};
  // The poll: int (struct coast_frame *, struct coast_cx *).
  const auto *PP = Poll->getType()->getAs<FunctionProtoType>();
  if (!PP || PP->isVariadic() || PP->getNumParams() != 2 ||
      !Ctx.hasSameType(PP->getReturnType(), Ctx.IntTy) ||
      !pointsToStruct(PP->getParamType(0), "coast_frame") ||
      !pointsToStruct(PP->getParamType(1), "coast_cx"))
    return {};
  // The init: void (struct L *, F's parameters).
  const auto *IP = Init->getType()->getAs<FunctionProtoType>();
  unsigned N = FP->getNumParams();
  if (!IP || IP->isVariadic() || IP->getNumParams() != N + 1 ||
      !IP->getReturnType()->isVoidType())
    return {};
  for (unsigned I = 0; I != N; ++I)
    if (!Ctx.hasSameUnqualifiedType(IP->getParamType(I + 1),
                                    FP->getParamType(I)))
      return {};
  const auto *LP = IP->getParamType(0)->getAs<PointerType>();
  if (!LP || LP->getPointeeType().isConstQualified())
    return {};
  QualType L = LP->getPointeeType();
  const RecordDecl *RD = L->getAsRecordDecl();
  if (!RD || !RD->isStruct() || !RD->getDefinition())
    return {};
  RD = RD->getDefinition();
  // Its head is a whole frame header: the sub-future describes itself.
  auto First = RD->field_begin();
  if (First == RD->field_end() || First->getName() != "__h" ||
      !pointsToStruct(Ctx.getPointerType(First->getType()), "coast_frame"))
    return {};
  QualType T = FP->getReturnType();
  if (!T->isVoidType()) {
    const FieldDecl *Ret = fieldNamed(*RD, "__ret");
    if (!Ret || !Ctx.hasSameUnqualifiedType(Ret->getType(), T))
      return {};
  }
  return L.getUnqualifiedType();
}

bool leafFirst(const FunctionDecl &Callee, const FunctionDecl &Caller,
               QualType Frame, ASTContext &Ctx) {
  const FunctionDecl *First =
      visibleFunction(generatedName(Callee.getName(), "first"), Caller, Ctx);
  if (!First || isAsyncFunction(First))
    return false;
  // int (struct L *, F's parameters, struct coast_cx *).
  const auto *FP = Callee.getType()->getAs<FunctionProtoType>();
  const auto *P = First->getType()->getAs<FunctionProtoType>();
  unsigned N = FP->getNumParams();
  if (!P || P->isVariadic() || P->getNumParams() != N + 2 ||
      !Ctx.hasSameType(P->getReturnType(), Ctx.IntTy) ||
      !pointsToStruct(P->getParamType(N + 1), "coast_cx"))
    return false;
  const auto *LP = P->getParamType(0)->getAs<PointerType>();
  if (!LP || LP->getPointeeType().isConstQualified() ||
      !Ctx.hasSameUnqualifiedType(LP->getPointeeType(), Frame))
    return false;
  for (unsigned I = 0; I != N; ++I)
    if (!Ctx.hasSameUnqualifiedType(P->getParamType(I + 1),
                                    FP->getParamType(I)))
      return false;
  return true;
}

} // namespace coast
