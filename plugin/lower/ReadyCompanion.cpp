//===- ReadyCompanion.cpp - An await that may complete without a frame ----===//
//
// The companion is found by its name, as start functions are named
// (GeneratedNames.h), rather than by an attribute on F: whoever writes a
// future by hand declares it beside its start function, and nothing else
// has to change; a declaration of another shape is not a companion (the
// await starts F's frame as it would without one; coast-ready-companion
// warns about it, checks/ReadyCompanionCheck.h).
//
//===----------------------------------------------------------------------===//

#include "ReadyCompanion.h"
#include "GeneratedNames.h"
#include "ReadyCompanionCheck.h"

#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace coast {

namespace {

/// Whether \p Arg may be evaluated a second time with the value and effects
/// of one evaluation. HasSideEffects misses what a variably modified type
/// evaluates (`(int (*)[n++])p`, `sizeof(int[n++])`), so any such type,
/// written or an expression's, refuses; so do calls, even to const or pure
/// functions (they would run twice), statement expressions and va_arg.
bool evaluatesTwiceAsOnce(const Expr *Arg, ASTContext &Ctx) {
  struct Finder : RecursiveASTVisitor<Finder> {
    bool Refused = false;
    bool VisitStmt(Stmt *S) {
      const auto *E = dyn_cast<Expr>(S);
      if (isa<CallExpr, StmtExpr, VAArgExpr>(S) ||
          (E && E->getType()->isVariablyModifiedType()))
        Refused = true;
      return !Refused;
    }
    bool VisitTypeLoc(TypeLoc TL) {
      Refused |= TL.getType()->isVariablyModifiedType();
      return !Refused;
    }
    bool VisitUnaryExprOrTypeTraitExpr(UnaryExprOrTypeTraitExpr *E) {
      Refused |= E->getTypeOfArgument()->isVariablyModifiedType();
      return !Refused;
    }
  } F;
  F.TraverseStmt(const_cast<Expr *>(Arg));
  return !F.Refused && !Arg->HasSideEffects(Ctx);
}

} // namespace

/// The poll function stands where Caller is written and calls the
/// companion there by name. One at block scope, in another function, is in
/// the translation unit's lookup but not visible there.
bool declaredAtFileScopeBefore(const FunctionDecl &R,
                               const FunctionDecl &Caller,
                               const SourceManager &SM) {
  for (const FunctionDecl *D : R.redecls())
    if (!D->isLocalExternDecl() &&
        D->getLexicalDeclContext()->isFileContext() &&
        SM.isBeforeInTranslationUnit(SM.getExpansionLoc(D->getLocation()),
                                     SM.getExpansionLoc(Caller.getBeginLoc())))
      return true;
  return false;
}

const FunctionDecl *readyCompanion(const SuspendPoint &Pt,
                                   const FunctionDecl &Caller,
                                   ASTContext &Ctx) {
  if (!Pt.Callee ||
      (Pt.Source != FrameSource::FrameStack &&
       Pt.Source != FrameSource::Leaf) ||
      Pt.KnownCallee || Pt.Race != MarkKind::Await)
    return nullptr;
  for (const Expr *A : Pt.Call->arguments())
    if (!evaluatesTwiceAsOnce(A, Ctx))
      return nullptr;
  const IdentifierInfo &Name =
      Ctx.Idents.get(generatedName(Pt.Callee->getName(), "ready"));
  // The lowered text is preprocessed again: a macro of that name, defined
  // anywhere in the translation unit, could expand in the call.
  if (Name.hadMacroDefinition())
    return nullptr;
  for (const NamedDecl *ND : Ctx.getTranslationUnitDecl()->lookup(&Name)) {
    const auto *R = dyn_cast<FunctionDecl>(ND);
    if (R && hasReadyCompanionShape(R, Pt.Proto, Ctx) &&
        declaredAtFileScopeBefore(*R, Caller, Ctx.getSourceManager()))
      return R;
  }
  return nullptr;
}

} // namespace coast
