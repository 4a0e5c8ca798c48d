//===- SkippedBranches.cpp - Where the preprocessor skipped text ----------===//

#include "SkippedBranches.h"

#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace coast {

namespace {

class SkipWatcher : public PPCallbacks {
public:
  explicit SkipWatcher(std::vector<SourceRange> &Ranges) : Ranges(Ranges) {}
  void SourceRangeSkipped(SourceRange Range, SourceLocation) override {
    Ranges.push_back(Range);
  }

private:
  std::vector<SourceRange> &Ranges;
};

} // namespace

void SkippedBranches::watch(Preprocessor &PP) {
  PP.addPPCallbacks(std::make_unique<SkipWatcher>(Ranges));
}

std::vector<std::pair<unsigned, unsigned>>
SkippedBranches::in(const SourceManager &SM, FileID File) const {
  std::vector<std::pair<unsigned, unsigned>> In;
  for (SourceRange R : Ranges) {
    auto [BeginFile, Begin] = SM.getDecomposedLoc(R.getBegin());
    auto [EndFile, End] = SM.getDecomposedLoc(R.getEnd());
    if (BeginFile == File && EndFile == File)
      In.emplace_back(Begin, End);
  }
  return In;
}

} // namespace coast
