//===- CoastCheck.cpp - coast-check: every coast check, no compile --------===//
//
// `coast-check -p <build dir> [files...]` runs the checks the plugin runs
// (CheckConsumer: runAllChecks and the lowering's planner) on translation
// units of a compile_commands.json, without generating code (SPEC section 5).
//
// Each translation unit is a ClangTool run of its own compile command on a
// worker thread (-j), with its own file system view (the working directory is
// per command, never the process's) and a TUConsumer that buffers what it
// prints. The main thread prints the buffers in the database's order as soon
// as every earlier unit is done, so the output is the same for every -j and
// never interleaved. --fix and --sarif work from what the units recorded once
// all are done.
//
// Exit status: 0 clean (warnings allowed), 1 an error in some unit (or a unit
// that could not be checked), 2 bad usage or an unusable database.
//
//===----------------------------------------------------------------------===//

#include "CheckConsumer.h"
#include "Fixes.h"
#include "Sarif.h"
#include "TUDiagnostics.h"

#include "clang/Basic/ParsedAttrInfo.h"
#include "clang/Basic/Version.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#ifndef COAST_CHECK_RESOURCE_DIR
#error "COAST_CHECK_RESOURCE_DIR: Clang's resource directory, set by CMake"
#endif

using namespace clang;
using namespace clang::tooling;
using namespace llvm;

namespace {

cl::OptionCategory Category("coast-check options");

cl::opt<std::string> BuildPath(
    "p", cl::desc("Build directory holding compile_commands.json"),
    cl::value_desc("build dir"), cl::Required, cl::cat(Category));
cl::list<std::string>
    SourcePaths(cl::Positional,
                cl::desc("[<file> ...] (default: every database entry)"),
                cl::cat(Category));
cl::opt<unsigned>
    Jobs("j", cl::desc("Translation units checked in parallel (default: "
                       "every core)"),
         cl::init(0), cl::cat(Category));
cl::opt<bool> Fix("fix", cl::desc("Apply every fix-it, each once"),
                  cl::cat(Category));
cl::opt<std::string> SarifFile("sarif", cl::desc("Write a SARIF 2.1.0 log"),
                               cl::value_desc("file"), cl::cat(Category));
cl::list<std::string>
    ExtraArgs("extra-arg",
              cl::desc("Argument appended to each compile command (e.g. "
                       "-Werror, -Wno-...)"),
              cl::cat(Category));
cl::list<std::string>
    ExtraArgsBefore("extra-arg-before",
                    cl::desc("Argument prepended to each compile command"),
                    cl::cat(Category));
cl::opt<std::string> ResourceDir(
    "resource-dir",
    cl::desc("Clang's resource directory (default: the one of the clang "
             "coast-check was built with)"),
    cl::init(COAST_CHECK_RESOURCE_DIR), cl::cat(Category));
enum class ColorMode { Auto, Always, Never };
cl::opt<ColorMode> Color(
    "colour", cl::desc("Colour the diagnostics"), cl::init(ColorMode::Auto),
    cl::values(clEnumValN(ColorMode::Auto, "auto", "on a terminal"),
               clEnumValN(ColorMode::Always, "always", "always"),
               clEnumValN(ColorMode::Never, "never", "never")),
    cl::cat(Category));

/// A database of one compile command: ClangTool runs exactly that one,
/// whatever path it asks for.
class OneCommand : public CompilationDatabase {
public:
  explicit OneCommand(CompileCommand C) : C(std::move(C)) {}
  std::vector<CompileCommand> getCompileCommands(StringRef) const override {
    return {C};
  }

private:
  CompileCommand C;
};

/// Parses without generating code and checks the AST (the plugin's
/// CheckConsumer). Clang's "N errors generated." goes to the unit's buffer.
class CheckAction : public ASTFrontendAction {
public:
  explicit CheckAction(raw_ostream &Stats) : Stats(Stats) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 StringRef) override {
    CI.setVerboseOutputStream(Stats);
    return coast::createCheckConsumer(CI, /*Unlowered=*/false);
  }

private:
  raw_ostream &Stats;
};

class CheckActionFactory : public FrontendActionFactory {
public:
  explicit CheckActionFactory(raw_ostream &Stats) : Stats(Stats) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<CheckAction>(Stats);
  }

private:
  raw_ostream &Stats;
};

/// Drops the plugin from commands of projects built with it: the checks run
/// in this process, and loading the plugin would register its attributes a
/// second time.
ArgumentsAdjuster stripPluginAdjuster() {
  return [](const CommandLineArguments &Args, StringRef) {
    CommandLineArguments Out;
    for (const std::string &A : Args)
      if (!StringRef(A).starts_with("-fplugin=") &&
          !StringRef(A).starts_with("-fplugin-arg-"))
        Out.push_back(A);
    return Out;
  };
}

std::string absolutePath(const CompileCommand &C) {
  if (sys::path::is_absolute(C.Filename))
    return C.Filename;
  SmallString<256> P(C.Directory);
  sys::path::append(P, C.Filename);
  return std::string(P);
}

coast::TUResult checkUnit(const CompileCommand &Cmd, bool Colors) {
  coast::TUResult R;
  if (!sys::fs::is_directory(Cmd.Directory)) {
    // ClangTool would stop the process (report_fatal_error).
    R.Output = "coast-check: error: the directory '" + Cmd.Directory +
               "' of the compile command of '" + Cmd.Filename +
               "' does not exist\n";
    R.Failed = true;
    return R;
  }
  coast::TUConsumer Consumer(R, Colors);
  OneCommand DB(Cmd);
  ClangTool Tool(DB, {absolutePath(Cmd)},
                 std::make_shared<PCHContainerOperations>(),
                 vfs::createPhysicalFileSystem());
  Tool.setPrintErrorMessage(false);
  Tool.setDiagnosticConsumer(&Consumer);
  Tool.appendArgumentsAdjuster(stripPluginAdjuster());
  for (const std::string &A : ExtraArgsBefore)
    Tool.appendArgumentsAdjuster(
        getInsertArgumentAdjuster(A.c_str(), ArgumentInsertPosition::BEGIN));
  for (const std::string &A : ExtraArgs)
    Tool.appendArgumentsAdjuster(
        getInsertArgumentAdjuster(A.c_str(), ArgumentInsertPosition::END));
  // Last, so that it wins over a -resource-dir of another clang's commands.
  Tool.appendArgumentsAdjuster(getInsertArgumentAdjuster(
      ("-resource-dir=" + ResourceDir).c_str(), ArgumentInsertPosition::END));
  CheckActionFactory Factory(Consumer.stream());
  if (Tool.run(&Factory) != 0)
    R.Failed = true;
  Consumer.stream().flush();
  // Diagnostics without a place (the driver's) belong to the unit's file.
  for (coast::RecordedDiagnostic &D : R.Diagnostics)
    if (D.Loc.File.empty())
      D.Loc.File = absolutePath(Cmd);
  return R;
}

bool useColors() {
  switch (Color) {
  case ColorMode::Always:
    return true;
  case ColorMode::Never:
    return false;
  case ColorMode::Auto:
    return sys::Process::StandardOutIsDisplayed();
  }
  llvm_unreachable("unknown colour mode");
}

/// The compile commands to run, in order: those of the files named, or
/// every entry. Reports and returns false for a file the database lacks.
bool selectCommands(const CompilationDatabase &DB,
                    std::vector<CompileCommand> &Out) {
  if (SourcePaths.empty()) {
    Out = DB.getAllCompileCommands();
    return true;
  }
  bool Ok = true;
  for (const std::string &F : SourcePaths) {
    SmallString<256> Abs(F);
    sys::fs::make_absolute(Abs);
    sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
    std::vector<CompileCommand> Cmds = DB.getCompileCommands(Abs);
    if (Cmds.empty()) {
      errs() << "coast-check: error: no compile command for '" << F
             << "' in " << BuildPath << "/compile_commands.json\n";
      Ok = false;
    }
    for (CompileCommand &C : Cmds)
      Out.push_back(std::move(C));
  }
  return Ok;
}

} // namespace

int main(int argc, const char **argv) {
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter([](raw_ostream &OS) {
    OS << "coast-check 0.1.0 (clang " CLANG_VERSION_STRING ")\n";
  });
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "coast-check: every coast check on the translation units of a "
          "compile_commands.json, without compiling\n",
          &errs()))
    return 2;

  // The database as written: no commands inferred for files it lacks.
  SmallString<256> DBFile(BuildPath);
  sys::path::append(DBFile, "compile_commands.json");
  std::string Why;
  std::unique_ptr<CompilationDatabase> DB = JSONCompilationDatabase::loadFromFile(
      DBFile, Why, JSONCommandLineSyntax::AutoDetect);
  if (!DB) {
    errs() << "coast-check: error: cannot use " << DBFile << ": " << Why
           << "\n";
    return 2;
  }
  DB = inferTargetAndDriverMode(
      expandResponseFiles(std::move(DB), vfs::getRealFileSystem()));
  std::vector<CompileCommand> Commands;
  if (!selectCommands(*DB, Commands))
    return 2;
  if (!sys::fs::is_directory(ResourceDir))
    errs() << "coast-check: warning: Clang's resource directory '"
           << ResourceDir << "' does not exist (--resource-dir)\n";

  // Clang instantiates plugin attributes lazily, without a lock: do it here,
  // before the threads.
  (void)getAttributePluginInstances();

  unsigned N = Jobs ? Jobs : llvm::hardware_concurrency().compute_thread_count();
  N = std::max(1u, std::min<unsigned>(N, Commands.size()));
  bool Colors = useColors();

  std::vector<coast::TUResult> Results(Commands.size());
  std::vector<char> Done(Commands.size(), 0);
  std::mutex M;
  std::condition_variable CV;
  std::atomic<size_t> Next{0};
  std::vector<std::thread> Workers;
  for (unsigned I = 0; I < N; ++I)
    Workers.emplace_back([&] {
      for (size_t U; (U = Next++) < Commands.size();) {
        coast::TUResult R = checkUnit(Commands[U], Colors);
        std::lock_guard<std::mutex> L(M);
        Results[U] = std::move(R);
        Done[U] = 1;
        CV.notify_one();
      }
    });

  // Print in order, each unit as soon as it and every one before it is done.
  bool Failed = false;
  for (size_t U = 0; U < Commands.size(); ++U) {
    {
      std::unique_lock<std::mutex> L(M);
      CV.wait(L, [&] { return Done[U] != 0; });
    }
    outs() << Results[U].Output;
    outs().flush();
    Failed |= Results[U].Failed;
  }
  for (std::thread &T : Workers)
    T.join();

  if (!SarifFile.empty())
    if (Error E = coast::writeSarif(SarifFile, Results, "0.1.0")) {
      errs() << "coast-check: error: " << toString(std::move(E)) << "\n";
      Failed = true;
    }
  if (Fix && !coast::applyFixes(Results, errs()))
    Failed = true;
  return Failed ? 1 : 0;
}
