//===- DiagnosticReporter.h - coast diagnostics as Clang diagnostics ------===//
//
// Implements CheckHandler for every front end (the plugin, coast-check, the
// clang-tidy module through report()): each call becomes a Clang error or
// warning whose text ends with its `[coast-*]` name, with notes and fix-its.
// The names are those of DiagnosticCatalog.h.
//
// Diagnostics are buffered and emitted in source order by flush(), so the
// output does not depend on which analysis found what first.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_FRONTEND_DIAGNOSTICREPORTER_H
#define COAST_FRONTEND_DIAGNOSTICREPORTER_H

#include "CheckHandler.h"

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"

#include <functional>
#include <string>
#include <vector>

namespace coast {

class DiagnosticReporter : public CheckHandler {
public:
  /// \param Keywords whether coast.h's keyword macros (await, async) are
  /// defined, so fix-its can use them rather than the coast_ spellings.
  DiagnosticReporter(clang::DiagnosticsEngine &Diags,
                     const clang::SourceManager &SM,
                     const clang::LangOptions &LO, bool Keywords)
      : Diags(Diags), SM(SM), LO(LO), Keywords(Keywords) {}

  void awaitOutsideAsync(clang::SourceLocation AwaitLoc,
                         llvm::StringRef Function,
                         clang::SourceLocation AddAsyncAt) override;
  void syncCall(clang::SourceRange Call, llvm::StringRef Callee,
                clang::SourceLocation CalleeDecl) override;
  void unawaitedFuture(clang::SourceRange Call,
                       llvm::StringRef Callee) override;
  void notAFuture(clang::SourceRange Operand,
                  llvm::StringRef Operation) override;
  void blockOnInAsync(clang::SourceRange Whole,
                      clang::SourceLocation MacroName) override;
  void dynCallNeedsBox(clang::SourceRange Call,
                       llvm::StringRef Pointer) override;
  void fnptrMismatch(clang::SourceRange Where, llvm::StringRef Message,
                     clang::SourceLocation Target,
                     llvm::StringRef TargetNote) override;
  void recursionNeedsBox(clang::SourceLocation Definition,
                         llvm::StringRef Function,
                         clang::CharSourceRange Replace,
                         clang::SourceLocation InsertAt, llvm::StringRef With,
                         llvm::ArrayRef<CycleCall> Calls) override;
  void spawnBorrowsLocal(clang::SourceRange Arg, llvm::StringRef Spawn,
                         llvm::StringRef Local, clang::SourceLocation LocalDecl,
                         llvm::StringRef Function, ScopeLimit Limit,
                         llvm::StringRef Scope,
                         clang::SourceLocation ScopeLoc) override;
  void scopeEscapes(clang::SourceLocation Use, llvm::StringRef Scope,
                    llvm::StringRef Function, llvm::StringRef How,
                    clang::SourceLocation ScopeDecl) override;
  void mustDestructLeak(clang::SourceLocation Decl, llvm::StringRef Name,
                        bool Dropped,
                        llvm::ArrayRef<clang::SourceLocation> Exits) override;
  void useAfterDestruct(clang::SourceLocation Use, llvm::StringRef Name,
                        clang::SourceLocation ConsumedAt,
                        llvm::StringRef How) override;
  void doubleDestruct(clang::SourceLocation At, llvm::StringRef Name,
                      clang::SourceLocation FirstAt,
                      llvm::StringRef How) override;
  void overwriteOwned(clang::SourceLocation Assign, llvm::StringRef Name,
                      clang::SourceLocation Decl) override;
  void asyncDestructorContext(clang::SourceRange Call,
                              llvm::StringRef Destructor,
                              bool InAsync) override;
  void spawnNotSend(clang::SourceRange Call, llvm::StringRef Future,
                    llvm::ArrayRef<NotSendReason> Reasons) override;
  void returnsSendViolated(clang::SourceLocation Definition,
                           llvm::StringRef Function,
                           llvm::ArrayRef<NotSendReason> Reasons) override;
  void lockAcrossAwait(clang::SourceLocation Await, llvm::StringRef Lock,
                       clang::SourceLocation Acquired) override;
  void readyCompanionShape(clang::SourceLocation Companion,
                           llvm::StringRef Name, llvm::StringRef Function,
                           llvm::StringRef Shape,
                           clang::SourceLocation FunctionDecl) override;
  void unsupported(clang::SourceLocation Loc, llvm::StringRef Reason) override;
  void attribute(clang::SourceLocation Loc, llvm::StringRef Message,
                 clang::SourceLocation Note, llvm::StringRef NoteText) override;

  /// True once any error has been reported (emitted or not).
  bool hasErrors() const { return HasErrors; }
  /// Emits the buffered diagnostics in source order.
  void flush();

protected:
  /// Starts one diagnostic or note: everything the reporter emits goes
  /// through here, in flush(). \param Name its coast-* name; empty for a
  /// note, which belongs to the diagnostic started before it. The default
  /// reports a custom Clang diagnostic "Text [Name]" to the DiagnosticsEngine;
  /// the clang-tidy module overrides it to report through its checks.
  virtual clang::DiagnosticBuilder report(clang::DiagnosticsEngine::Level L,
                                          clang::SourceLocation Loc,
                                          llvm::StringRef Name,
                                          llvm::StringRef Text);

private:
  struct Deferred {
    clang::SourceLocation Loc;
    size_t Order; ///< report order, for ties
    std::function<void()> Emit;
  };
  void defer(clang::SourceLocation Loc, std::function<void()> Emit);
  /// An error \p Text [\p Name] at \p Loc with one note.
  void errorWithNote(clang::SourceLocation Loc, llvm::StringRef Name,
                     std::string Text, clang::SourceLocation NoteLoc,
                     std::string NoteText);
  void wrapFixIt(clang::DiagnosticBuilder &DB, clang::SourceRange R,
                 llvm::StringRef Open);
  void notSendNotes(llvm::ArrayRef<NotSendReason> Reasons);

  clang::DiagnosticsEngine &Diags;
  const clang::SourceManager &SM;
  const clang::LangOptions &LO;
  bool Keywords;
  bool HasErrors = false;
  std::vector<Deferred> Pending;
};

} // namespace coast

#endif
