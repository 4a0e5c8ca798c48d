//===- TUDiagnostics.h - What coast-check keeps of a translation unit -----===//
//
// coast-check checks translation units on several threads and prints each
// one's diagnostics in one piece, in the database's order. A TUConsumer
// renders a translation unit's diagnostics the way clang does into a buffer
// and records them as plain data for the SARIF log and --fix, which outlive
// the unit's SourceManager.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_TOOLS_COASTCHECK_TUDIAGNOSTICS_H
#define COAST_TOOLS_COASTCHECK_TUDIAGNOSTICS_H

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Basic/Version.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace coast {

/// A place in a file: its canonical path, 1-based line and byte column.
struct FileLocation {
  std::string File; ///< empty when the diagnostic has no location
  unsigned Line = 0;
  unsigned Column = 0;
};

/// One replacement of a fix-it: bytes [Offset, Offset + Length) of File
/// become Text. Begin/End locate the replaced range for SARIF.
struct FixEdit {
  std::string File;
  unsigned Offset = 0;
  unsigned Length = 0;
  std::string Text;
  FileLocation Begin, End;
};

struct RecordedNote {
  FileLocation Loc;
  std::string Message;
};

/// An error or warning with its notes and fix-its.
struct RecordedDiagnostic {
  std::string Rule; ///< "coast-sync-call", or "clang-diagnostic-<flag>"
  bool IsError = false;
  std::string Message; ///< without the trailing "[coast-...]"
  FileLocation Loc;
  std::vector<RecordedNote> Notes;
  /// Empty when a fix-it could not be located in a file (inside a macro).
  std::vector<FixEdit> Fixes;
};

/// What coast-check keeps of one translation unit.
struct TUResult {
  std::string Output; ///< rendered as clang renders it
  std::vector<RecordedDiagnostic> Diagnostics;
  bool Failed = false; ///< an error, or the unit could not be checked
};

/// Renders into \p Result.Output and records into \p Result.Diagnostics.
/// May only be used by the thread that checks its translation unit.
class TUConsumer : public clang::DiagnosticConsumer {
public:
  TUConsumer(TUResult &Result, bool Colors);
  ~TUConsumer() override;

  void BeginSourceFile(const clang::LangOptions &LO,
                       const clang::Preprocessor *PP) override;
  void EndSourceFile() override;
  void finish() override;
  void HandleDiagnostic(clang::DiagnosticsEngine::Level Level,
                        const clang::Diagnostic &Info) override;

  /// The stream the compile's own messages ("1 error generated.") go to.
  llvm::raw_ostream &stream() { return OS; }

private:
  void record(clang::DiagnosticsEngine::Level Level,
              const clang::Diagnostic &Info);

  TUResult &Result;
  llvm::raw_string_ostream OS;
  bool Colors;
  /// Prints what comes outside a source file (the driver's errors).
#if CLANG_VERSION_MAJOR >= 22
  std::unique_ptr<clang::DiagnosticOptions> DriverOpts;
#else
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> DriverOpts;
#endif
  std::unique_ptr<clang::TextDiagnosticPrinter> DriverPrinter;
  /// Prints the source file's diagnostics with the unit's options.
  std::unique_ptr<clang::TextDiagnosticPrinter> UnitPrinter;
  clang::LangOptions LO;
};

} // namespace coast

#endif
