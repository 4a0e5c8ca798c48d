//===- LoweringContext.cpp - Text edits of the lowering -------------------===//

#include "LoweringContext.h"

#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace clang;

namespace coast {

LoweringContext::LoweringContext(ASTContext &Ctx)
    : Ctx(Ctx), SM(Ctx.getSourceManager()) {
  RW.setSourceMgr(Ctx.getSourceManager(), Ctx.getLangOpts());
}

std::string LoweringContext::typeName(QualType T) const {
  return "__typeof__(" + T.getAsString(Ctx.getPrintingPolicy()) + ")";
}

CharSourceRange LoweringContext::fileRange(SourceRange R) const {
  return Lexer::makeFileCharRange(CharSourceRange::getTokenRange(R), SM,
                                  Ctx.getLangOpts());
}

std::string LoweringContext::text(SourceRange R) const {
  return RW.getRewrittenText(fileRange(R));
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

std::string LoweringContext::lineMarker(SourceLocation L) const {
  PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(L));
  return "#line " + std::to_string(P.getLine()) + " " + fileLiteral(L) + "\n";
}

std::string LoweringContext::pinned(StringRef Lines, SourceLocation L) const {
  std::string Marker = lineMarker(L);
  std::string Out;
  while (!Lines.empty()) {
    auto [Line, Rest] = Lines.split('\n');
    Out += Marker + Line.str() + "\n";
    Lines = Rest;
  }
  return Out;
}

std::string LoweringContext::columnPad(SourceLocation L) const {
  unsigned Col = SM.getPresumedLoc(SM.getExpansionLoc(L)).getColumn();
  return std::string(Col > 0 ? Col - 1 : 0, ' ');
}

std::string LoweringContext::store(StringRef Dest, QualType T, StringRef Value,
                                   bool ValueIsInitList) const {
  if (T->isScalarType() && !ValueIsInitList)
    return (Dest + " = " + Value + ";").str();
  // A temporary initialized exactly as the user's declaration, then copied:
  // works for arrays, string literals, init lists and const members alike.
  return ("{ " + typeName(T.getUnqualifiedType()) + " __coast_t = " + Value +
          "; __builtin_memcpy(&" + Dest + ", &__coast_t, sizeof __coast_t); }")
      .str();
}

void LoweringContext::rename(SourceLocation TokenLoc, StringRef NewText) {
  SourceLocation L = SM.getSpellingLoc(TokenLoc);
  unsigned Len = Lexer::MeasureTokenLength(L, SM, Ctx.getLangOpts());
  RW.ReplaceText(L, Len, NewText);
}

void LoweringContext::replace(CharSourceRange R,
                              std::function<std::string()> Make) {
  assert(R.isValid() && R.isCharRange() && "replace takes file char ranges");
  unsigned Len = SM.getFileOffset(R.getEnd()) - SM.getFileOffset(R.getBegin());
  Pending.push_back({R, Len, std::move(Make)});
}

void LoweringContext::applyReplacements() {
  // Innermost first: a range is applied before any range containing it.
  std::sort(Pending.begin(), Pending.end(),
            [this](const Replacement &A, const Replacement &B) {
              if (A.Length != B.Length)
                return A.Length < B.Length;
              return SM.isBeforeInTranslationUnit(A.Range.getBegin(),
                                                  B.Range.getBegin());
            });
  for (Replacement &Rep : Pending) {
    std::string Old = RW.getRewrittenText(Rep.Range);
    std::string New = Rep.Make();
    size_t OldLines = llvm::count(Old, '\n');
    size_t NewLines = llvm::count(New, '\n');
    if (NewLines < OldLines)
      New.append(OldLines - NewLines, '\n');
    RW.ReplaceText(Rep.Range, New);
  }
  Pending.clear();
}

std::string LoweringContext::mainFileText() const {
  FileID Main = SM.getMainFileID();
  if (const auto *B = RW.getRewriteBufferFor(Main))
    return std::string(B->begin(), B->end());
  return SM.getBufferData(Main).str();
}

} // namespace coast
