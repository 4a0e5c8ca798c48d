//===- CounterExpansions.h - Where __COUNTER__ counted --------------------===//
//
// The lowering moves text: pieces of a statement around an await, a local
// type before the function, the declaration written anew. __COUNTER__
// counts in the order the preprocessor expands it, so the planner must know
// every expansion, also those that leave no literal in the AST: in `#if`,
// stringized, pasted into a name, in an attribute. A PPCallbacks records
// them while the translation unit is parsed.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_COUNTEREXPANSIONS_H
#define COAST_PLUGIN_LOWER_COUNTEREXPANSIONS_H

#include "clang/Basic/SourceLocation.h"
#include "clang/Basic/SourceManager.h"

#include <vector>

namespace clang {
class Preprocessor;
} // namespace clang

namespace coast {

class CounterExpansions {
public:
  /// Records every __COUNTER__ \p PP expands from now on; this object
  /// must outlive \p PP's parse.
  void watch(clang::Preprocessor &PP);

  /// The file positions of the expansions inside \p R: where the
  /// __COUNTER__, or the macro invocation that led to it, is written.
  std::vector<clang::SourceLocation> within(const clang::SourceManager &SM,
                                            clang::CharSourceRange R) const;

  /// One expansion: where it counts (as within() gives it), the value it
  /// took, and the file position of the __COUNTER__ token when it is
  /// written in a file's text, directly, in a macro's argument or as the
  /// name of an object-like macro that spells nothing else (invalid when
  /// another macro's definition spells it).
  struct Expansion {
    clang::SourceLocation Loc;
    clang::SourceLocation Written;
    unsigned Value;
  };
  /// The expansions inside \p R, in the order they counted.
  std::vector<Expansion> expansionsWithin(const clang::SourceManager &SM,
                                          clang::CharSourceRange R) const;

private:
  std::vector<clang::SourceLocation> Locs;
  std::vector<clang::SourceLocation> Written;
  std::vector<unsigned> Values;
};

} // namespace coast

#endif
