//===- CoastCheck.cpp - One coast diagnostic as a clang-tidy check --------===//

#include "CoastCheck.h"
#include "CheckConsumer.h"
#include "CoastAttrs.h"
#include "DiagnosticCatalog.h"
#include "DiagnosticReporter.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/DiagnosticOptions.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace coast {

namespace {

/// Reports through clang-tidy: a diagnostic becomes ClangTidyContext::diag
/// of the check named like it (clang-tidy prints " [coast-NAME]" itself, and
/// applies and exports its fix-its); one whose check is not enabled goes,
/// with its notes, to a DiagnosticsEngine that drops everything.
class TidyReporter : public DiagnosticReporter {
public:
  TidyReporter(tidy::ClangTidyContext &Tidy, ASTContext &Ctx, bool Keywords)
      : DiagnosticReporter(Ctx.getDiagnostics(), Ctx.getSourceManager(),
                           Ctx.getLangOpts(), Keywords),
        Tidy(Tidy),
        Dropped(new DiagnosticIDs, dropOptions(), new IgnoringDiagConsumer,
                /*ShouldOwnClient=*/true) {}

protected:
  DiagnosticBuilder report(DiagnosticsEngine::Level L, SourceLocation Loc,
                           StringRef Name, StringRef Text) override {
    if (L != DiagnosticsEngine::Note) {
      Current = Name.str();
      Enabled = Tidy.isCheckEnabled(Name);
    }
    if (!Enabled)
      return Dropped.Report(Loc, Dropped.getCustomDiagID(L, "%0")) << Text;
    return Tidy.diag(Current, Loc, "%0", idLevel(L)) << Text;
  }

private:
  static DiagnosticIDs::Level idLevel(DiagnosticsEngine::Level L) {
    switch (L) {
    case DiagnosticsEngine::Note:
      return DiagnosticIDs::Note;
    case DiagnosticsEngine::Warning:
      return DiagnosticIDs::Warning;
    case DiagnosticsEngine::Error:
      return DiagnosticIDs::Error;
    default:
      llvm_unreachable("coast reports errors, warnings and notes");
    }
  }
  // DiagnosticsEngine takes DiagnosticOptions by reference from 21 on, by
  // IntrusiveRefCntPtr before.
#if LLVM_VERSION_MAJOR >= 21
  DiagnosticOptions &dropOptions() { return DropOpts; }
  DiagnosticOptions DropOpts;
#else
  static IntrusiveRefCntPtr<DiagnosticOptions> dropOptions() {
    return new DiagnosticOptions;
  }
#endif

  tidy::ClangTidyContext &Tidy;
  DiagnosticsEngine Dropped;
  std::string Current;
  bool Enabled = false;
};

} // namespace

void CoastCheck::registerMatchers(MatchFinder *Finder) {
  // The analyses walk the translation unit themselves: one match per unit.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void CoastCheck::check(const MatchFinder::MatchResult &Result) {
  // The first enabled coast check reports for all of them.
  for (const DiagnosticInfo &D : allDiagnostics())
    if (Context->isCheckEnabled(D.Name)) {
      if (D.Name != Name)
        return;
      break;
    }
  ASTContext &Ctx = *Result.Context;
  if (!mentionsCoast(Ctx))
    return;
  TidyReporter Reporter(*Context, Ctx, PP && keywordsDefined(*PP));
  checkTranslationUnit(Ctx, Reporter, /*Unlowered=*/false, Counters, Tests);
}

} // namespace coast
