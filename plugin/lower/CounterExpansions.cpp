//===- CounterExpansions.cpp - Where __COUNTER__ counted ------------------===//

#include "CounterExpansions.h"

#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace coast {

namespace {

/// MacroExpands fires for builtin macros too, in directives, and for a
/// macro argument when it is pre-expanded before substitution.
class CounterWatcher : public PPCallbacks {
public:
  CounterWatcher(const Preprocessor &PP, std::vector<SourceLocation> &Locs,
                 std::vector<SourceLocation> &Written,
                 std::vector<unsigned> &Values)
      : PP(PP), SM(PP.getSourceManager()), Locs(Locs), Written(Written),
        Values(Values) {}
  /// Called before the builtin expands: the counter holds its value.
  void MacroExpands(const Token &Name, const MacroDefinition &,
                    SourceRange Range, const MacroArgs *) override {
    if (const IdentifierInfo *II = Name.getIdentifierInfo();
        II && II->getName() == "__COUNTER__") {
      Locs.push_back(SM.getExpansionLoc(Range.getBegin()));
      Written.push_back(writtenAt(Range.getBegin()));
      Values.push_back(PP.getCounterValue());
    }
  }

private:
  /// Where the token at \p L is written in a file: through macro
  /// arguments to the text they were written in, and through macros that
  /// spell nothing else (`#define NEXT __COUNTER__`) to their names;
  /// invalid for a token of any other macro's definition.
  SourceLocation writtenAt(SourceLocation L) const {
    while (L.isMacroID()) {
      if (SM.isMacroArgExpansion(L))
        L = SM.getImmediateSpellingLoc(L);
      else if (expandsToItAlone(L))
        L = SM.getImmediateExpansionRange(L).getBegin();
      else
        return SourceLocation();
    }
    return L;
  }

  /// Whether the macro whose definition spells the token at \p L is
  /// object-like and spells only it: its name then stands for that token.
  /// Its definition now is the one that expanded.
  bool expandsToItAlone(SourceLocation L) const {
    const SrcMgr::ExpansionInfo &EI =
        SM.getSLocEntry(SM.getFileID(L)).getExpansion();
    if (EI.isFunctionMacroExpansion())
      return false;
    SmallString<32> Buf;
    bool Invalid = false;
    StringRef Name =
        Lexer::getSpelling(SM.getSpellingLoc(EI.getExpansionLocStart()), Buf,
                           SM, PP.getLangOpts(), &Invalid);
    const MacroInfo *MI =
        Invalid ? nullptr : PP.getMacroInfo(PP.getIdentifierInfo(Name));
    return MI && MI->isObjectLike() && MI->getNumTokens() == 1;
  }

  const Preprocessor &PP;
  const SourceManager &SM;
  std::vector<SourceLocation> &Locs;
  std::vector<SourceLocation> &Written;
  std::vector<unsigned> &Values;
};

} // namespace

void CounterExpansions::watch(Preprocessor &PP) {
  PP.addPPCallbacks(
      std::make_unique<CounterWatcher>(PP, Locs, Written, Values));
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

std::vector<CounterExpansions::Expansion>
CounterExpansions::expansionsWithin(const SourceManager &SM,
                                    CharSourceRange R) const {
  std::vector<Expansion> In;
  if (R.isInvalid())
    return In;
  for (size_t I = 0; I < Locs.size(); ++I)
    if (!SM.isBeforeInTranslationUnit(Locs[I], R.getBegin()) &&
        SM.isBeforeInTranslationUnit(Locs[I], R.getEnd()))
      In.push_back({Locs[I], Written[I], Values[I]});
  return In;
}

} // namespace coast
