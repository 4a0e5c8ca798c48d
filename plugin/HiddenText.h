//===- HiddenText.h - Whether a position of C text is in a comment --------===//
//
// The fast path (FastPath.h) lexes a header only when a coast word stands
// in it; in a large header a word such as `async` mostly stands in the
// comments, and the raw lexer costs about ten times the search. This reads
// the text far enough to say whether a word is in a comment or a string or
// character literal, at the cost of a search for the few characters that
// open or close one. Wherever the text could be read two ways (a line
// splice, an apostrophe after a letter or digit, an unterminated literal)
// it gives up and the caller lexes: it may say "code" of a comment, never
// "comment" of code. C only, without trigraphs (the caller's to check).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_HIDDENTEXT_H
#define COAST_PLUGIN_HIDDENTEXT_H

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

namespace coast {

class HiddenText {
public:
  /// \p LineComments: whether `//` begins a comment (not in C89).
  HiddenText(llvm::StringRef Text, bool LineComments)
      : Text(Text), LineComments(LineComments) {}

  /// Whether the character at \p Pos, a letter, is surely in a comment or
  /// a literal. \p Pos must not decrease from one call to the next.
  bool hidden(size_t Pos) {
    while (At < Pos && !Lost)
      step(Pos);
    return !Lost && In != Code;
  }

private:
  enum State { Code, LineComment, BlockComment, String, Char };

  /// Reads on from At to where the state changes, or to \p Pos if it
  /// does not change before.
  void step(size_t Pos) {
    switch (In) {
    case Code:
      return code(Pos);
    case LineComment:
      return lineComment(Pos);
    case BlockComment:
      return blockComment(Pos);
    case String:
      return literal(Pos, '"');
    case Char:
      return literal(Pos, '\'');
    }
  }

  /// Moves At past the first of \p Chars from At and answers its
  /// position, or, when there is none before \p Pos, moves At to \p Pos
  /// and answers npos.
  size_t next(llvm::StringRef Chars, size_t Pos) {
    size_t I = Text.find_first_of(Chars, At);
    if (I >= Pos) {
      At = Pos;
      return llvm::StringRef::npos;
    }
    At = I + 1;
    return I;
  }

  void code(size_t Pos) {
    size_t I = next("/\"'", Pos);
    if (I == llvm::StringRef::npos)
      return;
    if (Text[I] == '"') {
      In = String;
    } else if (Text[I] == '\'') {
      // A digit separator (C23), an encoding prefix, an apostrophe in an
      // #error's text: not surely a character literal.
      if (I > 0 && (llvm::isAlnum(Text[I - 1]) || Text[I - 1] == '_'))
        Lost = true;
      In = Char;
    } else {
      // `/` then `*` or `/`, maybe with line splices between.
      size_t J = afterSplices(I + 1);
      if (J < Text.size() && Text[J] == '*') {
        In = BlockComment;
        At = J + 1;
      } else if (J < Text.size() && Text[J] == '/' && LineComments) {
        In = LineComment;
        At = J + 1;
      }
    }
  }

  void lineComment(size_t Pos) {
    size_t I = next("\r\n", Pos);
    if (I == llvm::StringRef::npos)
      return;
    // A backslash, maybe followed by blanks, splices the next line on.
    size_t K = I;
    while (K > 0 && (Text[K - 1] == ' ' || Text[K - 1] == '\t'))
      --K;
    if (K == 0 || Text[K - 1] != '\\')
      In = Code;
  }

  void blockComment(size_t Pos) {
    size_t Open = At;
    size_t I = next("/", Pos);
    if (I == llvm::StringRef::npos || I == Open)
      return;
    char Before = Text[I - 1];
    if (Before == '*')
      In = Code;
    else if (Before == '\n' || Before == '\r')
      Lost = true; // Maybe `*`, a splice, then `/`.
  }

  void literal(size_t Pos, char Quote) {
    char Ends[] = {Quote, '\\', '\n', '\r', '\0'};
    size_t I = next(Ends, Pos);
    if (I == llvm::StringRef::npos)
      return;
    if (Text[I] == Quote)
      In = Code;
    else if (Text[I] == '\\')
      At = I + 2;
    else
      Lost = true; // Unterminated, or spliced with blanks after the `\`.
  }

  /// The first position at or after \p I that is not a line splice.
  size_t afterSplices(size_t I) const {
    while (I < Text.size() && Text[I] == '\\') {
      size_t J = I + 1;
      while (J < Text.size() && (Text[J] == ' ' || Text[J] == '\t'))
        ++J;
      if (J < Text.size() && Text[J] == '\r')
        ++J;
      if (J < Text.size() && Text[J] == '\n')
        ++J;
      if (J == I + 1 || (Text[J - 1] != '\n' && Text[J - 1] != '\r'))
        return I;
      I = J;
    }
    return I;
  }

  llvm::StringRef Text;
  bool LineComments;
  size_t At = 0;
  State In = Code;
  bool Lost = false;
};

} // namespace coast

#endif
