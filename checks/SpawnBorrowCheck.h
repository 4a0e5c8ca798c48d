//===- SpawnBorrowCheck.h - Spawned futures may not borrow locals ---------===//
//
// coast-spawn-borrows-local (SPEC section 3): a future handed to coast_spawn
// or coast_spawn_local (joined or detached) becomes a task that may outlive
// the function spawning it, so its arguments must not carry the address of
// one of that function's locals (automatic variables and parameters; in an
// async function they live in its frame, which dies with its future). A
// future spawned into a local coast_scope may borrow the parameters and the
// locals declared before the scope, because the scope's join waits for it;
// the scope itself must not escape: only coast_scope_spawn, coast_scope_join
// and the futures they run or that are awaited may take its address.
//
// Which expressions carry an address, and what is not followed, is in
// docs/checks.md ("Scoped borrowing").
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_SPAWNBORROWCHECK_H
#define COAST_CHECKS_SPAWNBORROWCHECK_H

#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/ArrayRef.h"

namespace coast {

/// A local coast_scope: the check follows every use of one.
bool isLocalScope(const clang::VarDecl *VD);

/// Checks the function definitions \p Definitions. The check reports at a
/// spawn and at a use of a local coast_scope only: a definition whose body
/// holds neither may be left out (the checks' one walk leaves them out).
void runSpawnBorrowCheck(
    clang::ASTContext &Ctx, CheckHandler &Handler,
    llvm::ArrayRef<const clang::FunctionDecl *> Definitions);

} // namespace coast

#endif
