//===- Lowering.h - Lowering a translation unit's async code --------------===//
//
// The driver of the lowering stages over the main file and the headers that
// define static inline async functions: plans every async
// function (AsyncFunctionPlan), lays out its frame (FrameLayout), turns it
// into a poll function (StateMachine), and rewrites coast_block_on and
// coast_spawn wherever they stand. The result is C that plain Clang compiles
// against the runtime's headers.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_LOWERING_H
#define COAST_PLUGIN_LOWER_LOWERING_H

#include "CheckHandler.h"
#include "CounterExpansions.h"
#include "FunctionAnalyses.h"
#include "FunctionState.h"
#include "MacroTests.h"
#include "Pieces.h"
#include "SkippedBranches.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/FileEntry.h"

#include <optional>
#include <string>
#include <vector>

namespace coast {

struct LoweringResult {
  /// False if something could not be lowered (reported through the handler).
  bool Ok = true;
  /// The lowered main file; empty when it has nothing to lower.
  std::optional<std::string> Text;
  /// A lowered header: one that defines static inline async functions.
  struct Header {
    clang::FileEntryRef File;
    std::string Text;
  };
  std::vector<Header> Headers;
  /// What Text and Headers are assembled from: every declaration the
  /// lowering rewrote, as lowered text, in translation-unit order.
  std::vector<LoweredPiece> Pieces;
};

/// Plans the lowering of the main file and of the headers that define
/// async functions, reporting what cannot be lowered; with \p Emit, also
/// produces the lowered texts. \p Analyses may hold what the checks
/// computed on the same AST; \p Counters, \p Tests and \p Skipped (read
/// only with \p Emit) watched its preprocessor. With \p End, each async
/// function's block keeps the function's state where it is parsed
/// (\p Where: FunctionState.h).
LoweringResult lowerTranslationUnit(clang::ASTContext &Ctx,
                                    CheckHandler &Handler, bool Emit,
                                    FunctionAnalyses &Analyses,
                                    const CounterExpansions &Counters,
                                    const MacroTests &Tests,
                                    const SkippedBranches &Skipped,
                                    const TranslationUnitEnd *End = nullptr,
                                    Placement Where = Placement::InPlace);

/// True if the lowering rewrites \p D when it lowers its file: an async
/// function definition, or a definition whose code uses coast operations
/// or an async function's value.
bool isLoweredCode(const clang::Decl *D);

/// True if the main file has async code the lowering would touch: async
/// function definitions or coast operations.
bool hasAsyncCode(clang::ASTContext &Ctx);

/// A function the main file uses that a (non-system) header defines with
/// async code in it, or null: such a header needs its including file to be
/// lowered too.
const clang::FunctionDecl *usedHeaderAsyncCode(clang::ASTContext &Ctx);

} // namespace coast

#endif
