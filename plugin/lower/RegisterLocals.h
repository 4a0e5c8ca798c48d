//===- RegisterLocals.h - Locals that stay C locals across awaits ---------===//
//
// Part of stage 1 (cf. LLVM's CoroFrame spilling). A local live across a
// suspension point need not live in the frame: it can stay an ordinary C
// local of the poll function, declared as written, whose value the frame
// holds only while the function is suspended. At each suspension point it is
// live across, the path that returns PENDING stores it into its frame slot
// and the resume path loads it back; resuming jumps into its scope past its
// declaration, which C allows for an object without variably modified type,
// and the load gives it its value. Slots of locals never live across the
// same suspension point share storage; a local live across none takes no
// frame space.
//
// The poll function stores and loads such a register local by its name, so
// the name must mean it at each of those points (no inner declaration hides
// it, no macro has its name), and no pointer may reach its storage (its
// address is never taken: after a resume the C local is another object).
// Everything else the frame holds as before: see whyInFrame.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_REGISTERLOCALS_H
#define COAST_PLUGIN_LOWER_REGISTERLOCALS_H

#include "AsyncFunctionPlan.h"
#include "SuspendLiveness.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace coast {

/// A local's declaration and the end of the scope it is visible in (file
/// offsets of the expansion locations).
struct LocalScope {
  const clang::VarDecl *Var;
  const clang::DeclStmt *DS;
  unsigned DeclOffset;
  unsigned ScopeEnd;
};

/// The variable whose storage \p E designates (part of): `v`, `v.m`,
/// `v.a[i]`; null for anything else.
const clang::VarDecl *designatedVar(const clang::Expr *E);

/// Adds to \p Taken the variables \p Body takes the address of (part of):
/// `&v`, `&v.m`, or an array of it decaying to a pointer.
void collectAddressTaken(const clang::Stmt *Body,
                         llvm::DenseSet<const clang::VarDecl *> &Taken);

/// Adds the variables \p S refers to to \p Refs.
void collectVarRefs(const clang::Stmt *S,
                    llvm::DenseSet<const clang::VarDecl *> &Refs);

/// Adds to \p Assigned the variables \p Body assigns, increments,
/// decrements or names as an asm output: every way to change a scalar
/// whose address is never taken.
void collectAssigned(const clang::Stmt *Body,
                     llvm::DenseSet<const clang::VarDecl *> &Assigned);

/// Which locals of one async function can be register locals, and the
/// suspension points each is live across. Computed once the suspension
/// points are planned; stale once the AST changes.
class RegisterLocals {
public:
  /// \p OffsetOf maps a location to the file offset LocalScope uses;
  /// \p Liveness is \p FD's (null when it has no CFG).
  RegisterLocals(const clang::FunctionDecl *FD, clang::ASTContext &Ctx,
                 const AsyncFunctionPlan &Plan, const SuspendLiveness *Liveness,
                 std::function<unsigned(clang::SourceLocation)> OffsetOf);

  /// Why \p L must live in the frame, phrased to follow its name ("is an
  /// array"); "" when it can be a register local.
  std::string whyInFrame(const LocalScope &L) const;

  /// The suspension points (indices into Plan.Points) the register local
  /// \p L is live across.
  std::vector<unsigned> liveAcross(const LocalScope &L) const;

  /// The type of \p VD's frame slot, spelled at file scope; null when there
  /// is none.
  clang::QualType slotType(const clang::VarDecl *VD) const;

  /// Whether the parameter \p P can be a register parameter (a C local of
  /// the poll function, loaded from its frame member where the function
  /// starts and resumes) as far as its type and uses go: a scalar whose
  /// address is never taken and that cancellation never destructs. Its name
  /// must also mean it throughout the body (FrameVar::Defined).
  bool registerParameter(const clang::ParmVarDecl *P) const;

private:
  bool inScope(const LocalScope &L, unsigned Point) const;
  bool live(const LocalScope &L, unsigned Point) const;

  clang::ASTContext &Ctx;
  const AsyncFunctionPlan &Plan;
  const SuspendLiveness *SL;
  std::vector<unsigned> PointOffsets;
  /// Per suspension point: what the lowering evaluates after it resumes
  /// although C may evaluate it first (the rest of an Expression point's
  /// statement, the left side of an assigned await).
  std::vector<llvm::DenseSet<const clang::VarDecl *>> ReadAfter;
  /// The offsets of the body's ordinary identifiers' declarations by name.
  llvm::StringMap<std::vector<unsigned>> Declared;
  /// The locals and parameters whose address the body takes.
  llvm::DenseSet<const clang::VarDecl *> AddressTaken;
};

/// Gives each of \p Plan's Spills its frame member. Register locals
/// spilled at a common suspension point interfere; the others may share a
/// slot: greedy coloring, largest first, each color one union. Unions are
/// numbered from \p FirstSlot on.
void colorSpillSlots(AsyncFunctionPlan &Plan, clang::ASTContext &Ctx,
                     unsigned FirstSlot);

} // namespace coast

#endif
