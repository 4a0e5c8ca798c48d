//===- DiagnosticCatalog.h - The names of coast's diagnostics -------------===//
//
// Every `coast-*` diagnostic name (SPEC section 3, plus coast-not-a-future and
// coast-block-on-in-async)
// with a one-line help text and its level: what coast-check's SARIF output
// lists as rules and the clang-tidy module registers as checks. A new
// diagnostic is added here and in DiagnosticReporter.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_FRONTEND_DIAGNOSTICCATALOG_H
#define COAST_FRONTEND_DIAGNOSTICCATALOG_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace coast {

struct DiagnosticInfo {
  llvm::StringRef Name; ///< "coast-sync-call"
  llvm::StringRef Help; ///< one sentence, what the diagnostic means
  bool IsWarning;       ///< a warning rather than an error
};

/// Every coast diagnostic, in SPEC order.
llvm::ArrayRef<DiagnosticInfo> allDiagnostics();

/// The entry for \p Name, or null.
const DiagnosticInfo *findDiagnostic(llvm::StringRef Name);

/// Splits a formatted message "text [coast-NAME]" into its text and name;
/// returns false (and leaves both alone) if it does not end in a coast name.
bool splitCoastMessage(llvm::StringRef Message, llvm::StringRef &Text,
                       llvm::StringRef &Name);

} // namespace coast

#endif
