//===- AsyncCallChecks.h - Where futures are created and consumed ---------===//
//
// coast-await-outside-async, coast-sync-call, coast-unawaited-future,
// coast-not-a-future and coast-block-on-in-async: every call of an async
// function creates a future that exactly one operation (await,
// coast_block_on, coast_spawn) must consume, await only makes sense inside
// an async function, and coast_block_on only outside one.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_ASYNCCALLCHECKS_H
#define COAST_CHECKS_ASYNCCALLCHECKS_H

#include "AsyncAST.h"
#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/DenseSet.h"

namespace coast {

/// Handed the expressions of every function definition by the checks' one
/// walk (Checks.cpp), in pre-order: a mark is seen before the call it
/// consumes.
class AsyncCallChecks {
public:
  explicit AsyncCallChecks(CheckHandler &H) : Handler(H) {}

  /// The walk enters and leaves definition \p FD.
  void enterFunction(const clang::FunctionDecl *FD);
  void leaveFunction() { Current = nullptr; }

  /// \p Unevaluated is the outermost operator ("sizeof") whose operand
  /// the expression is in, which C never evaluates, or null.
  void visitMark(const Mark &M, const char *Unevaluated);
  void visitCallExpr(const clang::CallExpr *CE, const char *Unevaluated);

private:
  bool checkRace(const Mark &M);
  void checkOut(const Mark &M);
  void checkBox(const Mark &M);
  static llvm::StringRef calleeName(const clang::CallExpr *CE);
  void reportBlockOnInAsync(const clang::Expr *Whole);
  void reportAwaitOutsideAsync(const clang::Expr *Whole);

  CheckHandler &Handler;
  const clang::FunctionDecl *Current = nullptr;
  bool CurrentIsAsync = false;
  bool OfferedAsyncFix = false;
  llvm::DenseSet<const clang::Expr *> Consumed;
  /// Calls written inside box(...).
  llvm::DenseSet<const clang::Expr *> Boxed;
};

} // namespace coast

#endif
