//===- ClangCompat.h - Differences between the supported Clang majors ----===//
//
// coast builds against Clang 19 and 22. Every API difference the project
// meets is wrapped here, so the rest of the code reads the same for both.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_ATTRS_CLANGCOMPAT_H
#define COAST_ATTRS_CLANGCOMPAT_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/Basic/Version.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Sema/ParsedAttr.h"

namespace coast {

/// Expands macros in the main file even when it is preprocessed input (a
/// .i file, as -save-temps compiles): 22 expands them only in directives
/// there, 19 everywhere. Lowered code defines macros of its own (`return`,
/// frame variables' names).
inline void expandMacrosInPreprocessedInput(clang::Preprocessor &PP) {
#if CLANG_VERSION_MAJOR >= 22
  PP.SetEnableMacroExpansion();
#else
  (void)PP;
#endif
}

/// A constructor's or destructor's priority: 22 keeps it as written (an
/// expression, absent for the default), 19 as its value.
template <typename PriorityAttr>
unsigned priorityOf(const PriorityAttr &A, const clang::ASTContext &Ctx) {
#if CLANG_VERSION_MAJOR >= 22
  if (const clang::Expr *E = A.getPriority())
    if (std::optional<llvm::APSInt> V = E->getIntegerConstantExpr(Ctx))
      return V->getZExtValue();
  return PriorityAttr::DefaultPriority;
#else
  (void)Ctx;
  return A.getPriority();
#endif
}

inline clang::IdentifierInfo *identOf(const clang::IdentifierLoc *IL) {
#if CLANG_VERSION_MAJOR >= 22
  return IL->getIdentifierInfo();
#else
  return IL->Ident;
#endif
}

inline clang::SourceLocation locOf(const clang::IdentifierLoc *IL) {
#if CLANG_VERSION_MAJOR >= 22
  return IL->getLoc();
#else
  return IL->Loc;
#endif
}

/// The type `struct S` (or union) of a record declaration. 22 folded the
/// elaborated keyword into TagType and dropped getRecordType.
inline clang::QualType recordTypeOf(const clang::ASTContext &Ctx,
                                    const clang::RecordDecl *RD) {
#if CLANG_VERSION_MAJOR >= 22
  return Ctx.getCanonicalTagType(RD);
#else
  return Ctx.getRecordType(RD);
#endif
}

} // namespace coast

#endif
