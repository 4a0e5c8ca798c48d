//===- MacroTests.cpp - Where the preprocessor asked if a macro is defined ===//

#include "MacroTests.h"

#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace coast {

namespace {

/// Only the evaluated tests: one in a skipped branch decides nothing, in the
/// lowered text as in the user's.
class TestWatcher : public PPCallbacks {
public:
  TestWatcher(const SourceManager &SM,
              llvm::StringMap<llvm::SmallVector<SourceLocation, 1>> &Tests)
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
      Tests[II->getName()].push_back(SM.getExpansionLoc(Name.getLocation()));
  }

  const SourceManager &SM;
  llvm::StringMap<llvm::SmallVector<SourceLocation, 1>> &Tests;
};

} // namespace

void MacroTests::watch(Preprocessor &PP) {
  PP.addPPCallbacks(
      std::make_unique<TestWatcher>(PP.getSourceManager(), Tests));
}

std::optional<SourceLocation> MacroTests::find(const SourceManager &SM,
                                               StringRef Name,
                                               CharSourceRange R) const {
  auto It = Tests.find(Name);
  if (R.isInvalid() || It == Tests.end())
    return std::nullopt;
  const auto *First =
      llvm::partition_point(It->second, [&](SourceLocation L) {
        return SM.isBeforeInTranslationUnit(L, R.getBegin());
      });
  if (First == It->second.end() ||
      !SM.isBeforeInTranslationUnit(*First, R.getEnd()))
    return std::nullopt;
  return *First;
}

} // namespace coast
