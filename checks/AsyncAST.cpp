//===- AsyncAST.cpp - Recognizing coast's constructs in the AST -----------===//

#include "AsyncAST.h"
#include "CoastAttrs.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"

using namespace clang;

namespace coast {

namespace {

std::optional<MarkKind> markerCall(const Expr *E) {
  const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenImpCasts());
  if (!CE || CE->getNumArgs() != 0)
    return std::nullopt;
  const FunctionDecl *FD = CE->getDirectCallee();
  if (!FD || !FD->getIdentifier())
    return std::nullopt;
  return llvm::StringSwitch<std::optional<MarkKind>>(FD->getName())
      .Case("__coast_await", MarkKind::Await)
      .Case("__coast_box", MarkKind::Box)
      .Case("__coast_block_on", MarkKind::BlockOn)
      .Case("__coast_spawn", MarkKind::Spawn)
      .Default(std::nullopt);
}

const BinaryOperator *asComma(const Expr *E) {
  const auto *BO = dyn_cast<BinaryOperator>(E);
  return BO && BO->getOpcode() == BO_Comma ? BO : nullptr;
}

} // namespace

std::optional<Mark> matchMark(const Expr *E) {
  const auto *PE = dyn_cast<ParenExpr>(E);
  if (!PE)
    return std::nullopt;
  const BinaryOperator *Outer = asComma(PE->getSubExpr());
  if (!Outer)
    return std::nullopt;
  // (__coast_spawn(), (void)(call), (coast_task *)0)
  if (const BinaryOperator *Inner = asComma(Outer->getLHS())) {
    std::optional<MarkKind> K = markerCall(Inner->getLHS());
    if (K != MarkKind::Spawn)
      return std::nullopt;
    const auto *Cast = dyn_cast<CStyleCastExpr>(Inner->getRHS());
    if (!Cast)
      return std::nullopt;
    return Mark{*K, E, Cast->getSubExpr()->IgnoreParens()};
  }
  // (__coast_await(), (e))
  std::optional<MarkKind> K = markerCall(Outer->getLHS());
  if (!K || *K == MarkKind::Spawn)
    return std::nullopt;
  return Mark{*K, E, Outer->getRHS()->IgnoreParens()};
}

std::optional<Mark> operandMark(const Mark &M) {
  // The operand as the macro wrote it, before matchMark stripped its
  // parentheses: a nested mark is itself a ParenExpr.
  const BinaryOperator *Outer = asComma(cast<ParenExpr>(M.Whole)->getSubExpr());
  const Expr *E = Outer->getRHS();
  if (const BinaryOperator *Inner = asComma(Outer->getLHS()))
    E = cast<CStyleCastExpr>(Inner->getRHS())->getSubExpr();
  while (const auto *PE = dyn_cast<ParenExpr>(E)) {
    if (std::optional<Mark> Nested = matchMark(PE))
      return Nested;
    E = PE->getSubExpr();
  }
  return std::nullopt;
}

const FunctionDecl *asyncCallee(const Expr *E) {
  const auto *CE = dyn_cast<CallExpr>(E->IgnoreParens());
  if (!CE)
    return nullptr;
  const FunctionDecl *FD = CE->getDirectCallee();
  return FD && isAsyncFunction(FD) ? FD : nullptr;
}

const TypedefNameDecl *pointerTypedefWith(QualType T, CoastAttr A) {
  for (int Level = 0; Level != 2; ++Level) {
    while (const auto *TT = T->getAs<TypedefType>()) {
      if (hasCoastAttr(TT->getDecl(), A))
        return TT->getDecl();
      T = TT->getDecl()->getUnderlyingType();
    }
    const auto *PT = T->getAs<PointerType>();
    if (!PT)
      return nullptr;
    T = PT->getPointeeType(); // `fn_t *p` with `typedef int fn_t(int) async`
  }
  return nullptr;
}

bool isAsyncPointerType(QualType T) {
  return pointerTypedefWith(T, CoastAttr::Async) != nullptr;
}

const ValueDecl *namedDecl(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && (UO->getOpcode() == UO_Deref || UO->getOpcode() == UO_AddrOf))
    E = UO->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl();
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->getMemberDecl();
  return nullptr;
}

bool isAsyncPointerCallee(const Expr *Callee) {
  const ValueDecl *D = namedDecl(Callee);
  if (!D || isa<FunctionDecl>(D))
    return false;
  return hasCoastAttr(D, CoastAttr::Async) || isAsyncPointerType(D->getType());
}

std::optional<FutureCall> futureCall(const Mark &M) {
  FutureCall FC;
  const Expr *Operand = M.Operand;
  if (std::optional<Mark> Inner = operandMark(M)) {
    if (Inner->Kind != MarkKind::Box)
      return std::nullopt;
    FC.Boxed = true;
    Operand = Inner->Operand;
  }
  FC.Call = dyn_cast<CallExpr>(Operand);
  if (!FC.Call)
    return std::nullopt;
  if ((FC.Callee = asyncCallee(FC.Call))) {
    FC.Proto = FC.Callee->getType()->getAs<FunctionProtoType>();
  } else if (FC.Boxed && isAsyncPointerCallee(FC.Call->getCallee())) {
    if (const auto *PT = FC.Call->getCallee()->getType()->getAs<PointerType>())
      FC.Proto = PT->getPointeeType()->getAs<FunctionProtoType>();
  }
  if (!FC.Proto)
    return std::nullopt;
  return FC;
}

bool spawnRequiresSend(MarkKind K) {
  switch (K) {
  case MarkKind::Spawn:
    return true;
  case MarkKind::Await:
  case MarkKind::Box:
  case MarkKind::BlockOn:
    return false;
  }
  llvm_unreachable("unknown mark");
}

const char *markName(MarkKind K) {
  switch (K) {
  case MarkKind::Await:
    return "await";
  case MarkKind::Box:
    return "box";
  case MarkKind::BlockOn:
    return "coast_block_on";
  case MarkKind::Spawn:
    return "coast_spawn";
  }
  llvm_unreachable("unknown mark");
}

} // namespace coast
