//===- AsyncCallChecks.cpp - Where futures are created and consumed -------===//

#include "AsyncCallChecks.h"
#include "CoastAttrs.h"
#include "MustDestructTypes.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace coast {

CheckHandler::~CheckHandler() = default;

void AsyncCallChecks::enterFunction(const FunctionDecl *FD) {
  Current = FD;
  CurrentIsAsync = isAsyncFunction(FD);
  OfferedAsyncFix = false;
}

void AsyncCallChecks::visitMark(const Mark &M, const char *Unevaluated) {
  if (!Current)
    return;
  if (Unevaluated) {
    if (M.Kind == MarkKind::Await)
      Handler.unsupported(M.Whole->getBeginLoc(),
                          ("'await' in the operand of '" +
                           llvm::StringRef(Unevaluated) +
                           "', which is never evaluated; await outside it")
                              .str());
    return;
  }
  if (M.Kind == MarkKind::Await && !CurrentIsAsync)
    reportAwaitOutsideAsync(M.Whole);
  if (M.Kind == MarkKind::BlockOn && CurrentIsAsync)
    reportBlockOnInAsync(M.Whole);
  const Expr *Operand = M.Operand;
  // Clang has reported what is wrong with it.
  if (Operand->containsErrors())
    return;
  // await(coast_timeout(...)): the await consumes the race, the race
  // its arms, each arm its call.
  if (std::optional<Mark> Race = awaitedRace(M)) {
    Consumed.insert(Race->Whole);
    return;
  }
  if (isRaceMark(M.Kind) && !checkRace(M))
    return;
  if (M.Kind == MarkKind::Arm && !Consumed.count(M.Whole))
    Handler.unsupported(M.Whole->getBeginLoc(),
                        "'coast_arm' outside 'coast_first'; race futures "
                        "with await(coast_first(coast_arm(f(x), &out), "
                        "...))");
  if (M.Kind == MarkKind::Timeout || M.Kind == MarkKind::Arm)
    checkOut(M);
  // await(box(p(x))): the box consumes the call, the await the box.
  if (std::optional<Mark> Inner = operandMark(M);
      Inner && Inner->Kind == MarkKind::Box && M.Kind != MarkKind::Box) {
    Consumed.insert(Inner->Whole);
    return;
  }
  if (M.Kind == MarkKind::Box) {
    checkBox(M);
    return;
  }
  // await(p(x)) through an async pointer: coast-dyn-call-needs-box, from
  // visitCallExpr, and nothing else.
  if (const auto *CE = dyn_cast<CallExpr>(Operand);
      CE && isAsyncPointerCallee(CE->getCallee())) {
    Consumed.insert(Operand);
    return;
  }
  if (!asyncCallee(Operand)) {
    Handler.notAFuture(Operand->getSourceRange(), markName(M.Kind));
    return;
  }
  Consumed.insert(Operand);
}

void AsyncCallChecks::visitCallExpr(const CallExpr *CE,
                                    const char *Unevaluated) {
  if (Current && !Unevaluated && isAsyncPointerCallee(CE->getCallee()) &&
      !Boxed.count(CE)) {
    Handler.dynCallNeedsBox(CE->getSourceRange(), calleeName(CE));
    return;
  }
  const FunctionDecl *Callee = asyncCallee(CE);
  if (!Callee || !Current || Unevaluated || Consumed.count(CE))
    return;
  // An async destructor's call is coast-async-destructor-context.
  if (destructedRecord(Callee))
    return;
  if (CurrentIsAsync)
    Handler.unawaitedFuture(CE->getSourceRange(), Callee->getName());
  else
    Handler.syncCall(CE->getSourceRange(), Callee->getName(),
                     Callee->getLocation());
}

/// A race is a future: an await must consume it. coast_first's operands
/// must be arms; coast_timeout's is checked like an await's. False when
/// nothing is left to check.
bool AsyncCallChecks::checkRace(const Mark &M) {
  if (!Consumed.count(M.Whole)) {
    if (CurrentIsAsync)
      Handler.unawaitedFuture(M.Whole->getSourceRange(), markName(M.Kind));
    else
      Handler.unsupported(M.Whole->getBeginLoc(),
                          std::string("'") + markName(M.Kind) +
                              "' outside 'await'; races run only in "
                              "async functions");
  }
  if (M.Kind == MarkKind::Timeout)
    return true;
  std::vector<Mark> Arms = raceArms(M);
  for (const Mark &Arm : Arms)
    Consumed.insert(Arm.Whole);
  for (const Expr *E : firstOperands(M)) {
    std::optional<Mark> Arm = matchMark(E);
    if (!Arm || Arm->Kind != MarkKind::Arm)
      Handler.notAFuture(E->getSourceRange(), markName(M.Kind));
  }
  if (Arms.size() > MaxRaceArms)
    Handler.unsupported(M.Whole->getBeginLoc(),
                        "'coast_first' takes at most " +
                            std::to_string(MaxRaceArms) + " arms");
  return false;
}

/// The race copies the winner's result to out: it must be NULL or
/// point to a writable object of the call's result type (or be void *);
/// a void call's out is NULL.
void AsyncCallChecks::checkOut(const Mark &M) {
  std::optional<FutureCall> FC = futureCall(M);
  if (!FC || M.Out->containsErrors())
    return;
  ASTContext &Ctx = Current->getASTContext();
  if (M.Out->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
    return;
  QualType Result = FC->Proto->getReturnType();
  QualType T = M.Out->getType();
  const auto *PT = T->getAs<PointerType>();
  QualType Pointee = PT ? PT->getPointeeType() : QualType();
  if (PT && !Result->isVoidType() && !Pointee.isConstQualified() &&
      (Pointee->isVoidType() ||
       Ctx.typesAreCompatible(Pointee.getUnqualifiedType(),
                              Result.getUnqualifiedType())))
    return;
  std::string Want = Result->isVoidType()
                         ? "NULL: the call returns nothing"
                         : "NULL or a pointer to '" +
                               Result.getUnqualifiedType().getAsString(
                                   Ctx.getPrintingPolicy()) +
                               "', the call's result";
  Handler.unsupported(
      M.Out->getBeginLoc(),
      std::string("the out pointer of '") + markName(M.Kind) + "' has type '" +
          T.getAsString(Ctx.getPrintingPolicy()) + "'; it must be " + Want);
}

/// box(call) creates a future like a direct call does: something must
/// consume it.
void AsyncCallChecks::checkBox(const Mark &M) {
  const auto *CE = dyn_cast<CallExpr>(M.Operand);
  if (!CE) {
    Handler.notAFuture(M.Operand->getSourceRange(), markName(M.Kind));
    // One error is enough for box(box(p(x))).
    if (std::optional<Mark> Inner = operandMark(M))
      Consumed.insert(Inner->Whole);
    return;
  }
  if (!asyncCallee(CE) && !isAsyncPointerCallee(CE->getCallee())) {
    Handler.notAFuture(M.Operand->getSourceRange(), markName(M.Kind));
    return;
  }
  Consumed.insert(CE);
  Boxed.insert(CE);
  if (Consumed.count(M.Whole))
    return;
  const NamedDecl *Callee = pointerDecl(CE->getCallee());
  StringRef Name = calleeName(CE);
  if (CurrentIsAsync)
    Handler.unawaitedFuture(M.Whole->getSourceRange(), Name);
  else
    Handler.syncCall(M.Whole->getSourceRange(), Name,
                     Callee ? Callee->getLocation() : SourceLocation());
}

StringRef AsyncCallChecks::calleeName(const CallExpr *CE) {
  const NamedDecl *Callee = pointerDecl(CE->getCallee());
  return Callee && Callee->getIdentifier() ? Callee->getName()
                                           : "function pointer";
}

void AsyncCallChecks::reportBlockOnInAsync(const Expr *Whole) {
  // The fix replaces the macro's name, when the user spelled it: not when
  // coast_block_on comes from another macro's body.
  const SourceManager &SM = Current->getASTContext().getSourceManager();
  SourceLocation Name = SM.getExpansionLoc(Whole->getBeginLoc());
  StringRef Spelled =
      Lexer::getSourceText(CharSourceRange::getTokenRange(Name), SM,
                           Current->getASTContext().getLangOpts());
  if (Spelled != "coast_block_on")
    Name = SourceLocation();
  Handler.blockOnInAsync(Whole->getSourceRange(), Name);
}

void AsyncCallChecks::reportAwaitOutsideAsync(const Expr *Whole) {
  // main cannot be async: its awaits want coast_block_on instead.
  SourceLocation Fix;
  if (!OfferedAsyncFix && !Current->isMain() &&
      Current->getBeginLoc().isFileID())
    Fix = Current->getBeginLoc();
  OfferedAsyncFix = true;
  Handler.awaitOutsideAsync(Whole->getBeginLoc(), Current->getName(), Fix);
}

} // namespace coast
