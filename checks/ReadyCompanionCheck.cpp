//===- ReadyCompanionCheck.cpp - A ready companion of the wrong shape -----===//

#include "ReadyCompanionCheck.h"
#include "CoastAttrs.h"

using namespace clang;

namespace coast {

/// The suffix of a companion's name (GeneratedNames.h's
/// generatedName(F, "ready")).
static const char ReadySuffix[] = "__coast_ready";

bool hasReadyCompanionShape(const FunctionDecl *R, const FunctionProtoType *F,
                            ASTContext &Ctx) {
  const auto *RP = R->getType()->getAs<FunctionProtoType>();
  if (!RP || RP->isVariadic() || F->isVariadic() || isAsyncFunction(R) ||
      !Ctx.hasSameType(RP->getReturnType(), Ctx.IntTy))
    return false;
  QualType T = F->getReturnType();
  unsigned N = F->getNumParams();
  if (RP->getNumParams() != N + !T->isVoidType())
    return false;
  for (unsigned I = 0; I != N; ++I)
    if (!Ctx.hasSameUnqualifiedType(RP->getParamType(I), F->getParamType(I)))
      return false;
  if (T->isVoidType())
    return true;
  const auto *Ptr = RP->getParamType(N)->getAs<PointerType>();
  return Ptr && !Ptr->getPointeeType().isConstQualified() &&
         Ctx.hasSameUnqualifiedType(Ptr->getPointeeType(), T);
}

/// The async function \p Name names at file scope, or null.
static const FunctionDecl *asyncFunctionNamed(StringRef Name, ASTContext &Ctx) {
  for (const NamedDecl *ND :
       Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get(Name)))
    if (const auto *FD = dyn_cast<FunctionDecl>(ND); FD && isAsyncFunction(FD))
      return FD;
  return nullptr;
}

/// The companion's type as the lowering would take it: F's parameters
/// and, F not void, a pointer to its unqualified result.
static std::string expectedShape(const FunctionProtoType *F, ASTContext &Ctx) {
  std::vector<QualType> Params(F->param_type_begin(), F->param_type_end());
  QualType T = F->getReturnType();
  if (!T->isVoidType())
    Params.push_back(Ctx.getPointerType(T.getUnqualifiedType()));
  return Ctx.getFunctionType(Ctx.IntTy, Params, {})
      .getAsString(Ctx.getPrintingPolicy());
}

void runReadyCompanionCheck(ASTContext &Ctx, CheckHandler &Handler) {
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *R = dyn_cast<FunctionDecl>(D);
    // Once per function, at its first declaration.
    if (!R || !R->getIdentifier() || !R->isFirstDecl() ||
        !R->getName().ends_with(ReadySuffix))
      continue;
    const FunctionDecl *F =
        asyncFunctionNamed(R->getName().drop_back(sizeof ReadySuffix - 1), Ctx);
    if (!F)
      continue;
    const auto *FP = F->getType()->getAs<FunctionProtoType>();
    // A variadic F, or one without a prototype, has no companion at all.
    if (!FP || FP->isVariadic() || hasReadyCompanionShape(R, FP, Ctx))
      continue;
    Handler.readyCompanionShape(R->getLocation(), R->getName(), F->getName(),
                                expectedShape(FP, Ctx), F->getLocation());
  }
}

} // namespace coast
