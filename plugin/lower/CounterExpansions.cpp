//===- CounterExpansions.cpp - Where __COUNTER__ counted ------------------===//

#include "CounterExpansions.h"

#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace coast {

namespace {

/// MacroExpands fires for builtin macros too, in directives, and for a
/// macro argument when it is pre-expanded before substitution.
class CounterWatcher : public PPCallbacks {
public:
  CounterWatcher(const SourceManager &SM, std::vector<SourceLocation> &Locs)
      : SM(SM), Locs(Locs) {}
  void MacroExpands(const Token &Name, const MacroDefinition &,
                    SourceRange Range, const MacroArgs *) override {
    if (const IdentifierInfo *II = Name.getIdentifierInfo();
        II && II->getName() == "__COUNTER__")
      Locs.push_back(SM.getExpansionLoc(Range.getBegin()));
  }

private:
  const SourceManager &SM;
  std::vector<SourceLocation> &Locs;
};

} // namespace

void CounterExpansions::watch(Preprocessor &PP) {
  PP.addPPCallbacks(
      std::make_unique<CounterWatcher>(PP.getSourceManager(), Locs));
}

std::vector<SourceLocation> CounterExpansions::within(const SourceManager &SM,
                                                      CharSourceRange R) const {
  std::vector<SourceLocation> In;
  if (R.isInvalid())
    return In;
  for (SourceLocation L : Locs)
    if (!SM.isBeforeInTranslationUnit(L, R.getBegin()) &&
        SM.isBeforeInTranslationUnit(L, R.getEnd()))
      In.push_back(L);
  return In;
}

} // namespace coast
