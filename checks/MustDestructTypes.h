//===- MustDestructTypes.h - Which values own a must_destruct resource ----===//
//
// The questions the must_destruct analysis and the lowering's drop path ask
// about declarations (SPEC section 1): which record types are linear, which
// functions destruct them, which functions return an owned pointer and which
// parameters take ownership.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_MUSTDESTRUCTTYPES_H
#define COAST_CHECKS_MUSTDESTRUCTTYPES_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/SmallVector.h"

namespace coast {

/// The `must_destruct(d1, ...)` struct or union \p T is (typedefs and
/// qualifiers looked through, not pointers), or null.
const clang::RecordDecl *mustDestructRecord(clang::QualType T);

/// The declared destructors of \p RD, in the order listed; names that are
/// not a declared function are left out (coast-attribute reports them).
llvm::SmallVector<const clang::FunctionDecl *, 2>
destructorsOf(const clang::RecordDecl *RD, clang::ASTContext &Ctx);

/// The must_destruct record \p FD destructs: \p FD is listed as one of its
/// destructors and takes it, or a pointer to it; null otherwise.
const clang::RecordDecl *destructedRecord(const clang::FunctionDecl *FD);

/// True for a function declared `must_destruct()`: it returns an owned
/// pointer.
bool returnsOwned(const clang::FunctionDecl *FD);

/// True if a call of \p FD takes ownership of its argument \p I: the
/// parameter is declared `must_destruct()`, is a must_destruct record by
/// value, or \p FD is a destructor.
bool consumesArgument(const clang::FunctionDecl *FD, unsigned I);

/// What \p E evaluates to, with parentheses, implicit casts and the marks
/// of await and coast_block_on (whose value is their operand's) stripped.
const clang::Expr *valueOperand(const clang::Expr *E);

/// The call \p E is (parentheses, implicit casts and await/coast_block_on
/// looked through) when it produces an owned value: a call of a
/// `must_destruct()` function, or returning a must_destruct record by value.
const clang::CallExpr *ownedResultCall(const clang::Expr *E);

} // namespace coast

#endif
