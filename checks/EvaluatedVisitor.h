//===- EvaluatedVisitor.h - Visiting with unevaluated operands apart ------===//
//
// No future is created and nothing is awaited in an operand C never
// evaluates: sizeof and _Alignof of an expression (unless its type is
// variably modified), typeof, the parts of _Generic other than the
// selected association, and the operand __builtin_choose_expr does not
// choose (its condition is a constant). This RecursiveASTVisitor base routes
// those operands through the derived class's traverseUnevaluated(E, Operator),
// which by default skips them.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_EVALUATEDVISITOR_H
#define COAST_CHECKS_EVALUATEDVISITOR_H

#include "clang/AST/RecursiveASTVisitor.h"

namespace coast {

template <typename Derived>
class EvaluatedVisitor : public clang::RecursiveASTVisitor<Derived> {
  using Base = clang::RecursiveASTVisitor<Derived>;

public:
  /// \p Operator is the operator's spelling, for messages ("sizeof").
  bool traverseUnevaluated(clang::Expr *, const char *Operator) { return true; }

  bool TraverseUnaryExprOrTypeTraitExpr(clang::UnaryExprOrTypeTraitExpr *E) {
    if (E->isArgumentType() ||
        E->getArgumentExpr()->getType()->isVariablyModifiedType())
      return Base::TraverseUnaryExprOrTypeTraitExpr(E);
    const char *Operator =
        E->getKind() == clang::UETT_SizeOf ? "sizeof" : "_Alignof";
    return derived().traverseUnevaluated(E->getArgumentExpr(), Operator);
  }

  // Clang 22 passes a second argument (TraverseQualifier); 19 passes one.
  bool TraverseTypeOfExprTypeLoc(clang::TypeOfExprTypeLoc TL, bool = true) {
    return derived().traverseUnevaluated(TL.getUnderlyingExpr(), "typeof");
  }

  bool TraverseChooseExpr(clang::ChooseExpr *E) {
    if (E->isConditionDependent())
      return true;
    clang::Expr *Other = E->isConditionTrue() ? E->getRHS() : E->getLHS();
    if (!derived().traverseUnevaluated(Other, "__builtin_choose_expr"))
      return false;
    return derived().TraverseStmt(E->getChosenSubExpr());
  }

  bool TraverseGenericSelectionExpr(clang::GenericSelectionExpr *E) {
    if (E->isResultDependent())
      return true;
    for (const clang::GenericSelectionExpr::Association A : E->associations())
      if (A.getAssociationExpr() != E->getResultExpr() &&
          !derived().traverseUnevaluated(A.getAssociationExpr(), "_Generic"))
        return false;
    if (E->isExprPredicate() &&
        !derived().traverseUnevaluated(E->getControllingExpr(), "_Generic"))
      return false;
    return derived().TraverseStmt(E->getResultExpr());
  }

private:
  Derived &derived() { return *static_cast<Derived *>(this); }
};

} // namespace coast

#endif
