//===- Pieces.h - The lowered text, declaration by declaration ------------===//
//
// The lowering edits only the top-level declarations it rewrites: async
// function definitions (which become a frame type, a poll and a start
// function, after the local types they moved to file scope and the
// prototypes of the start functions they call) and the other definitions
// whose code it changes (callers of coast_block_on or a spawn, users of an
// async function's value). Each is a piece: the lowered text of the user's
// text it replaces, with everything the lowering put before and after it;
// nothing is added anywhere else. Today's compile assembles the file from
// the pieces and the user's text between them; the single parse appends
// the pieces alone after the main file.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_PIECES_H
#define COAST_PLUGIN_LOWER_PIECES_H

#include "clang/AST/Decl.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace coast {

/// A GNU line marker's operands for a position: `N "file"` and the flags
/// of its file's kind (` 3` for a system header, ` 3 4` for an extern "C"
/// one).
struct MarkerPosition {
  std::string Where;
  std::string Kind;
};

/// One `#include` of the stack a piece was written under, outermost
/// first.
struct IncludeStep {
  /// The include's location, raw: pieces under the same step were written
  /// in the same inclusion of a header.
  unsigned Id = 0;
  /// Where the include is.
  MarkerPosition At;
};

struct LoweredPiece {
  /// The declarations whose text it replaces (several when their texts
  /// overlap: `int a = x, b = y;`), in source order.
  llvm::SmallVector<const clang::Decl *, 1> Decls;
  /// The user's text it replaces: [Begin, End) of its file.
  unsigned Begin = 0;
  unsigned End = 0;
  /// `#line` and column padding for Begin: where Text goes when it is put
  /// anywhere but in place.
  std::string Place;
  /// The includes Begin is under (none in the main file) and Begin's own
  /// marker position: appended text repeats them with GNU line markers, so
  /// a diagnostic there shows the header's include stack, and
  /// `__INCLUDE_LEVEL__` its depth, as in place.
  std::vector<IncludeStep> IncludedFrom;
  MarkerPosition Entry;
  /// The lowered text.
  std::string Text;
  /// False when Text is not whole declarations (a variable's initializer
  /// rewritten in a declaration that goes on after it): it can only be put
  /// in place.
  bool Standalone = true;
};

/// \p Original with each of \p Pieces (in order, disjoint) put in place.
std::string assembleFile(llvm::StringRef Original,
                         llvm::ArrayRef<LoweredPiece> Pieces);

/// The text the single parse appends after the main file: every piece,
/// each behind the `#line` of where it was and, for a header's, behind the
/// line markers that enter the header from the main file (the buffer has
/// no include location of its own, so its text is at the main file's
/// level). \p Starts, if given, gets the offset where each piece's text
/// (its markers first) starts.
std::string appendedText(llvm::ArrayRef<LoweredPiece> Pieces,
                         std::vector<unsigned> *Starts = nullptr);

} // namespace coast

#endif
