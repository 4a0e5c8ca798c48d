//===- AsyncAST.cpp - Recognizing coast's constructs in the AST -----------===//

#include "AsyncAST.h"
#include "CoastAttrs.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
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
      .Case("__coast_spawn_local", MarkKind::SpawnLocal)
      .Case("__coast_scope_spawn", MarkKind::ScopeSpawn)
      .Case("__coast_timeout", MarkKind::Timeout)
      .Case("__coast_first", MarkKind::First)
      .Case("__coast_arm", MarkKind::Arm)
      .Default(std::nullopt);
}

const BinaryOperator *asComma(const Expr *E) {
  const auto *BO = dyn_cast<BinaryOperator>(E);
  return BO && BO->getOpcode() == BO_Comma ? BO : nullptr;
}

/// The operand of a `(void)(x)` the spawn macros write, as written.
const Expr *voidCastOperand(const Expr *E) {
  const auto *Cast = dyn_cast<CStyleCastExpr>(E);
  return Cast && Cast->getType()->isVoidType() ? Cast->getSubExpr() : nullptr;
}

/// The spawn shapes, \p Inner being the left side of the outermost comma:
///   (__coast_spawn(), (void)(call), (coast_task *)0)
///   (__coast_spawn_local(), (void)(call), (coast_task *)0)
///   (__coast_scope_spawn(), (void)(scope), (void)(call), 0)
/// Stores the call and the scope as written (parentheses kept).
std::optional<MarkKind> matchSpawn(const BinaryOperator *Inner,
                                   const Expr *&Call, const Expr *&Scope) {
  Call = voidCastOperand(Inner->getRHS());
  if (!Call)
    return std::nullopt;
  if (const BinaryOperator *First = asComma(Inner->getLHS())) {
    Scope = voidCastOperand(First->getRHS());
    if (!Scope || markerCall(First->getLHS()) != MarkKind::ScopeSpawn)
      return std::nullopt;
    return MarkKind::ScopeSpawn;
  }
  std::optional<MarkKind> K = markerCall(Inner->getLHS());
  if (K != MarkKind::Spawn && K != MarkKind::SpawnLocal)
    return std::nullopt;
  return K;
}

/// A macro argument as the user wrote it: inside the one pair of
/// parentheses the macro put around it (the user's own are kept, and so is
/// a macro like NULL whole).
const Expr *macroOperand(const Expr *E) {
  E = E->IgnoreImpCasts(); // `(void)(x)` loads x outside the parentheses
  const auto *PE = dyn_cast<ParenExpr>(E);
  return PE ? PE->getSubExpr() : E;
}

/// The operands of a comma chain, left to right.
void flattenComma(const Expr *E, llvm::SmallVectorImpl<const Expr *> &Out) {
  if (const BinaryOperator *BO = asComma(E)) {
    flattenComma(BO->getLHS(), Out);
    Out.push_back(BO->getRHS());
    return;
  }
  Out.push_back(E);
}

bool takesCall(MarkKind K) {
  return K == MarkKind::Timeout || K == MarkKind::Arm;
}

/// The race shapes, \p Items being the flattened comma chain:
///   (__coast_timeout(), (void)(ms), (void)(out), (void)(call), 0)
///   (__coast_arm(), (void)(out), (void)(call), 0)
///   (__coast_first(), (void)(arm, ...), 0)
std::optional<Mark> matchRace(const Expr *Whole,
                              llvm::ArrayRef<const Expr *> Items) {
  std::optional<MarkKind> K = markerCall(Items[0]);
  if (!K || (!isRaceMark(*K) && *K != MarkKind::Arm))
    return std::nullopt;
  size_t Want = *K == MarkKind::Timeout ? 5 : *K == MarkKind::Arm ? 4 : 3;
  if (Items.size() != Want)
    return std::nullopt;
  Mark M{*K, Whole, nullptr};
  if (*K == MarkKind::First) {
    const Expr *Arms = voidCastOperand(Items[1]);
    if (!Arms)
      return std::nullopt;
    M.Operand = Arms;
    return M;
  }
  const Expr *Call = voidCastOperand(Items[Want - 2]);
  const Expr *Out = voidCastOperand(Items[Want - 3]);
  if (!Call || !Out)
    return std::nullopt;
  M.Operand = Call->IgnoreParens();
  M.Out = macroOperand(Out);
  if (*K == MarkKind::Timeout) {
    M.Ms = voidCastOperand(Items[1]);
    if (!M.Ms)
      return std::nullopt;
    M.Ms = macroOperand(M.Ms);
  }
  return M;
}

/// The operand of the mark whose outermost comma is \p Outer, as written.
const Expr *writtenOperand(const BinaryOperator *Outer) {
  llvm::SmallVector<const Expr *, 5> Items;
  flattenComma(Outer, Items);
  if (std::optional<MarkKind> K = markerCall(Items[0]); K && takesCall(*K))
    return voidCastOperand(Items[Items.size() - 2]);
  const Expr *Call = Outer->getRHS(), *Scope = nullptr;
  if (const BinaryOperator *Inner = asComma(Outer->getLHS()))
    matchSpawn(Inner, Call, Scope);
  return Call;
}

} // namespace

std::optional<Mark> matchMark(const Expr *E) {
  const auto *PE = dyn_cast<ParenExpr>(E);
  if (!PE)
    return std::nullopt;
  const BinaryOperator *Outer = asComma(PE->getSubExpr());
  if (!Outer)
    return std::nullopt;
  llvm::SmallVector<const Expr *, 5> Items;
  flattenComma(Outer, Items);
  if (std::optional<MarkKind> K = markerCall(Items[0]);
      K && (isRaceMark(*K) || *K == MarkKind::Arm))
    return matchRace(E, Items);
  if (const BinaryOperator *Inner = asComma(Outer->getLHS())) {
    const Expr *Call = nullptr, *Scope = nullptr;
    std::optional<MarkKind> K = matchSpawn(Inner, Call, Scope);
    if (!K)
      return std::nullopt;
    return Mark{*K, E, Call->IgnoreParens(),
                Scope ? Scope->IgnoreParenImpCasts() : nullptr};
  }
  // (__coast_await(), (e))
  std::optional<MarkKind> K = markerCall(Outer->getLHS());
  if (!K || isSpawnMark(*K))
    return std::nullopt;
  return Mark{*K, E, Outer->getRHS()->IgnoreParens()};
}

bool isSpawnMark(MarkKind K) {
  switch (K) {
  case MarkKind::Spawn:
  case MarkKind::SpawnLocal:
  case MarkKind::ScopeSpawn:
    return true;
  case MarkKind::Await:
  case MarkKind::Box:
  case MarkKind::BlockOn:
  case MarkKind::Timeout:
  case MarkKind::First:
  case MarkKind::Arm:
    return false;
  }
  llvm_unreachable("unknown mark");
}

bool isRaceMark(MarkKind K) {
  return K == MarkKind::Timeout || K == MarkKind::First;
}

std::optional<Mark> awaitedRace(const Mark &Await) {
  if (Await.Kind != MarkKind::Await)
    return std::nullopt;
  std::optional<Mark> Inner = operandMark(Await);
  if (!Inner || !isRaceMark(Inner->Kind))
    return std::nullopt;
  return Inner;
}

std::vector<const Expr *> firstOperands(const Mark &First) {
  assert(First.Kind == MarkKind::First && "not coast_first");
  llvm::SmallVector<const Expr *, 8> Items;
  flattenComma(First.Operand->IgnoreParens(), Items);
  return std::vector<const Expr *>(Items.begin(), Items.end());
}

std::vector<Mark> raceArms(const Mark &Race) {
  if (Race.Kind == MarkKind::Timeout)
    return {Race};
  std::vector<Mark> Arms;
  for (const Expr *E : firstOperands(Race))
    for (; const auto *PE = dyn_cast<ParenExpr>(E); E = PE->getSubExpr())
      if (std::optional<Mark> M = matchMark(PE)) {
        if (M->Kind == MarkKind::Arm)
          Arms.push_back(*M);
        break;
      }
  return Arms;
}

std::vector<FutureCall> awaitedFutures(const Mark &M) {
  std::vector<FutureCall> Out;
  if (std::optional<Mark> Race = awaitedRace(M)) {
    for (const Mark &Arm : raceArms(*Race))
      if (std::optional<FutureCall> FC = futureCall(Arm))
        Out.push_back(*FC);
  } else if (std::optional<FutureCall> FC = futureCall(M)) {
    Out.push_back(*FC);
  }
  return Out;
}

std::optional<Mark> operandMark(const Mark &M) {
  if (M.Kind == MarkKind::First)
    return std::nullopt;
  // The operand as the macro wrote it, before matchMark stripped its
  // parentheses: a nested mark is itself a ParenExpr.
  const Expr *E =
      writtenOperand(asComma(cast<ParenExpr>(M.Whole)->getSubExpr()));
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

const ValueDecl *arrayDecl(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  while (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E))
    E = ASE->getBase()->IgnoreParenImpCasts();
  return namedDecl(E);
}

const ValueDecl *pointerDecl(const Expr *E) {
  if (!isa<ArraySubscriptExpr>(E->IgnoreParenImpCasts()))
    return namedDecl(E);
  // An element of an array of a typedef'd pointer type is that typedef's,
  // which is what its diagnostics name and fix.
  const ValueDecl *D = arrayDecl(E);
  return D && hasCoastAttr(D, CoastAttr::Async) ? D : nullptr;
}

bool isAsyncPointerCallee(const Expr *Callee) {
  // `table[i](x)`, `get()(x)`: no declaration names the pointer, its type
  // may still say async.
  if (isAsyncPointerType(Callee->IgnoreParenImpCasts()->getType()))
    return true;
  const ValueDecl *D = pointerDecl(Callee);
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
  case MarkKind::ScopeSpawn: // scope tasks run on any worker
    return true;
  case MarkKind::Await:
  case MarkKind::Box:
  case MarkKind::BlockOn:
  case MarkKind::SpawnLocal:
  case MarkKind::Timeout:
  case MarkKind::First:
  case MarkKind::Arm:
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
  case MarkKind::SpawnLocal:
    return "coast_spawn_local";
  case MarkKind::ScopeSpawn:
    return "coast_scope_spawn";
  case MarkKind::Timeout:
    return "coast_timeout";
  case MarkKind::First:
    return "coast_first";
  case MarkKind::Arm:
    return "coast_arm";
  }
  llvm_unreachable("unknown mark");
}

} // namespace coast
