//===- GeneratedNames.h - Names of what the lowering generates ------------===//
//
// For an async function `f`: `struct f__coast_frame`, `f__coast_poll`,
// `f__coast_init`, `f__coast_start` (the ABI symbol other translation units
// call, see coast/future.h), `f__coast_fn`, `f__coast_child`,
// `f__coast_sites`. Inside a poll function: `__co` (the frame), `__cx` (the
// context), labels `__coast_s<N>`, `__coast_pending`, `__coast_drop`.
// Diagnostics never show these names: checks run on the user's source.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_GENERATEDNAMES_H
#define COAST_PLUGIN_LOWER_GENERATEDNAMES_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace coast {

inline std::string generatedName(llvm::StringRef Function,
                                 llvm::StringRef What) {
  return (Function + "__coast_" + What).str();
}

inline std::string frameType(llvm::StringRef Function) {
  return "struct " + generatedName(Function, "frame");
}

} // namespace coast

#endif
