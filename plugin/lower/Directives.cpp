//===- Directives.cpp - Preprocessor directives in a file's text ---------===//

#include "Directives.h"

#include "clang/Basic/CharInfo.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/STLFunctionalExtras.h"

using namespace clang;

namespace coast {

bool Directive::changesMacros() const {
  return Name == "define" || Name == "undef" || Name == "include" ||
         Name == "include_next" || Name == "import" ||
         (Name == "pragma" && (Word == "push_macro" || Word == "pop_macro"));
}

bool Directive::conditional() const {
  return Name.starts_with("if") || Name.starts_with("el") || Name == "endif";
}

bool Directive::diagnosticPragma() const {
  return Name == "pragma" &&
         pragmaReach(pragmaText()) == PragmaReach::Diagnostics;
}

StringRef Directive::pragmaText() const {
  if (Name != "pragma")
    return StringRef();
  return Text.substr(Text.find(Name) + Name.size()).trim();
}

/// The identifier \p Text starts with, after blanks; \p Text goes past it.
static StringRef takeWord(StringRef &Text) {
  Text = Text.ltrim();
  StringRef Word =
      Text.take_while([](char C) { return isAsciiIdentifierContinue(C); });
  Text = Text.drop_front(Word.size());
  return Word;
}

PragmaReach pragmaReach(StringRef Text) {
  StringRef First = takeWord(Text);
  StringRef Second = takeWord(Text);
  if ((First == "GCC" || First == "clang") && Second == "diagnostic")
    return PragmaReach::Diagnostics;
  // Clang restores the floating-point state where a compound statement ends.
  if (First == "STDC" || First == "float_control" ||
      (First == "clang" && (Second == "fp" || Second == "loop")) ||
      (First == "GCC" && Second == "unroll") ||
      llvm::is_contained(
          {"unroll", "nounroll", "unroll_and_jam", "nounroll_and_jam"}, First))
    return PragmaReach::Scope;
  return PragmaReach::Code;
}

/// The number of groups \p Ds leave open, or -1 when one of them continues
/// or ends a group opened before them.
static int openGroups(llvm::ArrayRef<Directive> Ds) {
  int Depth = 0;
  for (const Directive &D : Ds) {
    if (!D.conditional())
      continue;
    if (D.Name.starts_with("if"))
      ++Depth;
    else if (Depth == 0)
      return -1;
    else if (D.Name == "endif")
      --Depth;
  }
  return Depth;
}

bool balancedGroups(llvm::ArrayRef<Directive> Ds) {
  return openGroups(Ds) == 0;
}

bool closesOuterGroup(llvm::ArrayRef<Directive> Ds) {
  return openGroups(Ds) < 0;
}

/// Lexes the file range \p R raw: \p Scan gets the lexer, its first token
/// and the offset where \p R ends.
static void
lexRaw(const SourceManager &SM, const LangOptions &LO, CharSourceRange R,
       llvm::function_ref<void(Lexer &, Token &, unsigned End)> Scan) {
  if (R.isInvalid())
    return;
  FileID File = SM.getFileID(R.getBegin());
  StringRef Buffer = SM.getBufferData(File);
  Lexer Lex(SM.getLocForStartOfFile(File), LO, Buffer.begin(),
            Buffer.begin() + SM.getFileOffset(R.getBegin()), Buffer.end());
  Token Tok;
  Lex.LexFromRawLexer(Tok);
  Scan(Lex, Tok, SM.getFileOffset(R.getEnd()));
}

/// A token scan: `_Pragma ( "..." )`, the string as written, and
/// `__pragma ( ... )`, the text between its parentheses. A `_Pragma` whose
/// operand is no string literal (`_Pragma(#x)` in a macro's definition)
/// gets an empty text, which reaches the code after it: its pragma is
/// known only once expanded.
std::vector<PragmaOperator> pragmaOperatorsIn(const SourceManager &SM,
                                              const LangOptions &LO,
                                              CharSourceRange R) {
  std::vector<Token> Toks;
  lexRaw(SM, LO, R, [&](Lexer &Lex, Token &Tok, unsigned End) {
    for (; Tok.isNot(tok::eof) && SM.getFileOffset(Tok.getLocation()) < End;
         Lex.LexFromRawLexer(Tok))
      Toks.push_back(Tok);
  });
  std::vector<PragmaOperator> Found;
  for (size_t I = 0; I + 2 < Toks.size(); ++I) {
    if (Toks[I].isNot(tok::raw_identifier) || Toks[I + 1].isNot(tok::l_paren))
      continue;
    StringRef Name = Toks[I].getRawIdentifier();
    const Token &Operand = Toks[I + 2];
    if (Name == "_Pragma") {
      StringRef Text;
      if (tok::isStringLiteral(Operand.getKind()))
        Text = StringRef(Operand.getLiteralData(), Operand.getLength())
                   .drop_until([](char C) { return C == '"'; })
                   .drop_front()
                   .drop_back();
      Found.push_back({Toks[I].getLocation(), Text, Name});
    } else if (Name == "__pragma") {
      size_t J = I + 2;
      for (unsigned Depth = 1; J != Toks.size(); ++J) {
        Depth += Toks[J].is(tok::l_paren);
        Depth -= Toks[J].is(tok::r_paren);
        if (!Depth)
          break;
      }
      const char *Begin = SM.getCharacterData(Operand.getLocation());
      const char *Stop = J == I + 2 || J == Toks.size()
                             ? Begin
                             : SM.getCharacterData(Toks[J].getLocation());
      Found.push_back(
          {Toks[I].getLocation(), StringRef(Begin, Stop - Begin), Name});
    }
  }
  return Found;
}

/// A macro's expansion is one entry of the SourceManager, spelled where its
/// definition's replacement list is.
std::vector<PragmaOperator> expandedPragmaOperatorsIn(const SourceManager &SM,
                                                      const LangOptions &LO,
                                                      CharSourceRange R) {
  std::vector<PragmaOperator> Found;
  FileID File = SM.getFileID(R.getBegin());
  unsigned Begin = SM.getFileOffset(R.getBegin());
  unsigned End = SM.getFileOffset(R.getEnd());
  for (unsigned I = 0, N = SM.local_sloc_entry_size(); I != N; ++I) {
    const SrcMgr::SLocEntry &Entry = SM.getLocalSLocEntry(I);
    if (!Entry.isExpansion() || Entry.getExpansion().isMacroArgExpansion())
      continue;
    SourceLocation Use =
        SM.getExpansionLoc(Entry.getExpansion().getExpansionLocStart());
    unsigned Off = SM.getFileOffset(Use);
    if (SM.getFileID(Use) != File || Off < Begin || Off >= End)
      continue;
    unsigned Next = I + 1 < N ? SM.getLocalSLocEntry(I + 1).getOffset()
                              : SM.getNextLocalOffset();
    SourceLocation Spelling = Entry.getExpansion().getSpellingLoc();
    if (Spelling.isMacroID())
      continue; // text of no file to lex: another expansion's
    for (const PragmaOperator &Op : pragmaOperatorsIn(
             SM, LO,
             CharSourceRange::getCharRange(
                 Spelling,
                 Spelling.getLocWithOffset(Next - Entry.getOffset()))))
      Found.push_back({Use, Op.Text, Op.Name});
  }
  return Found;
}

std::vector<SourceLocation> macroPragmasIn(const SourceManager &SM,
                                           const LangOptions &LO,
                                           CharSourceRange R) {
  std::vector<SourceLocation> Found;
  for (const PragmaOperator &Op : pragmaOperatorsIn(SM, LO, R))
    if (Op.Text.contains("push_macro") || Op.Text.contains("pop_macro"))
      Found.push_back(Op.Loc);
  return Found;
}

/// The value of an `#if` or `#elif` whose condition is the literal `0` or
/// `1`: no macro changes it.
static std::optional<bool> literalCondition(const Directive &D) {
  if (D.Name != "if" && D.Name != "elif")
    return std::nullopt;
  StringRef Cond = D.Text.substr(D.Text.find(D.Name) + D.Name.size()).trim();
  if (Cond == "0" || Cond == "1")
    return Cond == "1";
  return std::nullopt;
}

/// Marks the directives of \p Ds in a branch no macro can make the
/// preprocessor choose. A group opened before \p Ds is not known.
static void markSkipped(std::vector<Directive> &Ds) {
  struct Group {
    bool Dead;   // its current branch is skipped
    bool Chosen; // a branch before it was chosen whatever the macros
  };
  std::vector<Group> Open;
  auto InDead = [&] {
    return llvm::any_of(Open, [](const Group &G) { return G.Dead; });
  };
  for (Directive &D : Ds) {
    std::optional<bool> Literal = literalCondition(D);
    if (D.Name.starts_with("if")) {
      D.Skipped = InDead();
      Open.push_back({Literal == false, Literal == true});
    } else if (D.Name.starts_with("el") && !Open.empty()) {
      Group &G = Open.back();
      G.Dead = G.Chosen || Literal == false;
      G.Chosen = G.Chosen || Literal == true;
      D.Skipped = InDead();
    } else if (D.Name == "endif" && !Open.empty()) {
      Open.pop_back();
      D.Skipped = InDead();
    } else {
      D.Skipped = InDead();
    }
  }
}

/// Reads the directive whose `#` is \p Tok, leaving \p Tok at the first
/// token after it.
static Directive readDirective(const SourceManager &SM, Lexer &Lex,
                               Token &Tok) {
  Directive D;
  D.Loc = Tok.getLocation();
  D.Begin = SM.getFileOffset(D.Loc);
  D.End = SM.getFileOffset(Tok.getEndLoc());
  Lex.LexFromRawLexer(Tok);
  // A backslash continues the directive onto the next line.
  for (unsigned I = 0; Tok.isNot(tok::eof) && !Tok.isAtStartOfLine(); ++I) {
    if (I < 2 && Tok.is(tok::raw_identifier))
      (I ? D.Word : D.Name) = Tok.getRawIdentifier();
    D.End = SM.getFileOffset(Tok.getEndLoc());
    Lex.LexFromRawLexer(Tok);
  }
  D.Text = StringRef(SM.getCharacterData(D.Loc), D.End - D.Begin);
  return D;
}

std::vector<Directive> directivesIn(const SourceManager &SM,
                                    const LangOptions &LO, CharSourceRange R) {
  std::vector<Directive> Found;
  lexRaw(SM, LO, R, [&](Lexer &Lex, Token &Tok, unsigned End) {
    while (Tok.isNot(tok::eof) && SM.getFileOffset(Tok.getLocation()) < End) {
      if (Tok.is(tok::hash) && Tok.isAtStartOfLine())
        Found.push_back(readDirective(SM, Lex, Tok));
      else
        Lex.LexFromRawLexer(Tok);
    }
  });
  markSkipped(Found);
  return Found;
}

/// The text after \p Stmt is in the branch the preprocessor chose of the
/// groups open there: an `#else` or `#elif` starts a branch it skipped, up
/// to its group's `#endif`.
std::optional<SourceLocation> semicolonAfterGroups(const SourceManager &SM,
                                                   const LangOptions &LO,
                                                   CharSourceRange Stmt) {
  std::optional<SourceLocation> Semi;
  int Open = openGroups(directivesIn(SM, LO, Stmt));
  if (Open <= 0)
    return Semi;
  CharSourceRange Rest = CharSourceRange::getCharRange(
      Stmt.getEnd(), SM.getLocForEndOfFile(SM.getFileID(Stmt.getEnd())));
  lexRaw(SM, LO, Rest, [&](Lexer &Lex, Token &Tok, unsigned) {
    unsigned Skipped = 0; // the depth of groups in a skipped branch
    while (Tok.isNot(tok::eof)) {
      if (!Tok.is(tok::hash) || !Tok.isAtStartOfLine()) {
        if (!Skipped) {
          if (!Open && Tok.is(tok::semi))
            Semi = Tok.getEndLoc();
          return;
        }
        Lex.LexFromRawLexer(Tok);
        continue;
      }
      Directive D = readDirective(SM, Lex, Tok);
      if (Skipped) {
        if (D.Name.starts_with("if"))
          ++Skipped;
        else if (D.Name == "endif" && --Skipped == 0)
          --Open;
      } else if (D.Name.starts_with("el") && Open) {
        Skipped = 1;
      } else if (D.Name == "endif" && Open) {
        --Open;
      } else {
        return; // not the rest of a group the statement opened
      }
    }
  });
  return Semi;
}

} // namespace coast
