//===- CoastNames.h - The names that may spell coast code -----------------===//
//
// One list for the raw scans that decide, before the parse, what the
// plugin does with a main file: whether it may need lowering at all
// (CoastAction.cpp's fast path) and where its coast code begins
// (SingleParse.cpp's canParseOnce). Code reaching coast only through
// macros defined elsewhere is caught by the checks, never compiled
// unlowered.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_COASTNAMES_H
#define COAST_PLUGIN_COASTNAMES_H

#include "llvm/ADT/StringRef.h"

namespace coast {

/// Whether \p Id, a raw identifier, may be coast's: every async function,
/// await and coast call of a file names one of these.
inline bool isCoastName(llvm::StringRef Id) {
  return Id.starts_with("coast") || Id.starts_with("__coast") ||
         Id == "async" || Id == "await" || Id == "box_async" ||
         Id == "__async__" || Id == "__box_async__";
}

} // namespace coast

#endif
