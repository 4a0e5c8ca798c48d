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

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace coast {

/// Whether \p Id, a raw identifier, may be coast's: every async function,
/// await and coast call of a file names one of these.
inline bool isCoastName(llvm::StringRef Id) {
  return Id.starts_with("coast") || Id.starts_with("__coast") ||
         Id == "async" || Id == "await" || Id == "box_async" ||
         Id == "__async__" || Id == "__box_async__";
}

/// Where the first word isCoastName takes stands in \p Text at or after
/// \p From, wherever it stands, a comment's too ({npos, npos} if none):
/// text without one needs no lex. Each word contains one of the three
/// five-letter strings below. A word ends where an identifier may (a `$`,
/// a non-ASCII letter), so it is never longer than the raw lexer's. One
/// Horspool pass for the three: the window's last byte says how far on the
/// next match may end (most text skips five at a time).
inline std::pair<size_t, size_t> findCoastWord(llvm::StringRef Text,
                                               size_t From = 0) {
  static const char *const Needles[] = {"coast", "async", "await"};
  unsigned char Skip[256];
  std::memset(Skip, 5, sizeof Skip);
  for (const char *N : Needles)
    for (unsigned I = 0; I < 4; ++I)
      Skip[(unsigned char)N[I]] =
          std::min<unsigned char>(Skip[(unsigned char)N[I]], 4 - I);
  auto InWord = [](char C) { return llvm::isAlnum(C) || C == '_'; };
  for (size_t At = From; At + 5 <= Text.size();
       At += Skip[(unsigned char)Text[At + 4]]) {
    char Last = Text[At + 4];
    if ((Last != 't' && Last != 'c') ||
        llvm::none_of(Needles, [&](const char *N) {
          return std::memcmp(Text.data() + At, N, 5) == 0;
        }))
      continue;
    size_t Begin = At, End = At + 5;
    while (Begin > 0 && InWord(Text[Begin - 1]))
      --Begin;
    while (End < Text.size() && InWord(Text[End]))
      ++End;
    if (isCoastName(Text.slice(Begin, End)))
      return {Begin, End};
  }
  return {llvm::StringRef::npos, llvm::StringRef::npos};
}

} // namespace coast

#endif
