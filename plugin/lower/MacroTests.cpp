//===- MacroTests.cpp - Where the preprocessor asked if a macro is defined ===//

#include "MacroTests.h"

#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace coast {

namespace {

/// Only the evaluated tests: one in a skipped branch decides nothing, in the
/// lowered text as in the user's.
class TestWatcher : public PPCallbacks {
public:
  TestWatcher(const SourceManager &SM,
              std::vector<std::pair<std::string, SourceLocation>> &Tests)
      : SM(SM), Tests(Tests) {}
  void Defined(const Token &Name, const MacroDefinition &,
               SourceRange) override {
    add(Name);
  }
  void Ifdef(SourceLocation, const Token &Name,
             const MacroDefinition &) override {
    add(Name);
  }
  void Ifndef(SourceLocation, const Token &Name,
              const MacroDefinition &) override {
    add(Name);
  }
  void Elifdef(SourceLocation, const Token &Name,
               const MacroDefinition &) override {
    add(Name);
  }
  void Elifndef(SourceLocation, const Token &Name,
                const MacroDefinition &) override {
    add(Name);
  }

private:
  void add(const Token &Name) {
    if (const IdentifierInfo *II = Name.getIdentifierInfo())
      Tests.emplace_back(II->getName().str(),
                         SM.getExpansionLoc(Name.getLocation()));
  }

  const SourceManager &SM;
  std::vector<std::pair<std::string, SourceLocation>> &Tests;
};

} // namespace

void MacroTests::watch(Preprocessor &PP) {
  PP.addPPCallbacks(
      std::make_unique<TestWatcher>(PP.getSourceManager(), Tests));
}

std::optional<SourceLocation> MacroTests::find(const SourceManager &SM,
                                               StringRef Name,
                                               CharSourceRange R) const {
  if (R.isInvalid())
    return std::nullopt;
  for (const auto &[Tested, L] : Tests)
    if (Tested == Name && !SM.isBeforeInTranslationUnit(L, R.getBegin()) &&
        SM.isBeforeInTranslationUnit(L, R.getEnd()))
      return L;
  return std::nullopt;
}

} // namespace coast
