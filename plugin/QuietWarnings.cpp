//===- QuietWarnings.cpp - No warning about the appended text -------------===//

#include "QuietWarnings.h"

#include "clang/Basic/AllDiagnostics.h"
#include "clang/Basic/Version.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace clang;

namespace coast {

namespace {

// The diagnostic classes, as the tables below spell them.
enum DiagClass {
  CLASS_NOTE,
  CLASS_REMARK,
  CLASS_WARNING,
  CLASS_EXTENSION,
  CLASS_ERROR,
  CLASS_TRAP,
};

/// Whether -w leaves a diagnostic of class \p Class and default severity
/// \p Severity as it is, where the pragma ignored it: what is not an error
/// (but a note, whose severity is never asked, and a remark, which the
/// pragma's flavour leaves alone) and is an error by default.
constexpr bool leftByW(DiagClass Class, unsigned Severity) {
  return Class != CLASS_ERROR && Class != CLASS_NOTE &&
         Class != CLASS_REMARK &&
         Severity >= static_cast<unsigned>(diag::Severity::Error);
}

// The tables are DiagnosticIDs.cpp's (its StaticDiagInfo); a Clang with
// another one fails here.
#if CLANG_VERSION_MAJOR >= 22
static_assert(diag::DIAG_UPPER_LIMIT ==
              diag::DIAG_START_TRAP + diag::DIAG_SIZE_TRAP);
#else
static_assert(diag::DIAG_UPPER_LIMIT ==
              diag::DIAG_START_INSTALLAPI + diag::DIAG_SIZE_INSTALLAPI);
#endif

/// Gives the diagnostic state from \p Loc on a copy of the current one, as
/// a pragma there would, and makes it the current one: an error mapped as
/// what it is changes nothing else.
void newStateAt(DiagnosticsEngine &Diags, SourceLocation Loc) {
  Diags.setSeverity(diag::err_expected, diag::Severity::Error, Loc);
}

} // namespace

bool quietWarningsFrom(DiagnosticsEngine &Diags, SourceLocation Start) {
  bool UserFlag = Diags.getIgnoreAllWarnings();
  newStateAt(Diags, Start);
  Diags.setIgnoreAllWarnings(true);
#define DIAG(ENUM, CLASS, DEFAULT_SEVERITY, ...)                               \
  if constexpr (leftByW(CLASS, DEFAULT_SEVERITY))                              \
    Diags.setSeverity(diag::ENUM, diag::Severity::Ignored, Start);
#include "clang/Basic/DiagnosticCommonKinds.inc"
#include "clang/Basic/DiagnosticDriverKinds.inc"
#include "clang/Basic/DiagnosticFrontendKinds.inc"
#include "clang/Basic/DiagnosticSerializationKinds.inc"
#include "clang/Basic/DiagnosticLexKinds.inc"
#include "clang/Basic/DiagnosticParseKinds.inc"
#include "clang/Basic/DiagnosticASTKinds.inc"
#include "clang/Basic/DiagnosticCommentKinds.inc"
#include "clang/Basic/DiagnosticCrossTUKinds.inc"
#include "clang/Basic/DiagnosticSemaKinds.inc"
#include "clang/Basic/DiagnosticAnalysisKinds.inc"
#include "clang/Basic/DiagnosticRefactoringKinds.inc"
#include "clang/Basic/DiagnosticInstallAPIKinds.inc"
#if CLANG_VERSION_MAJOR >= 22
#include "clang/Basic/DiagnosticTrapKinds.inc"
#endif
#undef DIAG
  return UserFlag;
}

void endQuietWarnings(DiagnosticsEngine &Diags, SourceManager &SM,
                      bool UserFlag) {
  if (UserFlag)
    return;
  FileID After = SM.createFileID(
      llvm::MemoryBuffer::getMemBuffer("", "<coast end>"), SrcMgr::C_User, 0,
      0, SourceLocation());
  newStateAt(Diags, SM.getLocForStartOfFile(After));
  Diags.setIgnoreAllWarnings(false);
}

} // namespace coast
