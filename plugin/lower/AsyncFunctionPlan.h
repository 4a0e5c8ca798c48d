//===- AsyncFunctionPlan.h - One async function, ready to be lowered ------===//
//
// The lowering's shared description of the function being lowered (cf.
// LLVM's coro::Shape). Planning (AsyncFunctionPlan.cpp) fills it from the AST
// and rejects what the lowering cannot do; FrameLayout.cpp and
// StateMachine.cpp turn it into text; Lowering.cpp drives the stages over the
// translation unit.
//
// Awaits standing as a statement, as the initializer of a local, as the
// right side of `=` or as the value of `return` are lowered in place. An
// await anywhere else in an evaluated expression is an Expression point: its
// statement (the anchor) is preceded by a prelude that runs the await into a
// temporary (a C local, or a frame member where a suspension point comes
// between its store and its read: FrameTemp), and the await itself reads
// the temporary. Operators that
// sequence or skip an operand holding an await (&&, ||, ?:, the comma) are
// split: the prelude evaluates them with if statements, into a temporary,
// as C would. Loop conditions and steps holding awaits turn their loop into
// `for (;;)` with the prelude inside. Unsupported constructs are reported
// as coast-unsupported, never lowered wrongly.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_ASYNCFUNCTIONPLAN_H
#define COAST_PLUGIN_LOWER_ASYNCFUNCTIONPLAN_H

#include "AsyncAST.h"
#include "CheckHandler.h"
#include "FunctionAnalyses.h"
#include "LocalTypes.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <string>
#include <vector>

namespace coast {

class CounterExpansions;
class MacroTests;

/// How a callee's frame is provided at a suspension point.
enum class FrameSource {
  Embedded,   ///< a member of the caller's frame (callee defined earlier)
  FrameStack, ///< the task's LIFO frame stack, through the start function
              ///< (also box_async callees and box(...) calls: awaiting
              ///< keeps them LIFO, and only their size is unknown)
  None,       ///< no sub-future: `coast_yield()` wakes its own task, suspends
  Leaf,       ///< a member of the caller's frame, hand-written elsewhere
              ///< (EmbeddedLeaf.h): a frame with its own header
};

/// Whether the sub-future is a member of the caller's frame (no start, no
/// free): a lowered callee's or a hand-written leaf's.
inline bool inCallerFrame(FrameSource S) {
  return S == FrameSource::Embedded || S == FrameSource::Leaf;
}

/// The most suspension points (awaits and awaited destructors) a function
/// may have: frame headers keep the state in 16 bits, 0xffff meaning done,
/// and a site (coast_site) keeps an embedded callee's index in the
/// function's subs in 16 bits too (FrameLayout.cpp), which this bounds.
constexpr unsigned MaxSuspensionPoints = 0xfffe;

/// The statement shape an await stands in.
enum class AwaitForm {
  Statement,  ///< `await(f(x));`
  Init,       ///< `T v = await(f(x));`
  Assign,     ///< `lhs = await(f(x));`
  Return,     ///< `return await(f(x));`
  Expression, ///< anywhere else: the result goes to a temporary
};

/// An operator that sequences or skips an operand holding an await.
struct SplitOp {
  const clang::Expr *E = nullptr; ///< &&, ||, ?: or comma
  std::string Temp;               ///< frame member with its value; "" if void
};

/// A statement whose expressions hold Expression points.
enum class AnchorKind { ExprStmt, Return, If, Switch, While, Do, For };

struct ExprAnchor {
  const clang::Stmt *S = nullptr;
  AnchorKind Kind = AnchorKind::ExprStmt;
  /// Do and For: the frame member telling a `break` in the body apart.
  std::string BreakFlag;
};

/// A must_destruct value that cancellation at a suspension point destructs.
struct DropValue {
  const clang::VarDecl *Var = nullptr;
  /// The first destructor its type lists.
  const clang::FunctionDecl *Destructor = nullptr;
  /// Async destructors are awaited in the drop path, from this state.
  unsigned State = 0;
  /// The frame member of its drop flag when it is owned on some paths to
  /// the point only; "" when owned on every path.
  std::string Flag;
};

/// A value owned on some paths only at some suspension point: a frame
/// member says at run time whether it owns. Values owned on every path have
/// none.
struct DropFlag {
  const clang::VarDecl *Var = nullptr;
  std::string Field;
  /// Its declaration gives it a resource (the flag is set there).
  bool OwnedByDecl = false;
};

/// A future raced at a suspension point: coast_timeout's call, or one
/// coast_arm of coast_first.
struct RaceArm {
  const clang::CallExpr *Call = nullptr;
  /// The async function called; null for a boxed call through a pointer.
  const clang::FunctionDecl *Callee = nullptr;
  const clang::FunctionProtoType *Proto = nullptr;
  bool Boxed = false;
  const clang::Expr *Out = nullptr; ///< where its result goes, as written
};

struct SuspendPoint {
  unsigned State = 0; ///< 1-based; also the index into coast_fn.sites
  AwaitForm Form = AwaitForm::Statement;
  const clang::Expr *Await = nullptr; ///< the await mark
  /// The statement the lowering replaces: the expression statement, the
  /// DeclStmt (Init) or the ReturnStmt.
  const clang::Stmt *Anchor = nullptr;
  const clang::CallExpr *Call = nullptr;
  /// The async function awaited; null for a boxed call through a pointer.
  const clang::FunctionDecl *Callee = nullptr;
  const clang::FunctionProtoType *Proto = nullptr;
  FrameSource Source = FrameSource::FrameStack;
  /// A frame-stack callee lowered above in this file (or the function
  /// itself): its descriptor is known, its poll called directly.
  bool KnownCallee = false;
  /// An Embedded callee split into body and poll functions (StateMachine.h):
  /// the first poll enters its body at state 0.
  bool SplitCallee = false;
  /// The callee's ready companion (ReadyCompanion.h), called before its
  /// start function; null: the frame is always started.
  const clang::FunctionDecl *Ready = nullptr;
  /// Leaf: the frame's type, which its init and poll functions take.
  clang::QualType LeafFrame;
  /// Leaf: it publishes F__coast_first, its init and first poll in one
  /// call (EmbeddedLeaf.h).
  bool LeafFirst = false;
  const clang::VarDecl *Var = nullptr;           ///< Init: the local
  const clang::BinaryOperator *Assign = nullptr; ///< Assign: the `=`
  std::string Temp; ///< Expression: frame member with the result; "" if void
  /// Owned here, destructed when the future is cancelled here.
  std::vector<DropValue> Drops;
  /// The callee is a destructor: cancelled here, it still runs to the end.
  bool FinishOnCancel = false;
  /// The type of the await's value.
  clang::QualType Result;
  /// Await for a plain await; Timeout or First for an await of a race,
  /// whose sub-future is the runtime's race (from the frame stack) and
  /// whose arms are started from their start functions. Call is then the
  /// last arm's call, Callee and Proto are null.
  MarkKind Race = MarkKind::Await;
  const clang::Expr *Ms = nullptr; ///< coast_timeout's milliseconds
  std::vector<RaceArm> Arms;
  /// The register locals live across it (indices into Plan.Spills): stored
  /// into the frame when it suspends, loaded back when it resumes.
  std::vector<unsigned> Spills;
  /// The register parameters the body assigns live across it (indices into
  /// Plan.Vars): stored into their members when it suspends.
  std::vector<unsigned> Params;
};

/// A parameter or local that lives in the frame.
struct FrameVar {
  const clang::VarDecl *Decl = nullptr;
  /// Its member of the frame, as `__co->` is followed: `name`, or
  /// `__sN.name` when it shares slot N with locals of disjoint scopes.
  std::string Field;
  std::string Name;  ///< the member's own name
  unsigned Slot = 0; ///< 0: a member of its own
  /// A parameter dead at every suspension point: it shares storage with the
  /// callee frames and the result (`__in.name`).
  bool Shared = false;
  /// Its name means it wherever the function spells it: the body keeps the
  /// name, defined as a macro of its member around the body
  /// (FrameVarNames.h). Otherwise its references are rewritten to the member.
  bool Defined = false;
  /// A register parameter: a C local of the poll function of its name,
  /// loaded from its member as the poll function starts; its references
  /// stay as written. A scalar whose address is never taken and whose name
  /// means it throughout: after a call, a value in the frame is loaded
  /// again (the frame is reached through a pointer), a C local is not.
  /// One the body assigns is stored back where the function suspends at a
  /// point it is live across (SuspendPoint::Params).
  bool Register = false;
};

/// A value the lowering keeps between the pieces of a statement: an
/// Expression point's result, a split operator's value, a loop's break flag,
/// a compound literal.
struct FrameTemp {
  std::string Name;
  clang::QualType Type;
  /// A frame member. An Expression point's or split operator's value that
  /// no suspension point comes between a store and a read of
  /// (AsyncFunctionPlan.cpp, Planner::placeTemps) is a C local of the poll
  /// function instead: its stores and loads are then the optimizer's to
  /// keep in registers, where a frame member's were kept in memory.
  bool InFrame = true;
};

/// A compound literal that lives in the frame (CompoundLiterals.h).
struct FrameLiteral {
  const clang::CompoundLiteralExpr *Literal = nullptr;
  std::string Temp; ///< its frame member
};

/// A register local: a local that stays a C local of the poll function,
/// declared as written. The frame holds a copy of its value only while the
/// function is suspended at a point it is live across (SuspendPoint::Spills).
struct SpillVar {
  const clang::VarDecl *Decl = nullptr;
  /// The type of its frame member: its own, or, when that names a type
  /// declared inside the function, the canonical type.
  clang::QualType SlotType;
  /// Its member of the frame, as `__co->` is followed: `name`, or
  /// `__sN.name` when it shares slot N with locals never live across the
  /// same suspension point.
  std::string Field;
  std::string Name;  ///< the member's own name
  unsigned Slot = 0; ///< 0: a member of its own
};

struct AsyncFunctionPlan {
  const clang::FunctionDecl *FD = nullptr;
  std::string Name;
  /// The return type cannot be assigned (a struct with a const member):
  /// each `return v;` is an anchor that copies v into the frame's result,
  /// and the `return` macro only finishes.
  bool ReturnByCopy = false;
  /// The body names its function (`__func__` and the like, from a macro's
  /// expansion too): only then does the poll function define those names.
  bool NamesFunction = false;
  /// `__builtin_FUNCTION()` written in the function's text, which would
  /// name the poll function, and `__builtin_COLUMN()`, whose column the
  /// rewritten text changes: the lowering writes the user's function's
  /// name, or the column, in their place.
  std::vector<const clang::SourceLocExpr *> SourceBuiltins;
  std::vector<SuspendPoint> Points;
  /// Parameters first, in order, then locals in source order.
  std::vector<FrameVar> Vars;
  llvm::DenseMap<const clang::VarDecl *, unsigned> VarIndex;
  /// Expression points' anchors, split operators and the temporaries
  /// they use.
  std::vector<ExprAnchor> Anchors;
  std::vector<SplitOp> Splits;
  std::vector<FrameTemp> Temps;
  /// Labels in the body of a for or do loop rebuilt around a break flag
  /// that a jump from outside the loop reaches: the flags of the loops
  /// they are in are set there (JumpsIntoLoops.h).
  struct LoopEntry {
    const clang::Stmt *Label = nullptr; ///< a LabelStmt or SwitchCase
    /// A statement of a block: the setting goes before its sub-statement;
    /// otherwise a block holds both.
    bool InBlock = false;
    std::vector<std::string> Flags;
  };
  std::vector<LoopEntry> LoopEntries;
  /// The breaks of such a loop that set its flag instead, when a macro
  /// writes one of those labels with its statement.
  struct LoopBreak {
    const clang::BreakStmt *Break = nullptr;
    std::string Flag;
  };
  std::vector<LoopBreak> LoopBreaks;
  /// Every reference to a frame variable: rewritten to its field unless the
  /// variable is Defined.
  std::vector<const clang::DeclRefExpr *> Refs;
  /// Register locals live across some suspension point.
  std::vector<SpillVar> Spills;
  /// Declarations that are rewritten: those of frame variables become
  /// stores, register locals are declared one declarator at a time (the
  /// awaits in their initializers run between them).
  std::vector<const clang::DeclStmt *> FrameDecls;
  /// Whether some drop awaits an async destructor (the frame then holds its
  /// future).
  bool AsyncDrops = false;
  /// What cancellation before the first poll destructs: the parameters
  /// that take ownership.
  std::vector<DropValue> StartDrops;
  /// Optimizing, the start function (static, called from one site) and the
  /// split body (awaited from one site, and small) are always inlined: the
  /// inliner took them there anyway, after the function passes had run on
  /// each one alone (TULowering::inlineSingleSites).
  bool InlineStart = false;
  bool InlineBody = false;
  std::vector<DropFlag> Flags;
  /// References that change a flagged value's ownership, and the value
  /// (the one named, or the original an alias stands for).
  struct FlagWrite {
    const clang::VarDecl *Var = nullptr;
    bool Owns = false; ///< whether it owns from there
  };
  llvm::DenseMap<const clang::DeclRefExpr *, FlagWrite> FlagWrites;
  /// DeclStmts that are the init of a `for`: rewritten into expressions.
  llvm::DenseMap<const clang::DeclStmt *, bool> ForInit;
  /// Compound literals whose block holds an await; their members are in
  /// Temps.
  std::vector<FrameLiteral> Literals;
  /// Types defined in the body that frame members need at file scope.
  LocalTypePlan Types;

  const FrameVar *frameVar(const clang::VarDecl *VD) const {
    auto It = VarIndex.find(VD);
    return It == VarIndex.end() ? nullptr : &Vars[It->second];
  }
  const SuspendPoint *pointFor(const clang::Expr *Await) const {
    for (const SuspendPoint &P : Points)
      if (P.Await == Await)
        return &P;
    return nullptr;
  }
  const DropFlag *flagOf(const clang::VarDecl *VD) const {
    for (const DropFlag &F : Flags)
      if (F.Var == VD)
        return &F;
    return nullptr;
  }
  /// Whether some suspension point holds a sub-future (the frame then has
  /// the union `__aw` of them).
  bool hasChildren() const {
    for (const SuspendPoint &P : Points)
      if (P.Source != FrameSource::None)
        return true;
    return false;
  }
  /// The temporary \p Name as the poll function spells it: its frame
  /// member, or the C local `__coast_t<N>` / `__coast_c<N>`.
  std::string tempRef(llvm::StringRef Name) const {
    for (const FrameTemp &T : Temps)
      if (T.Name == Name && !T.InFrame)
        return ("__coast" + Name.drop_front()).str();
    return ("__co->" + Name).str();
  }
  const SplitOp *splitFor(const clang::Expr *E) const {
    for (const SplitOp &S : Splits)
      if (S.E == E)
        return &S;
    return nullptr;
  }
};

/// Calls \p F on the operands of \p E that C evaluates, in an order C allows:
/// not the operand of sizeof, _Alignof or typeof, nor _Generic's unselected
/// associations, nor the operand __builtin_choose_expr does not choose, nor
/// the statements of a statement expression.
void forEachEvaluatedChild(const clang::Expr *E,
                           llvm::function_ref<void(const clang::Expr *)> F);

/// Whether \p T can be spelled in a declaration: an unnamed struct prints as
/// "struct (unnamed at ...)", which no declaration can use.
bool printableType(clang::QualType T, const clang::ASTContext &Ctx);

/// Decides how the frame of \p Callee is provided to a caller; given by the
/// driver, which knows which functions it has already lowered.
using FrameSourceFn = std::function<FrameSource(const clang::FunctionDecl *)>;

/// Plans the lowering of the async function definition \p FD. Reports every
/// construct it cannot lower through \p Handler and returns false then.
/// Liveness across awaits comes from \p Analyses, where __COUNTER__ counted
/// from \p Counters, which `defined` and `#ifdef` tested from \p Tests.
bool planAsyncFunction(const clang::FunctionDecl *FD, clang::ASTContext &Ctx,
                       const FrameSourceFn &SourceOf, CheckHandler &Handler,
                       FunctionAnalyses &Analyses,
                       const CounterExpansions &Counters,
                       const MacroTests &Tests, AsyncFunctionPlan &Plan);

} // namespace coast

#endif
