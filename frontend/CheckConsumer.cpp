//===- CheckConsumer.cpp - Checking a parsed translation unit -------------===//

#include "CheckConsumer.h"
#include "Checks.h"
#include "CoastAttrs.h"
#include "DiagnosticReporter.h"
#include "lower/Lowering.h"

using namespace clang;

namespace coast {

bool keywordsDefined(Preprocessor &PP) {
  return PP.isMacroDefined("await") && PP.isMacroDefined("async");
}

void checkTranslationUnit(ASTContext &Ctx, DiagnosticReporter &Reporter,
                          bool Unlowered, const CounterExpansions &Counters,
                          const MacroTests &Tests) {
  FunctionAnalyses Analyses;
  runAllChecks(Ctx, Reporter, Analyses);
  if (Unlowered) {
    const SourceManager &SM = Ctx.getSourceManager();
    SourceLocation Start = SM.getLocForStartOfFile(SM.getMainFileID());
    if (hasAsyncCode(Ctx))
      Reporter.unsupported(
          Start, "this file uses async code but never spells a coast name, "
                 "so the plugin did not lower it; include <coast.h> in it");
    else if (const FunctionDecl *FD = usedHeaderAsyncCode(Ctx))
      Reporter.unsupported(
          Start, "this file uses '" + FD->getName().str() +
                     "', whose header has async code, but never spells a "
                     "coast name, so the plugin did not lower it; include "
                     "<coast.h> in it");
  } else {
    // No text is emitted: the skipped branches are not needed.
    lowerTranslationUnit(Ctx, Reporter, /*Emit=*/false, Analyses, Counters,
                         Tests, SkippedBranches());
  }
  Reporter.flush();
}

namespace {

class CheckConsumer : public ASTConsumer {
public:
  CheckConsumer(CompilerInstance &CI, bool Unlowered)
      : CI(CI), Unlowered(Unlowered) {
    Counters.watch(CI.getPreprocessor());
    Tests.watch(CI.getPreprocessor());
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (!mentionsCoast(Ctx))
      return; // a file that never met coast costs one scan, nothing more
    DiagnosticReporter Reporter(CI.getDiagnostics(), Ctx.getSourceManager(),
                                Ctx.getLangOpts(),
                                keywordsDefined(CI.getPreprocessor()));
    checkTranslationUnit(Ctx, Reporter, Unlowered, Counters, Tests);
  }

private:
  CompilerInstance &CI;
  bool Unlowered;
  CounterExpansions Counters;
  MacroTests Tests;
};

} // namespace

std::unique_ptr<ASTConsumer> createCheckConsumer(CompilerInstance &CI,
                                                 bool Unlowered) {
  return std::make_unique<CheckConsumer>(CI, Unlowered);
}

} // namespace coast
