//===- Pieces.cpp - The lowered text, declaration by declaration ----------===//

#include "Pieces.h"

namespace coast {

std::string assembleFile(llvm::StringRef Original,
                         llvm::ArrayRef<LoweredPiece> Pieces) {
  std::string Out;
  unsigned Pos = 0;
  for (const LoweredPiece &P : Pieces) {
    Out += Original.slice(Pos, P.Begin);
    Out += P.Text;
    Pos = P.End;
  }
  Out += Original.substr(Pos);
  return Out;
}

/// GNU line markers from the include stack \p Open (left by the previous
/// piece) to \p P's: pop (flag 2) to the includes they share, set the
/// position in the file at that level, push (flag 1) each further file.
/// A `#line` keeps the stack it is under, so the piece's own `#line`s do.
static std::string enter(std::vector<IncludeStep> &Open,
                         const LoweredPiece &P) {
  const std::vector<IncludeStep> &To = P.IncludedFrom;
  size_t Shared = 0;
  while (Shared < Open.size() && Shared < To.size() &&
         Open[Shared].Id == To[Shared].Id)
    ++Shared;
  std::string Out;
  for (size_t I = Open.size(); I-- > Shared;)
    Out += "# " + Open[I].At.Where + " 2" + Open[I].At.Kind + "\n";
  if (Shared < To.size()) {
    Out += "# " + To[Shared].At.Where + To[Shared].At.Kind + "\n";
    for (size_t I = Shared + 1; I < To.size(); ++I)
      Out += "# " + To[I].At.Where + " 1" + To[I].At.Kind + "\n";
    Out += "# " + P.Entry.Where + " 1" + P.Entry.Kind + "\n";
  }
  Open = To;
  return Out;
}

std::string appendedText(llvm::ArrayRef<LoweredPiece> Pieces,
                         std::vector<unsigned> *Starts) {
  std::string Out;
  std::vector<IncludeStep> Open;
  for (const LoweredPiece &P : Pieces) {
    if (Starts)
      Starts->push_back(Out.size());
    Out += enter(Open, P) + P.Place + P.Text + "\n";
  }
  return Out;
}

} // namespace coast
