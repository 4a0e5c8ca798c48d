//===- CheckConsumer.h - Checking a parsed translation unit ---------------===//
//
// The ASTConsumer every front end uses to check an AST it parsed without
// lowering it: the plugin under -fsyntax-only (and for compiles with nothing
// to lower), coast-check for every translation unit. It runs runAllChecks
// and the lowering's planner (coast-unsupported) and reports through
// DiagnosticReporter, so the front ends print the same diagnostics; the
// clang-tidy module calls the same code, checkTranslationUnit, with its own
// reporter.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_FRONTEND_CHECKCONSUMER_H
#define COAST_FRONTEND_CHECKCONSUMER_H

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Lex/Preprocessor.h"

#include <memory>

namespace coast {

class CounterExpansions;
class MacroTests;
class DiagnosticReporter;

/// Whether coast.h's keyword macros (`await`, `async`) are defined, so that
/// fix-its may spell them rather than the coast_ forms.
bool keywordsDefined(clang::Preprocessor &PP);

/// Runs every check and the lowering's planner on \p Ctx and flushes
/// \p Reporter: what the consumer below does, for front ends that bring
/// their own consumer and reporter (the clang-tidy module).
/// \param Unlowered as for createCheckConsumer.
/// \param Counters, \p Tests watched the preprocessor that parsed \p Ctx.
void checkTranslationUnit(clang::ASTContext &Ctx, DiagnosticReporter &Reporter,
                          bool Unlowered, const CounterExpansions &Counters,
                          const MacroTests &Tests);

/// The consumer that checks the AST \p CI builds.
/// \param Unlowered the compile generates code from this AST, which was not
/// lowered: async code in it is an error (coast-unsupported) instead of being
/// planned.
std::unique_ptr<clang::ASTConsumer>
createCheckConsumer(clang::CompilerInstance &CI, bool Unlowered);

} // namespace coast

#endif
