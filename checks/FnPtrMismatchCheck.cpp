//===- FnPtrMismatchCheck.cpp - Async and sync function pointers apart ----===//

#include "FnPtrMismatchCheck.h"
#include "AsyncAST.h"
#include "CoastAttrs.h"
#include "SendAnalysis.h"

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

/// What a value is, and the declaration it names.
Kind valueKind(const Expr *E, const ValueDecl *&D) {
  D = pointerDecl(E);
  if (!D)
    return Kind::Unknown;
  if (const auto *FD = dyn_cast<FunctionDecl>(D))
    return isAsyncFunction(FD) ? Kind::Async : Kind::Sync;
  return targetKind(D, D->getType());
}

const InitListExpr *semantic(const InitListExpr *ILE) {
  return ILE->isSemanticForm() ? ILE : ILE->getSemanticForm();
}

const RecordDecl *pointeeRecord(QualType T) {
  const auto *PT = T->getAs<PointerType>();
  const RecordDecl *RD = PT ? PT->getPointeeType()->getAsRecordDecl() : nullptr;
  return RD ? RD->getDefinition() : nullptr;
}

} // namespace

void FnPtrMismatchCheck::visitBinaryOperator(const BinaryOperator *BO) {
  if (BO->getOpcode() == BO_Assign)
    // An element of an array: its type says what it holds.
    check(BO->getRHS(), arrayDecl(BO->getLHS()), BO->getLHS()->getType());
}

void FnPtrMismatchCheck::visitVarDecl(const VarDecl *VD) {
  if (const Expr *Init = VD->getInit(); Init && !isa<InitListExpr>(Init))
    check(Init, VD, VD->getType());
  else if (Init)
    ListOwner[semantic(cast<InitListExpr>(Init))] = VD;
}

void FnPtrMismatchCheck::visitInitListExpr(const InitListExpr *Visited) {
  // The traversal may show either form; the semantic one maps inits to
  // fields, and is checked once.
  const InitListExpr *ILE = semantic(Visited);
  if (!ILE || !Seen.insert(ILE).second)
    return;
  // The declaration whose initializer this list is: `async` on an array
  // of pointers covers its elements, nested lists included.
  const Decl *Owner = ListOwner.lookup(ILE);
  if (const ArrayType *AT = ILE->getType()->getAsArrayTypeUnsafe()) {
    for (const Expr *Init : ILE->inits()) {
      if (const auto *Inner = dyn_cast<InitListExpr>(Init))
        ListOwner[semantic(Inner)] = Owner;
      else
        check(Init, Owner, AT->getElementType());
    }
    return;
  }
  const auto *RT = ILE->getType()->getAs<RecordType>();
  if (!RT)
    return;
  unsigned I = 0;
  for (const FieldDecl *F : RT->getDecl()->fields()) {
    if (I >= ILE->getNumInits())
      break;
    const Expr *Init = ILE->getInit(I++);
    if (const auto *Inner = dyn_cast_or_null<InitListExpr>(Init))
      ListOwner[semantic(Inner)] = F;
    else if (Init)
      check(Init, F, F->getType());
  }
}

void FnPtrMismatchCheck::visitCallExpr(const CallExpr *CE) {
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return;
  for (unsigned I = 0; I < CE->getNumArgs() && I < Callee->getNumParams(); ++I)
    check(CE->getArg(I), Callee->getParamDecl(I),
          Callee->getParamDecl(I)->getType());
}

void FnPtrMismatchCheck::visitReturnStmt(const ReturnStmt *RS,
                                         const FunctionDecl *Function) {
  if (Function && RS->getRetValue())
    check(RS->getRetValue(), nullptr, Function->getReturnType());
}

void FnPtrMismatchCheck::visitCStyleCastExpr(const CStyleCastExpr *CE) {
  check(CE->getSubExpr(), nullptr, CE->getTypeAsWritten());
  checkVtableCast(CE);
}

void FnPtrMismatchCheck::check(const Expr *Value, const Decl *Target,
                               QualType TargetType) {
  // Each value the expression may have: both arms of `?:`, a comma's
  // right side.
  const Expr *E = Value->IgnoreParenImpCasts();
  if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
    check(CO->getTrueExpr(), Target, TargetType);
    check(CO->getFalseExpr(), Target, TargetType);
    return;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(E);
      BO && BO->getOpcode() == BO_Comma)
    return check(BO->getRHS(), Target, TargetType);
  Kind To = targetKind(Target, TargetType);
  const ValueDecl *From = nullptr;
  Kind FromKind = valueKind(Value, From);
  if (To == Kind::Unknown || FromKind == Kind::Unknown)
    return;
  std::string What =
      Target && isa<NamedDecl>(Target)
          ? " '" + cast<NamedDecl>(Target)->getNameAsString() + "'"
          : "";
  if (To == FromKind) {
    if (To == Kind::Async)
      checkBound(Value, From, Target, TargetType, What);
    return;
  }
  std::string Name = From->getNameAsString();
  std::string Message =
      FromKind == Kind::Async
          ? "async '" + Name + "' where a synchronous function pointer" + What +
                " is expected; its value is an async function's, callable "
                "only with box(...)"
          : "synchronous '" + Name + "' where an async function pointer" +
                What + " is expected";
  SourceLocation Note = Target ? Target->getLocation() : SourceLocation();
  Handler.fnptrMismatch(Value->getSourceRange(), Message, Note,
                        To == Kind::Async ? "declared async here"
                                          : "declared synchronous here");
}

/// A returns_send pointer only takes functions whose future is Send
/// and pointers bounded the same way.
void FnPtrMismatchCheck::checkBound(const Expr *Value, const ValueDecl *From,
                                    const Decl *Target, QualType TargetType,
                                    const std::string &What) {
  bool Bound = (Target && hasCoastAttr(Target, CoastAttr::ReturnsSend)) ||
               pointerTypedefWith(TargetType, CoastAttr::ReturnsSend);
  if (!Bound)
    return;
  std::string Name = From->getNameAsString();
  std::string Message;
  if (const auto *FD = dyn_cast<FunctionDecl>(From)) {
    if (Send.isSend(FD))
      return;
    Message = "async '" + Name +
              "' whose future is not Send where a "
              "returns_send function pointer" +
              What + " is expected";
  } else {
    if (isReturnsSendPointer(From))
      return;
    Message = "async function pointer '" + Name +
              "' without returns_send "
              "where a returns_send function pointer" +
              What + " is expected";
  }
  Handler.fnptrMismatch(Value->getSourceRange(), Message,
                        Target ? Target->getLocation() : SourceLocation(),
                        "declared returns_send here");
}

/// A vtable struct whose async pointers are returns_send may be viewed
/// as one of the same shape without the bound, not the other way round:
/// a cast between pointers to them may drop bounds but not add them.
void FnPtrMismatchCheck::checkVtableCast(const CStyleCastExpr *CE) {
  const RecordDecl *To = pointeeRecord(CE->getType());
  const RecordDecl *From = pointeeRecord(CE->getSubExpr()->getType());
  if (!To || !From || To == From)
    return;
  auto ToField = To->field_begin();
  for (const FieldDecl *F : From->fields()) {
    if (ToField == To->field_end())
      return;
    const FieldDecl *T = *ToField++;
    if (targetKind(F, F->getType()) != Kind::Async ||
        targetKind(T, T->getType()) != Kind::Async ||
        !isReturnsSendPointer(T) || isReturnsSendPointer(F))
      continue;
    Handler.fnptrMismatch(
        CE->getSourceRange(),
        "cast adds a returns_send bound: field '" + F->getNameAsString() +
            "' is not returns_send, but '" + T->getNameAsString() + "' in '" +
            CE->getType().getAsString() + "' is",
        F->getLocation(), "declared without returns_send here");
    return;
  }
}

} // namespace coast
