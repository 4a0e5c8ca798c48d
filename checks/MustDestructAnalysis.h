//===- MustDestructAnalysis.h - Linear must_destruct values ---------------===//
//
// A forward dataflow over each function's CFG that follows every value that
// owns a must_destruct resource (SPEC sections 1 and 3): by-value locals and
// parameters of must_destruct record types, `must_destruct()` parameters, and
// local pointers holding the result of a `must_destruct()` function. It
// reports coast-must-destruct-leak, coast-use-after-destruct,
// coast-double-destruct, coast-overwrite-owned and
// coast-async-destructor-context.
//
// The lowering asks the same flow which values each suspension point owns,
// so that cancellation destructs them (MustDestructOwnership).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_MUSTDESTRUCTANALYSIS_H
#define COAST_CHECKS_MUSTDESTRUCTANALYSIS_H

#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

namespace coast {

class FunctionAnalyses;

/// Runs the analysis on every async function definition of the translation
/// unit, keeping each one's MustDestructOwnership in \p Analyses for the
/// lowering, and on the other definitions \p Synchronous lists.
void runMustDestructAnalysis(
    clang::ASTContext &Ctx, CheckHandler &Handler, FunctionAnalyses &Analyses,
    llvm::ArrayRef<const clang::FunctionDecl *> Synchronous);

/// The analysis reports in a definition only about a value it follows (a
/// parameter \p FD owns, a local that \p VD owns) or at a call \p CE whose
/// result is owned or that destructs: a definition none of the three finds
/// in may be left out (the checks' one walk asks them).
bool ownsParameters(const clang::FunctionDecl *FD);
bool ownsLocal(const clang::VarDecl *VD);
bool ownsOrDestructs(const clang::CallExpr *CE);

/// A value that owns a must_destruct resource at a suspension point.
struct OwnedValue {
  const clang::VarDecl *Var = nullptr;
  /// False when it is owned on some paths to the point only (the lowering
  /// then needs a drop flag).
  bool Definite = true;
};

/// What evaluating a reference does to whether its variable owns: what a
/// drop flag must follow at run time.
enum class OwnershipEffect {
  None,    ///< a use that changes nothing
  Acquire, ///< it owns from here (an owning assignment, the first use of a
           ///< struct declared without initialiser)
  Release, ///< it owns nothing from here (consumed, or assigned a borrowed
           ///< or NULL pointer)
};

/// Which values each await of one function owns while it is suspended, and
/// where the flow's ownership changes. The results describe the AST given;
/// they go stale when it changes.
class MustDestructOwnership {
public:
  /// Reports what the flow finds wrong through \p Handler when given.
  MustDestructOwnership(const clang::FunctionDecl *FD, clang::ASTContext &Ctx,
                        CheckHandler *Handler = nullptr);

  /// The values owned while \p AwaitedCall (the call an await runs) is
  /// pending: parameters first, then locals in the order the body mentions
  /// them; empty for a call the flow never reached.
  llvm::ArrayRef<OwnedValue> ownedAt(const clang::CallExpr *AwaitedCall) const;

  /// What \p Ref, a reference to a followed variable, does to its ownership.
  OwnershipEffect effectOf(const clang::DeclRefExpr *Ref) const;

  /// Every reference with an effect other than None.
  const llvm::DenseMap<const clang::DeclRefExpr *, OwnershipEffect> &
  effects() const {
    return Effects;
  }

  /// The variable whose ownership \p Ref's effect changes: the one it
  /// names, or for an alias (`struct conn *c = a;`) the original.
  const clang::VarDecl *followedBy(const clang::DeclRefExpr *Ref) const;

  /// True if the local \p VD owns once its declaration has run (it has an
  /// initialiser that gives it a resource).
  bool ownedByDeclaration(const clang::VarDecl *VD) const;

private:
  llvm::DenseMap<const clang::CallExpr *, llvm::SmallVector<OwnedValue, 2>>
      Owned;
  llvm::DenseMap<const clang::DeclRefExpr *, OwnershipEffect> Effects;
  /// References through an alias, to the original they stand for.
  llvm::DenseMap<const clang::DeclRefExpr *, const clang::VarDecl *> AliasRefs;
  /// Struct locals declared without initialiser: every use acquires.
  llvm::DenseSet<const clang::VarDecl *> FilledByUse;
  llvm::DenseSet<const clang::VarDecl *> OwnedByDecl;
};

} // namespace coast

#endif
