//===- FnPtrMismatchCheck.cpp - Async and sync function pointers apart ----===//

#include "FnPtrMismatchCheck.h"
#include "AsyncAST.h"
#include "CoastAttrs.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/DenseSet.h"

#include <string>

using namespace clang;

namespace coast {

namespace {

enum class Kind { Unknown, Sync, Async };

bool isFunctionPointerType(QualType T) {
  if (const auto *PT = T->getAs<PointerType>())
    return PT->getPointeeType()->isFunctionType();
  return false;
}

/// What a destination of type \p T, declared by \p D (may be null), holds.
Kind targetKind(const Decl *D, QualType T) {
  if ((D && hasCoastAttr(D, CoastAttr::Async)) || isAsyncPointerType(T))
    return Kind::Async;
  return isFunctionPointerType(T) ? Kind::Sync : Kind::Unknown;
}

/// What a value is, and its name for messages.
Kind valueKind(const Expr *E, std::string &Name) {
  const ValueDecl *D = namedDecl(E);
  if (!D)
    return Kind::Unknown;
  Name = D->getNameAsString();
  if (const auto *FD = dyn_cast<FunctionDecl>(D))
    return isAsyncFunction(FD) ? Kind::Async : Kind::Sync;
  return targetKind(D, D->getType());
}

class MismatchVisitor : public RecursiveASTVisitor<MismatchVisitor> {
public:
  explicit MismatchVisitor(CheckHandler &H) : Handler(H) {}

  bool TraverseFunctionDecl(FunctionDecl *FD) {
    const FunctionDecl *Outer = Current;
    Current = FD;
    bool R = RecursiveASTVisitor::TraverseFunctionDecl(FD);
    Current = Outer;
    return R;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      check(BO->getRHS(), namedDecl(BO->getLHS()), BO->getLHS()->getType());
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (const Expr *Init = VD->getInit(); Init && !isa<InitListExpr>(Init))
      check(Init, VD, VD->getType());
    return true;
  }

  bool VisitInitListExpr(InitListExpr *ILE) {
    // The traversal may show either form; the semantic one maps inits to
    // fields, and is checked once.
    if (!ILE->isSemanticForm())
      ILE = ILE->getSemanticForm();
    if (!ILE || !Seen.insert(ILE).second)
      return true;
    const auto *RT = ILE->getType()->getAs<RecordType>();
    if (!RT)
      return true;
    unsigned I = 0;
    for (const FieldDecl *F : RT->getDecl()->fields()) {
      if (I >= ILE->getNumInits())
        break;
      if (const Expr *Init = ILE->getInit(I++))
        check(Init, F, F->getType());
    }
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee)
      return true;
    for (unsigned I = 0; I < CE->getNumArgs() && I < Callee->getNumParams();
         ++I)
      check(CE->getArg(I), Callee->getParamDecl(I),
            Callee->getParamDecl(I)->getType());
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *RS) {
    if (Current && RS->getRetValue())
      check(RS->getRetValue(), nullptr, Current->getReturnType());
    return true;
  }

  bool VisitCStyleCastExpr(CStyleCastExpr *CE) {
    check(CE->getSubExpr(), nullptr, CE->getTypeAsWritten());
    return true;
  }

private:
  void check(const Expr *Value, const Decl *Target, QualType TargetType) {
    Kind To = targetKind(Target, TargetType);
    std::string Name;
    Kind From = valueKind(Value, Name);
    if (To == Kind::Unknown || From == Kind::Unknown || To == From)
      return;
    std::string What =
        Target && isa<NamedDecl>(Target)
            ? " '" + cast<NamedDecl>(Target)->getNameAsString() + "'"
            : "";
    std::string Message =
        From == Kind::Async
            ? "async '" + Name + "' where a synchronous function pointer" +
                  What +
                  " is expected; its value is an async function's, callable "
                  "only with box(...)"
            : "synchronous '" + Name + "' where an async function pointer" +
                  What + " is expected";
    SourceLocation Note = Target ? Target->getLocation() : SourceLocation();
    Handler.fnptrMismatch(Value->getSourceRange(), Message, Note,
                          To == Kind::Async ? "declared async here"
                                            : "declared synchronous here");
  }

  CheckHandler &Handler;
  const FunctionDecl *Current = nullptr;
  llvm::DenseSet<const InitListExpr *> Seen;
};

} // namespace

void runFnPtrMismatchCheck(ASTContext &Ctx, CheckHandler &Handler) {
  MismatchVisitor V(Handler);
  V.TraverseDecl(Ctx.getTranslationUnitDecl());
}

} // namespace coast
