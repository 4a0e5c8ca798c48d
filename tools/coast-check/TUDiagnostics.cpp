//===- TUDiagnostics.cpp - What coast-check keeps of a translation unit ---===//

#include "TUDiagnostics.h"
#include "DiagnosticCatalog.h"

#include "clang/Basic/DiagnosticIDs.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"

using namespace clang;

namespace coast {

namespace {

/// The canonical path of the file \p Loc (a file location) is in.
std::string canonicalFile(const SourceManager &SM, SourceLocation Loc) {
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(SM.getFileID(Loc));
  if (!FE)
    return SM.getBufferName(Loc).str();
  return SM.getFileManager().getCanonicalName(*FE).str();
}

FileLocation fileLocation(const SourceManager &SM, SourceLocation Loc) {
  FileLocation L;
  if (Loc.isInvalid())
    return L;
  Loc = SM.getFileLoc(Loc);
  std::pair<FileID, unsigned> D = SM.getDecomposedLoc(Loc);
  L.File = canonicalFile(SM, Loc);
  L.Line = SM.getLineNumber(D.first, D.second);
  L.Column = SM.getColumnNumber(D.first, D.second);
  return L;
}

/// The fix-it \p H as an edit of one file's bytes; false for one clang would
/// not apply either (in a macro, across files).
bool toEdit(const SourceManager &SM, const LangOptions &LO, const FixItHint &H,
            FixEdit &E) {
  if (H.InsertFromRange.isValid())
    return false;
  CharSourceRange R = H.RemoveRange;
  SourceLocation B = R.getBegin(), End = R.getEnd();
  if (B.isInvalid() || End.isInvalid() || B.isMacroID() || End.isMacroID())
    return false;
  std::pair<FileID, unsigned> DB = SM.getDecomposedLoc(B);
  std::pair<FileID, unsigned> DE = SM.getDecomposedLoc(End);
  if (DB.first != DE.first)
    return false;
  unsigned EndOff = DE.second;
  if (R.isTokenRange())
    EndOff += Lexer::MeasureTokenLength(End, SM, LO);
  if (EndOff < DB.second)
    return false;
  E.File = canonicalFile(SM, B);
  E.Offset = DB.second;
  E.Length = EndOff - DB.second;
  E.Text = H.CodeToInsert;
  E.Begin = fileLocation(SM, B);
  E.End = E.Begin;
  E.End.Line = SM.getLineNumber(DE.first, EndOff);
  E.End.Column = SM.getColumnNumber(DE.first, EndOff);
  return true;
}

} // namespace

/// A printer into \p OS that uses \p Opts, which must outlive it.
static std::unique_ptr<TextDiagnosticPrinter> makePrinter(raw_ostream &OS,
                                                          DiagnosticOptions &Opts) {
#if CLANG_VERSION_MAJOR >= 22
  return std::make_unique<TextDiagnosticPrinter>(OS, Opts);
#else
  return std::make_unique<TextDiagnosticPrinter>(OS, &Opts);
#endif
}

TUConsumer::TUConsumer(TUResult &Result, bool Colors)
    : Result(Result), OS(Result.Output), Colors(Colors) {
#if CLANG_VERSION_MAJOR >= 22
  DriverOpts = std::make_unique<DiagnosticOptions>();
#else
  DriverOpts = new DiagnosticOptions();
#endif
  DriverOpts->ShowColors = Colors;
  DriverPrinter = makePrinter(OS, *DriverOpts);
  if (Colors)
    OS.enable_colors(true);
}

TUConsumer::~TUConsumer() = default;

void TUConsumer::BeginSourceFile(const LangOptions &L, const Preprocessor *PP) {
  LO = L;
  if (!PP) {
    DriverPrinter->BeginSourceFile(L, PP);
    return;
  }
  // Print as the unit's own command line asks (-fno-caret-diagnostics,
  // -fdiagnostics-parseable-fixits, option names...); colours are ours.
  DiagnosticOptions &Opts = PP->getDiagnostics().getDiagnosticOptions();
  Opts.ShowColors = Colors;
  UnitPrinter = makePrinter(OS, Opts);
  UnitPrinter->BeginSourceFile(L, PP);
}

void TUConsumer::EndSourceFile() {
  if (!UnitPrinter) {
    DriverPrinter->EndSourceFile();
    return;
  }
  // Its options belong to the unit's invocation, which ends with the file.
  UnitPrinter->EndSourceFile();
  UnitPrinter.reset();
}

void TUConsumer::finish() { DriverPrinter->finish(); }

void TUConsumer::HandleDiagnostic(DiagnosticsEngine::Level Level,
                                  const Diagnostic &Info) {
  // After the driver's own error (a missing source file), LibTooling adds
  // one about the compile jobs it then could not find; clang says no such
  // thing.
  if (getNumErrors() && Info.getLocation().isInvalid()) {
    SmallString<64> Text;
    Info.FormatDiagnostic(Text);
    if (StringRef(Text).starts_with("unable to handle compilation"))
      return;
  }
  DiagnosticConsumer::HandleDiagnostic(Level, Info);
  (UnitPrinter ? UnitPrinter : DriverPrinter)->HandleDiagnostic(Level, Info);
  if (Level >= DiagnosticsEngine::Error)
    Result.Failed = true;
  record(Level, Info);
}

void TUConsumer::record(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) {
  SmallString<128> Formatted;
  Info.FormatDiagnostic(Formatted);
  const SourceManager *SM =
      Info.hasSourceManager() ? &Info.getSourceManager() : nullptr;
  FileLocation Loc;
  if (SM)
    Loc = fileLocation(*SM, Info.getLocation());

  if (Level == DiagnosticsEngine::Note) {
    // A note belongs to the error or warning before it.
    if (!Result.Diagnostics.empty())
      Result.Diagnostics.back().Notes.push_back({Loc, Formatted.str().str()});
    return;
  }
  if (Level < DiagnosticsEngine::Warning)
    return;

  RecordedDiagnostic D;
  D.IsError = Level >= DiagnosticsEngine::Error;
  D.Loc = Loc;
  StringRef Text, Name;
  if (splitCoastMessage(Formatted, Text, Name)) {
    D.Rule = Name.str();
    D.Message = Text.str();
  } else {
    StringRef Flag;
    if (const DiagnosticsEngine *DE = Info.getDiags())
      Flag = DE->getDiagnosticIDs()->getWarningOptionForDiag(Info.getID());
    D.Rule = Flag.empty() ? (D.IsError ? "clang-diagnostic-error"
                                       : "clang-diagnostic-warning")
                          : ("clang-diagnostic-" + Flag).str();
    D.Message = Formatted.str().str();
  }
  if (SM) {
    for (const FixItHint &H : Info.getFixItHints()) {
      FixEdit E;
      if (!toEdit(*SM, LO, H, E)) {
        D.Fixes.clear(); // all of a diagnostic's fix-it or none of it
        break;
      }
      D.Fixes.push_back(std::move(E));
    }
  }
  Result.Diagnostics.push_back(std::move(D));
}

} // namespace coast
