//===- DiagnosticReporter.cpp - coast diagnostics as Clang diagnostics ----===//

#include "DiagnosticReporter.h"

#include "clang/Lex/Lexer.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <string>

using namespace clang;

namespace coast {

DiagnosticBuilder DiagnosticReporter::report(DiagnosticsEngine::Level L,
                                             SourceLocation Loc, StringRef Name,
                                             StringRef Text) {
  unsigned ID = L == DiagnosticsEngine::Note
                    ? Diags.getCustomDiagID(L, "%0")
                    : Diags.getCustomDiagID(L, "%0 [%1]");
  DiagnosticBuilder DB = Diags.Report(Loc, ID);
  DB << Text;
  if (L != DiagnosticsEngine::Note)
    DB << Name;
  return DB;
}

/// Adds the fix-it that wraps \p R in `Open(` ... `)`, when \p R is plain
/// text of one file (not inside a macro definition).
void DiagnosticReporter::wrapFixIt(DiagnosticBuilder &DB, SourceRange R,
                                   StringRef Open) {
  CharSourceRange CR =
      Lexer::makeFileCharRange(CharSourceRange::getTokenRange(R), SM, LO);
  if (CR.isInvalid())
    return;
  DB << FixItHint::CreateInsertion(CR.getBegin(), (Open + "(").str())
     << FixItHint::CreateInsertion(CR.getEnd(), ")");
}

void DiagnosticReporter::defer(SourceLocation Loc,
                               std::function<void()> Emit) {
  Pending.push_back({Loc, Pending.size(), std::move(Emit)});
}

void DiagnosticReporter::flush() {
  // In source order, as Clang's own analyses report; a diagnostic's notes
  // are emitted by its own closure, so they stay with it.
  std::sort(Pending.begin(), Pending.end(),
            [this](const Deferred &A, const Deferred &B) {
              if (A.Loc.isValid() && B.Loc.isValid() && A.Loc != B.Loc)
                return SM.isBeforeInTranslationUnit(A.Loc, B.Loc);
              if (A.Loc.isValid() != B.Loc.isValid())
                return A.Loc.isValid();
              return A.Order < B.Order;
            });
  for (Deferred &D : Pending)
    D.Emit();
  Pending.clear();
}

void DiagnosticReporter::awaitOutsideAsync(SourceLocation AwaitLoc,
                                           StringRef Function,
                                           SourceLocation AddAsyncAt) {
  HasErrors = true;
  defer(AwaitLoc, [this, AwaitLoc, Function = Function.str(), AddAsyncAt] {
    DiagnosticBuilder DB =
        report(DiagnosticsEngine::Error, AwaitLoc, "coast-await-outside-async",
               "'await' in '" + Function + "', which is not async");
    if (AddAsyncAt.isValid())
      DB << FixItHint::CreateInsertion(AddAsyncAt,
                                       Keywords ? "async " : "coast_async ");
  });
}

void DiagnosticReporter::syncCall(SourceRange Call, StringRef Callee,
                                  SourceLocation CalleeDecl) {
  HasErrors = true;
  defer(Call.getBegin(), [this, Call, Callee = Callee.str(), CalleeDecl] {
    {
      DiagnosticBuilder DB = report(
          DiagnosticsEngine::Error, Call.getBegin(), "coast-sync-call",
          "async function '" + Callee +
              "' called from a synchronous function; its future must be run "
              "by coast_block_on");
      DB << Call;
      wrapFixIt(DB, Call, "coast_block_on");
    }
    if (CalleeDecl.isValid())
      report(DiagnosticsEngine::Note, CalleeDecl, "",
             "'" + Callee + "' declared async here");
  });
}

void DiagnosticReporter::unawaitedFuture(SourceRange Call, StringRef Callee) {
  HasErrors = true;
  defer(Call.getBegin(), [this, Call, Callee = Callee.str()] {
    DiagnosticBuilder DB = report(
        DiagnosticsEngine::Error, Call.getBegin(), "coast-unawaited-future",
        "future of async function '" + Callee + "' is never awaited");
    DB << Call;
    wrapFixIt(DB, Call, Keywords ? "await" : "coast_await");
  });
}

void DiagnosticReporter::notAFuture(SourceRange Operand, StringRef Operation) {
  HasErrors = true;
  defer(Operand.getBegin(), [this, Operand, Operation = Operation.str()] {
    DiagnosticBuilder DB = report(
        DiagnosticsEngine::Error, Operand.getBegin(), "coast-not-a-future",
        "operand of '" + Operation + "' must be a call of an async function");
    DB << Operand;
  });
}

void DiagnosticReporter::blockOnInAsync(SourceRange Whole,
                                        SourceLocation MacroName) {
  HasErrors = true;
  defer(Whole.getBegin(), [this, Whole, MacroName] {
    DiagnosticBuilder DB = report(
        DiagnosticsEngine::Error, Whole.getBegin(), "coast-block-on-in-async",
        "coast_block_on in an async function would block the worker running "
        "its task (the runtime refuses it with -EDEADLK); await the future");
    DB << Whole;
    if (MacroName.isValid())
      DB << FixItHint::CreateReplacement(
          CharSourceRange::getTokenRange(MacroName),
          Keywords ? "await" : "coast_await");
  });
}

void DiagnosticReporter::dynCallNeedsBox(SourceRange Call, StringRef Pointer) {
  HasErrors = true;
  defer(Call.getBegin(), [this, Call, Pointer = Pointer.str()] {
    DiagnosticBuilder DB =
        report(DiagnosticsEngine::Error, Call.getBegin(),
               "coast-dyn-call-needs-box",
               "call through async function pointer '" + Pointer +
                   "' must be boxed: the callee's frame size is known only "
                   "at run time");
    DB << Call;
    wrapFixIt(DB, Call, Keywords ? "box" : "coast_box");
  });
}

void DiagnosticReporter::fnptrMismatch(SourceRange Where, StringRef Message,
                                       SourceLocation Target,
                                       StringRef TargetNote) {
  HasErrors = true;
  defer(Where.getBegin(), [this, Where, Message = Message.str(), Target,
                           TargetNote = TargetNote.str()] {
    {
      DiagnosticBuilder DB = report(DiagnosticsEngine::Error, Where.getBegin(),
                                    "coast-fnptr-mismatch", Message);
      DB << Where;
    }
    if (Target.isValid())
      report(DiagnosticsEngine::Note, Target, "", TargetNote);
  });
}

void DiagnosticReporter::recursionNeedsBox(SourceLocation Definition,
                                           StringRef Function,
                                           CharSourceRange Replace,
                                           SourceLocation InsertAt,
                                           StringRef With,
                                           ArrayRef<CycleCall> Calls) {
  HasErrors = true;
  defer(Definition, [this, Definition, Function = Function.str(), Replace,
                     InsertAt, With = With.str(),
                     Calls =
                         std::vector<CycleCall>(Calls.begin(), Calls.end())] {
    {
      DiagnosticBuilder DB =
          report(DiagnosticsEngine::Error, Definition,
                 "coast-recursion-needs-box",
                 "recursion in an async function requires boxing: make '" +
                     Function + "' box_async");
      if (Replace.isValid())
        DB << FixItHint::CreateReplacement(Replace, With);
      else if (InsertAt.isValid())
        DB << FixItHint::CreateInsertion(InsertAt, With);
    }
    for (const CycleCall &C : Calls)
      report(DiagnosticsEngine::Note, C.Loc, "",
             C.Caller == C.Callee
                 ? "'" + C.Caller + "' awaits itself here"
                 : "'" + C.Caller + "' awaits '" + C.Callee + "' here");
  });
}

/// The note that says why \p Local does not outlive the scope \p Scope.
static std::string scopeLimitNote(CheckHandler::ScopeLimit Limit,
                                  const std::string &Local,
                                  const std::string &Scope,
                                  const std::string &Function) {
  using L = CheckHandler::ScopeLimit;
  switch (Limit) {
  case L::None:
    return "use a coast_scope (coast_scope_spawn) so the task cannot outlive "
           "'" +
           Local + "'";
  case L::DeclaredAfter:
    return "scope '" + Scope + "' declared here: its tasks may borrow only "
           "locals declared before it";
  case L::InnerBlock:
    return "scope '" + Scope + "' declared here: '" + Local +
           "' is declared in a block that ends before the scope's";
  case L::NotLocal:
    return "scope '" + Scope + "' is not a local of '" + Function +
           "': it may be joined after '" + Function + "' returns";
  }
  llvm_unreachable("unknown scope limit");
}

void DiagnosticReporter::spawnBorrowsLocal(SourceRange Arg, StringRef Spawn,
                                           StringRef Local,
                                           SourceLocation LocalDecl,
                                           StringRef Function, ScopeLimit Limit,
                                           StringRef Scope,
                                           SourceLocation ScopeLoc) {
  HasErrors = true;
  defer(Arg.getBegin(), [this, Arg, Spawn = Spawn.str(), Local = Local.str(),
                         LocalDecl, Function = Function.str(), Limit,
                         Scope = Scope.str(), ScopeLoc] {
    std::string Text =
        Limit == ScopeLimit::None
            ? "future spawned with " + Spawn + " borrows local '" + Local +
                  "' of '" + Function + "'"
            : "future spawned into scope '" + Scope + "' borrows local '" +
                  Local + "' of '" + Function +
                  "', which does not outlive the scope";
    {
      DiagnosticBuilder DB = report(DiagnosticsEngine::Error, Arg.getBegin(),
                                    "coast-spawn-borrows-local", Text);
      DB << Arg;
    }
    report(DiagnosticsEngine::Note, LocalDecl, "",
           "'" + Local + "' declared here");
    report(DiagnosticsEngine::Note,
           Limit == ScopeLimit::None ? Arg.getBegin() : ScopeLoc, "",
           scopeLimitNote(Limit, Local, Scope, Function));
  });
}

void DiagnosticReporter::scopeEscapes(SourceLocation Use, StringRef Scope,
                                      StringRef Function, StringRef How,
                                      SourceLocation ScopeDecl) {
  errorWithNote(Use, "coast-spawn-borrows-local",
                "scope '" + Scope.str() + "' escapes '" + Function.str() +
                    "': " + How.str(),
                ScopeDecl,
                "scope '" + Scope.str() +
                    "' declared here: its tasks borrow locals, so only "
                    "coast_scope_spawn, coast_scope_join and futures it "
                    "outlives may use it");
}

void DiagnosticReporter::mustDestructLeak(SourceLocation Decl, StringRef Name,
                                          bool Dropped,
                                          ArrayRef<SourceLocation> Exits) {
  HasErrors = true;
  defer(Decl, [this, Decl, Name = Name.str(), Dropped,
               Exits =
                   std::vector<SourceLocation>(Exits.begin(), Exits.end())] {
    report(DiagnosticsEngine::Error, Decl, "coast-must-destruct-leak",
           Dropped ? "owned value returned by '" + Name +
                         "' is never destructed: keep it in a local or pass "
                         "it to a destructor"
                   : "must_destruct value '" + Name +
                         "' is not destructed on every path");
    for (SourceLocation Exit : Exits)
      report(DiagnosticsEngine::Note, Exit, "",
             "'" + Name + "' is still owned when this path leaves its scope");
  });
}

void DiagnosticReporter::errorWithNote(SourceLocation Loc, StringRef Name,
                                       std::string Text, SourceLocation NoteLoc,
                                       std::string NoteText) {
  HasErrors = true;
  defer(Loc, [this, Loc, Name = Name.str(), Text = std::move(Text), NoteLoc,
              NoteText = std::move(NoteText)] {
    report(DiagnosticsEngine::Error, Loc, Name, Text);
    report(DiagnosticsEngine::Note, NoteLoc, "", NoteText);
  });
}

void DiagnosticReporter::useAfterDestruct(SourceLocation Use, StringRef Name,
                                          SourceLocation ConsumedAt,
                                          StringRef How) {
  errorWithNote(Use, "coast-use-after-destruct",
                "'" + Name.str() + "' is used after it was consumed",
                ConsumedAt, "'" + Name.str() + "' " + How.str() + " here");
}

void DiagnosticReporter::doubleDestruct(SourceLocation At, StringRef Name,
                                        SourceLocation FirstAt, StringRef How) {
  errorWithNote(At, "coast-double-destruct",
                "'" + Name.str() + "' is consumed twice", FirstAt,
                "'" + Name.str() + "' " + How.str() + " here");
}

void DiagnosticReporter::overwriteOwned(SourceLocation Assign, StringRef Name,
                                        SourceLocation Decl) {
  errorWithNote(Assign, "coast-overwrite-owned",
                "assignment to '" + Name.str() +
                    "', which still owns a must_destruct value: destruct it "
                    "first",
                Decl, "'" + Name.str() + "' declared here");
}

void DiagnosticReporter::asyncDestructorContext(SourceRange Call,
                                                StringRef Destructor,
                                                bool InAsync) {
  HasErrors = true;
  defer(Call.getBegin(), [this, Call, Destructor = Destructor.str(), InAsync] {
    DiagnosticBuilder DB = report(
        DiagnosticsEngine::Error, Call.getBegin(),
        "coast-async-destructor-context",
        InAsync ? "async destructor '" + Destructor + "' must be awaited"
                : "async destructor '" + Destructor +
                      "' called from a synchronous function must run through "
                      "coast_block_on");
    DB << Call;
    wrapFixIt(DB, Call,
              InAsync ? (Keywords ? "await" : "coast_await")
                      : "coast_block_on");
  });
}

/// One or two notes per reason: where the value, lock or future comes
/// from, and the await it crosses.
void DiagnosticReporter::notSendNotes(ArrayRef<NotSendReason> Reasons) {
  auto Note = [this](SourceLocation Loc, const std::string &Text) {
    return report(DiagnosticsEngine::Note, Loc, "", Text);
  };
  for (const NotSendReason &R : Reasons) {
    std::string Q = "'" + R.Name + "'";
    switch (R.Kind) {
    case NotSendKind::Value:
      Note(R.Decl,
           Q + " is not Send: its type reaches not_send '" + R.Type + "'");
      Note(R.Await, Q + " is live across this await");
      break;
    case NotSendKind::ThreadLocal:
      Note(R.Decl, Q + " points to a thread-local object");
      if (R.Await.isValid())
        Note(R.Await, Q + " is used across this await, maybe on another "
                          "thread");
      break;
    case NotSendKind::Lock:
      Note(R.Decl, "blocking lock " + Q + " taken here");
      Note(R.Await, Q + " is held across this await");
      break;
    case NotSendKind::AwaitsNotSend:
      Note(R.Await, "the future of " + Q + ", awaited here, is not Send");
      break;
    case NotSendKind::Unbound: {
      if (R.Await.isValid())
        Note(R.Await, Q + " awaited here");
      DiagnosticBuilder DB =
          Note(R.Decl, "the future of " + Q +
                           " is not guaranteed Send: it is not declared "
                           "returns_send");
      if (R.AddReturnsSendAt.isValid())
        DB << FixItHint::CreateInsertion(R.AddReturnsSendAt,
                                         Keywords ? "returns_send "
                                                  : "coast_returns_send ");
      break;
    }
    case NotSendKind::Parameter:
      Note(R.Decl, "parameter " + Q +
                       " is not Send: its type reaches "
                       "not_send '" +
                       R.Type +
                       "', and the future holds it "
                       "until its first poll");
      break;
    }
  }
}

void DiagnosticReporter::spawnNotSend(SourceRange Call, StringRef Future,
                                      ArrayRef<NotSendReason> Reasons) {
  HasErrors = true;
  defer(Call.getBegin(),
        [this, Call, Future = Future.str(),
         Reasons = std::vector<NotSendReason>(Reasons.begin(), Reasons.end())] {
          {
            DiagnosticBuilder DB =
                report(DiagnosticsEngine::Error, Call.getBegin(),
                       "coast-spawn-not-send",
                       "coast_spawn needs a Send future, and the future of '" +
                           Future + "' is not Send");
            DB << Call;
          }
          notSendNotes(Reasons);
        });
}

void DiagnosticReporter::returnsSendViolated(SourceLocation Definition,
                                             StringRef Function,
                                             ArrayRef<NotSendReason> Reasons) {
  HasErrors = true;
  defer(Definition, [this, Definition, Function = Function.str(),
                     Reasons = std::vector<NotSendReason>(Reasons.begin(),
                                                          Reasons.end())] {
    report(DiagnosticsEngine::Error, Definition, "coast-returns-send-violated",
           "'" + Function +
               "' is declared returns_send, but its future is not Send");
    notSendNotes(Reasons);
  });
}

void DiagnosticReporter::lockAcrossAwait(SourceLocation Await, StringRef Lock,
                                         SourceLocation Acquired) {
  defer(Await, [this, Await, Lock = Lock.str(), Acquired] {
    report(DiagnosticsEngine::Warning, Await, "coast-lock-across-await",
           "blocking lock '" + Lock +
               "' may be held across this await; the task may resume on "
               "another thread, and other tasks needing it block their "
               "workers");
    report(DiagnosticsEngine::Note, Acquired, "", "'" + Lock + "' locked here");
  });
}

void DiagnosticReporter::readyCompanionShape(SourceLocation Companion,
                                             StringRef Name, StringRef Function,
                                             StringRef Shape,
                                             SourceLocation FunctionDecl) {
  defer(Companion,
        [this, Companion, Name = Name.str(), Function = Function.str(),
         Shape = Shape.str(), FunctionDecl] {
          report(DiagnosticsEngine::Warning, Companion, "coast-ready-companion",
                 "'" + Name + "' is not the ready companion of '" + Function +
                     "', which is a function of type '" + Shape +
                     "' and not async; awaits of '" + Function +
                     "' start its frame without calling it");
          report(DiagnosticsEngine::Note, FunctionDecl, "",
                 "async function '" + Function + "' declared here");
        });
}

void DiagnosticReporter::unsupported(SourceLocation Loc, StringRef Reason) {
  HasErrors = true;
  defer(Loc, [this, Loc, Reason = Reason.str()] {
    report(DiagnosticsEngine::Error, Loc, "coast-unsupported", Reason);
  });
}

void DiagnosticReporter::attribute(SourceLocation Loc, StringRef Message,
                                   SourceLocation Note, StringRef NoteText) {
  HasErrors = true;
  defer(Loc,
        [this, Loc, Message = Message.str(), Note, NoteText = NoteText.str()] {
          report(DiagnosticsEngine::Error, Loc, "coast-attribute", Message);
          if (Note.isValid())
            report(DiagnosticsEngine::Note, Note, "", NoteText);
        });
}

} // namespace coast
