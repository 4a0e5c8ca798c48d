//===- Sarif.h - coast-check's SARIF 2.1.0 log ----------------------------===//
//
// One run, one rule per coast diagnostic name (DiagnosticCatalog.h) plus one
// per clang diagnostic that occurred, one result per distinct diagnostic (a
// header's diagnostic seen by several translation units is one result), notes
// as related locations, fix-its as fixes. What GitHub code scanning reads.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_TOOLS_COASTCHECK_SARIF_H
#define COAST_TOOLS_COASTCHECK_SARIF_H

#include "TUDiagnostics.h"

#include "llvm/Support/Error.h"

namespace coast {

/// Writes the log of \p Results to \p Path.
llvm::Error writeSarif(llvm::StringRef Path,
                       const std::vector<TUResult> &Results,
                       llvm::StringRef ToolVersion);

} // namespace coast

#endif
