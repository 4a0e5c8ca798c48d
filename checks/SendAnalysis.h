//===- SendAnalysis.h - Is a future Send, and why not ---------------------===//
//
// SPEC section 3: a future is Send when every value live across each of its
// awaits is Send, no blocking lock is held across one, and each future it
// awaits is Send. A value is not Send when its type is `not_send` or
// contains one (fields, arrays, pointers), or when it points to a
// `_Thread_local` object or errno. Async functions defined in the
// translation unit are inferred (a greatest fixpoint: functions awaiting
// each other in a cycle are Send unless something else breaks it); anything
// else, extern declarations and calls through async function pointers, is
// Send only when declared `returns_send`.
//
// A future is also moved between threads before its first poll when it is
// spawned: the parameters it holds then (those live at entry) must be Send
// too. Awaiting does not move it then (the awaiter polls it at once, on its
// own thread), so awaiting a function whose only non-Send values are such
// parameters keeps the awaiter Send.
//
// Liveness comes from SuspendLiveness.h (through FunctionAnalyses.h),
// locks from HeldLocks.h. Results
// refer to the AST they were computed on.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_SENDANALYSIS_H
#define COAST_CHECKS_SENDANALYSIS_H

#include "AsyncAST.h"
#include "CheckHandler.h"
#include "FunctionAnalyses.h"
#include "HeldLocks.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <string>
#include <vector>

namespace coast {

/// A blocking lock held across an await (coast-lock-across-await).
struct LockAcrossAwait {
  clang::SourceLocation Await;
  HeldLock Lock;
};

struct AddressFlow;

class SendAnalysis {
public:
  /// Analyses every async function defined in \p Ctx's translation unit,
  /// with their CFGs and liveness from \p Analyses.
  SendAnalysis(clang::ASTContext &Ctx, FunctionAnalyses &Analyses);
  ~SendAnalysis();

  /// The async functions defined in the unit, in source order.
  llvm::ArrayRef<const clang::FunctionDecl *> definitions() const {
    return Order;
  }

  /// Why \p Def's future is not Send once spawned (empty: it is), nearest
  /// causes first; AwaitsNotSend reasons are followed by the reasons of the
  /// function awaited, each function once.
  std::vector<NotSendReason> reasons(const clang::FunctionDecl *Def) const;

  /// Why the future \p FC runs is not Send once spawned: a definition's
  /// reasons, or Unbound for a call through a pointer or of a declaration
  /// not declared returns_send, or ThreadLocal for an argument pointing to
  /// a thread-local object in the spawning function \p Spawner.
  std::vector<NotSendReason> reasons(const FutureCall &FC,
                                     const clang::FunctionDecl *Spawner);

  /// True if the async function \p FD's future is Send once spawned:
  /// inferred for a definition of the unit, else its returns_send.
  bool isSend(const clang::FunctionDecl *FD) const;

  /// The blocking locks held across \p Def's awaits.
  llvm::ArrayRef<LockAcrossAwait>
  locksAcrossAwaits(const clang::FunctionDecl *Def) const;

  struct Facts;

private:
  void analyze(const clang::FunctionDecl *Def);
  void addAwaited(Facts &F, const FutureCall &FC, const AddressFlow &TL,
                  clang::SourceLocation Await);
  void solve();
  const Facts *factsOf(const clang::FunctionDecl *FD) const;

  clang::ASTContext &Ctx;
  FunctionAnalyses &Analyses;
  std::vector<const clang::FunctionDecl *> Order;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<Facts>> Info;
};

/// True if \p T is not Send by type: it is, contains or points to a
/// not_send struct or union. \p Why gets that type's spelling.
bool isNotSendType(clang::QualType T, const clang::ASTContext &Ctx,
                   std::string &Why);

/// True if the async function pointer declared by \p D (a variable, field
/// or parameter, or through its typedef) carries returns_send.
bool isReturnsSendPointer(const clang::ValueDecl *D);

/// Where inserting `returns_send ` bounds the future of \p D (an async
/// function declaration, or an async function pointer, or its typedef);
/// invalid when that declaration is in a system header.
clang::SourceLocation returnsSendInsertLoc(const clang::ValueDecl *D);

} // namespace coast

#endif
