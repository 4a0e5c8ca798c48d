//===- LoweringContext.cpp - Text edits of the lowering -------------------===//

#include "LoweringContext.h"

#include "AsyncFunctionPlan.h"
#include "Directives.h"

#include "clang/Basic/CharInfo.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace clang;

namespace coast {

LoweringContext::LoweringContext(
    ASTContext &Ctx, FileID File,
    std::vector<std::pair<unsigned, unsigned>> Skipped)
    : Ctx(Ctx), SM(Ctx.getSourceManager()), File(File),
      Original(SM.getBufferData(File)), Skipped(std::move(Skipped)) {}

unsigned LoweringContext::offsetOf(SourceLocation L) const {
  if (SM.getFileID(L) != File) {
    Inconsistent = true;
    return 0;
  }
  return SM.getFileOffset(L);
}

std::pair<LoweringContext::EditMap::const_iterator,
          LoweringContext::EditMap::const_iterator>
LoweringContext::editsWithin(unsigned Begin, unsigned End) const {
  auto First = Edits.lower_bound({Begin, 0, 0});
  if (End > Begin)
    while (First != Edits.end() && First->first.Begin == Begin &&
           First->first.End == Begin)
      ++First;
  auto Last = First;
  while (Last != Edits.end() && Last->first.Begin < End) {
    // Edits nest or are disjoint by construction; if that ever breaks, the
    // text is wrong: fail the compile rather than emit it.
    if (Last->first.End > End)
      Inconsistent = true;
    ++Last;
  }
  return {First, Last};
}

std::string LoweringContext::textOf(unsigned Begin, unsigned End) const {
  auto [First, Last] = editsWithin(Begin, End);
  std::string Out;
  unsigned Pos = Begin;
  for (auto I = First; I != Last; ++I) {
    appendOriginal(Out, Pos, I->first.Begin);
    Out += I->second;
    Pos = I->first.End;
  }
  appendOriginal(Out, Pos, End);
  return Out;
}

void LoweringContext::appendOriginal(std::string &Out, unsigned Begin,
                                     unsigned End) const {
  auto R =
      std::upper_bound(Skipped.begin(), Skipped.end(), Begin,
                       [](unsigned B, const std::pair<unsigned, unsigned> &S) {
                         return B < S.second;
                       });
  for (; R != Skipped.end() && R->first < End; ++R) {
    unsigned From = std::max(Begin, R->first);
    unsigned To = std::min(End, R->second);
    CharSourceRange In = CharSourceRange::getCharRange(
        SM.getComposedLoc(File, From), SM.getComposedLoc(File, To));
    for (const Directive &D : coast::directivesIn(SM, Ctx.getLangOpts(), In)) {
      if (D.Name != "line" || D.End > End)
        continue;
      // Its lines stay, empty: the text after it keeps its line.
      Out += Original.slice(Begin, D.Begin);
      Out.append(Original.slice(D.Begin, D.End).count('\n'), '\n');
      Begin = D.End;
    }
  }
  Out += Original.slice(Begin, End);
}

void LoweringContext::addEdit(unsigned Begin, unsigned End, std::string Text) {
  auto [First, Last] = editsWithin(Begin, End);
  Edits.erase(First, Last);
  Edits.emplace(EditRange{Begin, End, NextSeq++}, std::move(Text));
}

/// Clang prints `typeof (e)`, which strict ISO C before C23 does not know;
/// the GNU spellings are keywords in every mode. Literals in `e` are kept.
static std::string withGNUTypeof(StringRef Printed) {
  std::string Out;
  for (size_t I = 0; I < Printed.size();) {
    char C = Printed[I];
    if (C == '"' || C == '\'') {
      size_t End = I + 1;
      while (End < Printed.size() && Printed[End] != C)
        End += Printed[End] == '\\' ? 2 : 1;
      End = std::min(End + 1, Printed.size());
      Out += Printed.slice(I, End);
      I = End;
      continue;
    }
    if (!isAsciiIdentifierContinue(C)) {
      Out += C;
      ++I;
      continue;
    }
    size_t End = I;
    while (End < Printed.size() && isAsciiIdentifierContinue(Printed[End]))
      ++End;
    StringRef Word = Printed.slice(I, End);
    if (Word == "typeof" || Word == "typeof_unqual")
      Out += "__" + Word.str() + "__";
    else
      Out += Word;
    I = End;
  }
  return Out;
}

/// \p T with each typeof in it replaced by the type it denotes, the rest of
/// its sugar kept: a typedef's attributes (aligned, may_alias) go with its
/// name, and the canonical type would drop them. \p T itself when it has
/// no typeof; a typedef's name is printed as it is, whatever it names.
static QualType withoutTypeof(QualType T, const ASTContext &Ctx) {
  const Type *Ty = T.getTypePtr();
  if (isa<TypeOfExprType, TypeOfType>(Ty))
    return withoutTypeof(T.getSingleStepDesugaredType(Ctx), Ctx);
  if (isa<TypedefType>(Ty))
    return T;
  Qualifiers Q = T.getLocalQualifiers();
  auto Rebuilt = [&](QualType Old, QualType New, auto Make) {
    return New == Old ? T : Ctx.getQualifiedType(Make(New), Q);
  };
  if (const auto *PT = dyn_cast<PointerType>(Ty))
    return Rebuilt(PT->getPointeeType(),
                   withoutTypeof(PT->getPointeeType(), Ctx),
                   [&](QualType P) { return Ctx.getPointerType(P); });
  if (const auto *AT = dyn_cast<AtomicType>(Ty))
    return Rebuilt(AT->getValueType(), withoutTypeof(AT->getValueType(), Ctx),
                   [&](QualType V) { return Ctx.getAtomicType(V); });
  if (const auto *CA = dyn_cast<ConstantArrayType>(Ty))
    return Rebuilt(CA->getElementType(),
                   withoutTypeof(CA->getElementType(), Ctx), [&](QualType E) {
                     return Ctx.getConstantArrayType(
                         E, CA->getSize(), CA->getSizeExpr(),
                         CA->getSizeModifier(),
                         CA->getIndexTypeCVRQualifiers());
                   });
  if (const auto *IA = dyn_cast<IncompleteArrayType>(Ty))
    return Rebuilt(IA->getElementType(),
                   withoutTypeof(IA->getElementType(), Ctx), [&](QualType E) {
                     return Ctx.getIncompleteArrayType(
                         E, IA->getSizeModifier(),
                         IA->getIndexTypeCVRQualifiers());
                   });
  if (const auto *FT = dyn_cast<FunctionProtoType>(Ty)) {
    QualType R = withoutTypeof(FT->getReturnType(), Ctx);
    SmallVector<QualType, 4> Params;
    for (QualType P : FT->param_types())
      Params.push_back(withoutTypeof(P, Ctx));
    if (R == FT->getReturnType() && llvm::equal(Params, FT->param_types()))
      return T;
    return Ctx.getQualifiedType(
        Ctx.getFunctionType(R, Params, FT->getExtProtoInfo()), Q);
  }
  if (const auto *FT = dyn_cast<FunctionNoProtoType>(Ty))
    return Rebuilt(FT->getReturnType(), withoutTypeof(FT->getReturnType(), Ctx),
                   [&](QualType R) {
                     return Ctx.getFunctionNoProtoType(R, FT->getExtInfo());
                   });
  // Other sugar (parentheses, `struct` written out, type attributes) is
  // looked through; it goes only where a typeof is under it.
  QualType Next = T.getSingleStepDesugaredType(Ctx);
  if (Next == T)
    return T;
  QualType Plain = withoutTypeof(Next, Ctx);
  return Plain == Next ? T : Plain;
}

std::string LoweringContext::typeName(QualType T) const {
  const PrintingPolicy &Policy = Ctx.getPrintingPolicy();
  // `typeof (n)` names what n means where the type is printed: nothing at
  // file scope (the frame), another local in the body. The same type
  // without that sugar, unless it prints no name.
  QualType Plain = withoutTypeof(T, Ctx);
  if (Plain == T || !printableType(Plain, Ctx))
    Plain = T;
  return "__typeof__(" + withGNUTypeof(Plain.getAsString(Policy)) + ")";
}

CharSourceRange LoweringContext::fileRange(SourceRange R) const {
  return Lexer::makeFileCharRange(CharSourceRange::getTokenRange(R), SM,
                                  Ctx.getLangOpts());
}

/// Marks the start of a piece of the user's text in generated code with
/// the line its tokens read as __LINE__ (see placeLines).
static const char PieceMark[] = "\x01coast-line:";

std::string LoweringContext::text(SourceRange R) const {
  return textOf(fileRange(R));
}

std::string LoweringContext::textOf(CharSourceRange R) const {
  if (R.isInvalid())
    return "";
  std::string Text = textOf(offsetOf(R.getBegin()), offsetOf(R.getEnd()));
  if (!MarkPieces)
    return Text;
  return PieceMark + std::to_string(SM.getPresumedLineNumber(R.getBegin())) +
         "\x01" + Text;
}

CharSourceRange LoweringContext::withSemicolon(CharSourceRange R) const {
  std::optional<Token> Next = Lexer::findNextToken(
      R.getEnd().getLocWithOffset(-1), SM, Ctx.getLangOpts());
  if (!Next || !Next->is(tok::semi))
    return R;
  return CharSourceRange::getCharRange(R.getBegin(), Next->getEndLoc());
}

std::string LoweringContext::fileLiteral(SourceLocation L) const {
  PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(L));
  std::string File = "\"";
  for (char C : StringRef(P.getFilename())) {
    if (C == '\\' || C == '"')
      File += '\\';
    File += C;
  }
  return File + "\"";
}

std::string LoweringContext::directivesIn(CharSourceRange R) const {
  std::string Out;
  for (const Directive &D : coast::directivesIn(SM, Ctx.getLangOpts(), R))
    Out += D.Text.str() + "\n";
  return Out;
}

std::string LoweringContext::lineMarker(SourceLocation L) const {
  PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(L));
  return "#line " + std::to_string(P.getLine()) + " " + fileLiteral(L) + "\n";
}

std::string LoweringContext::pinned(StringRef Lines, SourceLocation L) const {
  // A `#line` per generated line was a quarter of a lowered file's bytes:
  // C needs line breaks only around directives.
  std::string Marker = lineMarker(L);
  std::string Out, Code;
  auto Flush = [&] {
    if (!Code.empty())
      Out += Marker + Code + "\n";
    Code.clear();
  };
  while (!Lines.empty()) {
    auto [Line, Rest] = Lines.split('\n');
    Lines = Rest;
    Line = Line.ltrim();
    if (Line.starts_with("#")) {
      Flush();
      Out += Marker + Line.str() + "\n";
    } else if (!Line.empty()) {
      Code += (Code.empty() ? "" : " ") + Line.str();
    }
  }
  Flush();
  return Out;
}

std::string LoweringContext::columnPad(SourceLocation L) const {
  unsigned Col = SM.getPresumedLoc(SM.getExpansionLoc(L)).getColumn();
  return std::string(Col > 0 ? Col - 1 : 0, ' ');
}

/// storageDecl's qualifiers: volatile only.
static const char *storedQualifiers(QualType T, const ASTContext &Ctx) {
  bool Volatile = T.isVolatileQualified() ||
                  Ctx.getBaseElementType(T).isVolatileQualified();
  return Volatile ? "volatile " : "";
}

std::string LoweringContext::storageDecl(QualType T, StringRef Name) const {
  Qualifiers Quals;
  QualType Bare = Ctx.getUnqualifiedArrayType(T.getUnqualifiedType(), Quals);
  return storedQualifiers(T, Ctx) + typeName(Bare) + " " + Name.str();
}

std::string LoweringContext::storedView(StringRef Lvalue, QualType T) const {
  return ("(*(" + Twine(storedQualifiers(T, Ctx)) + "__typeof_unqual__(" +
          Lvalue + ") *)&" + Lvalue + ")")
      .str();
}

std::string LoweringContext::droppedQualifiers(QualType T) const {
  Qualifiers Quals;
  Ctx.getUnqualifiedArrayType(T, Quals);
  return (Quals.hasConst() ? "const " : "") +
         std::string(Quals.hasRestrict() ? "__restrict " : "");
}

std::string LoweringContext::declaredView(StringRef Member, QualType T) const {
  std::string Dropped = droppedQualifiers(T);
  if (Dropped.empty())
    return Member.str();
  // Through a pointer to the member's own type, qualified: an array's
  // qualifiers go to its elements, as they did in the declaration.
  return ("(*(" + Dropped + "__typeof__(" + Member + ") *)&" + Member + ")")
      .str();
}

std::string LoweringContext::store(StringRef Dest, QualType T, StringRef Value,
                                   bool ValueIsInitList) const {
  if (T->isScalarType() && !ValueIsInitList)
    return (Dest + " = " + Value + ";").str();
  // A temporary initialized exactly as the user's declaration, then copied:
  // works for arrays, string literals, init lists and const members alike.
  // Its type is read from Dest: T printed here could name what a local of
  // the body shadows (a typedef `P` beside a variable `P`).
  return ("{ __typeof_unqual__(" + Dest + ") __coast_t = " + Value +
          "; __builtin_memcpy(&" + Dest + ", &__coast_t, sizeof __coast_t); }")
      .str();
}

void LoweringContext::rename(SourceLocation TokenLoc, StringRef NewText) {
  SourceLocation L = SM.getSpellingLoc(TokenLoc);
  unsigned Len = Lexer::MeasureTokenLength(L, SM, Ctx.getLangOpts());
  unsigned Off = offsetOf(L);
  addEdit(Off, Off + Len, NewText.str());
}

void LoweringContext::replace(CharSourceRange R,
                              std::function<std::string()> Make) {
  assert(R.isValid() && R.isCharRange() && "replace takes file char ranges");
  unsigned Len = SM.getFileOffset(R.getEnd()) - SM.getFileOffset(R.getBegin());
  Pending.push_back({R, Len, Pending.size(), std::move(Make)});
}

/// Whether \p Line is an `#else`, `#elif...` or `#endif`.
static bool endsBranch(StringRef Line) {
  Line = Line.ltrim(" \t");
  if (!Line.consume_front("#"))
    return false;
  Line = Line.ltrim(" \t");
  return Line.starts_with("else") || Line.starts_with("elif") ||
         Line.starts_with("endif");
}

/// The length of the directive \p Text starts with, up to the line break
/// that ends it: a backslash before a line break continues it (spaces
/// between them too, as Clang reads them), and so does a comment that goes
/// on past the line's end, not a '/*' in a quoted literal.
static size_t directiveLength(StringRef Text) {
  bool LineComment = false;
  for (size_t I = 0; I < Text.size(); ++I) {
    if (Text[I] == '\\') {
      size_t Next = Text.find_first_not_of(" \t\r", I + 1);
      if (Next != StringRef::npos && Text[Next] == '\n')
        I = Next;
    } else if (Text[I] == '\n') {
      return I + 1;
    } else if (!LineComment && (Text[I] == '\'' || Text[I] == '"')) {
      // A literal's '/*' opens no comment. One left open ends with its
      // line, as Clang lexes it.
      size_t J = I + 1;
      while (J < Text.size() && Text[J] != Text[I] && Text[J] != '\n')
        J += Text[J] == '\\' ? 2 : 1;
      if (J >= Text.size())
        return Text.size();
      I = Text[J] == '\n' ? J - 1 : J;
    } else if (!LineComment && Text.substr(I).starts_with("/*")) {
      size_t Close = Text.find("*/", I + 2);
      if (Close == StringRef::npos)
        return Text.size();
      I = Close + 1;
    } else if (Text.substr(I).starts_with("//")) {
      LineComment = true;
    }
  }
  return Text.size();
}

std::string LoweringContext::placeLines(StringRef New,
                                        CharSourceRange R) const {
  unsigned Line = SM.getPresumedLineNumber(R.getBegin());
  unsigned Last = SM.getPresumedLineNumber(R.getEnd());
  std::string File = fileLiteral(R.getBegin());
  std::string Out;
  // Down by newlines, up by a #line: the generated code before a piece
  // of user text (an awaited call's arguments go before the statement
  // they are written in) is one line, whatever it holds. In a macro's
  // argument too: its __LINE__ is expanded there, before the macro's, and
  // the warning about the directive is one the compile ignores (the
  // nested parse printed the user's).
  auto MoveTo = [&](unsigned To) {
    if (To >= Line)
      Out.append(To - Line, '\n');
    else
      Out += "\n#line " + std::to_string(To) + " " + File + "\n";
    Line = To;
  };
  Out.reserve(New.size());
  bool LineStart = false;
  // Past the end of an `#else`, `#elif` or `#endif` whose line the
  // lowering writes again after it.
  size_t BranchEnd = StringRef::npos;
  for (size_t I = 0; I < New.size();) {
    if (New[I] == PieceMark[0] && New.substr(I).starts_with(PieceMark)) {
      size_t Num = I + sizeof PieceMark - 1;
      size_t End = New.find('\x01', Num);
      unsigned To = 0;
      New.slice(Num, End).getAsInteger(10, To);
      if (To != Line)
        MoveTo(To);
      I = End + 1;
      continue;
    }
    // The #line of a piece placed already (an inner replacement's).
    if (LineStart && New.substr(I).starts_with("#line ")) {
      unsigned To = 0;
      New.substr(I + 6).take_while(isDigit).getAsInteger(10, To);
      Line = To - 1;
    }
    // A run of text up to its line's end or the next mark, copied whole:
    // the pieces are most of the lowered file, a byte at a time cost more
    // than the rest of the edits.
    const char Stops[] = {'\n', PieceMark[0]};
    size_t End = New[I] == '\n' ? I : New.find_first_of({Stops, 2}, I + 1);
    if (End == StringRef::npos)
      End = New.size();
    else if (New[End] == '\n')
      ++End;
    Out.append(New.data() + I, End - I);
    if (LineStart && endsBranch(New.slice(I, End)))
      BranchEnd = I + directiveLength(New.substr(I));
    LineStart = New[End - 1] == '\n';
    Line += LineStart;
    I = End;
    // A #line in a branch the preprocessor skips does not act: the line
    // after the group's end, or its next branch's start, is written again,
    // after the directive's last line (one written inside it would be
    // part of it, and the rest of it code).
    if (LineStart && I >= BranchEnd) {
      Out += "#line " + std::to_string(Line) + " " + File + "\n";
      BranchEnd = StringRef::npos;
    }
  }
  if (Line != Last)
    MoveTo(Last);
  return Out;
}

void LoweringContext::applyReplacements() {
  // Innermost first: a range is applied before any range containing it.
  std::sort(Pending.begin(), Pending.end(),
            [](const Replacement &A, const Replacement &B) {
              if (A.Length != B.Length)
                return A.Length < B.Length;
              return A.Order < B.Order;
            });
  for (Replacement &Rep : Pending) {
    unsigned Begin = offsetOf(Rep.Range.getBegin());
    unsigned End = offsetOf(Rep.Range.getEnd());
    MarkPieces = true;
    std::string New = Rep.Make();
    MarkPieces = false;
    addEdit(Begin, End, placeLines(New, Rep.Range));
  }
  Pending.clear();
}

std::string LoweringContext::fileText() const {
  // Not textOf(0, size): insertions at either end of the file belong to it
  // (a header's first function has its moved local types inserted at 0).
  std::string Out;
  unsigned Pos = 0;
  for (const auto &[Range, Text] : Edits) {
    Out += Original.slice(Pos, Range.Begin);
    Out += Text;
    Pos = Range.End;
  }
  Out += Original.substr(Pos);
  return Out;
}

} // namespace coast
