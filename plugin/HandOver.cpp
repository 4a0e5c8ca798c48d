//===- HandOver.cpp - The fast path's reads given to the compile ----------===//

#include "HandOver.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace coast {

namespace {

/// Whether the compile, reading \p File itself, would take \p Text as it
/// is: of the size it stat'ed (else it reports the file modified), with no
/// byte order mark it refuses (it checks only the buffers it reads). No
/// such mark (UTF-16, UTF-32, UTF-7 and rarer ones) starts with an ASCII
/// character other than NUL, SO and '+'.
bool readAsIs(FileEntryRef File, const llvm::MemoryBuffer &Text) {
  StringRef T = Text.getBuffer();
  if (T.size() != static_cast<size_t>(File.getSize()))
    return false;
  return T.empty() || T[0] == '\xEF' ||
         (llvm::isASCII(T[0]) && T[0] != '\0' && T[0] != '\x0E' && T[0] != '+');
}

class Giver : public PPCallbacks {
public:
  Giver(SourceManager &SM, ScannedFiles Files)
      : SM(SM), Files(std::move(Files)) {}

  void InclusionDirective(SourceLocation, const Token &, StringRef, bool,
                          CharSourceRange, OptionalFileEntryRef File, StringRef,
                          StringRef, const Module *, bool ModuleImported,
                          SrcMgr::CharacteristicKind Kind) override {
    // The scan reads user headers only.
    if (!File || Kind != SrcMgr::C_User)
      return;
    auto It = Files.find(&File->getFileEntry());
    if (It == Files.end())
      return;
    // Only the first include makes the content cache, and under its own
    // name (SourceManager::getFileEntryRefForID: the directory later
    // quoted includes are looked up in); a file the compile reaches under
    // another spelling than the scan did reads itself, and so does one
    // mapped to another file (-remap-file: its content cache made at the
    // first include, the scan's text would replace the mapped file's).
    ScannedFile &S = It->second;
    if (!ModuleImported && File->isSameRef(*S.File) &&
        !SM.hasFileInfo(&File->getFileEntry()) &&
        !SM.isFileOverridden(&File->getFileEntry()) &&
        readAsIs(*File, *S.Text))
      SM.overrideFileContents(*File, std::move(S.Text));
    Files.erase(It);
  }

private:
  SourceManager &SM;
  ScannedFiles Files;
};

} // namespace

void handOver(CompilerInstance &CI, ScannedFiles Files) {
  // A precompiled header or a module may have made a file's content cache
  // (or its include guard known) before the file's first `#include`; the
  // AST reader refuses a file whose contents were overridden.
  const PreprocessorOptions &PPO = CI.getPreprocessorOpts();
  const LangOptions &LO = CI.getLangOpts();
  if (Files.empty() || !PPO.ImplicitPCHInclude.empty() || LO.Modules ||
      LO.CPlusPlusModules || PPO.SingleFileParseMode)
    return;
  CI.getPreprocessor().addPPCallbacks(
      std::make_unique<Giver>(CI.getSourceManager(), std::move(Files)));
}

} // namespace coast
