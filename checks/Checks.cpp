//===- Checks.cpp - Every coast check, in one call ------------------------===//

#include "Checks.h"
#include "AsyncCallChecks.h"
#include "AttributeChecks.h"
#include "EvaluatedVisitor.h"
#include "FnPtrMismatchCheck.h"
#include "LockAcrossAwaitCheck.h"
#include "MustDestructAnalysis.h"
#include "ReadyCompanionCheck.h"
#include "RecursionCheck.h"
#include "ReturnsSendViolatedCheck.h"
#include "SendAnalysis.h"
#include "SpawnBorrowCheck.h"
#include "SpawnNotSendCheck.h"

#include <vector>

using namespace clang;

namespace coast {

namespace {

/// The checks that look at every declaration or expression of the
/// translation unit, wherever it is, share one walk: a walk of the whole
/// unit (every prototype of every header, its parameters and their types)
/// costs far more than what each check does at a node.
///
/// The walk visits what a plain RecursiveASTVisitor visits, in its order
/// (but the sizeof or typeof around an unevaluated operand, which no check
/// looks at), and tells each node to the checks that would have seen it in
/// a walk of their own: AttributeChecks and FnPtrMismatchCheck see
/// everything; AsyncCallChecks and SpawnNotSendCheck walked as
/// EvaluatedVisitors, so they do not see what one skips, AsyncCallChecks
/// sees unevaluated operands as such, SpawnNotSendCheck does not see them,
/// and AsyncCallChecks sees function definitions only. It also lists the
/// definitions the borrow check and the must_destruct analysis have to
/// walk: wherever in a body it finds what they report about, so a superset
/// of what their own walks (EvaluatedVisitors) would.
class CheckWalk : public EvaluatedVisitor<CheckWalk> {
  using Base = EvaluatedVisitor<CheckWalk>;
  using Plain = RecursiveASTVisitor<CheckWalk>;

public:
  CheckWalk(ASTContext &Ctx, SendAnalysis &Send, CheckHandler &Handler)
      : Attributes(Ctx, Handler), AsyncCalls(Handler), FnPtrs(Send, Handler),
        Spawns(Ctx.getSourceManager(), Send, Handler) {}

  bool TraverseFunctionDecl(FunctionDecl *FD) {
    const FunctionDecl *OuterFunction = Function;
    const FunctionDecl *OuterDefinition = Definition;
    bool OuterHidden = HiddenFromAsyncCalls;
    Function = FD;
    bool IsDefinition = FD->doesThisDeclarationHaveABody();
    if (IsDefinition) {
      AsyncCalls.enterFunction(FD);
      if (!Definition) {
        Definition = FD;
        if (ownsParameters(FD))
          candidate(OwnershipCandidates);
      }
    } else {
      HiddenFromAsyncCalls = true;
    }
    bool Result = Base::TraverseFunctionDecl(FD);
    if (IsDefinition)
      AsyncCalls.leaveFunction();
    HiddenFromAsyncCalls = OuterHidden;
    Definition = OuterDefinition;
    Function = OuterFunction;
    return Result;
  }

  /// The definitions the borrow check looks at, in the unit's order.
  llvm::ArrayRef<const FunctionDecl *> borrowCandidates() const {
    return BorrowCandidates;
  }

  /// The definitions the must_destruct analysis looks at (but the async
  /// ones, which it always does).
  llvm::ArrayRef<const FunctionDecl *> ownershipCandidates() const {
    return OwnershipCandidates;
  }

  bool traverseUnevaluated(Expr *E, const char *Operator) {
    const char *Outer = Unevaluated;
    if (!Outer)
      Unevaluated = Operator;
    bool Result = TraverseStmt(E);
    Unevaluated = Outer;
    return Result;
  }

  // EvaluatedVisitor walks the chosen operand alone and the other as
  // unevaluated, not the condition.
  bool TraverseChooseExpr(ChooseExpr *E) {
    if (E->isConditionDependent())
      return hidden([&] { return Plain::TraverseChooseExpr(E); });
    if (!hidden([&] {
          return WalkUpFromChooseExpr(E) && TraverseStmt(E->getCond());
        }))
      return false;
    for (Expr *Operand : {E->getLHS(), E->getRHS()})
      if (!(Operand == E->getChosenSubExpr()
                ? TraverseStmt(Operand)
                : traverseUnevaluated(Operand, "__builtin_choose_expr")))
        return false;
    return true;
  }

  // EvaluatedVisitor walks the selected association alone and the other
  // expressions as unevaluated, not the types.
  bool TraverseGenericSelectionExpr(GenericSelectionExpr *E) {
    if (E->isResultDependent())
      return hidden([&] { return Plain::TraverseGenericSelectionExpr(E); });
    if (!hidden([&] {
          return WalkUpFromGenericSelectionExpr(E) &&
                 (E->isExprPredicate() ||
                  TraverseTypeLoc(E->getControllingType()->getTypeLoc()));
        }))
      return false;
    if (E->isExprPredicate() &&
        !traverseUnevaluated(E->getControllingExpr(), "_Generic"))
      return false;
    for (const GenericSelectionExpr::Association A : E->associations()) {
      if (TypeSourceInfo *TSI = A.getTypeSourceInfo();
          TSI && !hidden([&] { return TraverseTypeLoc(TSI->getTypeLoc()); }))
        return false;
      Expr *Operand = A.getAssociationExpr();
      if (!(Operand == E->getResultExpr()
                ? TraverseStmt(Operand)
                : traverseUnevaluated(Operand, "_Generic")))
        return false;
    }
    return true;
  }

  bool VisitDecl(Decl *D) {
    Attributes.visitDecl(D);
    return true;
  }

  bool VisitRecordDecl(RecordDecl *RD) {
    Attributes.visitRecordDecl(RD);
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    FnPtrs.visitVarDecl(VD);
    if (Definition && isLocalScope(VD))
      candidate(BorrowCandidates);
    if (Definition && ownsLocal(VD))
      candidate(OwnershipCandidates);
    return true;
  }

  bool VisitParenExpr(ParenExpr *PE) {
    std::optional<Mark> M = matchMark(PE);
    if (!M)
      return true;
    // Wherever it is: the borrow check's own walk decides what it sees.
    if (Definition && isSpawnMark(M->Kind))
      candidate(BorrowCandidates);
    if (HiddenFromEvaluated)
      return true;
    if (!HiddenFromAsyncCalls)
      AsyncCalls.visitMark(*M, Unevaluated);
    if (!Unevaluated)
      Spawns.visitMark(*M, Function);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (!HiddenFromEvaluated && !HiddenFromAsyncCalls)
      AsyncCalls.visitCallExpr(CE, Unevaluated);
    FnPtrs.visitCallExpr(CE);
    if (Definition && ownsOrDestructs(CE))
      candidate(OwnershipCandidates);
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    FnPtrs.visitBinaryOperator(BO);
    return true;
  }

  bool VisitInitListExpr(InitListExpr *ILE) {
    FnPtrs.visitInitListExpr(ILE);
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *RS) {
    FnPtrs.visitReturnStmt(RS, Function);
    return true;
  }

  bool VisitCStyleCastExpr(CStyleCastExpr *CE) {
    FnPtrs.visitCStyleCastExpr(CE);
    return true;
  }

private:
  /// Lists the definition walked in \p List, once.
  void candidate(std::vector<const FunctionDecl *> &List) {
    if (List.empty() || List.back() != Definition)
      List.push_back(Definition);
  }

  /// Walks what an EvaluatedVisitor does not visit at all.
  template <typename Walk> bool hidden(Walk W) {
    bool Outer = HiddenFromEvaluated;
    HiddenFromEvaluated = true;
    bool Result = W();
    HiddenFromEvaluated = Outer;
    return Result;
  }

  AttributeChecks Attributes;
  AsyncCallChecks AsyncCalls;
  FnPtrMismatchCheck FnPtrs;
  SpawnNotSendCheck Spawns;
  /// The innermost function declaration walked, a definition or not.
  const FunctionDecl *Function = nullptr;
  /// The function definition walked (a C definition is not nested).
  const FunctionDecl *Definition = nullptr;
  /// Definitions whose body holds a spawn or declares a local coast_scope.
  std::vector<const FunctionDecl *> BorrowCandidates;
  /// Definitions that own a parameter or a local, or call what returns an
  /// owned value or destructs one.
  std::vector<const FunctionDecl *> OwnershipCandidates;
  /// The outermost operator ("sizeof") whose operand, which C never
  /// evaluates, the walk is in; null in evaluated code.
  const char *Unevaluated = nullptr;
  bool HiddenFromEvaluated = false;
  /// In a function declaration that is not a definition.
  bool HiddenFromAsyncCalls = false;
};

} // namespace

void runAllChecks(clang::ASTContext &Ctx, CheckHandler &Handler,
                  FunctionAnalyses &Analyses) {
  runRecursionCheck(Ctx, Handler);
  SendAnalysis Send(Ctx, Analyses);
  CheckWalk Walk(Ctx, Send, Handler);
  Walk.TraverseDecl(Ctx.getTranslationUnitDecl());
  runReturnsSendViolatedCheck(Send, Handler);
  runLockAcrossAwaitCheck(Send, Handler);
  runMustDestructAnalysis(Ctx, Handler, Analyses, Walk.ownershipCandidates());
  runSpawnBorrowCheck(Ctx, Handler, Walk.borrowCandidates());
  runReadyCompanionCheck(Ctx, Handler);
}

} // namespace coast
