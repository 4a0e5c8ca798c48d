//===- LocalTypes.cpp - Types defined inside an async function ------------===//

#include "LocalTypes.h"
#include "GeneratedNames.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

using namespace clang;

namespace coast {

namespace {

bool isLocal(const Decl *D) { return D->getParentFunctionOrMethod(); }

/// The declaration a type name stands for, compared across redeclarations.
const NamedDecl *keyOf(const NamedDecl *D) {
  return cast<NamedDecl>(D->getCanonicalDecl());
}

/// The local tags and typedefs \p T is spelled with, through pointers,
/// arrays, function types and _Atomic.
void localDeclsOf(QualType T, ASTContext &Ctx,
                  llvm::SmallVectorImpl<const NamedDecl *> &Out) {
  for (;;) {
    const Type *Ty = T.getTypePtr();
    const NamedDecl *D = nullptr;
    if (const auto *TT = dyn_cast<TypedefType>(Ty))
      D = TT->getDecl();
    else if (const auto *Tag = dyn_cast<TagType>(Ty))
      D = Tag->getDecl();
    if (D && isLocal(D))
      Out.push_back(D);
    if (const auto *PT = dyn_cast<PointerType>(Ty))
      return localDeclsOf(PT->getPointeeType(), Ctx, Out);
    if (const auto *AT = dyn_cast<ArrayType>(Ty))
      return localDeclsOf(AT->getElementType(), Ctx, Out);
    if (const auto *AT = dyn_cast<AtomicType>(Ty))
      return localDeclsOf(AT->getValueType(), Ctx, Out);
    if (const auto *FT = dyn_cast<FunctionType>(Ty)) {
      localDeclsOf(FT->getReturnType(), Ctx, Out);
      if (const auto *FPT = dyn_cast<FunctionProtoType>(FT))
        for (QualType P : FPT->param_types())
          localDeclsOf(P, Ctx, Out);
      return;
    }
    QualType Next = T.getSingleStepDesugaredType(Ctx);
    if (Next == T)
      return;
    T = Next;
  }
}

/// The user's name of a type declaration, for messages.
std::string userName(const NamedDecl *D) {
  if (const auto *Tag = dyn_cast<TagDecl>(D))
    return Tag->getName().empty()
               ? std::string("an unnamed ") + Tag->getKindName().str()
               : "'" + Tag->getKindName().str() + " " + Tag->getName().str() +
                     "'";
  return "'" + D->getName().str() + "'";
}

class LocalTypePlanner {
public:
  LocalTypePlanner(const FunctionDecl *FD, ASTContext &Ctx, CheckHandler &H,
                   LocalTypePlan &Plan)
      : FD(FD), Ctx(Ctx), SM(Ctx.getSourceManager()), Handler(H), Plan(Plan) {}

  bool run(llvm::ArrayRef<QualType> Roots);

private:
  void fail(SourceLocation L, const llvm::Twine &Why) {
    Handler.unsupported(L, Why.str());
    Ok = false;
  }
  void indexDeclStmts();
  void need(const NamedDecl *D, const NamedDecl *Why);
  void hoist(const NamedDecl *D);
  void scanHoisted(Decl *D, const NamedDecl *Why, CharSourceRange R,
                   size_t Index);
  void keepLayout(const RecordDecl *RD, const NamedDecl *Why, CharSourceRange R,
                  size_t Index);
  void nameHoisted();
  std::string newName(const NamedDecl *D, llvm::StringRef Kind,
                      llvm::StringSet<> &Taken);
  void collectRefs();
  unsigned offsetOf(SourceLocation L) const {
    return SM.getFileOffset(SM.getExpansionLoc(L));
  }

  const FunctionDecl *FD;
  ASTContext &Ctx;
  const SourceManager &SM;
  CheckHandler &Handler;
  LocalTypePlan &Plan;
  bool Ok = true;

  /// The declaration statement each declaration of the body is part of.
  llvm::DenseMap<const Decl *, const DeclStmt *> StmtOf;
  llvm::DenseSet<const NamedDecl *> Needed;   ///< by canonical declaration
  llvm::DenseSet<const void *> HoistedPieces; ///< DeclStmts and tags
  /// Declarations inside the moved text, in the order met: renamed.
  std::vector<const NamedDecl *> Moved;
  /// The __builtin_COLUMN()s in the moved types, and what needs each.
  std::vector<std::pair<const SourceLocExpr *, const NamedDecl *>> Columns;
  void checkColumns();
};

bool LocalTypePlanner::run(llvm::ArrayRef<QualType> Roots) {
  llvm::SmallVector<const NamedDecl *, 4> Decls;
  for (QualType T : Roots)
    localDeclsOf(T, Ctx, Decls);
  if (Decls.empty())
    return true;
  indexDeclStmts();
  for (const NamedDecl *D : Decls)
    need(D, D);
  if (!Ok)
    return false;
  std::sort(Plan.Hoisted.begin(), Plan.Hoisted.end(),
            [](const HoistedType &A, const HoistedType &B) {
              return A.Offset < B.Offset;
            });
  nameHoisted();
  collectRefs();
  checkColumns();
  return Ok;
}

/// The moved text keeps its columns (LoweringContext::columnPad) but where
/// a type takes its longer name before a __builtin_COLUMN() on its line.
void LocalTypePlanner::checkColumns() {
  for (const auto &[SLE, Why] : Columns) {
    SourceLocation At = SM.getExpansionLoc(SLE->getLocation());
    auto Shifts = [&](SourceLocation L) {
      L = SM.getExpansionLoc(L);
      return SM.getFileID(L) == SM.getFileID(At) &&
             SM.getExpansionLineNumber(L) == SM.getExpansionLineNumber(At) &&
             SM.getFileOffset(L) < SM.getFileOffset(At);
    };
    if (llvm::any_of(Plan.Refs,
                     [&](const auto &R) { return Shifts(R.first); }) ||
        llvm::any_of(Plan.Unnamed, [&](const TagDecl *T) {
          return Shifts(T->getBraceRange().getBegin());
        }))
      fail(SLE->getLocation(),
           "type " + userName(Why) +
               " of a value live across an 'await' is declared inside the "
               "function and its definition uses '__builtin_COLUMN()' after "
               "a type's name on its line, which is longer where the type "
               "moves: frames are declared at file scope");
  }
}

void LocalTypePlanner::indexDeclStmts() {
  struct Indexer : RecursiveASTVisitor<Indexer> {
    llvm::DenseMap<const Decl *, const DeclStmt *> &StmtOf;
    explicit Indexer(llvm::DenseMap<const Decl *, const DeclStmt *> &S)
        : StmtOf(S) {}
    bool VisitDeclStmt(DeclStmt *DS) {
      for (const Decl *D : DS->decls())
        StmtOf[D] = DS;
      return true;
    }
  } I(StmtOf);
  I.TraverseStmt(FD->getBody());
}

/// \p D is needed at file scope (\p Why is the type a frame value has, for
/// messages): the piece of the body that defines it moves, and what that
/// piece depends on.
void LocalTypePlanner::need(const NamedDecl *D, const NamedDecl *Why) {
  if (!Needed.insert(keyOf(D)).second)
    return;
  // The piece to move: the outermost definition containing D's.
  const Decl *Def = D;
  if (const auto *Tag = dyn_cast<TagDecl>(D)) {
    Def = Tag->getDefinition();
    if (!Def) {
      Plan.Hoisted.push_back({nullptr, Tag,
                              offsetOf(Tag->getCanonicalDecl()->getLocation()),
                              std::nullopt});
      Moved.push_back(Tag);
      return;
    }
  }
  while (const auto *Outer = dyn_cast<TagDecl>(Def->getLexicalDeclContext()))
    Def = Outer;
  const DeclStmt *DS = StmtOf.lookup(Def);
  if (!DS) {
    fail(Def->getLocation(), "type " + userName(Why) +
                                 " of a value live across an 'await' is "
                                 "defined inside the function outside a "
                                 "declaration of its own; define it in a "
                                 "declaration before its use");
    return;
  }
  bool TypesOnly = llvm::all_of(DS->decls(), [](const Decl *X) {
    return isa<TagDecl>(X) || isa<TypedefNameDecl>(X);
  });
  const void *Piece = TypesOnly ? static_cast<const void *>(DS) : Def;
  if (!HoistedPieces.insert(Piece).second)
    return;
  CharSourceRange R = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(TypesOnly ? DS->getSourceRange()
                                               : Def->getSourceRange()),
      SM, Ctx.getLangOpts());
  if (R.isInvalid()) {
    fail(Def->getLocation(), "type " + userName(Why) +
                                 " of a value live across an 'await' is "
                                 "defined inside the function by a macro; "
                                 "write its definition out");
    return;
  }
  if (TypesOnly) {
    Plan.Hoisted.push_back(
        {DS, nullptr, offsetOf(DS->getBeginLoc()), std::nullopt});
    for (Decl *X : DS->decls())
      scanHoisted(X, Why, R, Plan.Hoisted.size() - 1);
  } else {
    const auto *Tag = cast<TagDecl>(Def);
    Plan.Hoisted.push_back(
        {nullptr, Tag, offsetOf(Tag->getBeginLoc()), std::nullopt});
    scanHoisted(const_cast<Decl *>(Def), Why, R, Plan.Hoisted.size() - 1);
  }
}

/// Records the declarations \p D's text declares (they are renamed) and
/// needs the local types it uses; a local value it reads, or a macro
/// defined in the body, cannot follow its text \p R to file scope.
void LocalTypePlanner::scanHoisted(Decl *D, const NamedDecl *Why,
                                   CharSourceRange R, size_t Index) {
  struct Scanner : RecursiveASTVisitor<Scanner> {
    LocalTypePlanner &P;
    const NamedDecl *Why;
    CharSourceRange Piece;
    size_t Index;
    Scanner(LocalTypePlanner &P, const NamedDecl *W, CharSourceRange R,
            size_t I)
        : P(P), Why(W), Piece(R), Index(I) {}
    /// A macro defined in the body is not defined yet where the piece
    /// moves to: some level of \p L's expansion is written in the body,
    /// outside the piece.
    void checkMacro(SourceLocation L) {
      const SourceManager &SM = P.SM;
      const Stmt *Body = P.FD->getBody();
      for (SourceLocation X = L; X.isMacroID();
           X = SM.getImmediateMacroCallerLoc(X)) {
        SourceLocation S = SM.getImmediateSpellingLoc(X);
        if (!S.isFileID() ||
            !SM.isPointWithin(S, Body->getBeginLoc(), Body->getEndLoc()) ||
            SM.isPointWithin(S, Piece.getBegin(), Piece.getEnd()))
          continue;
        P.fail(L, "type " + userName(Why) +
                      " of a value live across an 'await' is declared "
                      "inside the function and its definition uses macro '" +
                      Lexer::getImmediateMacroName(X, SM, P.Ctx.getLangOpts()) +
                      "', defined in the function; define the macro before "
                      "the function");
        return;
      }
    }
    bool VisitStmt(Stmt *S) {
      checkMacro(S->getBeginLoc());
      return true;
    }
    bool VisitTypeLoc(TypeLoc TL) {
      checkMacro(TL.getBeginLoc());
      return true;
    }
    bool VisitTagDecl(TagDecl *TD) {
      // A declaration without the definition (`typedef struct node
      // node_t;`): the definition moves, wherever it is.
      if (!TD->isThisDeclarationADefinition()) {
        P.need(TD, Why);
        return true;
      }
      P.Moved.push_back(TD);
      P.Needed.insert(keyOf(TD));
      return true;
    }
    bool VisitTypedefNameDecl(TypedefNameDecl *TD) {
      P.Moved.push_back(TD);
      P.Needed.insert(keyOf(TD));
      return true;
    }
    bool VisitPredefinedExpr(PredefinedExpr *PE) {
      P.fail(PE->getLocation(),
             "type " + userName(Why) +
                 " of a value live across an 'await' is declared inside "
                 "the function and its definition uses '" +
                 PE->getIdentKindName() +
                 "', which names the function only inside it; frames are "
                 "declared at file scope");
      return true;
    }
    bool VisitSourceLocExpr(SourceLocExpr *SLE) {
      // In a record's or an enum's body it names no function ("") both
      // here and at file scope; in a typedef it names this one.
      SourceLocIdentKind K = SLE->getIdentKind();
      if (K == SourceLocIdentKind::Column)
        P.Columns.push_back({SLE, Why});
      if ((K == SourceLocIdentKind::Function ||
           K == SourceLocIdentKind::FuncSig) &&
          isa_and_nonnull<FunctionDecl>(SLE->getParentContext()))
        P.fail(SLE->getLocation(),
               "type " + userName(Why) +
                   " of a value live across an 'await' is declared inside "
                   "the function and its definition uses '" +
                   SLE->getBuiltinStr().str() +
                   "()', which names the function only inside it; frames "
                   "are declared at file scope");
      return true;
    }
    bool VisitRecordDecl(RecordDecl *RD) {
      P.keepLayout(RD, Why, Piece, Index);
      return true;
    }
    bool VisitEnumConstantDecl(EnumConstantDecl *ECD) {
      P.Moved.push_back(ECD);
      return true;
    }
    bool VisitTagTypeLoc(TagTypeLoc TL) {
      if (const TagDecl *TD = TL.getTypePtr()->getDecl(); isLocal(TD))
        P.need(TD, Why);
      return true;
    }
    bool VisitTypedefTypeLoc(TypedefTypeLoc TL) {
      if (const TypedefNameDecl *TD = TL.getTypePtr()->getDecl(); isLocal(TD))
        P.need(TD, Why);
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      const ValueDecl *VD = DRE->getDecl();
      if (const auto *ECD = dyn_cast<EnumConstantDecl>(VD)) {
        if (isLocal(ECD))
          P.need(cast<EnumDecl>(ECD->getDeclContext()), Why);
        return true;
      }
      if (isLocal(VD))
        P.fail(DRE->getLocation(),
               "type " + userName(Why) +
                   " of a value live across an 'await' is declared inside "
                   "the function and its definition uses '" +
                   VD->getName() +
                   "', a local; frames are declared at file scope, where it "
                   "is not visible");
      return true;
    }
  } S(*this, Why, R, Index);
  S.TraverseDecl(D);
}

/// Pragmas lay out the records defined after them, and the piece \p R that
/// defines \p RD (Plan.Hoisted[\p Index]) moves away from them: `#pragma
/// pack` goes with it, the others are coast-unsupported.
void LocalTypePlanner::keepLayout(const RecordDecl *RD, const NamedDecl *Why,
                                  CharSourceRange R, size_t Index) {
  auto Unsupported = [&](SourceLocation L, StringRef Pragma) {
    fail(L, "type " + userName(Why) +
                " of a value live across an 'await' is declared inside the "
                "function, laid out by " +
                Pragma +
                "; the frame needs it at file scope, away from the pragma; "
                "define the type before the function");
  };
  if (const auto *MS = RD->getAttr<MSStructAttr>(); MS && MS->isImplicit())
    return Unsupported(RD->getLocation(), "'#pragma ms_struct'");
  for (const Attr *A : RD->attrs())
    if (!A->isImplicit() && !A->isInherited() &&
        !SM.isPointWithin(SM.getExpansionLoc(A->getLocation()), R.getBegin(),
                          R.getEnd()))
      return Unsupported(A->getLocation(), "'#pragma clang attribute'");
  const auto *Max = RD->getAttr<MaxFieldAlignmentAttr>();
  unsigned Pack = Max ? Max->getAlignment() / Ctx.getCharWidth() : 0;
  HoistedType &H = Plan.Hoisted[Index];
  if (H.Pack && *H.Pack != Pack)
    return fail(RD->getLocation(),
                "type " + userName(Why) +
                    " of a value live across an 'await' is declared inside "
                    "the function, and '#pragma pack' changes inside its "
                    "definition; define the type before the function");
  H.Pack = Pack;
}

std::string LocalTypePlanner::newName(const NamedDecl *D, StringRef Kind,
                                      llvm::StringSet<> &Taken) {
  std::string Base = D->getName().str();
  if (Base.empty()) {
    // An unnamed tag is named for the variable it types, if any.
    const DeclStmt *DS = StmtOf.lookup(D);
    Base = "anon";
    if (DS)
      for (const Decl *X : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(X)) {
          Base = VD->getName().str();
          break;
        }
  }
  std::string Name = generatedName(FD->getName(), Kind) + "_" + Base;
  std::string Unique = Name;
  for (unsigned N = 2; !Taken.insert(Unique).second; ++N)
    Unique = Name + "__" + std::to_string(N);
  return Unique;
}

/// Tags take names of their own namespace; typedefs and enum constants
/// share the ordinary one. An unnamed tag gets a name too (frames spell its
/// type), unless a typedef names it or it is an anonymous member.
void LocalTypePlanner::nameHoisted() {
  llvm::StringSet<> Tags, Ordinary;
  for (const NamedDecl *D : Moved) {
    const NamedDecl *Key = keyOf(D);
    if (Plan.NewName.count(Key))
      continue;
    if (const auto *Tag = dyn_cast<TagDecl>(D)) {
      const auto *RD = dyn_cast<RecordDecl>(Tag);
      if (Tag->getName().empty() && (Tag->getTypedefNameForAnonDecl() ||
                                     (RD && RD->isAnonymousStructOrUnion())))
        continue;
      if (Tag->getName().empty())
        Plan.Unnamed.push_back(Tag);
      Plan.NewName[Key] = newName(Tag, "T", Tags);
    } else {
      Plan.NewName[Key] =
          newName(D, isa<EnumConstantDecl>(D) ? "C" : "T", Ordinary);
    }
  }
  // A forward declaration in a block would declare another type there.
  struct Finder : RecursiveASTVisitor<Finder> {
    LocalTypePlanner &P;
    explicit Finder(LocalTypePlanner &P) : P(P) {}
    bool VisitDeclStmt(DeclStmt *DS) {
      if (DS->isSingleDecl())
        if (const auto *Tag = dyn_cast<TagDecl>(DS->getSingleDecl());
            Tag && !Tag->isThisDeclarationADefinition() &&
            P.Plan.NewName.count(keyOf(Tag)))
          P.Plan.ForwardDecls.push_back(DS);
      return true;
    }
  } F(*this);
  F.TraverseStmt(FD->getBody());
}

/// Every token that names a moved declaration, in the body: declarations
/// (each redeclaration of a tag), type names, enum constants. A token
/// written in a macro's definition cannot be renamed.
void LocalTypePlanner::collectRefs() {
  struct RefFinder : RecursiveASTVisitor<RefFinder> {
    LocalTypePlanner &P;
    llvm::DenseSet<unsigned> Seen;
    explicit RefFinder(LocalTypePlanner &P) : P(P) {}
    void add(SourceLocation L, const NamedDecl *D) {
      if (L.isInvalid() || !P.Plan.NewName.count(keyOf(D)))
        return;
      const SourceManager &SM = P.SM;
      FileID Own = SM.getFileID(SM.getExpansionLoc(P.FD->getLocation()));
      if (L.isFileID() && SM.getFileID(L) != Own) {
        P.fail(L, userName(D) +
                      " is declared inside the function and the frame needs "
                      "it at file scope; it is named in another file, which "
                      "the lowering cannot rename");
        return;
      }
      if (L.isMacroID() && (!SM.isMacroArgExpansion(L) ||
                            SM.getFileID(SM.getSpellingLoc(L)) != Own)) {
        StringRef Macro =
            Lexer::getImmediateMacroName(L, SM, P.Ctx.getLangOpts());
        P.fail(L, userName(D) +
                      " is declared inside the function and the frame needs "
                      "it at file scope; it is named inside the definition "
                      "of macro '" +
                      Macro + "', which the lowering cannot rename");
        return;
      }
      if (Seen.insert(SM.getSpellingLoc(L).getRawEncoding()).second)
        P.Plan.Refs.push_back({L, keyOf(D)});
    }
    bool VisitNamedDecl(NamedDecl *D) {
      if (isa<TagDecl>(D) || isa<TypedefNameDecl>(D) ||
          isa<EnumConstantDecl>(D))
        if (!D->getName().empty())
          add(D->getLocation(), D);
      return true;
    }
    bool VisitTagTypeLoc(TagTypeLoc TL) {
      const TagDecl *TD = TL.getTypePtr()->getDecl();
      if (!TD->getName().empty())
        add(TL.getNameLoc(), TD);
      return true;
    }
    bool VisitTypedefTypeLoc(TypedefTypeLoc TL) {
      add(TL.getNameLoc(), TL.getTypePtr()->getDecl());
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      if (isa<EnumConstantDecl>(DRE->getDecl()))
        add(DRE->getLocation(), DRE->getDecl());
      return true;
    }
  } F(*this);
  F.TraverseStmt(FD->getBody());
}

} // namespace

bool namesLocalType(QualType T, ASTContext &Ctx) {
  llvm::SmallVector<const NamedDecl *, 2> Decls;
  localDeclsOf(T, Ctx, Decls);
  return !Decls.empty();
}

bool planLocalTypes(const FunctionDecl *FD, ASTContext &Ctx,
                    llvm::ArrayRef<QualType> Roots, CheckHandler &Handler,
                    LocalTypePlan &Plan) {
  return LocalTypePlanner(FD, Ctx, Handler, Plan).run(Roots);
}

void hoistLocalTypes(const LocalTypePlan &Plan, const FunctionDecl *FD,
                     LoweringContext &LC) {
  if (Plan.Hoisted.empty())
    return;
  ASTContext &Ctx = LC.Ctx;
  // The AST takes the new names, so that every type the lowering prints
  // names the moved declaration; nothing reports diagnostics about this
  // function's body any more.
  for (const auto &[Key, Name] : Plan.NewName) {
    IdentifierInfo *II = &Ctx.Idents.get(Name);
    for (const Decl *R : Key->redecls())
      const_cast<NamedDecl *>(cast<NamedDecl>(R))->setDeclName(II);
  }
  for (const auto &[Loc, Key] : Plan.Refs)
    LC.rename(Loc, Plan.NewName.lookup(Key));
  for (const TagDecl *Tag : Plan.Unnamed)
    LC.rename(Tag->getBraceRange().getBegin(), Tag->getName().str() + " {");

  std::string Text;
  for (const HoistedType &H : Plan.Hoisted) {
    SourceLocation At = H.Stmt ? H.Stmt->getBeginLoc() : H.Tag->getBeginLoc();
    std::string Piece;
    if (H.Stmt) {
      CharSourceRange R = LC.fileRange(H.Stmt->getSourceRange());
      Piece = LC.textOf(R);
      LC.replace(R, [] { return std::string(";"); });
    } else if (H.Tag->isThisDeclarationADefinition()) {
      CharSourceRange R = LC.fileRange(H.Tag->getSourceRange());
      Piece = LC.textOf(R) + ";";
      std::string Ref =
          H.Tag->getKindName().str() + " " + H.Tag->getName().str();
      LC.replace(R, [Ref] { return Ref; });
    } else {
      Piece = H.Tag->getKindName().str() + " " + H.Tag->getName().str() + ";";
    }
    if (H.Pack)
      Piece = "#pragma pack(push)\n#pragma pack(" +
              (*H.Pack ? std::to_string(*H.Pack) : "") + ")\n" +
              LC.lineMarker(At) + LC.columnPad(At) + Piece +
              "\n#pragma pack(pop)";
    else
      Piece = LC.lineMarker(At) + LC.columnPad(At) + Piece;
    Text += Piece + "\n";
  }
  for (const DeclStmt *DS : Plan.ForwardDecls)
    LC.replace(LC.fileRange(DS->getSourceRange()),
               [] { return std::string(";"); });
  SourceLocation Begin = LC.SM.getExpansionLoc(FD->getBeginLoc());
  Text = "\n" + Text + LC.lineMarker(Begin) + LC.columnPad(Begin);
  LC.replace(CharSourceRange::getCharRange(Begin, Begin),
             [Text] { return Text; });
}

} // namespace coast
