//===- CoastAttrs.h - coast's declaration attributes ----------------------===//
//
// The plugin registers the GNU and C23 spellings of coast's attributes (SPEC
// section 1). Each one that appertains is recorded on its declaration as an
// AnnotateAttr whose annotation is "coast.<name>", with must_destruct's
// destructor names after a colon ("coast.must_destruct:close_conn,abort_conn").
// AnnotateAttr is inheritable, so redeclarations see it too. The rest of coast
// asks the questions below and never looks at annotation strings itself.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_ATTRS_COASTATTRS_H
#define COAST_ATTRS_COASTATTRS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace coast {

enum class CoastAttr { Async, BoxAsync, ReturnsSend, NotSend, MustDestruct };

/// True if \p D or one of its redeclarations carries \p A.
bool hasCoastAttr(const clang::Decl *D, CoastAttr A);

/// True for functions declared `async` or `box_async`.
bool isAsyncFunction(const clang::FunctionDecl *FD);

/// True if the translation unit can contain coast code: a file-scope
/// declaration carries a coast attribute, or coast.h's marks are declared.
/// Files that never include coast.h answer false after a scan of their
/// file-scope declarations, and every check can skip them.
bool mentionsCoast(const clang::ASTContext &Ctx);

/// The destructor names of a `must_destruct(...)` struct; empty for the
/// ownership form `must_destruct()` and for declarations without it.
llvm::SmallVector<llvm::StringRef, 2>
mustDestructNames(const clang::Decl *D);

/// The attribute's location on \p D, or an invalid location.
clang::SourceLocation coastAttrLoc(const clang::Decl *D, CoastAttr A);

/// While set, the attributes are accepted and dropped: the plugin sets it for
/// the compile of lowered code, which must not see them (an AnnotateAttr
/// would also put every annotated function into llvm.global.annotations).
void setCoastAttrsInert(bool Inert);

} // namespace coast

#endif
