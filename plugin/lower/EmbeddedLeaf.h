//===- EmbeddedLeaf.h - A hand-written leaf embedded in its awaiter -------===//
//
// A hand-written future of another translation unit whose header publishes
// its frame (the runtime's channel operations, coast/runtime.h) needs no
// frame stack: the awaiter embeds that frame in its own, as it does a
// callee lowered in the same file, initializes it in place and polls it by
// a direct call (docs/future-abi.md, "Embedded leaves"). Found by name, as
// ready companions are: for an async F,
//
//   void F__coast_init(struct L *frame, params...);
//   int F__coast_poll(struct coast_frame *f, struct coast_cx *cx);
//
// declared at file scope before the awaiter, neither the name of a macro,
// where struct L starts with `struct coast_frame __h` (the frame describes
// itself: dumps and drops find its descriptor there) and, F not void, has
// `__ret`, F's result once the poll answers COAST_READY. Optionally also
//
//   int F__coast_first(struct L *frame, params..., struct coast_cx *cx);
//
// the init and the first poll in one call (a channel receive that waits:
// one call where two were, and no test of what the init just stored).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_EMBEDDEDLEAF_H
#define COAST_PLUGIN_LOWER_EMBEDDEDLEAF_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"

namespace coast {

/// The frame type \p Callee's leaf functions take, or a null type when
/// \p Callee is no embeddable leaf where \p Caller awaits it.
clang::QualType leafFrame(const clang::FunctionDecl &Callee,
                          const clang::FunctionDecl &Caller,
                          clang::ASTContext &Ctx);

/// Whether the leaf \p Callee, whose frame type is \p Frame (leafFrame),
/// publishes F__coast_first where \p Caller awaits it.
bool leafFirst(const clang::FunctionDecl &Callee,
               const clang::FunctionDecl &Caller, clang::QualType Frame,
               clang::ASTContext &Ctx);

} // namespace coast

#endif
