//===- Fixes.cpp - coast-check --fix --------------------------------------===//

#include "Fixes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <set>
#include <tuple>

using namespace llvm;

namespace coast {

bool applyFixes(const std::vector<TUResult> &Results, raw_ostream &Log) {
  // Distinct edits per file, in the order they were first reported (which
  // orders insertions at the same offset).
  std::vector<std::string> Files;
  StringMap<std::vector<const FixEdit *>> ByFile;
  std::set<std::tuple<std::string, unsigned, unsigned, std::string>> Seen;
  for (const TUResult &R : Results)
    for (const RecordedDiagnostic &D : R.Diagnostics)
      for (const FixEdit &E : D.Fixes) {
        if (!Seen.insert({E.File, E.Offset, E.Length, E.Text}).second)
          continue;
        if (!ByFile.count(E.File))
          Files.push_back(E.File);
        ByFile[E.File].push_back(&E);
      }

  bool Ok = true;
  unsigned Applied = 0, Changed = 0;
  for (const std::string &F : Files) {
    std::vector<const FixEdit *> &Edits = ByFile[F];
    // By offset; at one offset, in report order (Edits is in that order).
    std::vector<size_t> Order(Edits.size());
    for (size_t I = 0; I < Order.size(); ++I)
      Order[I] = I;
    std::sort(Order.begin(), Order.end(), [&Edits](size_t A, size_t B) {
      return std::make_pair(Edits[A]->Offset, A) <
             std::make_pair(Edits[B]->Offset, B);
    });
    ErrorOr<std::unique_ptr<MemoryBuffer>> Buf = MemoryBuffer::getFile(F);
    if (!Buf) {
      Log << "coast-check: error: cannot read '" << F
          << "' to fix it: " << Buf.getError().message() << "\n";
      Ok = false;
      continue;
    }
    StringRef Old = (*Buf)->getBuffer();
    std::string New;
    unsigned Pos = 0, Count = 0;
    for (size_t I : Order) {
      const FixEdit *E = Edits[I];
      if (E->Offset < Pos || E->Offset + E->Length > Old.size()) {
        Log << "coast-check: warning: " << F << ":" << E->Begin.Line << ":"
            << E->Begin.Column
            << ": fix-it overlaps another one or the end of the file; not "
               "applied\n";
        Ok = false;
        continue;
      }
      New += Old.slice(Pos, E->Offset);
      New += E->Text;
      Pos = E->Offset + E->Length;
      ++Count;
    }
    New += Old.substr(Pos);
    if (New == Old)
      continue;
    std::error_code EC;
    raw_fd_ostream OS(F, EC, sys::fs::OF_None);
    if (EC) {
      Log << "coast-check: error: cannot write '" << F << "': " << EC.message()
          << "\n";
      Ok = false;
      continue;
    }
    OS << New;
    Applied += Count;
    ++Changed;
  }
  if (Applied)
    Log << "coast-check: applied " << Applied << " fix-it"
        << (Applied == 1 ? "" : "s") << " to " << Changed << " file"
        << (Changed == 1 ? "" : "s") << "\n";
  return Ok;
}

} // namespace coast
