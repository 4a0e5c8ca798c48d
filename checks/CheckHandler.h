//===- CheckHandler.h - What coast's analyses report ----------------------===//
//
// The analyses in checks/ and the lowering's planner never build diagnostics:
// they call one method per coast diagnostic with plain data, and the front
// ends (the plugin, coast-check) implement this interface to turn the calls
// into `coast-*` diagnostics with notes and fix-its (the shape of Clang's
// ThreadSafetyHandler and ConsumedWarningsHandlerBase).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_CHECKHANDLER_H
#define COAST_CHECKS_CHECKHANDLER_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace coast {

/// Why a future is not Send (SPEC section 3).
enum class NotSendKind {
  Value,         ///< a value of a not_send type live across an await
  ThreadLocal,   ///< a pointer to a thread-local object crossing an await,
                 ///< or given to the spawned future
  Lock,          ///< a blocking lock held across an await
  AwaitsNotSend, ///< awaits a future of this file that is not Send
  Unbound,       ///< awaits or is a future not declared returns_send
  Parameter,     ///< a not_send parameter held before the first poll
};

/// One reason a future is not Send: plain data for notes.
struct NotSendReason {
  NotSendKind Kind;
  /// The value, lock (as written), or awaited function or pointer.
  std::string Name;
  /// Value and Parameter: the not_send type reached (`struct tls_ref`).
  std::string Type;
  /// The value's declaration, the lock's acquisition, the argument, the
  /// awaited function's or pointer's declaration.
  clang::SourceLocation Decl;
  /// The await crossed; invalid for what the spawned future holds before
  /// its first poll.
  clang::SourceLocation Await;
  /// Unbound: where inserting `returns_send ` fixes it; invalid for none.
  clang::SourceLocation AddReturnsSendAt = {};
};

class CheckHandler {
public:
  virtual ~CheckHandler();

  /// `await` in a function that is not async [coast-await-outside-async].
  /// \param AwaitLoc the await.
  /// \param Function the enclosing function's name.
  /// \param AddAsyncAt where inserting `async ` fixes it; invalid for no fix.
  virtual void awaitOutsideAsync(clang::SourceLocation AwaitLoc,
                                 llvm::StringRef Function,
                                 clang::SourceLocation AddAsyncAt) {}

  /// An async function called from a synchronous one [coast-sync-call].
  /// \param Call the call, which the fix-it wraps in coast_block_on(...).
  /// \param Callee the async function's name.
  /// \param CalleeDecl its declaration, for a note.
  virtual void syncCall(clang::SourceRange Call, llvm::StringRef Callee,
                        clang::SourceLocation CalleeDecl) {}

  /// A future created and never consumed [coast-unawaited-future].
  /// \param Call the call, which the fix-it wraps in await(...).
  /// \param Callee the async function's name.
  virtual void unawaitedFuture(clang::SourceRange Call,
                               llvm::StringRef Callee) {}

  /// The operand of await, coast_block_on or coast_spawn is not a call of an
  /// async function [coast-not-a-future].
  /// \param Operand the operand. \param Operation "await", ...
  virtual void notAFuture(clang::SourceRange Operand,
                          llvm::StringRef Operation) {}

  /// coast_block_on inside an async function [coast-block-on-in-async]: it
  /// would block the worker polling the task (the runtime refuses it with
  /// -EDEADLK). \param Whole the coast_block_on(...) expression.
  /// \param MacroName the `coast_block_on` token the fix-it replaces with
  /// `await`; invalid when it is not spelled in a file.
  virtual void blockOnInAsync(clang::SourceRange Whole,
                              clang::SourceLocation MacroName) {}

  /// A call through an async function pointer outside box(...)
  /// [coast-dyn-call-needs-box]. \param Call the call, which the fix-it wraps
  /// in box(...). \param Pointer the pointer's name.
  virtual void dynCallNeedsBox(clang::SourceRange Call,
                               llvm::StringRef Pointer) {}

  /// An async function or pointer meets a synchronous function pointer, or
  /// the reverse [coast-fnptr-mismatch].
  /// \param Where the value. \param Message what meets what.
  /// \param Target the declaration receiving it, for a note (may be
  /// invalid). \param TargetNote the note's text.
  virtual void fnptrMismatch(clang::SourceRange Where, llvm::StringRef Message,
                             clang::SourceLocation Target,
                             llvm::StringRef TargetNote) {}

  /// One await of a recursion cycle: \p Caller awaits \p Callee at \p Loc.
  struct CycleCall {
    clang::SourceLocation Loc;
    std::string Caller;
    std::string Callee;
  };

  /// Async functions awaiting each other in a cycle, none of them
  /// box_async [coast-recursion-needs-box]; once per cycle.
  /// \param Definition the definition of the cycle's first function in
  /// source order. \param Function its name.
  /// \param Replace the token to replace for the fix-it (`async` and its
  /// spellings), invalid when \p InsertAt is used instead.
  /// \param With the replacement, or the text to insert at \p InsertAt.
  /// \param Calls the awaits that make up the cycle, in source order.
  virtual void recursionNeedsBox(clang::SourceLocation Definition,
                                 llvm::StringRef Function,
                                 clang::CharSourceRange Replace,
                                 clang::SourceLocation InsertAt,
                                 llvm::StringRef With,
                                 llvm::ArrayRef<CycleCall> Calls) {}

  /// Why a borrowed local does not outlive the scope a future is spawned
  /// into.
  enum class ScopeLimit {
    None,          ///< no scope: coast_spawn or coast_spawn_local
    DeclaredAfter, ///< the local is declared after the scope, in its block
    InnerBlock,    ///< the local's block is nested in the scope's
    NotLocal,      ///< the scope is not a local of the spawning function
  };

  /// A spawned future carries the address of a local of the spawning
  /// function, which its task may outlive [coast-spawn-borrows-local].
  /// \param Arg the argument of the spawned call that carries it.
  /// \param Spawn the spawn's spelling ("coast_spawn").
  /// \param Local the local's name. \param LocalDecl its declaration.
  /// \param Function the spawning function's name.
  /// \param Limit for coast_scope_spawn, why the local does not outlive
  /// the scope; None otherwise.
  /// \param Scope the scope's name; \param ScopeLoc its declaration, or
  /// the scope argument for NotLocal.
  virtual void spawnBorrowsLocal(clang::SourceRange Arg, llvm::StringRef Spawn,
                                 llvm::StringRef Local,
                                 clang::SourceLocation LocalDecl,
                                 llvm::StringRef Function, ScopeLimit Limit,
                                 llvm::StringRef Scope,
                                 clang::SourceLocation ScopeLoc) {}

  /// A local coast_scope escapes: used other than by coast_scope_spawn,
  /// coast_scope_join and the futures they run or that are awaited
  /// [coast-spawn-borrows-local].
  /// \param Use the use. \param Scope the scope's name.
  /// \param Function the function it is a local of.
  /// \param How what the use does, as a phrase ("its address is stored").
  /// \param ScopeDecl the scope's declaration.
  virtual void scopeEscapes(clang::SourceLocation Use, llvm::StringRef Scope,
                            llvm::StringRef Function, llvm::StringRef How,
                            clang::SourceLocation ScopeDecl) {}

  /// A must_destruct value still owned on some path out of its scope
  /// [coast-must-destruct-leak].
  /// \param Decl the value's declaration, or the call whose owned result
  /// nothing keeps. \param Name the variable, or that call's function.
  /// \param Dropped true for such a call's result.
  /// \param Exits where the leaking paths leave the scope, in source order.
  virtual void mustDestructLeak(clang::SourceLocation Decl,
                                llvm::StringRef Name, bool Dropped,
                                llvm::ArrayRef<clang::SourceLocation> Exits) {}

  /// A must_destruct value used after it was consumed on some path
  /// [coast-use-after-destruct].
  /// \param Use the use. \param Name the variable.
  /// \param ConsumedAt where it was consumed. \param How what consumed it,
  /// as a phrase ("destructed by 'conn_close'", "moved", "returned").
  virtual void useAfterDestruct(clang::SourceLocation Use, llvm::StringRef Name,
                                clang::SourceLocation ConsumedAt,
                                llvm::StringRef How) {}

  /// A must_destruct value consumed again on some path
  /// [coast-double-destruct]. \param At the second consumption.
  /// \param Name the variable. \param FirstAt, \param How the first one.
  virtual void doubleDestruct(clang::SourceLocation At, llvm::StringRef Name,
                              clang::SourceLocation FirstAt,
                              llvm::StringRef How) {}

  /// An assignment over a variable that still owns a must_destruct value on
  /// some path [coast-overwrite-owned]. \param Assign the assignment.
  /// \param Name the variable. \param Decl its declaration.
  virtual void overwriteOwned(clang::SourceLocation Assign,
                              llvm::StringRef Name,
                              clang::SourceLocation Decl) {}

  /// An async destructor called other than through `await` (in an async
  /// function) or `coast_block_on` (in a synchronous one)
  /// [coast-async-destructor-context].
  /// \param Call the call, which the fix-it wraps.
  /// \param Destructor its name. \param InAsync whether the caller is async.
  virtual void asyncDestructorContext(clang::SourceRange Call,
                                      llvm::StringRef Destructor,
                                      bool InAsync) {}
  /// coast_spawn of a future that is not Send [coast-spawn-not-send].
  /// \param Call the spawned call. \param Future the function or pointer
  /// it calls. \param Reasons why, nearest first: one or two notes each.
  virtual void spawnNotSend(clang::SourceRange Call, llvm::StringRef Future,
                            llvm::ArrayRef<NotSendReason> Reasons) {}

  /// A function declared returns_send whose future is not Send
  /// [coast-returns-send-violated]. \param Definition its definition.
  /// \param Function its name. \param Reasons why, nearest first.
  virtual void returnsSendViolated(clang::SourceLocation Definition,
                                   llvm::StringRef Function,
                                   llvm::ArrayRef<NotSendReason> Reasons) {}

  /// A blocking lock that may be held across an await
  /// [coast-lock-across-await], a warning. \param Await the await.
  /// \param Lock the lock as written. \param Acquired the call taking it.
  virtual void lockAcrossAwait(clang::SourceLocation Await,
                               llvm::StringRef Lock,
                               clang::SourceLocation Acquired) {}

  /// A function named as the ready companion of an async function, of
  /// another shape: the lowering does not call it [coast-ready-companion],
  /// a warning. \param Companion its declaration. \param Name its name.
  /// \param Function the async function's name. \param Shape the type a
  /// companion has, printed. \param FunctionDecl the async function's
  /// declaration.
  virtual void readyCompanionShape(clang::SourceLocation Companion,
                                   llvm::StringRef Name,
                                   llvm::StringRef Function,
                                   llvm::StringRef Shape,
                                   clang::SourceLocation FunctionDecl) {}

  /// A construct the lowering cannot support [coast-unsupported].
  /// \param Reason a sentence fragment: what, and what to do instead.
  virtual void unsupported(clang::SourceLocation Loc, llvm::StringRef Reason) {}

  /// An attribute that is wrong where it is [coast-attribute].
  /// \param Note where the cause is, invalid for none; \param NoteText its
  /// message.
  virtual void attribute(clang::SourceLocation Loc, llvm::StringRef Message,
                         clang::SourceLocation Note = {},
                         llvm::StringRef NoteText = {}) {}
};

} // namespace coast

#endif
