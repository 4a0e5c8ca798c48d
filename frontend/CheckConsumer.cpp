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

namespace {

/// What the plugin's decision before the parse (FastPath.h) reads, said
/// with the way out that always works: the scan sees `coast` there.
#define SCAN                                                                   \
  "; the plugin decides before the parse whether a file needs lowering, "      \
  "from the text of the file and of the headers it includes, and "
#define WAY_OUT "so it did not lower this file: include <coast.h> in it"

/// Says why the plugin did not lower a main file that uses \p FD, which
/// has async code in its header (never a system header's: its includes
/// are system headers too): the `#include` of a macro on the way from the
/// main file to that header, or the scan's other limits (a digraph's
/// `%:include`, a directive split by a line continuation).
void reportUnfollowed(const SourceManager &SM, const FunctionDecl *FD,
                      DiagnosticReporter &Reporter) {
  std::string Uses = "this file uses '" + FD->getName().str() +
                     "', which has async code in its header";
  SourceLocation ByMacro;
  for (FileID F = SM.getFileID(SM.getExpansionLoc(FD->getLocation()));
       F.isValid() && F != SM.getMainFileID();) {
    // Where the preprocessor entered F: its file name's first character,
    // or where the macro that gave it was expanded.
    SourceLocation Inc = SM.getIncludeLoc(F);
    if (Inc.isInvalid())
      break;
    char C = *SM.getCharacterData(Inc);
    if (C != '"' && C != '<')
      ByMacro = Inc;
    F = SM.getFileID(Inc);
  }
  if (ByMacro.isValid())
    Reporter.unsupported(ByMacro, Uses + ", reached through the '#include' "
                                         "of a macro here" SCAN
                                         "cannot follow an '#include' of a "
                                         "macro, " WAY_OUT);
  else
    Reporter.unsupported(SM.getLocForStartOfFile(SM.getMainFileID()),
                         Uses + SCAN "did not read that header, " WAY_OUT);
}

} // namespace

void checkTranslationUnit(ASTContext &Ctx, DiagnosticReporter &Reporter,
                          bool Unlowered, const CounterExpansions &Counters,
                          const MacroTests &Tests) {
  FunctionAnalyses Analyses;
  runAllChecks(Ctx, Reporter, Analyses);
  if (Unlowered) {
    const SourceManager &SM = Ctx.getSourceManager();
    if (hasAsyncCode(Ctx))
      Reporter.unsupported(
          SM.getLocForStartOfFile(SM.getMainFileID()),
          "this file uses async code through macros of a header the plugin "
          "did not read (one reached through the '#include' of a macro or "
          "through a system header)" SCAN "reads neither, " WAY_OUT);
    else if (const FunctionDecl *FD = usedHeaderAsyncCode(Ctx))
      reportUnfollowed(SM, FD, Reporter);
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
