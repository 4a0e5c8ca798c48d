//===- SkippedBranches.h - Where the preprocessor skipped text ------------===//
//
// The lowering copies the user's text with the directives in it, and
// writes `#line`s to keep each piece on its line. A `#line` in a branch of
// a conditional group that the preprocessor skipped does not act (the
// directives between a statement's pieces are copied as pieces of their
// own, at their lines, skipped branches too), and only the preprocessor
// knows which branches it skipped (`#if FOO`): a PPCallbacks records them
// while the translation unit is parsed.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_SKIPPEDBRANCHES_H
#define COAST_PLUGIN_LOWER_SKIPPEDBRANCHES_H

#include "clang/Basic/SourceLocation.h"
#include "clang/Basic/SourceManager.h"

#include <utility>
#include <vector>

namespace clang {
class Preprocessor;
} // namespace clang

namespace coast {

class SkippedBranches {
public:
  /// Records every range \p PP skips from now on; this object must outlive
  /// \p PP's parse.
  void watch(clang::Preprocessor &PP);

  /// The skipped ranges of \p File as [begin, end) file offsets, in the
  /// order the preprocessor read them, which is the file's:
  /// each from the directive that began skipping (`#if 0`, or the `#else`
  /// after a chosen branch) to past the one that ended it.
  std::vector<std::pair<unsigned, unsigned>> in(const clang::SourceManager &SM,
                                                clang::FileID File) const;

private:
  std::vector<clang::SourceRange> Ranges;
};

} // namespace coast

#endif
