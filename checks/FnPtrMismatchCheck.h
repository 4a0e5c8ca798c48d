//===- FnPtrMismatchCheck.h - Async and sync function pointers apart ------===//
//
// coast-fnptr-mismatch: with the plugin, an async function's value is its
// start function (what box(p(x)) calls), not a function of its declared
// type. So an async function must only be stored where an async function
// pointer is expected, and a synchronous one never there. Checked wherever
// a function value flows: assignment, initializer (fields of initializer
// lists included), call argument, return, cast. Where either side's kind is
// unknown (void *, a call's result, a conditional) nothing is reported.
// A returns_send pointer takes only async functions whose future is Send
// (SendAnalysis.h) and pointers with the same bound; a cast between
// pointers to same-shaped vtable structs may drop that bound from a field,
// never add it.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_FNPTRMISMATCHCHECK_H
#define COAST_CHECKS_FNPTRMISMATCHCHECK_H

#include "CheckHandler.h"
#include "SendAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <string>

namespace coast {

/// Handed every declaration and expression of the translation unit by the
/// checks' one walk (Checks.cpp), in pre-order: a variable before its
/// initializer list.
class FnPtrMismatchCheck {
public:
  FnPtrMismatchCheck(SendAnalysis &Send, CheckHandler &H)
      : Send(Send), Handler(H) {}

  void visitBinaryOperator(const clang::BinaryOperator *BO);
  void visitVarDecl(const clang::VarDecl *VD);
  void visitInitListExpr(const clang::InitListExpr *Visited);
  void visitCallExpr(const clang::CallExpr *CE);
  /// \p Function is the function declaration the return is in, or null.
  void visitReturnStmt(const clang::ReturnStmt *RS,
                       const clang::FunctionDecl *Function);
  void visitCStyleCastExpr(const clang::CStyleCastExpr *CE);

private:
  void check(const clang::Expr *Value, const clang::Decl *Target,
             clang::QualType TargetType);
  void checkBound(const clang::Expr *Value, const clang::ValueDecl *From,
                  const clang::Decl *Target, clang::QualType TargetType,
                  const std::string &What);
  void checkVtableCast(const clang::CStyleCastExpr *CE);

  SendAnalysis &Send;
  CheckHandler &Handler;
  llvm::DenseSet<const clang::InitListExpr *> Seen;
  /// The variable or field each (semantic) initializer list initializes,
  /// recorded before the list is visited.
  llvm::DenseMap<const clang::InitListExpr *, const clang::Decl *> ListOwner;
};

} // namespace coast

#endif
