//===- CheckAndLower.cpp - The checks, then the lowering, on one AST ------===//

#include "CheckAndLower.h"
#include "CheckConsumer.h"
#include "Checks.h"
#include "DiagnosticReporter.h"

using namespace clang;

namespace coast {

PreprocessorRecords::PreprocessorRecords(Preprocessor &PP) {
  Counters.watch(PP);
  Tests.watch(PP);
  Skipped.watch(PP);
}

LoweringResult checkAndLower(CompilerInstance &CI, ASTContext &Ctx,
                             const PreprocessorRecords &Records,
                             Placement Where) {
  LoweringResult Result;
  Preprocessor &PP = CI.getPreprocessor();
  DiagnosticReporter Reporter(CI.getDiagnostics(), Ctx.getSourceManager(),
                              Ctx.getLangOpts(), keywordsDefined(PP));
  // coast.h seen without the plugin (a precompiled header built without
  // -fplugin) declared nothing async: compiling on would quietly build
  // the blocking program.
  if (PP.isMacroDefined("COAST_H") && !PP.isMacroDefined("COAST_PLUGIN")) {
    const SourceManager &SM = Ctx.getSourceManager();
    Reporter.unsupported(SM.getLocForStartOfFile(SM.getMainFileID()),
                         "coast.h was read without the coast plugin (from "
                         "a precompiled header built without it?); "
                         "rebuild that header with -fplugin");
    Result.Ok = false;
    Reporter.flush();
    return Result;
  }
  FunctionAnalyses Analyses;
  runAllChecks(Ctx, Reporter, Analyses);
  bool Emit = !Reporter.hasErrors() && !CI.getDiagnostics().hasErrorOccurred();
  TranslationUnitEnd End = TranslationUnitEnd::of(PP, CI.getSema());
  Result = lowerTranslationUnit(Ctx, Reporter, Emit, Analyses, Records.Counters,
                                Records.Tests, Records.Skipped, &End, Where);
  Reporter.flush();
  return Result;
}

} // namespace coast
