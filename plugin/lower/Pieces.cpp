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

std::string appendedText(llvm::ArrayRef<LoweredPiece> Pieces) {
  std::string Out;
  for (const LoweredPiece &P : Pieces)
    Out += P.Place + P.Text + "\n";
  return Out;
}

} // namespace coast
