//===- SharedPreamble.cpp - The main file's headers parsed once -----------===//

#include "SharedPreamble.h"

#include "CoastAttrs.h"
#include "NestedParse.h"

#include "clang/AST/Decl.h"
#include "clang/Basic/Version.h"
#include "clang/Lex/PreprocessorOptions.h"

using namespace clang;

namespace coast {

namespace {

/// Notes that building the preamble reported something.
class NoteReported : public DiagnosticConsumer {
public:
  explicit NoteReported(bool &Reported) : Reported(Reported) {}
  void HandleDiagnostic(DiagnosticsEngine::Level L,
                        const Diagnostic &Info) override {
    Reported = true;
  }

private:
  bool &Reported;
};

/// Notes async function definitions in the preamble's headers.
class FindAsyncDefinitions : public PreambleCallbacks {
public:
  void HandleTopLevelDecl(DeclGroupRef DG) override {
    for (const Decl *D : DG)
      if (const auto *FD = dyn_cast<FunctionDecl>(D))
        Found |= FD->doesThisDeclarationHaveABody() && isAsyncFunction(FD);
  }

  bool Found = false;
};

bool mayShare(const CompilerInstance &CI) {
  const FrontendInputFile &In = CI.getFrontendOpts().Inputs.front();
  const PreprocessorOptions &PPO = CI.getPreprocessorOpts();
  return In.isFile() && In.getFile() != "-" && !In.getKind().isPreprocessed() &&
         PPO.ImplicitPCHInclude.empty() && PPO.ChainedIncludes.empty() &&
         !CI.getLangOpts().Modules;
}

} // namespace

std::unique_ptr<SharedPreamble>
SharedPreamble::build(CompilerInstance &CI, CompilerInvocation &Nested) {
  if (!mayShare(CI))
    return nullptr;
  SourceManager &SM = CI.getSourceManager();
  llvm::MemoryBufferRef Main = SM.getBufferOrFake(SM.getMainFileID());
  PreambleBounds Bounds = ComputePreambleBounds(CI.getLangOpts(), Main, 0);
  if (Bounds.Size == 0)
    return nullptr;

  bool Reported = false;
  IntrusiveRefCntPtr<DiagnosticsEngine> Diags =
      nestedDiagnostics(Nested.getDiagnosticOpts(), new NoteReported(Reported),
                        CI.getVirtualFileSystem());
  std::unique_ptr<llvm::MemoryBuffer> Buf =
      llvm::MemoryBuffer::getMemBuffer(Main, /*RequiresNullTerminator=*/false);
  FindAsyncDefinitions Async;
  NestedScope Scope;
  llvm::ErrorOr<PrecompiledPreamble> PCH = PrecompiledPreamble::Build(
      Nested, Buf.get(), Bounds,
#if CLANG_VERSION_MAJOR >= 22
      Diags,
#else
      *Diags,
#endif
      CI.getFileManager().getVirtualFileSystemPtr(),
      CI.getPCHContainerOperations(), /*StoreInMemory=*/false,
      /*StoragePath=*/"", Async);
  if (!PCH || Reported || Async.Found)
    return nullptr;
  // The preamble's options name its file; PrecompiledPreamble keeps the
  // path to itself.
  CompilerInvocation Probe(Nested);
  IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS =
      CI.getFileManager().getVirtualFileSystemPtr();
  PCH->AddImplicitPreamble(Probe, FS, Buf.get());
  std::string Path = Probe.getPreprocessorOpts().ImplicitPCHInclude;
  return std::unique_ptr<SharedPreamble>(
      new SharedPreamble(std::move(*PCH), std::move(Path), Bounds,
                         Main.getBuffer().take_front(Bounds.Size).str()));
}

void SharedPreamble::useIn(PreprocessorOptions &Opts) const {
  Opts.ImplicitPCHInclude = Path;
  Opts.PrecompiledPreambleBytes = {Bounds.Size,
                                   Bounds.PreambleEndsAtStartOfLine};
  Opts.DisablePCHOrModuleValidation = DisableValidationForModuleKind::PCH;
  // The preamble's predefines replace these.
  Opts.UsePredefines = false;
}

bool SharedPreamble::isPrefixOf(StringRef Lowered) const {
  return Lowered.starts_with(Text);
}

} // namespace coast
