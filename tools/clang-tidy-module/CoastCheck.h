//===- CoastCheck.h - One coast diagnostic as a clang-tidy check ----------===//
//
// The clang-tidy module registers one CoastCheck per name of
// DiagnosticCatalog.h (`coast-sync-call`, ...), so `--checks=-*,coast-x`
// enables exactly the diagnostics named coast-x. The checks themselves are
// not here: per translation unit, the first enabled CoastCheck (in catalog
// order) runs the front ends' shared path, checkTranslationUnit, once, and
// reports every diagnostic whose check is enabled through clang-tidy's
// ClangTidyContext::diag, with its notes and fix-its.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_TOOLS_CLANGTIDYMODULE_COASTCHECK_H
#define COAST_TOOLS_CLANGTIDYMODULE_COASTCHECK_H

#include "lower/CounterExpansions.h"
#include "lower/MacroTests.h"

#include "clang-tidy/ClangTidyCheck.h"

namespace coast {

/// The clang-tidy check of one coast diagnostic name; see docs/ci.md.
class CoastCheck : public clang::tidy::ClangTidyCheck {
public:
  CoastCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : ClangTidyCheck(Name, Context), Name(Name), Context(Context) {}

  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return !LangOpts.CPlusPlus; // coast is C
  }
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override {
    this->PP = PP;
    Counters.watch(*PP);
    Tests.watch(*PP);
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  std::string Name;
  clang::tidy::ClangTidyContext *Context;
  clang::Preprocessor *PP = nullptr;
  CounterExpansions Counters;
  MacroTests Tests;
};

} // namespace coast

#endif
