//===- AddressFlow.h - Where an address goes within one function ----------===//
//
// Which locals may hold the address of an object, within one function body:
// the liveness of an address-taken local across an await and the Send rule
// for pointers to thread-local objects both ask it. Flow-insensitive and
// intraprocedural on purpose: an address stored into a local (directly, in
// a field or array element of a local, through casts, pointer arithmetic,
// `?:` or a call returning a pointer computed from it) makes that local a
// holder, and the holder's value is followed in turn. An address passed to a
// synchronous call is used there and not followed further (C has no
// lifetimes to say otherwise, and assuming every callee keeps it would
// reject most code); one passed to a followed call (an awaited or spawned
// one, which may use it later) is reported with that call; one stored
// anywhere else (a global, through a
// pointer, returned, `&p` of a holder) escapes.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_ADDRESSFLOW_H
#define COAST_CHECKS_ADDRESSFLOW_H

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMap.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

#include <utility>

namespace coast {

/// Where the addresses given to AddressTracker::follow may go.
struct AddressFlow {
  /// Locals and parameters that may hold one of them.
  llvm::SmallPtrSet<const clang::VarDecl *, 4> Holders;
  /// Followed calls receiving one, with the argument's index.
  llvm::SmallVector<std::pair<const clang::CallExpr *, unsigned>, 2> CallArgs;
  /// Statements that store one where it is not followed.
  llvm::SmallVector<const clang::Stmt *, 2> Escapes;
};

class AddressTracker {
public:
  /// How a starting expression designates what is followed.
  enum class Start {
    Object,  ///< an lvalue of the object whose address is followed
    Address, ///< a pointer value into it
  };

  /// \param Body the function body; \param PM its parent map.
  /// \param FollowedCalls the calls whose arguments are reported.
  AddressTracker(
      const clang::Stmt *Body, const clang::ParentMap &PM,
      const llvm::SmallPtrSetImpl<const clang::CallExpr *> &FollowedCalls);

  /// The references to \p VD in the body.
  llvm::ArrayRef<const clang::DeclRefExpr *>
  refs(const clang::VarDecl *VD) const;

  /// Follows the objects or addresses \p Roots designate.
  AddressFlow
  follow(llvm::ArrayRef<std::pair<const clang::Expr *, Start>> Roots) const;

private:
  const clang::ParentMap &PM;
  const llvm::SmallPtrSetImpl<const clang::CallExpr *> &FollowedCalls;
  llvm::DenseMap<const clang::VarDecl *,
                 llvm::SmallVector<const clang::DeclRefExpr *, 4>>
      Refs;
};

} // namespace coast

#endif
