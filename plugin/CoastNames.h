//===- CoastNames.h - The names that may spell coast code -----------------===//
//
// One list for the raw scans that decide, before the parse, what the
// plugin does with a main file: whether it may need lowering at all
// (FastPath.h: the file and the headers it reaches) and where its coast
// code begins (SingleParse.cpp's canParseOnce). Code reaching coast only
// through what the scans cannot see is caught by the checks, never
// compiled unlowered.
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

/// Whether \p Text may spell a name isCoastName takes: each contains one
/// of these, and text without them needs no lex.
inline bool mayContainCoastName(llvm::StringRef Text) {
  return Text.contains("coast") || Text.contains("async") ||
         Text.contains("await");
}

} // namespace coast

#endif
