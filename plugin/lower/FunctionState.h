//===- FunctionState.h - Moved text that keeps its function's state -------===//
//
// The text the lowering writes for an async function (its block: moved
// local types, frame, descriptor, start and poll functions), and for
// each other declaration it rewrites, is parsed in
// the preprocessor's and Sema's state of wherever it lands, not of where
// the function was written. The nested parse puts it where the function
// was; the single parse appends it after the main file's end. What would then
// change meaning, each made explicit here:
//  - a macro defined, redefined or #undef'ed after the function: the
//    block is wrapped in `#pragma push_macro`, the function-time definition
//    (or `#undef`) and `#pragma pop_macro`, for the names the block's
//    expansion can reach and that differ at the end of the translation unit;
//  - `__COUNTER__`: appended, each expansion written in the function
//    becomes the value it took (in place a literal would not count: every
//    later `__COUNTER__` of the file would change);
//  - floating-point pragmas (`STDC FP_CONTRACT`, `FENV_ACCESS`,
//    `FENV_ROUND`, `CX_LIMITED_RANGE`, `clang fp`, `float_control`):
//    appended, the body's state is written as pragmas at the start of the
//    poll function, in an order Clang accepts from the end's state, their
//    macro-expanded argument words undefined around them;
//  - pragma regions (`GCC visibility push`, `clang section`, `clang
//    optimize off`, `clang attribute push`): reopened around the block.
// Everything is written against the state at the end of the translation
// unit, or is coast-unsupported by name when it cannot be said at all.
// Only appended text (Placement::AtEnd) needs it: in place (the nested
// parse) the text has its function's state already, and FunctionState
// does not run.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_FUNCTIONSTATE_H
#define COAST_PLUGIN_LOWER_FUNCTIONSTATE_H

#include "CheckHandler.h"
#include "CounterExpansions.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceLocation.h"

#include <string>

namespace clang {
class Preprocessor;
class Sema;
} // namespace clang

namespace coast {

class LoweringContext;

/// Where a function's lowered block is parsed.
enum class Placement {
  /// Where the function was written (the lowered file replaces the
  /// user's): only text that is a no-op there.
  InPlace,
  /// After the main file's end, in the state the translation unit ends in
  /// (the single parse).
  AtEnd,
};

/// The state the translation unit ends in, taken when the lowering runs:
/// the preprocessor (its macros' histories) and Sema's pragma states.
struct TranslationUnitEnd {
  clang::Preprocessor &PP;
  clang::FPOptions FP;
  /// The regions open at the end.
  const clang::Sema &S;

  static TranslationUnitEnd of(clang::Preprocessor &PP, clang::Sema &S);
};

/// The directives to put right before and right after a function's block.
struct StateText {
  std::string Before;
  std::string After;
};

class FunctionState {
public:
  FunctionState(clang::ASTContext &Ctx, const TranslationUnitEnd &End,
                const CounterExpansions &Counters, CheckHandler &Handler);

  /// The entry point for a block: \p Text is the block's final text, the
  /// lowering of \p D written from \p Block (a function's file range, its
  /// declaration to its `}`; a rewritten global's, its declaration to its
  /// `;`). False if the block cannot keep its state (reported through the
  /// handler).
  bool around(const clang::NamedDecl &D, clang::CharSourceRange Block,
              llvm::StringRef Text, StateText &Out);

  /// Pragmas (one a line) that give the poll function's body \p FD's
  /// floating-point state, to be written first in it. False if no pragma
  /// sequence can say it (reported).
  bool fpPragmas(const clang::FunctionDecl &FD, std::string &Out);

  /// Writes each __COUNTER__ expansion of \p Block (\p D's file range, as
  /// for around) as the value it took. False if one cannot be written so
  /// (reported).
  bool writeCounters(const clang::NamedDecl &D, clang::CharSourceRange Block,
                     LoweringContext &LC);

private:
  bool macrosAround(const clang::NamedDecl &D, clang::CharSourceRange Block,
                    llvm::StringRef Text, StateText &Out);
  bool regionsAround(const clang::FunctionDecl &FD, StateText &Out);
  bool bodyRegions(const clang::FunctionDecl &FD);
  clang::SourceLocation latestMacroDirective();
  bool inDirective(clang::SourceLocation L, clang::CharSourceRange R) const;

  clang::ASTContext &Ctx;
  const TranslationUnitEnd &End;
  const CounterExpansions &Counters;
  CheckHandler &Handler;
  clang::SourceLocation Latest;
  bool LatestKnown = false;
};

} // namespace coast

#endif
