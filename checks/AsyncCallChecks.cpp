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
