//===- AsyncCallChecks.cpp - Where futures are created and consumed -------===//

#include "AsyncCallChecks.h"
#include "AsyncAST.h"
#include "CoastAttrs.h"
#include "EvaluatedVisitor.h"
#include "MustDestructTypes.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace coast {

CheckHandler::~CheckHandler() = default;

namespace {

class AsyncCallVisitor : public EvaluatedVisitor<AsyncCallVisitor> {
public:
  explicit AsyncCallVisitor(CheckHandler &H) : Handler(H) {}

  bool TraverseFunctionDecl(FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody())
      return true;
    Current = FD;
    CurrentIsAsync = isAsyncFunction(FD);
    OfferedAsyncFix = false;
    bool Result = EvaluatedVisitor::TraverseFunctionDecl(FD);
    Current = nullptr;
    return Result;
  }

  // Pre-order: a mark is seen before the call it consumes.
  bool VisitParenExpr(ParenExpr *PE) {
    std::optional<Mark> M = matchMark(PE);
    if (!M || !Current)
      return true;
    if (Unevaluated) {
      if (M->Kind == MarkKind::Await)
        Handler.unsupported(PE->getBeginLoc(),
                            ("'await' in the operand of '" +
                             llvm::StringRef(Unevaluated) +
                             "', which is never evaluated; await outside it")
                                .str());
      return true;
    }
    if (M->Kind == MarkKind::Await && !CurrentIsAsync)
      reportAwaitOutsideAsync(PE);
    if (M->Kind == MarkKind::BlockOn && CurrentIsAsync)
      reportBlockOnInAsync(PE);
    const Expr *Operand = M->Operand;
    // Clang has reported what is wrong with it.
    if (Operand->containsErrors())
      return true;
    // await(coast_timeout(...)): the await consumes the race, the race
    // its arms, each arm its call.
    if (std::optional<Mark> Race = awaitedRace(*M)) {
      Consumed.insert(Race->Whole);
      return true;
    }
    if (isRaceMark(M->Kind) && !checkRace(*M))
      return true;
    if (M->Kind == MarkKind::Arm && !Consumed.count(M->Whole))
      Handler.unsupported(PE->getBeginLoc(),
                          "'coast_arm' outside 'coast_first'; race futures "
                          "with await(coast_first(coast_arm(f(x), &out), "
                          "...))");
    if (M->Kind == MarkKind::Timeout || M->Kind == MarkKind::Arm)
      checkOut(*M);
    // await(box(p(x))): the box consumes the call, the await the box.
    if (std::optional<Mark> Inner = operandMark(*M);
        Inner && Inner->Kind == MarkKind::Box && M->Kind != MarkKind::Box) {
      Consumed.insert(Inner->Whole);
      return true;
    }
    if (M->Kind == MarkKind::Box)
      return checkBox(*M);
    // await(p(x)) through an async pointer: coast-dyn-call-needs-box, from
    // VisitCallExpr, and nothing else.
    if (const auto *CE = dyn_cast<CallExpr>(Operand);
        CE && isAsyncPointerCallee(CE->getCallee())) {
      Consumed.insert(Operand);
      return true;
    }
    if (!asyncCallee(Operand)) {
      Handler.notAFuture(Operand->getSourceRange(), markName(M->Kind));
      return true;
    }
    Consumed.insert(Operand);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (Current && !Unevaluated && isAsyncPointerCallee(CE->getCallee()) &&
        !Boxed.count(CE)) {
      Handler.dynCallNeedsBox(CE->getSourceRange(), calleeName(CE));
      return true;
    }
    const FunctionDecl *Callee = asyncCallee(CE);
    if (!Callee || !Current || Unevaluated || Consumed.count(CE))
      return true;
    // An async destructor's call is coast-async-destructor-context.
    if (destructedRecord(Callee))
      return true;
    if (CurrentIsAsync)
      Handler.unawaitedFuture(CE->getSourceRange(), Callee->getName());
    else
      Handler.syncCall(CE->getSourceRange(), Callee->getName(),
                       Callee->getLocation());
    return true;
  }

  bool traverseUnevaluated(Expr *E, const char *Operator) {
    const char *Outer = Unevaluated;
    if (!Outer)
      Unevaluated = Operator;
    bool Result = TraverseStmt(E);
    Unevaluated = Outer;
    return Result;
  }

private:
  /// A race is a future: an await must consume it. coast_first's operands
  /// must be arms; coast_timeout's is checked like an await's. False when
  /// nothing is left to check.
  bool checkRace(const Mark &M) {
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
  void checkOut(const Mark &M) {
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
    Handler.unsupported(M.Out->getBeginLoc(),
                        std::string("the out pointer of '") + markName(M.Kind) +
                            "' has type '" +
                            T.getAsString(Ctx.getPrintingPolicy()) +
                            "'; it must be " + Want);
  }

  /// box(call) creates a future like a direct call does: something must
  /// consume it.
  bool checkBox(const Mark &M) {
    const auto *CE = dyn_cast<CallExpr>(M.Operand);
    if (!CE) {
      Handler.notAFuture(M.Operand->getSourceRange(), markName(M.Kind));
      // One error is enough for box(box(p(x))).
      if (std::optional<Mark> Inner = operandMark(M))
        Consumed.insert(Inner->Whole);
      return true;
    }
    if (!asyncCallee(CE) && !isAsyncPointerCallee(CE->getCallee())) {
      Handler.notAFuture(M.Operand->getSourceRange(), markName(M.Kind));
      return true;
    }
    Consumed.insert(CE);
    Boxed.insert(CE);
    if (Consumed.count(M.Whole))
      return true;
    const NamedDecl *Callee = pointerDecl(CE->getCallee());
    StringRef Name = calleeName(CE);
    if (CurrentIsAsync)
      Handler.unawaitedFuture(M.Whole->getSourceRange(), Name);
    else
      Handler.syncCall(M.Whole->getSourceRange(), Name,
                       Callee ? Callee->getLocation() : SourceLocation());
    return true;
  }

  static StringRef calleeName(const CallExpr *CE) {
    const NamedDecl *Callee = pointerDecl(CE->getCallee());
    return Callee && Callee->getIdentifier() ? Callee->getName()
                                             : "function pointer";
  }

  void reportBlockOnInAsync(const ParenExpr *PE) {
    // The fix replaces the macro's name, when the user spelled it: not when
    // coast_block_on comes from another macro's body.
    const SourceManager &SM = Current->getASTContext().getSourceManager();
    SourceLocation Name = SM.getExpansionLoc(PE->getBeginLoc());
    StringRef Spelled =
        Lexer::getSourceText(CharSourceRange::getTokenRange(Name), SM,
                             Current->getASTContext().getLangOpts());
    if (Spelled != "coast_block_on")
      Name = SourceLocation();
    Handler.blockOnInAsync(PE->getSourceRange(), Name);
  }

  void reportAwaitOutsideAsync(const ParenExpr *PE) {
    // main cannot be async: its awaits want coast_block_on instead.
    SourceLocation Fix;
    if (!OfferedAsyncFix && !Current->isMain() &&
        Current->getBeginLoc().isFileID())
      Fix = Current->getBeginLoc();
    OfferedAsyncFix = true;
    Handler.awaitOutsideAsync(PE->getBeginLoc(), Current->getName(), Fix);
  }

  CheckHandler &Handler;
  const FunctionDecl *Current = nullptr;
  bool CurrentIsAsync = false;
  bool OfferedAsyncFix = false;
  /// The outermost operator ("sizeof") whose operand is being traversed
  /// without being evaluated, or null.
  const char *Unevaluated = nullptr;
  llvm::DenseSet<const Expr *> Consumed;
  /// Calls written inside box(...).
  llvm::DenseSet<const Expr *> Boxed;
};

} // namespace

void runAsyncCallChecks(ASTContext &Ctx, CheckHandler &Handler) {
  AsyncCallVisitor V(Handler);
  V.TraverseDecl(Ctx.getTranslationUnitDecl());
}

} // namespace coast
