//===- LoweringContext.cpp - Text edits of the lowering -------------------===//

#include "LoweringContext.h"

#include "AsyncFunctionPlan.h"
#include "Directives.h"

#include "clang/Basic/CharInfo.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

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
    Out += Original.slice(Pos, I->first.Begin);
    Out += I->second;
    Pos = I->first.End;
  }
  Out += Original.slice(Pos, End);
  return Out;
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

/// Marks in the text of a replacement, each followed by a source
/// location's raw encoding and a \x01, that placeLines reads and removes:
///  - PlaceMark: the user's text that follows goes where the preprocessor
///    presumed that location was (line and file);
///  - AtMark: the text that follows stands where the preprocessor presumed
///    that location was: after a piece of the user's text, which its own
///    directives have brought there, and after a marker of the lowering's.
static const char MarkPrefix[] = "\x01coast-";
static const char PlaceMark[] = "\x01coast-place:";
static const char AtMark[] = "\x01coast-at:";

static std::string mark(const char *Kind, SourceLocation L) {
  return Kind + std::to_string(L.getRawEncoding()) + "\x01";
}

std::string LoweringContext::text(SourceRange R) const {
  return textOf(fileRange(R));
}

std::string LoweringContext::textOf(CharSourceRange R) const {
  if (R.isInvalid())
    return "";
  std::string Text = textOf(offsetOf(R.getBegin()), offsetOf(R.getEnd()));
  if (!MarkPieces)
    return Text;
  return mark(PlaceMark, R.getBegin()) + Text + mark(AtMark, R.getEnd());
}

CharSourceRange LoweringContext::withSemicolon(CharSourceRange R) const {
  std::optional<Token> Next = Lexer::findNextToken(
      R.getEnd().getLocWithOffset(-1), SM, Ctx.getLangOpts());
  if (!Next || !Next->is(tok::semi))
    return R;
  return CharSourceRange::getCharRange(R.getBegin(), Next->getEndLoc());
}

/// \p S as a C string literal: a `#line` reads its escapes, and a control
/// character (a `#line 1 "a\nb"` gives a line break) must not end it. Every
/// `?` is escaped: under -std=c11 or -trigraphs a `??=` in a name would
/// read as `#`.
static std::string cString(StringRef S) {
  std::string Out = "\"";
  for (unsigned char C : S) {
    if (C == '\\' || C == '"' || C == '?') {
      Out += '\\';
      Out += C;
    } else if (C < 0x20 || C == 0x7f) {
      // Octal: a hexadecimal escape would go on into the digits after it.
      Out += '\\';
      Out += char('0' + (C >> 6));
      Out += char('0' + ((C >> 3) & 7));
      Out += char('0' + (C & 7));
    } else {
      Out += C;
    }
  }
  return Out + "\"";
}

bool optimizing(const ASTContext &Ctx) {
  return Ctx.Idents.get("__OPTIMIZE__").hasMacroDefinition();
}

std::string LoweringContext::fileLiteral(SourceLocation L) const {
  return cString(SM.getPresumedLoc(SM.getExpansionLoc(L)).getFilename());
}

std::string LoweringContext::directivesIn(CharSourceRange R) const {
  std::string Out;
  // Edited: an appended block's __COUNTER__ is its value there too.
  for (const Directive &D : coast::directivesIn(SM, Ctx.getLangOpts(), R))
    Out += textOf(D.Begin, D.End) + "\n";
  return Out;
}

std::string LoweringContext::lineMarker(SourceLocation L) const {
  L = SM.getExpansionLoc(L);
  PresumedLoc P = SM.getPresumedLoc(L);
  return "#line " + std::to_string(P.getLine()) + " " + fileLiteral(L) + "\n" +
         mark(AtMark, L);
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

/// Whether the line \p Text may hold a directive, or be one: a comment may
/// go before its `#`, and a trigraph spell it (-std=c11). Taking a line
/// for one costs a #line before the next piece of user text.
static bool mayBeDirective(StringRef Text) {
  return Text.contains('#') || Text.contains("%:") || Text.contains("?\?=");
}

std::string LoweringContext::placeLines(StringRef New,
                                        CharSourceRange R) const {
  // Where the compiler will presume the end of Out is: known after each
  // piece of the user's text (its own directives, copied with it, act
  // again as they did in the user's file) and each marker of the
  // lowering's, then down by newlines; not after a line of generated code
  // that may be a directive (a `#line` of the user's that the lowering
  // copied, an `#else` of a group whose branch it took): the next piece of
  // user text then gets a `#line` with its file.
  PresumedLoc Begin = SM.getPresumedLoc(R.getBegin());
  unsigned Line = Begin.getLine();
  std::string Name = Begin.getFilename();
  bool Known = true;
  std::string Out;
  // Down by newlines, up or to another file by a #line: the generated code
  // before a piece of user text (an awaited call's arguments go before the
  // statement they are written in) is one line, whatever it holds. In a
  // macro's argument too: its __LINE__ is expanded there, before the
  // macro's, and the warning about the directive is one the compile
  // ignores (the nested parse printed the user's). A long way down takes
  // a #line too: a `#line 4000000000` must not take as many newlines.
  auto MoveTo = [&](SourceLocation L) {
    PresumedLoc P = SM.getPresumedLoc(L);
    bool SameFile = Known && Name == P.getFilename();
    if (SameFile && P.getLine() >= Line && P.getLine() - Line <= 64)
      Out.append(P.getLine() - Line, '\n');
    else if (!SameFile || P.getLine() != Line)
      Out += "\n#line " + std::to_string(P.getLine()) +
             (SameFile ? "" : " " + cString(P.getFilename())) + "\n";
    Line = P.getLine();
    Name = P.getFilename();
    Known = true;
  };
  Out.reserve(New.size());
  // A piece that begins in a branch the preprocessor skipped (a directive
  // copied at its line between a statement's pieces) is skipped in the
  // real compile too: a #line before it would not act, so the line its
  // end was presumed on is not the compiler's. It counts as generated code.
  bool InPiece = false, InSkipped = false;
  for (size_t I = 0; I < New.size();) {
    if (New[I] == MarkPrefix[0] && New.substr(I).starts_with(MarkPrefix)) {
      bool Place = New.substr(I).starts_with(PlaceMark);
      size_t Num = I + (Place ? sizeof PlaceMark : sizeof AtMark) - 1;
      size_t End = New.find('\x01', Num);
      SourceLocation::UIntTy Raw = 0;
      New.slice(Num, End).getAsInteger(10, Raw);
      SourceLocation L = SourceLocation::getFromRawEncoding(Raw);
      if (Place) {
        InSkipped = skipped(L);
        if (!InSkipped)
          MoveTo(L);
      } else if (!InSkipped) {
        PresumedLoc P = SM.getPresumedLoc(L);
        Line = P.getLine();
        Name = P.getFilename();
        Known = true;
      }
      InPiece = Place && !InSkipped;
      I = End + 1;
      continue;
    }
    // A run of text up to its line's end or the next mark, copied whole:
    // the pieces are most of the lowered file, a byte at a time cost more
    // than the rest of the edits.
    const char Stops[] = {'\n', MarkPrefix[0]};
    size_t End = New[I] == '\n' ? I : New.find_first_of({Stops, 2}, I + 1);
    if (End == StringRef::npos)
      End = New.size();
    else if (New[End] == '\n')
      ++End;
    Out.append(New.data() + I, End - I);
    if (!InPiece) {
      if (mayBeDirective(New.slice(I, End)))
        Known = false;
      Line += New[End - 1] == '\n';
    }
    I = End;
  }
  MoveTo(R.getEnd());
  return Out;
}

bool LoweringContext::skipped(SourceLocation L) const {
  unsigned Off = offsetOf(L);
  auto R =
      std::upper_bound(Skipped.begin(), Skipped.end(), Off,
                       [](unsigned O, const std::pair<unsigned, unsigned> &S) {
                         return O < S.second;
                       });
  return R != Skipped.end() && R->first < Off;
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

std::string LoweringContext::pieceText(unsigned Begin, unsigned End) const {
  std::string Out;
  unsigned Pos = Begin;
  for (auto I = Edits.lower_bound({Begin, 0, 0});
       I != Edits.end() && I->first.Begin <= End; ++I) {
    if (I->first.Begin == End && I->first.End > End)
      break; // a replacement after the range
    Out += Original.slice(Pos, I->first.Begin);
    Out += I->second;
    Pos = I->first.End;
  }
  Out += Original.slice(Pos, End);
  return Out;
}

bool LoweringContext::editedAround(unsigned Begin, unsigned End) const {
  auto I = Edits.lower_bound({Begin, 0, 0});
  return I != Edits.end() && I->first.Begin <= End &&
         !(I->first.Begin == End && I->first.End > End);
}

bool LoweringContext::editsOnlyIn(
    llvm::ArrayRef<std::pair<unsigned, unsigned>> Ranges) const {
  const auto *R = Ranges.begin();
  for (const auto &[Range, Text] : Edits) {
    while (R != Ranges.end() && R->second < Range.Begin)
      ++R;
    if (R == Ranges.end() || Range.Begin < R->first || Range.End > R->second)
      return false;
  }
  return true;
}

std::string LoweringContext::placedAt(SourceLocation L) const {
  L = SM.getExpansionLoc(L);
  PresumedLoc P = SM.getPresumedLoc(L);
  return "#line " + std::to_string(P.getLine()) + " " + fileLiteral(L) + "\n" +
         columnPad(L);
}

MarkerPosition LoweringContext::markerAt(SourceLocation L) const {
  L = SM.getExpansionLoc(L);
  MarkerPosition M;
  M.Where =
      std::to_string(SM.getPresumedLoc(L).getLine()) + " " + fileLiteral(L);
  switch (SM.getFileCharacteristic(L)) {
  case SrcMgr::C_System:
    M.Kind = " 3";
    break;
  case SrcMgr::C_ExternCSystem:
    M.Kind = " 3 4";
    break;
  default:
    break;
  }
  return M;
}

std::vector<IncludeStep> LoweringContext::includeStack(SourceLocation L) const {
  std::vector<IncludeStep> Steps;
  for (SourceLocation At =
           SM.getPresumedLoc(SM.getExpansionLoc(L)).getIncludeLoc();
       At.isValid(); At = SM.getPresumedLoc(At).getIncludeLoc())
    Steps.push_back({At.getRawEncoding(), markerAt(At)});
  std::reverse(Steps.begin(), Steps.end());
  return Steps;
}

void LoweringContext::wrap(CharSourceRange R, StringRef Before,
                           StringRef After) {
  unsigned Begin = offsetOf(R.getBegin()), End = offsetOf(R.getEnd());
  // Ahead of the insertions at the range's start (moved local types), and
  // after those at its end (the poll function's tail).
  if (!Before.empty()) {
    std::string Text =
        placeLines("\n" + Before.str() + lineMarker(R.getBegin()) +
                       columnPad(R.getBegin()),
                   CharSourceRange::getCharRange(R.getBegin(), R.getBegin()));
    auto First = Edits.lower_bound({Begin, 0, 0});
    if (First != Edits.end() && First->first.Begin == Begin &&
        First->first.End == Begin)
      First->second = Text + First->second;
    else
      Edits.emplace(EditRange{Begin, Begin, NextSeq++}, std::move(Text));
  }
  if (!After.empty()) {
    SourceLocation Last = R.getEnd().getLocWithOffset(-1);
    std::string Text = placeLines(
        "\n" + After.str() + lineMarker(Last) + columnPad(R.getEnd()),
        CharSourceRange::getCharRange(R.getEnd(), R.getEnd()));
    Edits.emplace(EditRange{End, End, NextSeq++}, std::move(Text));
  }
}

} // namespace coast
