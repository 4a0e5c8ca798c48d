//===- FrameVarNames.cpp - Frame variables reached through their names ----===//

#include "FrameVarNames.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/CharInfo.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace coast {

namespace {

/// Names the lowered body spells itself: runtime members it accesses
/// (`__co->__h.state`, `__cx->frames->free`, `->fn->size`), the callee
/// frames' members (`__co->__aw.s1`, `__aw.p2`), and the reserved and
/// coast-prefixed names of everything else it generates; and `defined`,
/// which no macro may be named.
bool spelledByLowering(StringRef Name) {
  static const llvm::StringSet<> Members = {"state", "flags",      "frames",
                                            "free",  "alloc",      "fn",
                                            "size",  "ret_offset", "defined"};
  if ((Name.starts_with("s") || Name.starts_with("p")) && Name.size() > 1 &&
      llvm::all_of(Name.drop_front(), isDigit))
    return true;
  return Name.starts_with("__") || Name.starts_with_insensitive("coast") ||
         Members.contains(Name);
}

std::string describe(const NamedDecl *D) {
  if (isa<LabelDecl>(D))
    return "a label";
  if (isa<FieldDecl>(D) || isa<IndirectFieldDecl>(D))
    return "a member";
  if (isa<TagDecl>(D))
    return "a struct, union or enum tag";
  if (isa<TypedefNameDecl>(D))
    return "a typedef";
  if (isa<EnumConstantDecl>(D))
    return "an enumerator";
  if (isa<FunctionDecl>(D))
    return "a function";
  if (isa<ParmVarDecl>(D))
    return "a parameter of a function type";
  if (const auto *VD = dyn_cast<VarDecl>(D))
    return VD->isLocalVarDeclOrParm() ? "another local variable"
                                      : "a variable declared outside the "
                                        "function";
  return "another declaration";
}

/// The offset where the logical line holding \p Offset starts: lines
/// ending in a backslash continue.
size_t logicalLineStart(StringRef Buffer, size_t Offset) {
  size_t Start = Offset;
  while (true) {
    while (Start > 0 && Buffer[Start - 1] != '\n')
      --Start;
    StringRef Before = Buffer.take_front(Start).drop_back(Start ? 1 : 0);
    if (!Before.rtrim('\r').ends_with("\\"))
      return Start;
    --Start;
  }
}

/// Whether the macro use \p Use, inside another macro's expansion, is
/// spelled in that macro's definition without any of its parameters: its
/// arguments reach it as written then. A parameter is replaced by its
/// argument macro-expanded first, a frame variable's name by its member.
bool spelledInDefinition(CharSourceRange Use, const SourceManager &SM,
                         const LangOptions &LO) {
  SourceLocation B = Use.getBegin(), E = Use.getEnd();
  if (!B.isMacroID() || !SM.isMacroBodyExpansion(B) ||
      !SM.isMacroBodyExpansion(E) || SM.getFileID(B) != SM.getFileID(E))
    return false;
  SourceLocation SpelledB = SM.getSpellingLoc(B);
  SourceLocation SpelledE = SM.getSpellingLoc(E);
  FileID F = SM.getFileID(SpelledB);
  if (F != SM.getFileID(SpelledE) ||
      SM.getFileOffset(SpelledB) > SM.getFileOffset(SpelledE))
    return false;
  StringRef Buffer = SM.getBufferData(F);
  size_t Start = logicalLineStart(Buffer, SM.getFileOffset(SpelledB));
  Lexer Lex(SM.getLocForStartOfFile(F), LO, Buffer.begin(),
            Buffer.begin() + Start, Buffer.end());
  auto Next = [&](Token &Tok) {
    return !Lex.LexFromRawLexer(Tok) || Tok.isNot(tok::eof);
  };
  auto Word = [](const Token &Tok) {
    return Tok.is(tok::raw_identifier) ? Tok.getRawIdentifier() : "";
  };
  Token Tok;
  if (!Next(Tok) || Tok.isNot(tok::hash) || !Next(Tok) ||
      Word(Tok) != "define" || !Next(Tok) || Word(Tok).empty() || !Next(Tok))
    return false;
  llvm::StringSet<> Params = {"__VA_ARGS__", "__VA_OPT__"};
  if (Tok.is(tok::l_paren) && !Tok.hasLeadingSpace()) {
    while (Next(Tok) && Tok.isNot(tok::r_paren))
      if (!Word(Tok).empty())
        Params.insert(Word(Tok));
    if (!Next(Tok))
      return false;
  }
  unsigned End = SM.getFileOffset(SpelledE);
  for (; SM.getFileOffset(Tok.getLocation()) <= End; Next(Tok)) {
    if (Tok.is(tok::eof) || Params.contains(Word(Tok)))
      return false;
  }
  return true;
}

} // namespace

bool mentionsName(StringRef Text, StringRef Name) {
  auto IsIdent = [](char C) { return isAsciiIdentifierContinue(C); };
  for (size_t I = 0; I < Text.size();) {
    if (!IsIdent(Text[I])) {
      ++I;
      continue;
    }
    size_t End = I;
    while (End < Text.size() && IsIdent(Text[End]))
      ++End;
    if (Text.slice(I, End) == Name && !isDigit(Text[I]))
      return true;
    I = End;
  }
  return false;
}

bool mentionsFunctionName(StringRef Text) {
  return mentionsName(Text, "__func__") || mentionsName(Text, "__FUNCTION__") ||
         mentionsName(Text, "__PRETTY_FUNCTION__");
}

bool mentionsAwait(StringRef Text) {
  return mentionsName(Text, "await") || mentionsName(Text, "coast_await") ||
         mentionsName(Text, "__coast_await");
}

FrameVarNames::FrameVarNames(const FunctionDecl *FD, ASTContext &Ctx,
                             const AsyncFunctionPlan &Plan)
    : Ctx(Ctx), Plan(Plan) {
  llvm::StringMap<const VarDecl *> First;
  for (const FrameVar &V : Plan.Vars) {
    StringRef Name = V.Decl->getName();
    Names.insert(Name);
    auto [It, New] = First.try_emplace(Name, V.Decl);
    if (!New) {
      ByVar[V.Decl] = {It->second->getLocation(), "another local variable"};
      ByVar.try_emplace(It->second, NameConflict{V.Decl->getLocation(),
                                                 "another local variable"});
    }
  }
  for (const auto &Entry : First) {
    StringRef Name = Entry.getKey();
    SourceLocation At = Entry.getValue()->getLocation();
    if (spelledByLowering(Name))
      add(Name, At, "a name the lowered code uses");
    if (Ctx.Idents.get(Name).hadMacroDefinition())
      add(Name, At, "a macro");
    for (const NamedDecl *D :
         Ctx.getTranslationUnitDecl()->lookup(&Ctx.Idents.get(Name)))
      if (isa<TagDecl>(D) || isa<TypedefNameDecl>(D))
        add(Name, D->getLocation(), describe(D) + " at file scope");
  }
  // The members of the frame other than the variable's own.
  for (const FrameVar &V : Plan.Vars)
    if (V.Name != V.Decl->getName())
      add(V.Name, V.Decl->getLocation(), "the frame member of another local");
  for (const SpillVar &S : Plan.Spills)
    if (S.Name != S.Decl->getName())
      add(S.Name, S.Decl->getLocation(), "the frame member of another local");

  struct Finder : RecursiveASTVisitor<Finder> {
    FrameVarNames &N;
    const SourceManager &SM;
    explicit Finder(FrameVarNames &N) : N(N), SM(N.Ctx.getSourceManager()) {}
    bool shouldVisitImplicitCode() const { return false; }
    void note(const IdentifierInfo *II, SourceLocation L,
              const llvm::Twine &What) {
      if (II)
        N.add(II->getName(), L, What);
    }
    /// Attribute names are macro-expanded too (`__attribute__((unused))`).
    /// So are the names its arguments spell: `cleanup(release)`,
    /// `format(printf, 1, 2)`, `mode(SI)`.
    void noteAttrs(llvm::ArrayRef<const Attr *> Attrs) {
      for (const Attr *A : Attrs) {
        if (A->isImplicit())
          continue;
        note(A->getAttrName(), A->getLocation(), "an attribute");
        if (const auto *C = dyn_cast<CleanupAttr>(A))
          note(C->getFunctionDecl()->getIdentifier(), A->getLocation(),
               "a function an attribute names");
        else if (const auto *F = dyn_cast<FormatAttr>(A))
          note(F->getType(), A->getLocation(), "an attribute argument");
        else if (const auto *M = dyn_cast<ModeAttr>(A))
          note(M->getMode(), A->getLocation(), "an attribute argument");
      }
    }
    bool VisitDecl(Decl *D) {
      if (D->hasAttrs())
        noteAttrs(D->getAttrs());
      return true;
    }
    bool VisitAttributedStmt(AttributedStmt *S) {
      noteAttrs(S->getAttrs());
      return true;
    }
    bool VisitNamedDecl(NamedDecl *D) {
      if (const auto *VD = dyn_cast<VarDecl>(D); VD && N.Plan.frameVar(VD))
        return true;
      note(D->getIdentifier(), D->getLocation(), describe(D));
      return true;
    }
    bool VisitLabelStmt(LabelStmt *S) {
      note(S->getDecl()->getIdentifier(), S->getIdentLoc(), "a label");
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      const ValueDecl *D = DRE->getDecl();
      if (const auto *VD = dyn_cast<VarDecl>(D); VD && N.Plan.frameVar(VD))
        return true;
      note(D->getIdentifier(), DRE->getLocation(), describe(D));
      return true;
    }
    bool VisitMemberExpr(MemberExpr *ME) {
      note(ME->getMemberNameInfo().getName().getAsIdentifierInfo(),
           ME->getMemberLoc(), "a member");
      return true;
    }
    bool VisitDesignatedInitExpr(DesignatedInitExpr *DIE) {
      for (const DesignatedInitExpr::Designator &D : DIE->designators())
        if (D.isFieldDesignator())
          note(D.getFieldName(), D.getFieldLoc(), "a member designator");
      return true;
    }
    bool VisitOffsetOfExpr(OffsetOfExpr *OE) {
      for (unsigned I = 0; I != OE->getNumComponents(); ++I) {
        const OffsetOfNode &C = OE->getComponent(I);
        if (C.getKind() == OffsetOfNode::Field ||
            C.getKind() == OffsetOfNode::Identifier)
          note(C.getFieldName(), C.getBeginLoc(), "a member in offsetof");
      }
      return true;
    }
    bool VisitGCCAsmStmt(GCCAsmStmt *S) {
      for (unsigned I = 0; I != S->getNumOutputs(); ++I)
        note(S->getOutputIdentifier(I), S->getAsmLoc(), "an asm operand name");
      for (unsigned I = 0; I != S->getNumInputs(); ++I)
        note(S->getInputIdentifier(I), S->getAsmLoc(), "an asm operand name");
      return true;
    }
    bool VisitStringLiteral(StringLiteral *SL) {
      for (unsigned I = 0; I != SL->getNumConcatenated(); ++I)
        noteStringified(SL->getStrTokenLoc(I));
      return true;
    }
    /// A literal a macro's `#` made: its token is in scratch space, and
    /// the expansion it comes from starts at that `#`.
    void noteStringified(SourceLocation L) {
      if (!L.isMacroID() || !SM.isWrittenInScratchSpace(SM.getSpellingLoc(L)))
        return;
      SourceLocation Hash = SM.getImmediateExpansionRange(L).getBegin();
      if (!Hash.isMacroID() ||
          *SM.getCharacterData(SM.getSpellingLoc(Hash)) != '#')
        return;
      const LangOptions &LO = N.Ctx.getLangOpts();
      llvm::SmallString<64> Buffer;
      StringRef Text = Lexer::getSpelling(SM.getSpellingLoc(L), Buffer, SM, LO);
      if (!mentionsAwait(Text) && !mentionsFunctionName(Text) &&
          !mentionsName(Text, "__builtin_FUNCTION") &&
          !mentionsName(Text, "__builtin_COLUMN") &&
          llvm::none_of(N.Names, [&](const auto &Name) {
            return mentionsName(Text, Name.getKey());
          }))
        return;
      Stringification S;
      S.Macro = Lexer::getImmediateMacroName(Hash, SM, LO).str();
      CharSourceRange Invocation = SM.getImmediateExpansionRange(Hash);
      S.AsWritten = Invocation.getBegin().isFileID() ||
                    spelledInDefinition(Invocation, SM, LO);
      CharSourceRange Use = SM.getExpansionRange(L);
      S.Loc = Use.getBegin();
      S.Begin = SM.getFileOffset(Use.getBegin());
      S.End = SM.getFileOffset(Use.getEnd()) +
              Lexer::MeasureTokenLength(Use.getEnd(), SM, LO);
      S.Text = Text.str();
      N.Stringified.push_back(std::move(S));
    }
  } F(*this);
  F.TraverseStmt(FD->getBody());
  noteDefinitions(FD);
  scanDirectives(FD);
}

void FrameVarNames::add(StringRef Name, SourceLocation Loc,
                        const llvm::Twine &What) {
  if (!Names.contains(Name) || ByName.count(Name))
    return;
  ByName[Name] = {Ctx.getSourceManager().getExpansionLoc(Loc), What.str()};
}

/// Tags, members and enumerators the function declares, those of a type
/// defined in a cast, sizeof or _Generic included, which are in no
/// statement: `(struct opaque *)q`, `sizeof(struct { int len; })`.
void FrameVarNames::noteDefinitions(const DeclContext *DC) {
  for (const Decl *D : DC->decls()) {
    const auto *ND = dyn_cast<NamedDecl>(D);
    if (!ND || !(isa<TagDecl>(D) || isa<FieldDecl>(D) ||
                 isa<IndirectFieldDecl>(D) || isa<EnumConstantDecl>(D)))
      continue;
    if (const IdentifierInfo *II = ND->getIdentifier())
      add(II->getName(), ND->getLocation(), describe(ND));
    if (const auto *Tag = dyn_cast<TagDecl>(D))
      noteDefinitions(Tag);
  }
}

/// A directive in the body that names the variable (`#ifdef buf`,
/// `#undef buf`) would see the lowering's macro. `#define` may name it: a
/// macro of that name is reported as such, and its definition may use the
/// variable like any code. An included file may name any of them.
void FrameVarNames::scanDirectives(const FunctionDecl *FD) {
  const SourceManager &SM = Ctx.getSourceManager();
  const auto *Body = cast<CompoundStmt>(FD->getBody());
  SourceLocation Begin = SM.getExpansionLoc(Body->getLBracLoc());
  FileID File = SM.getFileID(Begin);
  StringRef Buffer = SM.getBufferData(File);
  unsigned End = SM.getFileOffset(SM.getExpansionLoc(Body->getRBracLoc()));
  Lexer Lex(SM.getLocForStartOfFile(File), Ctx.getLangOpts(), Buffer.begin(),
            Buffer.begin() + SM.getFileOffset(Begin), Buffer.end());
  Token Tok;
  enum { Code, DirectiveName, Directive, Define } State = Code;
  while (!Lex.LexFromRawLexer(Tok) &&
         SM.getFileOffset(Tok.getLocation()) < End) {
    if (Tok.isAtStartOfLine()) {
      State = Tok.is(tok::hash) ? DirectiveName : Code;
      continue;
    }
    if (State == DirectiveName) {
      StringRef Name =
          Tok.is(tok::raw_identifier) ? Tok.getRawIdentifier() : "";
      State = Name == "define" ? Define : Directive;
      // The included text is lexed with the lowering's macros in effect,
      // and this scan does not read it.
      if (Name == "include" || Name == "include_next" || Name == "import")
        for (const auto &Var : Names)
          add(Var.getKey(), Tok.getLocation(), "an #include in the body");
      continue;
    }
    if (State == Directive && Tok.is(tok::raw_identifier))
      add(Tok.getRawIdentifier(), Tok.getLocation(),
          "a preprocessor directive");
  }
}

const NameConflict *FrameVarNames::conflict(const VarDecl *VD) const {
  auto Var = ByVar.find(VD);
  if (Var != ByVar.end())
    return &Var->second;
  auto Name = ByName.find(VD->getName());
  return Name == ByName.end() ? nullptr : &Name->second;
}

} // namespace coast
