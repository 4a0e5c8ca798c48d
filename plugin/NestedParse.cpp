//===- NestedParse.cpp - Parsing the main file before the real compile ----===//

#include "NestedParse.h"

#include "clang/Basic/Version.h"
#include "clang/Frontend/FrontendAction.h"

using namespace clang;

namespace coast {

namespace {

bool InNested = false;

/// Hands every diagnostic to the outer compile's client too. Begin/End of
/// source files are not forwarded: the outer client is in the middle of its
/// own.
class ForwardingConsumer : public DiagnosticConsumer {
public:
  explicit ForwardingConsumer(DiagnosticConsumer &Outer) : Outer(Outer) {}
  void HandleDiagnostic(DiagnosticsEngine::Level L,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(L, Info);
    Outer.HandleDiagnostic(L, Info);
  }

private:
  DiagnosticConsumer &Outer;
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
  auto *Forward = new ForwardingConsumer(Outer.getDiagnosticClient());
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
