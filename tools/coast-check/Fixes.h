//===- Fixes.h - coast-check --fix ----------------------------------------===//
//
// Applies the fix-its of every error and warning once: a header included by
// several translation units gets each of its fix-its once (edits are the same
// when file, offset, length and text are), and edits that overlap one applied
// already are skipped with a message.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_TOOLS_COASTCHECK_FIXES_H
#define COAST_TOOLS_COASTCHECK_FIXES_H

#include "TUDiagnostics.h"

namespace coast {

/// Applies the fix-its in \p Results to the files; reports what it did and
/// what it could not do on \p Log. Returns false if a file could not be
/// rewritten or an edit had to be skipped.
bool applyFixes(const std::vector<TUResult> &Results, llvm::raw_ostream &Log);

} // namespace coast

#endif
