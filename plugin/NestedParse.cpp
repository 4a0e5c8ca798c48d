//===- NestedParse.cpp - Parsing the main file before the real compile ----===//

#include "NestedParse.h"

#include "clang/Basic/Version.h"
#include "clang/Frontend/FrontendAction.h"
#include "llvm/ADT/SmallString.h"

using namespace clang;

namespace coast {

namespace {

bool InNested = false;

/// Hands every diagnostic to the outer compile's client too. Begin/End of
/// source files are not forwarded: the outer client is in the middle of its
/// own.
class ForwardingConsumer : public DiagnosticConsumer {
public:
  explicit ForwardingConsumer(CompilerInstance &Outer)
      : Outer(Outer.getDiagnosticClient()), OuterDiags(Outer.getDiagnostics()),
        OuterSM(Outer.getSourceManager()),
        Sarif(Outer.getDiagnosticOpts().getFormat() ==
              DiagnosticOptions::SARIF) {}

  void HandleDiagnostic(DiagnosticsEngine::Level L,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(L, Info);
    if (Sarif)
      reportInOuter(L, Info);
    else
      Outer.HandleDiagnostic(L, Info);
  }

private:
  /// The SARIF printer's document writer reads every location through the
  /// outer compile's SourceManager, which a location of the nested one
  /// sent out of bounds (a crash): the diagnostic goes out again in the
  /// outer compile's, as stored, at the same file offsets there (without
  /// its fix-its, which the printer does not write).
  void reportInOuter(DiagnosticsEngine::Level L, const Diagnostic &Info) {
    const SourceManager &SM = Info.getSourceManager();
    llvm::SmallString<256> Message;
    Info.FormatDiagnostic(Message);
    std::vector<CharSourceRange> Ranges;
    for (const CharSourceRange &R : Info.getRanges())
      if (CharSourceRange Moved = outerRange(SM, R); Moved.isValid())
        Ranges.push_back(Moved);
    OuterDiags.Report(StoredDiagnostic(
        L, Info.getID(), Message,
        FullSourceLoc(outerLoc(SM, Info.getLocation()), OuterSM), Ranges,
        {}));
  }

  /// \p Loc of the nested \p SM, in the outer SourceManager: the same
  /// offset of the same file, which a header the outer compile has yet to
  /// include enters now. A location in a buffer has none.
  SourceLocation outerLoc(const SourceManager &SM, SourceLocation Loc) {
    if (Loc.isInvalid())
      return Loc;
    Loc = SM.getFileLoc(Loc);
    auto [File, Offset] = SM.getDecomposedLoc(Loc);
    OptionalFileEntryRef Entry = SM.getFileEntryRefForID(File);
    if (!Entry)
      return SourceLocation();
    FileID There = OuterSM.translateFile(*Entry);
    if (There.isInvalid())
      There = OuterSM.createFileID(*Entry, SourceLocation(),
                                   SM.getFileCharacteristic(Loc));
    return OuterSM.getLocForStartOfFile(There).getLocWithOffset(Offset);
  }

  CharSourceRange outerRange(const SourceManager &SM, CharSourceRange R) {
    SourceLocation Begin = outerLoc(SM, R.getBegin());
    SourceLocation End = outerLoc(SM, R.getEnd());
    if (Begin.isInvalid() || End.isInvalid())
      return CharSourceRange();
    return CharSourceRange(SourceRange(Begin, End), R.isTokenRange());
  }

  DiagnosticConsumer &Outer;
  DiagnosticsEngine &OuterDiags;
  SourceManager &OuterSM;
  bool Sarif;
};

class NestedAction : public ASTFrontendAction {
public:
  explicit NestedAction(const ConsumerFactory &Make) : Make(Make) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    return Make(CI);
  }

private:
  const ConsumerFactory &Make;
};

std::shared_ptr<CompilerInvocation> nestedInvocation(CompilerInstance &Outer) {
  auto Inv = std::make_shared<CompilerInvocation>(Outer.getInvocation());
  FrontendOptions &FO = Inv->getFrontendOpts();
  FO.ProgramAction = frontend::ParseSyntaxOnly;
  FO.Plugins.clear();
  FO.AddPluginActions.clear();
  FO.PluginArgs.clear();
  FO.ActionName.clear();
  FO.DisableFree = false;
  Inv->getDependencyOutputOpts() = DependencyOutputOptions();
  Inv->getDiagnosticOpts().VerifyDiagnostics = false;
  return Inv;
}

} // namespace

bool inNestedParse() { return InNested; }

bool runNestedParse(CompilerInstance &Outer, const FrontendInputFile &Input,
                    const ConsumerFactory &Make) {
  std::shared_ptr<CompilerInvocation> Inv = nestedInvocation(Outer);
  // Not createDiagnostics: it reports the command line's unknown -W options,
  // which the outer compile has reported already.
  DiagnosticOptions &DiagOpts = Inv->getDiagnosticOpts();
  auto *Forward = new ForwardingConsumer(Outer);
#if CLANG_VERSION_MAJOR >= 22
  CompilerInstance N(Inv, Outer.getPCHContainerOperations());
  N.setVirtualFileSystem(Outer.getVirtualFileSystemPtr());
  N.setFileManager(IntrusiveRefCntPtr<FileManager>(&Outer.getFileManager()));
  auto Diags = llvm::makeIntrusiveRefCnt<DiagnosticsEngine>(
      DiagnosticIDs::create(), DiagOpts, Forward, /*ShouldOwnClient=*/true);
  ProcessWarningOptions(*Diags, DiagOpts, N.getVirtualFileSystem(),
                        /*ReportDiags=*/false);
  N.setDiagnostics(Diags);
  N.createSourceManager();
#else
  CompilerInstance N(Outer.getPCHContainerOperations());
  N.setInvocation(Inv);
  N.setFileManager(&Outer.getFileManager());
  auto *Diags = new DiagnosticsEngine(new DiagnosticIDs(), &DiagOpts, Forward,
                                      /*ShouldOwnClient=*/true);
  ProcessWarningOptions(*Diags, DiagOpts, /*ReportDiags=*/false);
  N.setDiagnostics(Diags);
  N.createSourceManager(N.getFileManager());
#endif
  N.setTarget(&Outer.getTarget());

  NestedAction Act(Make);
  InNested = true;
  bool Ok = Act.BeginSourceFile(N, Input);
  if (Ok) {
    if (llvm::Error E = Act.Execute()) {
      llvm::consumeError(std::move(E));
      Ok = false;
    }
    Act.EndSourceFile();
  }
  InNested = false;
  return Ok && !N.getDiagnostics().hasErrorOccurred();
}

} // namespace coast
