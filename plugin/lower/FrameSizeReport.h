//===- FrameSizeReport.h - How big each async function's frame is --------===//
//
// -fplugin-arg-coast-frame-sizes=<file> appends one line per async function
// of the main file, "<file>:<line>: <function> <bytes>", read off the
// compile of the lowered code (the frame struct's size as Clang lays it out,
// callee frames embedded in it included).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_FRAMESIZEREPORT_H
#define COAST_PLUGIN_LOWER_FRAMESIZEREPORT_H

#include "clang/AST/ASTContext.h"
#include "llvm/Support/raw_ostream.h"

namespace coast {

/// Writes the frame size of every async function lowered into \p Ctx (the
/// AST of lowered code) to \p OS.
void writeFrameSizes(clang::ASTContext &Ctx, llvm::raw_ostream &OS);

} // namespace coast

#endif
