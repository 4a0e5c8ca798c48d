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
/// pragma's flavour leaves alone) and is an error by default. Clang 22's
/// trap messages (fatal) are mapped too, harmlessly: they are texts for
/// the back end, never reported.
constexpr bool leftByW(DiagClass Class, unsigned Severity) {
  return Class != CLASS_ERROR && Class != CLASS_NOTE &&
         Class != CLASS_REMARK &&
         Severity >= static_cast<unsigned>(diag::Severity::Error);
}

// The tables are DiagnosticIDs.cpp's (its StaticDiagInfo), the ones
// included below: a Clang with another one, anywhere in the list, fails
// here.
constexpr int IncludedTables =
    diag::DIAG_SIZE_COMMON + diag::DIAG_SIZE_DRIVER +
    diag::DIAG_SIZE_FRONTEND + diag::DIAG_SIZE_SERIALIZATION +
    diag::DIAG_SIZE_LEX + diag::DIAG_SIZE_PARSE + diag::DIAG_SIZE_AST +
    diag::DIAG_SIZE_COMMENT + diag::DIAG_SIZE_CROSSTU +
    diag::DIAG_SIZE_SEMA + diag::DIAG_SIZE_ANALYSIS +
    diag::DIAG_SIZE_REFACTORING + diag::DIAG_SIZE_INSTALLAPI
#if CLANG_VERSION_MAJOR >= 22
    + diag::DIAG_SIZE_TRAP
#endif
    ;
static_assert(IncludedTables == diag::DIAG_UPPER_LIMIT,
              "Clang's diagnostic tables are not the ones included below");

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
