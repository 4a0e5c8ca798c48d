//===- Lowering.h - Lowering a translation unit's async code --------------===//
//
// The driver of the lowering stages over the main file: plans every async
// function (AsyncFunctionPlan), lays out its frame (FrameLayout), turns it
// into a poll function (StateMachine), and rewrites coast_block_on and
// coast_spawn wherever they stand. The result is C that plain Clang compiles
// against the runtime's headers.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_LOWERING_H
#define COAST_PLUGIN_LOWER_LOWERING_H

#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"

#include <optional>
#include <string>

namespace coast {

struct LoweringResult {
  /// False if something could not be lowered (reported through the handler).
  bool Ok = true;
  /// The lowered main file; empty when it has nothing to lower.
  std::optional<std::string> Text;
};

/// Plans the lowering of the main file, reporting what cannot be lowered;
/// with \p Emit, also produces the lowered text.
LoweringResult lowerMainFile(clang::ASTContext &Ctx, CheckHandler &Handler,
                             bool Emit);

/// True if the translation unit has async code the lowering would touch:
/// async function definitions or coast operations in its main file.
bool hasAsyncCode(clang::ASTContext &Ctx);

} // namespace coast

#endif
