//===- QuietWarnings.h - No warning about the appended text ---------------===//
//
// The single parse appends the lowered code to the translation unit, and
// that text warns about nothing: the user's own warnings were printed once,
// by the parse of their text. `#pragma clang diagnostic ignored
// "-Weverything"` at the buffer's start did that by mapping each of the
// ~3,000 warnings one by one (1.75M instructions a compile). Here the
// buffer's diagnostic state has -w's flag instead, which ignores every
// warning but those that are errors by default, and these few are mapped
// as ignored: for every built-in warning, the severity Clang computes at a
// location of the buffer is the pragma's (DiagnosticIDs'
// getDiagnosticSeverity: a mapping to ignored ends it; otherwise -w ignores
// a warning and an error that is not one by default, whatever -Werror,
// -pedantic-errors or a pragma made of it).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_QUIETWARNINGS_H
#define COAST_PLUGIN_QUIETWARNINGS_H

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"

namespace coast {

/// Ignores every warning from \p Start on, \p Start a location of a file
/// that no state change reached yet (it holds from its include location
/// on); diagnostic pragmas after it change the state as they do a
/// pragma's. Returns the state's -w flag before, for endQuietWarnings.
bool quietWarningsFrom(clang::DiagnosticsEngine &Diags,
                       clang::SourceLocation Start);

/// After the quiet text: the current state, which a diagnostic without a
/// location and Sema's end-of-unit analyses (-Wunsafe-buffer-usage's,
/// whose warnings are at locations of the user's) read, has the user's -w
/// flag \p UserFlag again; the quiet text's locations keep theirs. The
/// change is at a file of its own, created here, that nothing reads.
void endQuietWarnings(clang::DiagnosticsEngine &Diags,
                      clang::SourceManager &SM, bool UserFlag);

} // namespace coast

#endif
