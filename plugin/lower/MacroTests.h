//===- MacroTests.h - Where the preprocessor asked if a macro is defined --===//
//
// The lowering defines `return`, `__func__` and the names of frame
// variables as macros around an async function's body (StateMachine.h,
// FrameVarNames.h). A test of such a name there (`#ifdef return`,
// `#if defined(n)`, `defined` made by a macro's expansion too) would be
// decided the other way after lowering. Only the preprocessor sees every
// such test, in the order and the branches it evaluated them: a PPCallbacks
// records them while the translation unit is parsed.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_MACROTESTS_H
#define COAST_PLUGIN_LOWER_MACROTESTS_H

#include "clang/Basic/SourceLocation.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace clang {
class Preprocessor;
} // namespace clang

namespace coast {

class MacroTests {
public:
  /// Records every `defined`, `#ifdef`, `#ifndef`, `#elifdef` and
  /// `#elifndef` \p PP evaluates from now on; this object must outlive
  /// \p PP's parse.
  void watch(clang::Preprocessor &PP);

  /// The first test of \p Name inside \p R: where the name, or the macro
  /// invocation that led to it, is written.
  std::optional<clang::SourceLocation> find(const clang::SourceManager &SM,
                                            llvm::StringRef Name,
                                            clang::CharSourceRange R) const;

private:
  /// By name, each in translation-unit order (the order the preprocessor
  /// evaluates them), so a lookup is a binary search, not a scan of every
  /// test per function.
  llvm::StringMap<llvm::SmallVector<clang::SourceLocation, 1>> Tests;
};

} // namespace coast

#endif
