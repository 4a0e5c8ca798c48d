//===- CoastAction.cpp - The plugin's entry point -------------------------===//
//
// `clang -fplugin=coast-plugin.so` adds this action before the main one.
// When the compile generates code, it checks and lowers the main file
// inside the compile's own parse (SingleParse.h) when the main file allows
// it (canParseOnce), else in a nested parse whose lowered text it swaps in
// as the main file (and as each header defining static inline async
// functions), so the rest of the same invocation compiles the lowered
// code; on an error it fails the compile. When it does not (-fsyntax-only,
// -ast-dump, building a PCH), it checks the AST the compile builds anyway. A
// main file that never mentions coast, nor do the headers it reaches,
// skips both and costs nothing but a scan of their text (FastPath.h).
//
// Plugin arguments: -fplugin-arg-coast-dump=<file> writes the lowered C;
// -fplugin-arg-coast-frame-sizes=<file> appends each async function's frame
// size; -fplugin-arg-coast-nested-parse lowers in a nested parse instead of
// inside the compile's own (SingleParse.h), which is the default when it
// can (-fplugin-arg-coast-single-parse, its old switch, is accepted);
// -fplugin-arg-coast-state-at-end (tests) writes each block's state as for
// a block parsed after the file's end.
//
//===----------------------------------------------------------------------===//

#include "CheckAndLower.h"
#include "CheckConsumer.h"
#include "ClangCompat.h"
#include "CoastAttrs.h"
#include "FastPath.h"
#include "NestedParse.h"
#include "SingleParse.h"
#include "lower/FrameSizeReport.h"
#include "lower/Lowering.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace coast {

namespace {

bool generatesCode(frontend::ActionKind K) {
  switch (K) {
  case frontend::EmitAssembly:
  case frontend::EmitBC:
  case frontend::EmitLLVM:
  case frontend::EmitLLVMOnly:
  case frontend::EmitCodeGenOnly:
  case frontend::EmitObj:
    return true;
  default:
    return false;
  }
}

/// The nested parse's consumer: checks, then lowers if all is well.
class LoweringConsumer : public ASTConsumer {
public:
  LoweringConsumer(CompilerInstance &CI, LoweringResult &Result,
                   Placement Where)
      : CI(CI), Result(Result), Where(Where), Records(CI.getPreprocessor()) {}

  void HandleTranslationUnit(ASTContext &Ctx) override {
    Result = checkAndLower(CI, Ctx, Records, Where);
  }

private:
  CompilerInstance &CI;
  LoweringResult &Result;
  Placement Where;
  PreprocessorRecords Records;
};

/// Makes the outer compile fail without printing anything: the nested parse
/// has printed the errors already, through the same client.
void markFailed(CompilerInstance &CI) {
  DiagnosticsEngine &D = CI.getDiagnostics();
  bool Owns = D.ownsClient();
  std::unique_ptr<DiagnosticConsumer> Owned = D.takeClient();
  DiagnosticConsumer *Client = Owns ? Owned.release() : D.getClient();
  IgnoringDiagConsumer Ignore;
  D.setClient(&Ignore, /*ShouldOwnClient=*/false);
  D.Report(D.getCustomDiagID(DiagnosticsEngine::Error,
                             "coast: the async code has errors"));
  D.setClient(Client, Owns);
}

/// Makes \p Text the main file's contents. The file keeps its FileEntry, so
/// quoted includes, __FILE__, -MD and debug info see the same file.
void replaceMainFile(CompilerInstance &CI, StringRef Text) {
  SourceManager &SM = CI.getSourceManager();
  FileID Main = SM.getMainFileID();
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(Main);
  StringRef Name = SM.getBufferOrFake(Main).getBufferIdentifier();
  std::unique_ptr<llvm::MemoryBuffer> Buf =
      llvm::MemoryBuffer::getMemBufferCopy(Text, Name);
  if (FE) {
    SM.overrideFileContents(*FE, std::move(Buf));
    SM.setMainFileID(SM.createFileID(*FE, SourceLocation(), SrcMgr::C_User));
  } else {
    SM.setMainFileID(SM.createFileID(std::move(Buf), SrcMgr::C_User));
  }
}

/// Clears the attributes' inert mode once the lowered code is parsed, and
/// reports frame sizes when asked.
class LoweredConsumer : public ASTConsumer {
public:
  LoweredConsumer(CompilerInstance &CI, std::string FrameSizesFile)
      : CI(CI), FrameSizesFile(std::move(FrameSizesFile)) {}

  /// Runs once the main action began the file, which made a preprocessed
  /// input expand macros in directives only.
  void Initialize(ASTContext &Ctx) override {
    if (CI.getFrontendOpts().Inputs.front().getKind().isPreprocessed())
      expandMacrosInPreprocessedInput(CI.getPreprocessor());
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    setCoastAttrsInert(false);
    if (FrameSizesFile.empty())
      return;
    std::error_code EC;
    llvm::raw_fd_ostream OS(FrameSizesFile, EC, llvm::sys::fs::OF_Append);
    if (!EC) {
      writeFrameSizes(Ctx, OS);
      return;
    }
    DiagnosticsEngine &D = CI.getDiagnostics();
    D.Report(D.getCustomDiagID(DiagnosticsEngine::Error,
                               "cannot write coast frame sizes to '%0': %1"))
        << FrameSizesFile << EC.message();
  }

private:
  CompilerInstance &CI;
  std::string FrameSizesFile;
};

class CoastAction : public PluginASTAction {
protected:
  bool ParseArgs(const CompilerInstance &CI,
                 const std::vector<std::string> &Args) override {
    for (const std::string &A : Args) {
      StringRef Arg(A);
      if (Arg.consume_front("dump=") && !Arg.empty()) {
        DumpFile = Arg.str();
        continue;
      }
      if (Arg.consume_front("frame-sizes=") && !Arg.empty()) {
        FrameSizesFile = Arg.str();
        continue;
      }
      if (Arg == "no-fast-path") {
        NoFastPath = true;
        continue;
      }
      if (Arg == "nested-parse") {
        NestedParse = true;
        continue;
      }
      // The default since the single parse became it: older scripts' switch.
      if (Arg == "single-parse")
        continue;
      if (Arg == "state-at-end") {
        Where = Placement::AtEnd;
        continue;
      }
      DiagnosticsEngine &D = CI.getDiagnostics();
      D.Report(D.getCustomDiagID(DiagnosticsEngine::Error,
                                 "unknown coast plugin argument '%0' "
                                 "(known: dump=<file>, frame-sizes=<file>, "
                                 "no-fast-path, nested-parse, "
                                 "state-at-end)"))
          << A;
      return false;
    }
    return true;
  }

  ActionType getActionType() override { return AddBeforeMainAction; }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    if (inNestedParse())
      return std::make_unique<ASTConsumer>();
    if (!generatesCode(CI.getFrontendOpts().ProgramAction))
      return createCheckConsumer(CI, /*Unlowered=*/false);
    if (!NoFastPath && !mayNeedLowering(CI))
      return createCheckConsumer(CI, /*Unlowered=*/true);

    if (!NestedParse && canParseOnce(CI))
      return createSingleParseConsumer(
          CI,
          // The action does not outlive this call.
          [File = DumpFile, &CI](const LoweringResult &R) {
            if (!File.empty())
              dump(CI, File, R);
          },
          std::make_unique<LoweredConsumer>(CI, FrameSizesFile));

    LoweringResult Result;
    bool Ok = runNestedParse(CI, nestedInput(CI), [&](CompilerInstance &N) {
      return std::make_unique<LoweringConsumer>(N, Result, Where);
    });
    if (!Ok || !Result.Ok) {
      markFailed(CI);
      replaceMainFile(CI, "");
      return std::make_unique<ASTConsumer>();
    }
    // The nested parse printed the user's warnings; the compile of the
    // lowered code would print them again, at shifted columns.
    CI.getDiagnostics().setIgnoreAllWarnings(true);
    if (!Result.Text && Result.Headers.empty())
      return std::make_unique<ASTConsumer>();
    if (!DumpFile.empty())
      dump(CI, DumpFile, Result);
    for (const LoweringResult::Header &H : Result.Headers)
      CI.getSourceManager().overrideFileContents(
          H.File,
          llvm::MemoryBuffer::getMemBufferCopy(H.Text, H.File.getName()));
    if (Result.Text)
      replaceMainFile(CI, *Result.Text);
    setCoastAttrsInert(true);
    return std::make_unique<LoweredConsumer>(CI, FrameSizesFile);
  }

private:
  /// The nested parse reads the main file from its path, so that quoted
  /// includes resolve; standard input can only be handed over as a buffer.
  FrontendInputFile nestedInput(CompilerInstance &CI) {
    // Clang runs one input per -cc1; this action is not the one that began
    // the source file, so its own getCurrentInput() is empty.
    const FrontendInputFile &In = CI.getFrontendOpts().Inputs.front();
    if (In.isFile() && In.getFile() != "-")
      return In;
    SourceManager &SM = CI.getSourceManager();
    return FrontendInputFile(SM.getBufferOrFake(SM.getMainFileID()),
                             In.getKind(), In.isSystem());
  }

  /// Writes the lowered main file, then each lowered header after a line
  /// naming it.
  static void dump(CompilerInstance &CI, StringRef DumpFile,
                   const LoweringResult &Result) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(DumpFile, EC, llvm::sys::fs::OF_Text);
    if (!EC) {
      if (Result.Text)
        OS << *Result.Text;
      for (const LoweringResult::Header &H : Result.Headers)
        OS << "\n/* coast: lowered header " << H.File.getName() << " */\n"
           << H.Text;
      return;
    }
    DiagnosticsEngine &D = CI.getDiagnostics();
    D.Report(D.getCustomDiagID(DiagnosticsEngine::Error,
                               "cannot write coast dump file '%0': %1"))
        << DumpFile << EC.message();
  }

  std::string DumpFile;
  std::string FrameSizesFile;
  /// Lower in a nested parse even where the compile's own (SingleParse.h)
  /// could.
  bool NestedParse = false;
  /// Files without a coast name take the nested parse and the lowering too:
  /// test/realcode puts whole real projects through that path.
  bool NoFastPath = false;
  /// The lowered file replaces the user's: each block is parsed where its
  /// function was. For tests, the blocks can be written as the single
  /// parse appends them (FunctionState.h), the file still assembled in
  /// place: what only an appended block gets shows in the dump.
  Placement Where = Placement::InPlace;
};

FrontendPluginRegistry::Add<CoastAction> Registration("coast",
                                                      "coast: async C");

/// Comes after CodeGen's consumer in a single parse (SingleParse.h), and
/// nowhere else.
class AfterCodeGenAction : public PluginASTAction {
protected:
  /// Clang runs the plugin's actions in the order they are registered, so
  /// CoastAction (above, in this file) has made its consumer already.
  bool ParseArgs(const CompilerInstance &,
                 const std::vector<std::string> &) override {
    return singleParseActive();
  }

  ActionType getActionType() override { return AddAfterMainAction; }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    return createAfterCodeGenConsumer(CI, !otherPluginAfterMain(CI));
  }

private:
  /// Whether another plugin's action may come after the main one, as
  /// FrontendAction::CreateWrappedASTConsumer chooses them (its arguments
  /// unparsed: at worst the AST is kept, which costs only memory).
  static bool otherPluginAfterMain(const CompilerInstance &CI) {
    for (const FrontendPluginRegistry::entry &Plugin :
         FrontendPluginRegistry::entries()) {
      if (Plugin.getName() == "coast-after-codegen")
        continue;
      ActionType Type = Plugin.instantiate()->getActionType();
      if (Type == AddAfterMainAction ||
          (Type == CmdlineAfterMainAction &&
           llvm::is_contained(CI.getFrontendOpts().AddPluginActions,
                              Plugin.getName())))
        return true;
    }
    return false;
  }
};

FrontendPluginRegistry::Add<AfterCodeGenAction>
    AfterRegistration("coast-after-codegen",
                      "coast: the single parse, after CodeGen");

} // namespace

} // namespace coast
