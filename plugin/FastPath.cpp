//===- FastPath.cpp - Whether a translation unit may need lowering --------===//

#include "FastPath.h"
#include "CoastNames.h"
#include "HandOver.h"
#include "HiddenText.h"

#include "clang/Lex/HeaderSearch.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang;

namespace coast {

namespace {

/// Whether \p Text's raw tokens spell a coast name (comments and strings
/// do not: "async-signal-safe" in a comment keeps the fast path). Lexed
/// only if a coast word stands outside what HiddenText surely reads as a
/// comment or a literal.
bool namesCoast(StringRef Text, const LangOptions &LO) {
  HiddenText Hidden(Text, LO.LineComment);
  // Trigraphs may splice lines; C++'s raw strings hold quotes.
  bool Readable = !LO.Trigraphs && !LO.CPlusPlus;
  std::pair<size_t, size_t> Word = findCoastWord(Text);
  while (Word.first != StringRef::npos && Readable && Hidden.hidden(Word.first))
    Word = findCoastWord(Text, Word.second);
  if (Word.first == StringRef::npos)
    return false;
  Lexer Lex(SourceLocation(), LO, Text.begin(), Text.begin(), Text.end());
  Token Tok;
  do {
    Lex.LexFromRawLexer(Tok);
    if (Tok.is(tok::raw_identifier) && isCoastName(Tok.getRawIdentifier()))
      return true;
  } while (Tok.isNot(tok::eof));
  return false;
}

/// A file named by an include directive.
struct Include {
  StringRef Name;
  bool Angled;
  /// `#include_next`: looked up after the includer's directory.
  bool Next;
};

/// Calls \p Found with each `#include`, `#include_next` and `#import` of
/// \p Text that names its file, wherever it stands: one in a comment or
/// a skipped group is read too (more than the compile reads, never less).
/// An `#include` of a macro names none (CheckConsumer says so).
void forEachInclude(StringRef Text,
                    llvm::function_ref<void(const Include &)> Found) {
  for (size_t Hash = Text.find('#'); Hash != StringRef::npos;
       Hash = Text.find('#', Hash + 1)) {
    StringRef Rest = Text.substr(Hash + 1).ltrim(" \t");
    Include I{StringRef(), false, Rest.consume_front("include_next")};
    if (!I.Next && !Rest.consume_front("include") &&
        !Rest.consume_front("import"))
      continue;
    Rest = Rest.ltrim(" \t");
    if (Rest.empty() || (Rest[0] != '"' && Rest[0] != '<'))
      continue;
    I.Angled = Rest[0] == '<';
    char Close = I.Angled ? '>' : '"';
    I.Name = Rest.drop_front().take_until(
        [&](char C) { return C == Close || C == '\n'; });
    if (!I.Name.empty() && Rest.size() > I.Name.size() + 1 &&
        Rest[I.Name.size() + 1] == Close)
      Found(I);
  }
}

/// The scan: each file read once, headers found as the compile's
/// preprocessor finds them (HeaderSearch, whose cache the compile then
/// reuses).
class Scan {
public:
  explicit Scan(CompilerInstance &CI)
      : CI(CI), SM(CI.getSourceManager()),
        HS(CI.getPreprocessor().getHeaderSearchInfo()) {}

  bool run() {
    FileID Main = SM.getMainFileID();
    OptionalFileEntryRef MainFE = SM.getFileEntryRefForID(Main);
    if (namesCoast(SM.getBufferOrFake(Main).getBuffer(), CI.getLangOpts()))
      return true;
    // A lookup relative to an includer reads the includer's header info,
    // which the preprocessor makes when it enters the main file, later.
    if (MainFE) {
      HS.getFileInfo(*MainFE);
      Seen.insert(&MainFE->getFileEntry());
    }
    OptionalDirectoryEntryRef MainDir;
    if (MainFE)
      MainDir = MainFE->getDir();
    forEachInclude(SM.getBufferOrFake(Main).getBuffer(),
                   [&](const Include &I) { lookUp(I, MainFE, MainDir); });
    // Included by the predefines buffer, which looks them up from the
    // working directory first (Preprocessor::LookupFile).
    OptionalDirectoryEntryRef Cwd;
    if (MainFE)
      Cwd = CI.getFileManager().getOptionalDirectoryRef(".");
    const PreprocessorOptions &PPO = CI.getPreprocessorOpts();
    for (const std::vector<std::string> *Names :
         {&PPO.MacroIncludes, &PPO.Includes})
      for (const std::string &Name : *Names)
        lookUp({Name, false, false}, MainFE, Cwd);
    while (!Work.empty()) {
      Header H = Work.pop_back_val();
      // Not the SourceManager's buffer: its content cache would keep the
      // scan's spelling of the file's name, and the compile's __FILE__,
      // debug info and diagnostics would show it.
      llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf =
          CI.getFileManager().getBufferForFile(H.File);
      if (!Buf)
        continue;
      if (namesCoast((*Buf)->getBuffer(), CI.getLangOpts()))
        return true;
      forEachInclude((*Buf)->getBuffer(), [&](const Include &I) {
        lookUp(I, H.File, H.File.getDir(), H.Dir);
      });
      Read[&H.File.getFileEntry()] = {H.File, std::move(*Buf)};
    }
    return false;
  }

  /// The headers read, for the compile (HandOver.h).
  ScannedFiles Read;

private:
  struct Header {
    FileEntryRef File;
    /// The search directory it was found in: none if next to its
    /// includer.
    ConstSearchDirIterator Dir;
  };

  /// Queues the file \p I names, included from \p Includer (in \p Dir,
  /// found in the search directory \p From), unless it is a system
  /// header or read already.
  void lookUp(const Include &I, OptionalFileEntryRef Includer,
              OptionalDirectoryEntryRef Dir,
              ConstSearchDirIterator From = nullptr) {
    // The same name from the same place finds the same file: look it up
    // once (hundreds of headers may each include <stdio.h>). An angled
    // name is looked up in the search path only; a quoted one next to its
    // includer first, whose flavour the found file takes, always a user
    // header's here. An `#include_next` depends on where its includer was
    // found: rare, not memoised. A quoted name is keyed on its includer
    // directory's spelling (the found file's name is made of it).
    if (!(I.Next && From)) {
      const void *Where = I.Angled ? nullptr
                          : Dir ? static_cast<const void *>(&Dir->getMapEntry())
                                : this;
      if (!Looked.insert({Where, I.Name}).second)
        return;
    }
    llvm::SmallVector<std::pair<OptionalFileEntryRef, DirectoryEntryRef>, 1>
        Includers;
    ConstSearchDirIterator Start = nullptr;
    if (I.Next && From)
      Start = std::next(From);
    else if (Dir)
      Includers.push_back({Includer, *Dir});
    ConstSearchDirIterator FoundIn = nullptr;
    OptionalFileEntryRef File = HS.LookupFile(
        I.Name, SourceLocation(), I.Angled, Start, &FoundIn, Includers,
        /*SearchPath=*/nullptr, /*RelativePath=*/nullptr,
        /*RequestingModule=*/nullptr, /*SuggestedModule=*/nullptr,
        /*IsMapped=*/nullptr, /*IsFrameworkFound=*/nullptr);
    if (File && HS.getFileDirFlavor(*File) == SrcMgr::C_User &&
        Seen.insert(&File->getFileEntry()).second)
      Work.push_back({*File, FoundIn});
  }

  CompilerInstance &CI;
  SourceManager &SM;
  HeaderSearch &HS;
  llvm::SmallPtrSet<const FileEntry *, 16> Seen;
  /// The names looked up: pointers into the texts read, which Read keeps.
  llvm::DenseSet<std::pair<const void *, StringRef>> Looked;
  llvm::SmallVector<Header, 16> Work;
};

} // namespace

bool mayNeedLowering(CompilerInstance &CI) {
  // A lookup's diagnostics are the compile's to give, once, at the
  // directive (a missing file, a Microsoft-style search).
  DiagnosticsEngine &D = CI.getDiagnostics();
  bool Suppressed = D.getSuppressAllDiagnostics();
  D.setSuppressAllDiagnostics(true);
  Scan S(CI);
  bool May = S.run();
  D.setSuppressAllDiagnostics(Suppressed);
  if (!May)
    handOver(CI, std::move(S.Read));
  return May;
}

} // namespace coast
