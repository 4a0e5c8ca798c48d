//===- AsyncFunctionPlan.h - One async function, ready to be lowered ------===//
//
// The lowering's shared description of the function being lowered (cf.
// LLVM's coro::Shape). Planning (AsyncFunctionPlan.cpp) fills it from the AST
// and rejects what the lowering cannot do; FrameLayout.cpp and
// StateMachine.cpp turn it into text; Lowering.cpp drives the stages over the
// translation unit.
//
// What the lowering supports so far: awaits standing as a statement,
// as the initializer of a local, as the right side of `=`, or as the value of
// `return`, in any block, branch or loop. Everything else is reported as
// coast-unsupported, never lowered wrongly.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_ASYNCFUNCTIONPLAN_H
#define COAST_PLUGIN_LOWER_ASYNCFUNCTIONPLAN_H

#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <string>
#include <vector>

namespace coast {

/// How a callee's frame is provided at a suspension point.
enum class FrameSource {
  Embedded,   ///< a member of the caller's frame (callee defined earlier)
  FrameStack, ///< the task's LIFO frame stack, through the start function
  Box,        ///< its own heap allocation (box_async callee)
};

/// The statement shape an await stands in.
enum class AwaitForm {
  Statement, ///< `await(f(x));`
  Init,      ///< `T v = await(f(x));`
  Assign,    ///< `lhs = await(f(x));`
  Return,    ///< `return await(f(x));`
};

struct SuspendPoint {
  unsigned State = 0; ///< 1-based; also the index into coast_fn.sites
  AwaitForm Form = AwaitForm::Statement;
  const clang::Expr *Await = nullptr; ///< the await mark
  /// The statement the lowering replaces: the expression statement, the
  /// DeclStmt (Init) or the ReturnStmt.
  const clang::Stmt *Anchor = nullptr;
  const clang::CallExpr *Call = nullptr;
  const clang::FunctionDecl *Callee = nullptr;
  FrameSource Source = FrameSource::FrameStack;
  const clang::VarDecl *Var = nullptr;           ///< Init: the local
  const clang::BinaryOperator *Assign = nullptr; ///< Assign: the `=`
};

/// A parameter or local that lives in the frame.
struct FrameVar {
  const clang::VarDecl *Decl = nullptr;
  std::string Field;
};

struct AsyncFunctionPlan {
  const clang::FunctionDecl *FD = nullptr;
  std::string Name;
  std::vector<SuspendPoint> Points;
  /// Parameters first, in order, then locals in source order.
  std::vector<FrameVar> Vars;
  llvm::DenseMap<const clang::VarDecl *, unsigned> VarIndex;
  /// Every reference to a frame variable, to be rewritten to its field.
  std::vector<const clang::DeclRefExpr *> Refs;
  /// Declarations of frame variables, rewritten into stores.
  std::vector<const clang::DeclStmt *> FrameDecls;
  /// DeclStmts that are the init of a `for`: rewritten into expressions.
  llvm::DenseMap<const clang::DeclStmt *, bool> ForInit;

  const FrameVar *frameVar(const clang::VarDecl *VD) const {
    auto It = VarIndex.find(VD);
    return It == VarIndex.end() ? nullptr : &Vars[It->second];
  }
  const SuspendPoint *pointFor(const clang::Expr *Await) const {
    for (const SuspendPoint &P : Points)
      if (P.Await == Await)
        return &P;
    return nullptr;
  }
};

/// Decides how the frame of \p Callee is provided to a caller; given by the
/// driver, which knows which functions it has already lowered.
using FrameSourceFn = std::function<FrameSource(const clang::FunctionDecl *)>;

/// Plans the lowering of the async function definition \p FD. Reports every
/// construct it cannot lower through \p Handler and returns false then.
bool planAsyncFunction(const clang::FunctionDecl *FD, clang::ASTContext &Ctx,
                       const FrameSourceFn &SourceOf, CheckHandler &Handler,
                       AsyncFunctionPlan &Plan);

} // namespace coast

#endif
