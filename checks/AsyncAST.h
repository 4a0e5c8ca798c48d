//===- AsyncAST.h - Recognizing coast's constructs in the AST -------------===//
//
// coast.h spells await, box, coast_block_on and the spawns as comma
// expressions whose left side calls a marker function (`__coast_await()`),
// so that the program type-checks as written; this file turns those shapes
// back into what the user wrote. Checks and lowering ask only these helpers.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_ASYNCAST_H
#define COAST_CHECKS_ASYNCAST_H

#include "CoastAttrs.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

#include <optional>
#include <vector>

namespace coast {

enum class MarkKind {
  Await,
  Box,
  BlockOn,
  Spawn,
  SpawnLocal,
  ScopeSpawn,
  Timeout, ///< coast_timeout(ms, call, out): a race of one arm and a timer
  First,   ///< coast_first(coast_arm(...), ...)
  Arm,     ///< coast_arm(call, out), an operand of coast_first
};

/// One use of a coast operation: `await(f(x))` and friends.
struct Mark {
  MarkKind Kind;
  /// The whole expression the macro expanded to (a ParenExpr).
  const clang::Expr *Whole;
  /// What the user passed, parentheses stripped: usually a call.
  const clang::Expr *Operand;
  /// The scope pointer of coast_scope_spawn(scope, call), parentheses and
  /// implicit casts stripped (the macro's `(void)(scope)` loads a pointer
  /// variable outside the user's parentheses); null for every other kind.
  const clang::Expr *Scope = nullptr;
  /// The out pointer of coast_timeout and coast_arm, as written (without
  /// the macro's parentheses).
  const clang::Expr *Out = nullptr;
  /// The milliseconds of coast_timeout, as written (the same).
  const clang::Expr *Ms = nullptr;
};

/// True for the marks that make a task of their future: coast_spawn,
/// coast_spawn_local and coast_scope_spawn.
bool isSpawnMark(MarkKind K);

/// Recognizes \p E as the outermost node of a coast operation.
std::optional<Mark> matchMark(const clang::Expr *E);

/// The mark \p M's operand is, as in `await(box(p(x)))`; parentheses
/// around it are looked through.
std::optional<Mark> operandMark(const Mark &M);

/// The most arms coast_first takes (the runtime's race.c).
constexpr unsigned MaxRaceArms = 16;

/// True for coast_timeout and coast_first: futures an await races.
bool isRaceMark(MarkKind K);

/// The race \p Await awaits (`await(coast_timeout(...))`), if it awaits one.
std::optional<Mark> awaitedRace(const Mark &Await);

/// The operands of coast_first \p First as written, parentheses stripped
/// (arms, unless the user wrote something else).
std::vector<const clang::Expr *> firstOperands(const Mark &First);

/// The arms of race \p Race, in order: the timeout itself, or coast_first's
/// operands that are coast_arm marks.
std::vector<Mark> raceArms(const Mark &Race);

/// The async function \p E calls directly, or null. \p E is the operand of
/// a mark or any expression; parentheses are looked through.
const clang::FunctionDecl *asyncCallee(const clang::Expr *E);

/// The function, variable or field \p E names: `f`, `&f`, `p`, `*p`,
/// `obj->poll`; null for anything else.
const clang::ValueDecl *namedDecl(const clang::Expr *E);

/// As namedDecl, also through array elements: `table` for `table[i][j]`.
const clang::ValueDecl *arrayDecl(const clang::Expr *E);

/// The variable or field holding the function pointer \p E reads: as
/// namedDecl, and also an array declared `async` whose element \p E is
/// (`table[i]`, `o.fns[i][j]`).
const clang::ValueDecl *pointerDecl(const clang::Expr *E);

/// True if \p Callee (a call's callee expression) is an async function
/// pointer: a variable, parameter or field declared `async` (or an
/// element of an array declared so), or of a typedef declared `async`.
bool isAsyncPointerCallee(const clang::Expr *Callee);

/// True if \p T is an async function pointer type: through a typedef
/// declared `async` (directly or as the pointee).
bool isAsyncPointerType(clang::QualType T);

/// The typedef carrying \p A that \p T is spelled with, directly or as
/// the pointee (`fn_t *p` with `typedef int fn_t(int) async`), or null.
const clang::TypedefNameDecl *pointerTypedefWith(clang::QualType T,
                                                 CoastAttr A);

/// What an await, a spawn or coast_block_on runs.
struct FutureCall {
  const clang::CallExpr *Call = nullptr;
  /// The async function called directly; null through a pointer.
  const clang::FunctionDecl *Callee = nullptr;
  const clang::FunctionProtoType *Proto = nullptr;
  /// Written as box(...): the callee's frame gets its own allocation.
  bool Boxed = false;
};

/// The future mark \p M runs: a direct call of an async function, or a
/// box(...) of one or of a call through an async function pointer. For
/// an await of a race, none (see awaitedFutures).
std::optional<FutureCall> futureCall(const Mark &M);

/// Every future await \p M runs: its futureCall, or each arm's of the race
/// it awaits (arms that run no future are left out).
std::vector<FutureCall> awaitedFutures(const Mark &M);

/// True if the future a mark of kind \p K runs may move to another
/// worker thread, and so must be Send.
bool spawnRequiresSend(MarkKind K);

/// The spelling users see for a mark, for messages ("await").
const char *markName(MarkKind K);

} // namespace coast

#endif
