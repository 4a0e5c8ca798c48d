//===- CompoundLiterals.cpp - Compound literals that live in the frame ----===//

#include "CompoundLiterals.h"
#include "EvaluatedVisitor.h"

#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace coast {

std::vector<const CompoundLiteralExpr *>
literalsInFrame(const AsyncFunctionPlan &Plan, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  auto Offset = [&](SourceLocation L) {
    return SM.getFileOffset(SM.getExpansionLoc(L));
  };
  std::vector<unsigned> Points;
  for (const SuspendPoint &Pt : Plan.Points)
    Points.push_back(Offset(Pt.Await->getBeginLoc()));
  struct Finder : EvaluatedVisitor<Finder> {
    using Base = EvaluatedVisitor<Finder>;
    std::vector<const CompoundStmt *> Blocks;
    std::vector<std::pair<const CompoundLiteralExpr *, const CompoundStmt *>>
        Found;
    llvm::DenseSet<const Expr *> ValueOnly;
    bool TraverseCompoundStmt(CompoundStmt *CS) {
      Blocks.push_back(CS);
      bool R = Base::TraverseCompoundStmt(CS);
      Blocks.pop_back();
      return R;
    }
    // Statement expressions are blocks too, but their literals die with
    // the expression's value: only awaits could outlive them, and awaits
    // there are not supported.
    // An argument passed to a transparent union parameter (glibc's
    // `__SOCKADDR_ARG` under _GNU_SOURCE) is wrapped by Sema in a
    // compound literal of its own making: an rvalue with no text, which
    // the argument's text already denotes.
    bool VisitCompoundLiteralExpr(CompoundLiteralExpr *CL) {
      if (!CL->isFileScope() && !Blocks.empty() && !CL->isPRValue())
        Found.push_back({CL, Blocks.back()});
      return true;
    }
    bool VisitImplicitCastExpr(ImplicitCastExpr *ICE) {
      if (ICE->getCastKind() == CK_LValueToRValue)
        ValueOnly.insert(ICE->getSubExpr()->IgnoreParens());
      return true;
    }
    // Types defined in the body (array bounds, enum values) hold only
    // constant expressions.
    bool TraverseDecl(Decl *D) {
      if (isa<TagDecl>(D) || isa<TypedefNameDecl>(D))
        return true;
      if (const auto *VD = dyn_cast<VarDecl>(D); VD && !VD->hasLocalStorage())
        return true;
      return Base::TraverseDecl(D);
    }
  } F;
  F.TraverseStmt(Plan.FD->getBody());
  std::vector<const CompoundLiteralExpr *> Out;
  for (const auto &[CL, Block] : F.Found) {
    if (F.ValueOnly.count(CL))
      continue;
    unsigned Begin = Offset(Block->getLBracLoc());
    unsigned End = Offset(Block->getRBracLoc());
    if (llvm::any_of(Points, [&](unsigned P) { return P > Begin && P < End; }))
      Out.push_back(CL);
  }
  return Out;
}

void rewriteFrameLiterals(const AsyncFunctionPlan &Plan, LoweringContext &LC) {
  for (const FrameLiteral &L : Plan.Literals) {
    CharSourceRange R = LC.fileRange(L.Literal->getSourceRange());
    LC.replace(R, [&LC, &L, R] {
      std::string Member = "__co->" + L.Temp;
      // The casts keep a volatile literal's copy free of qualifier
      // warnings.
      return "(*(" + LC.typeName(L.Literal->getType()) +
             " *)__builtin_memcpy((void *)&" + Member + ", (const void *)&" +
             LC.textOf(R) + ", sizeof " + Member + "))";
    });
  }
}

} // namespace coast
