//===- SingleParse.cpp - Lowering inside the compile's own parse ----------===//

#include "SingleParse.h"
#include "CheckAndLower.h"
#include "ClangCompat.h"
#include "CoastAttrObserver.h"
#include "CoastAttrs.h"
#include "CoastNames.h"
#include "QuietWarnings.h"

#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/CharInfo.h"
#include "clang/Basic/DiagnosticLex.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Parse/Parser.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace clang;

/// What every refusal of the single parse ends with: the way out.
#define NESTED "compile this file with -fplugin-arg-coast-nested-parse"

namespace coast {

/// Whether a quoted `#include` in \p Text could be one: the appended text is
/// a buffer without a directory, where it would be looked up from the
/// working directory instead of the includer's.
static bool mayInclude(StringRef Text) {
  return Text.contains("include") || Text.contains("import") ||
         Text.contains("embed");
}

/// Whether \p Text may look a file up in a conditional copied into the
/// appended text: `__has_include("x")` there searches the working
/// directory, not the includer's.
static bool mayLookUpFile(StringRef Text) {
  return Text.contains("__has_include") || Text.contains("__has_embed");
}

/// Whether a `(...)` group led by \p Owner is an attribute's, which may
/// stand between a tag's keyword and its `{`.
static bool isAttributeLike(StringRef Owner) {
  return Owner == "__attribute__" || Owner == "__attribute" ||
         Owner == "__declspec" || Owner == "_Alignas" || Owner == "alignas";
}

/// Whether \p Id opens a tag's declaration or definition.
static bool isTagKeyword(StringRef Id) {
  return Id == "struct" || Id == "union" || Id == "enum";
}

namespace {

/// What a `{` at file scope opens.
enum class Brace { Body, Tag, Init };

/// The raw scan of the main file behind canParseOnce.
class RawScan {
public:
  explicit RawScan(CompilerInstance &CI) : CI(CI) {}

  /// The main file's raw tokens, directives apart, as the parser will see
  /// them whichever conditional groups it skips: the last of them must end
  /// a declaration the parser hands to its consumers, and no directive
  /// after it may make a token or enter a file (`#pragma`, `#include`).
  /// Since a skipped group's tokens may be the raw last ones, every code
  /// token a conditional directive follows, from the last one outside
  /// every group on, must end a declaration, and no such directive may
  /// come after that one. Nor may:
  /// - a file be included inside braces (a function's body, whose lowered
  ///   text is appended: see mayInclude), or looked up (mayLookUpFile);
  /// - a file-scope declaration hold conditional directives that do not
  ///   balance within it (an `#else` between a function's declarator and
  ///   its `{` would be appended without its `#if`);
  /// - a declaration that defines a tag (`struct S {...} s = ...`) go on
  ///   to an initializer or a function body: its piece, appended, would
  ///   define the tag twice;
  /// - a directive make the lowering refuse a function the nested parse
  ///   takes (keepsState).
  /// Conservative: a file it refuses compiles the nested way.
  bool endsWithDeclaration() {
    SourceManager &SM = CI.getSourceManager();
    FileID Main = SM.getMainFileID();
    llvm::MemoryBufferRef Buf = SM.getBufferOrFake(Main);
    Lexer Lex(Main, Buf, SM, CI.getLangOpts());
    Token Tok;
    while (!Lex.LexFromRawLexer(Tok)) {
      if (Tok.is(tok::hash) && Tok.isAtStartOfLine()) {
        Lex.LexFromRawLexer(Tok);
        StringRef Name =
            Tok.is(tok::raw_identifier) ? Tok.getRawIdentifier() : "";
        // The rest of the directive's line: its words, `##` as one, any
        // other token as an empty one.
        llvm::SmallVector<StringRef, 8> Words;
        Lex.setParsingPreprocessorDirective(true);
        while (!Lex.LexFromRawLexer(Tok) && Tok.isNot(tok::eod))
          Words.push_back(Tok.is(tok::raw_identifier) ? Tok.getRawIdentifier()
                          : Tok.is(tok::hashhash)     ? "##"
                          : Tok.is(tok::l_brace)      ? "{"
                                                      : "");
        Lex.setParsingPreprocessorDirective(false);
        if (!directive(Name, Words))
          return false;
        if (Tok.is(tok::eof))
          break;
        continue;
      }
      if (!codeToken(Tok))
        return false;
    }
    return !DirectiveAfter && EndsBeforeConditionals && LastEnds;
  }

private:
  /// Whether the state the lowering keeps for an appended function
  /// (FunctionState.h) can be kept with a directive \p Name whose words
  /// are \p Words. Where it cannot, the lowering refuses the function:
  /// the nested parse, in place, needs no state kept. A macro's definition
  /// that pastes (the pasted names are not in the appended text) or spells
  /// `__COUNTER__` but alone (its values are written in the function's
  /// text only); a `#pragma clang attribute` (attributes the appended
  /// function would lose) or a data `#pragma clang section` (its static
  /// locals would move section); a floating-point pragma at file scope
  /// after coast code that may make the state precise or strict (the
  /// appended function's may then be one no pragma at its start can set,
  /// such as math-errno back on).
  bool keepsState(StringRef Name, llvm::ArrayRef<StringRef> Words) {
    if (Name == "define")
      return !llvm::is_contained(Words, "##") &&
             (!llvm::is_contained(Words, "__COUNTER__") ||
              (Words.size() == 2 && Words[1] == "__COUNTER__"));
    if (Name != "pragma")
      return true;
    auto Has = [&](std::initializer_list<StringRef> Any) {
      return llvm::any_of(
          Words, [&](StringRef W) { return llvm::is_contained(Any, W); });
    };
    // What a pragma does to a declaration before it (`weak`,
    // `redefine_extname`) would reach the appended one after it; the
    // layout in force at the end (`pack`, `ms_struct`, `options align`)
    // would lay out the appended local types.
    if (!Words.empty() &&
        (llvm::is_contained({"weak", "redefine_extname", "pack", "ms_struct",
                             "align"},
                            Words[0]) ||
         (Words[0] == "options" && Words.size() > 1 && Words[1] == "align")))
      return false;
    // A visibility pushed and not popped would reach an appended variable
    // (a function's block reopens its own region: FunctionState).
    if (Words.size() > 1 && Words[0] == "GCC" && Words[1] == "visibility")
      return false;
    // A name poisoned, deprecated, restricted to its header or final after
    // a rewritten function may be one its appended text spells.
    if (Words.size() > 1 && (Words[0] == "GCC" || Words[0] == "clang") &&
        llvm::is_contained(
            {"poison", "deprecated", "restrict_expansion", "final"}, Words[1]))
      return false;
    bool Clang = !Words.empty() && Words[0] == "clang";
    if (Clang && Words.size() > 1 &&
        (Words[1] == "attribute" ||
         (Words[1] == "section" && Has({"bss", "data", "rodata", "relro"}))))
      return false;
    // Those that may set precise or strict (contraction, reassociation,
    // rounding can always be said again).
    bool FP = Has({"float_control", "FENV_ACCESS", "fenv_access"}) ||
              (Clang && Words.size() > 1 && Words[1] == "fp" &&
               Has({"exceptions", "eval_method"}));
    return !(FP && SeenCoast && Depth == 0);
  }

  bool directive(StringRef Name, llvm::ArrayRef<StringRef> Words) {
    if (Depth > 0 && mayInclude(Name))
      return false;
    if (llvm::any_of(Words, mayLookUpFile) || !keepsState(Name, Words))
      return false;
    // A macro that may define a tag: where spelled, its declaration is
    // taken to define one.
    if (Name == "define" && Words.size() > 1 &&
        llvm::is_contained(Words, "{") &&
        llvm::any_of(Words.drop_front(), isTagKeyword))
      TagMacros.insert(Words[0]);
    bool Opens = Name.starts_with("if");
    if (Opens || Name.starts_with("el") || Name == "endif") {
      // Closing or switching a group opened before the declaration.
      if (InDeclaration && !Opens && Conditionals <= DeclConditionals)
        return false;
      EndsBeforeConditionals &= !InDeclaration && (LastEnds || !Seen);
      if (Opens)
        ++Conditionals;
      else if (Name == "endif" && Conditionals > 0)
        --Conditionals;
    }
    // Directives that neither make a token nor enter a file.
    static const StringRef Inert[] = {
        "if",   "ifdef", "ifndef", "elif",  "elifdef", "elifndef",
        "else", "endif", "define", "undef", "line"};
    DirectiveAfter |= !llvm::is_contained(Inert, Name);
    return true;
  }

  bool codeToken(const Token &Tok) {
    StringRef Id = Tok.is(tok::raw_identifier) ? Tok.getRawIdentifier() : "";
    // Also outside a directive: a macro may expand to it in one.
    if (mayLookUpFile(Id))
      return false;
    // What it says is a string: any pragma (keepsState).
    if (Id == "_Pragma" && SeenCoast && Depth == 0)
      return false;
    SeenCoast |= isCoastName(Id);
    // A function both `extern inline` (GNU) and defined again: the
    // appended definition would be a redefinition of the inline one.
    if (Id == "gnu_inline" || Id == "__gnu_inline__")
      return false;
    // An attribute after coast code that may make weak, hidden or
    // renamed a function or variable a rewritten definition uses, change
    // a thread-local one's TLS model, or add an overload (keepsUses).
    if (SeenCoast && llvm::is_contained(
                         {"weak", "__weak__", "weak_import", "__weak_import__",
                          "visibility", "__visibility__", "tls_model",
                          "__tls_model__", "overloadable", "__overloadable__"},
                         Id))
      return false;
    // A tag defined inside parentheses or an initializer, which the
    // appended piece of its declaration would define twice (a keyword,
    // perhaps a name, then `{`).
    bool Inner = Depth == 0 ? Parens > 0 : Open == Brace::Init;
    if (Inner && isTagKeyword(Id))
      InnerTag = 1;
    else if (InnerTag == 1 && !Id.empty())
      InnerTag = 2;
    else
      InnerTag = InnerTag && Tok.is(tok::l_brace) ? 3 : 0;
    if (InnerTag == 3 || (TagMacros.count(Id) && (Depth == 0 || Inner)))
      DefinesTag = true;
    if (Id == "_Pragma") {
      DirectiveAfter = true;
    } else if (Conditionals == 0) {
      // No conditional can skip it: whatever came before is not the last.
      DirectiveAfter = false;
      EndsBeforeConditionals = true;
    }
    Seen = true;
    // A `;` alone is an empty declaration, which the parser hands to none.
    bool Empty = Depth == 0 && !InDeclaration && Tok.is(tok::semi);
    bool Ends = false;
    if (Depth == 0) {
      if (!InDeclaration) {
        InDeclaration = true;
        DeclConditionals = Conditionals;
      }
      if (Parens == 0 && isTagKeyword(Id))
        TagKeyword = true;
      if (Tok.is(tok::l_paren) && Parens++ == 0)
        ParenOwner = PrevIdentifier;
      else if (Tok.is(tok::r_paren) && Parens > 0 && --Parens == 0)
        LastParenOwner = ParenOwner;
      if (Tok.is(tok::equal) && Parens == 0) {
        if (DefinesTag)
          return false;
        HasInit = true;
      }
      if (Tok.is(tok::l_brace)) {
        bool AfterDeclarator =
            Last == tok::r_paren && !isAttributeLike(LastParenOwner);
        Open = Last == tok::equal               ? Brace::Init
               : TagKeyword && !AfterDeclarator ? Brace::Tag
                                                : Brace::Body;
        if (Open == Brace::Body && DefinesTag)
          return false;
      }
      if (Tok.is(tok::semi) && Parens == 0)
        Ends = true;
    }
    if (Tok.is(tok::l_brace)) {
      ++Depth;
    } else if (Tok.is(tok::r_brace) && Depth > 0 && --Depth == 0) {
      Ends = Open == Brace::Body;
      DefinesTag |= Open == Brace::Tag;
    }
    LastEnds = Ends && !Empty;
    if (Ends) {
      if (Conditionals != DeclConditionals || (DefinesTag && HasInit))
        return false;
      InDeclaration = TagKeyword = DefinesTag = HasInit = false;
    }
    Last = Tok.getKind();
    PrevIdentifier = Id;
    return true;
  }

  CompilerInstance &CI;
  tok::TokenKind Last = tok::unknown;
  /// Whether the last code token ended a declaration that is not empty.
  bool LastEnds = false;
  bool Seen = false;
  /// Whether a code token named coast (isCoastName) came yet.
  bool SeenCoast = false;
  /// Since the last code token outside every conditional group: whether
  /// a directive made a token or entered a file, and whether every code
  /// token a conditional directive followed ended a declaration.
  bool DirectiveAfter = false, EndsBeforeConditionals = true;
  unsigned Depth = 0, Parens = 0, Conditionals = 0;
  /// The file-scope declaration under way: the conditional groups open at
  /// its start, whether it names a tag keyword outside parentheses,
  /// whether it defined a tag, what the `{` at file scope opened, and what
  /// led its last parenthesised group.
  bool InDeclaration = false, TagKeyword = false, DefinesTag = false;
  /// Whether the declaration under way has an initializer; how far a tag
  /// defined inside parentheses or an initializer is (1 after its keyword,
  /// 2 after its name, 3 at its `{`); the macros that may define a tag.
  bool HasInit = false;
  unsigned InnerTag = 0;
  llvm::StringSet<> TagMacros;
  unsigned DeclConditionals = 0;
  Brace Open = Brace::Body;
  StringRef ParenOwner, LastParenOwner, PrevIdentifier;
};

} // namespace

bool canParseOnce(CompilerInstance &CI) {
  // Preprocessed input must expand macros in the appended text too
  // (expandMacrosInPreprocessedInput): the nested way does that.
  if (CI.getFrontendOpts().Inputs.front().getKind().isPreprocessed())
    return false;
  // A precompiled header's definitions reach CodeGen as they are read, not
  // through the parse this consumer watches.
  if (!CI.getPreprocessorOpts().ImplicitPCHInclude.empty() ||
      CI.getLangOpts().Modules)
    return false;
  // `extern inline` is GNU's (gnu_inline, as RawScan sees it).
  if (CI.getLangOpts().GNUInline)
    return false;
  return RawScan(CI).endsWithDeclaration();
}

namespace {

/// Removes coast's annotations from \p D: CodeGen would put every
/// annotated function it declares into llvm.global.annotations, which the
/// compile of lowered code never has (its attributes are inert).
void dropCoastAnnotations(Decl *D) {
  if (!D->hasAttrs())
    return;
  llvm::erase_if(D->getAttrs(), [](const Attr *A) {
    const auto *AA = dyn_cast<AnnotateAttr>(A);
    return AA && AA->getAnnotation().starts_with("coast.");
  });
}

class SingleParseConsumer;

/// The single parse of the compile in progress, for the consumer after
/// CodeGen's (createAfterCodeGenConsumer).
SingleParseConsumer *Active = nullptr;

class SingleParseConsumer : public ASTConsumer {
public:
  SingleParseConsumer(CompilerInstance &CI, LoweredHook OnLowered,
                      std::unique_ptr<ASTConsumer> Lowered)
      : CI(CI), OnLowered(std::move(OnLowered)), Lowered(std::move(Lowered)),
        Records(CI.getPreprocessor()) {
    Active = this;
    setCoastAttrObserver([this](Decl *D) {
      if (isa<FieldDecl, VarDecl>(D))
        Annotated.push_back(D);
    });
  }

  ~SingleParseConsumer() override { finish(); }

  /// The consumer after CodeGen's exists: annotations can be taken away
  /// from CodeGen group by group.
  void linkAfterCodeGen() { AfterLinked = true; }

  /// CodeGen handled a group: the checks and Sema see the annotations
  /// again, until the lowering, after which nothing needs them.
  void afterCodeGen() {
    if (Appended)
      return;
    showAnnotations();
    for (VarDecl *VD : InitsBack)
      VD->setInit(Inits[VD]);
    for (VarDecl *VD : InitsOnce)
      VD->setInit(Inits[VD]);
    InitsOnce.clear();
  }

  /// Whether \p Init names a function or a variable: folded by CodeGen, it
  /// may give an address the lowering renames (an async function's). Its
  /// numbers alone fold as in the appended text.
  static bool namesDecl(const Stmt *Init) {
    llvm::SmallVector<const Stmt *, 8> Work = {Init};
    while (!Work.empty()) {
      const Stmt *S = Work.pop_back_val();
      if (const auto *Ref = dyn_cast<DeclRefExpr>(S);
          Ref && !isa<EnumConstantDecl>(Ref->getDecl()))
        return true;
      for (const Stmt *Child : S->children())
        if (Child)
          Work.push_back(Child);
    }
    return false;
  }

  void Initialize(ASTContext &Ctx) override { Lowered->Initialize(Ctx); }

  bool HandleTopLevelDecl(DeclGroupRef G) override {
    // CodeGen has passed the previous group, if the watcher did not.
    CI.getPreprocessor().setTokenWatcher(nullptr);
    restore();
    // CodeGen, next, folds what this group reads of a const variable with
    // its initializer (a later function's load, a later global's
    // initializer): not the user's, which names what the lowering renames.
    for (VarDecl *VD : InitsBack)
      VD->setInit(nullptr);
    if (!InitsBack.empty())
      for (Decl *D : G)
        reportFoldOfHidden(D);
    auto *P =
        static_cast<Parser *>(CI.getPreprocessor().getCodeCompletionHandler());
    bool Last = P && P->getCurToken().is(tok::eof);
    if (Appended) {
      if (Last) {
        showRewritten(true);
        endQuietWarnings(CI.getDiagnostics(), CI.getSourceManager(),
                         UserIgnoresWarnings);
      }
      return true;
    }
    llvm::SmallVector<Decl *, 1> Mine;
    for (Decl *D : G)
      if (hide(D))
        Mine.push_back(D);
    // A rewritten variable's piece is its whole declaration (`int a = 1,
    // *p = af;`), which the appended text repeats: its other declarators'
    // initializers go with it, or they would be defined twice.
    if (llvm::any_of(Mine, [](Decl *D) { return isa<VarDecl>(D); }))
      for (Decl *D : G)
        if (auto *VD = dyn_cast<VarDecl>(D);
            VD && VD->getInit() && Hidden.insert(VD)) {
          Inits[VD] = VD->getInit();
          record(VD);
          Mine.push_back(VD);
        }
    // The parser holds one token of look-ahead: eof after the main file's
    // last declaration, before it tells Sema the translation unit ended.
    if (Last)
      lowerAndAppend(*P);
    for (Decl *D : Mine) {
      setCode(D, false);
      if (auto *VD = dyn_cast<VarDecl>(D); VD && !Appended && AfterLinked)
        (namesDecl(Inits[VD]) ? InitsBack : InitsOnce).push_back(VD);
    }
    if (Appended) {
      InitsBack.clear();
      InitsOnce.clear();
    }
    // The parser lexes the next token once every consumer, CodeGen last,
    // has had this group, and before Sema sees what follows: a later
    // redeclaration of a rewritten function meets its definition, as in a
    // compile without coast (an attribute that must precede a definition
    // is dropped). Async functions wait for the next group, or an
    // async-heavy file would pay a call for nearly every token.
    if (llvm::any_of(RestoreNext,
                     [&](FunctionDecl *FD) { return !KeepBody.count(FD); }))
      CI.getPreprocessor().setTokenWatcher(
          [this](const Token &) { restore(); });
    if (AfterLinked || Appended)
      hideAnnotations();
    return true;
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    CI.getPreprocessor().setTokenWatcher(nullptr);
    showRewritten(false);
    finish();
    if (!Appended) {
      DiagnosticsEngine &D = CI.getDiagnostics();
      D.Report(D.getCustomDiagID(
          DiagnosticsEngine::Error,
          "coast: the single parse did not reach the end of the main file "
          "after a declaration; " NESTED));
    }
    // An error in the appended text may be the single parse's own (a tag
    // or a GNU inline function of a header's, out of the scan's sight).
    if (Entered && CI.getDiagnostics().hasErrorOccurred()) {
      DiagnosticsEngine &D = CI.getDiagnostics();
      // A note follows the last diagnostic, which may be one the appended
      // text ignores (QuietWarnings.h) at Sema's end: not this one.
      D.setLastDiagnosticIgnored(false);
      D.Report(D.getCustomDiagID(
          DiagnosticsEngine::Note,
          "coast: an error above may come from the lowered code that the "
          "single parse appends to the file; " NESTED));
    }
    Lowered->HandleTranslationUnit(Ctx);
  }

private:
  /// Whether the lowering will rewrite \p D: then CodeGen must not see its
  /// code. As the lowering's own choice (Lowering.cpp, collect): system
  /// headers' declarations only when they are async functions; what the
  /// lowering leaves without a piece is left to the pieces' check below.
  bool hide(Decl *D) {
    const SourceManager &SM = CI.getSourceManager();
    auto *FD = dyn_cast<FunctionDecl>(D);
    bool Async =
        FD && FD->doesThisDeclarationHaveABody() && isAsyncFunction(FD);
    if (!Async && (SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation())) ||
                   !isLoweredCode(D)))
      return false;
    if (FD && FD->doesThisDeclarationHaveABody()) {
      Bodies[FD] = FD->getBody();
      RestoreNext.insert(FD);
      if (Async)
        KeepBody.insert(FD);
    } else if (auto *VD = dyn_cast<VarDecl>(D); VD && VD->getInit()) {
      Inits[VD] = VD->getInit();
    } else {
      return false;
    }
    Hidden.insert(D);
    record(D);
    return true;
  }

  /// Records what \p D's meaning at the hook is compared with
  /// (keepsMeaning): the attributes of its declarations, and the layout
  /// pragmas' state its pieces' local types were laid out under.
  void record(Decl *D) {
    for (const Decl *Re : D->redecls())
      for (const Attr *A : Re->attrs())
        AttrsAtHide.insert(A);
    Sema &S = CI.getSema();
    LayoutAtHide[D] = {S.AlignPackStack.CurrentValue, S.MSStructPragmaOn};
  }

  /// When a hidden definition has its code: never while CodeGen could
  /// emit it from the user's text, whenever else the AST is read (one
  /// rule for restore, lowerAndAppend and showRewritten).
  ///  - Its group hides it (hide, setCode) before CodeGen, after this
  ///    consumer, has it. Once CodeGen has passed the group it has its
  ///    code back (restore): a rewritten function at the next token the
  ///    parser lexes (a later redeclaration meets a definition, as without
  ///    coast), an async one at the next group. A variable has its
  ///    initializer while Sema parses what follows (it folds with it:
  ///    `__builtin_constant_p`, an array's bound), and while CodeGen
  ///    handles a later group only if it names no function or variable
  ///    (CodeGen would fold an address the lowering renames, an async
  ///    function's, into a later function or global: InitsBack). CodeGen
  ///    saw a function
  ///    declaration or a tentative definition, which it neither emits nor
  ///    defers (EmitGlobal); only Sema's end of the translation unit would
  ///    complete a tentative one, and Sema saw a definition.
  ///  - At the hook every one has its code for the checks and the
  ///    lowering (lowerAndAppend). After it an async function keeps its
  ///    body for good: CodeGen has passed it. A rewritten definition has
  ///    none: the appended text defines it again.
  ///  - While Sema ends the translation unit, from the appended text's
  ///    last group (a declaration CodeGen emits nothing for) to
  ///    HandleTranslationUnit, rewritten definitions have their code
  ///    again (showRewritten): Sema warns about an unused static at the
  ///    user's definition, as the nested parse does. HandleTranslationUnit
  ///    takes it away before CodeGen's end, which emits the appended ones.
  void restore() {
    for (FunctionDecl *FD : RestoreNext)
      if (!Appended || KeepBody.count(FD))
        FD->setBody(Bodies[FD]);
    RestoreNext.clear();
  }

  /// A global whose initializer reads a hidden variable (`afn gq = gp;`
  /// after `static const afn gp = af;`) is one CodeGen cannot fold
  /// (InitsBack): said with the advice, before CodeGen's "cannot compile
  /// this static initializer".
  void reportFoldOfHidden(Decl *D) {
    auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !VD->getInit() || !VD->hasGlobalStorage() || Hidden.count(VD))
      return;
    llvm::SmallVector<const Stmt *, 8> Work = {VD->getInit()};
    while (!Work.empty()) {
      const Stmt *S = Work.pop_back_val();
      if (const auto *Ref = readHidden(S)) {
        DiagnosticsEngine &Diags = CI.getDiagnostics();
        Diags.Report(Ref->getLocation(),
                     Diags.getCustomDiagID(
                         DiagnosticsEngine::Error,
                         "coast: the single parse cannot fold the rewritten "
                         "variable %0 into this initializer; " NESTED))
            << Ref->getDecl();
        return;
      }
      for (const Stmt *Child : S->children())
        if (Child)
          Work.push_back(Child);
    }
  }

  /// The hidden variable \p S reads the value of (a load of it, of a
  /// member or an element of it), if any; its address is no fold.
  const DeclRefExpr *readHidden(const Stmt *S) {
    const auto *Load = dyn_cast<ImplicitCastExpr>(S);
    if (!Load || Load->getCastKind() != CK_LValueToRValue)
      return nullptr;
    const Expr *E = Load->getSubExpr()->IgnoreParens();
    for (;;) {
      if (const auto *M = dyn_cast<MemberExpr>(E); M && !M->isArrow())
        E = M->getBase()->IgnoreParens();
      else if (const auto *A = dyn_cast<ArraySubscriptExpr>(E))
        E = A->getBase()->IgnoreParenImpCasts();
      else
        break;
    }
    const auto *Ref = dyn_cast<DeclRefExpr>(E);
    return Ref && llvm::is_contained(InitsBack, Ref->getDecl()) ? Ref
                                                                : nullptr;
  }

  /// Gives \p D its code back (\p On) or takes it away.
  void setCode(Decl *D, bool On) {
    if (auto *FD = dyn_cast<FunctionDecl>(D))
      FD->setBody(On ? Bodies[FD] : nullptr);
    else if (auto *VD = dyn_cast<VarDecl>(D))
      VD->setInit(On ? Inits[VD] : nullptr);
  }

  /// The compile's end: nothing is observed any more. Not left to the
  /// destructor alone, which -disable-free never runs (the next compile
  /// of the process would find this one).
  void finish() {
    if (Active != this)
      return;
    Active = nullptr;
    setCoastAttrObserver(nullptr);
  }

  /// Takes coast's annotations away from the variables and fields they
  /// were recorded on, and from the redeclarations and parameters that
  /// inherited them: CodeGen would emit llvm.var.annotation (a local or a
  /// parameter), llvm.ptr.annotation (a field's access) or an entry of
  /// llvm.global.annotations (a static local, a global) for each, which
  /// the nested path's compile of lowered code, where the attributes are
  /// inert, never has. Functions' annotations reach CodeGen only at its
  /// end (dropCoastAnnotations).
  void hideAnnotations() {
    for (Decl *D : Annotated) {
      auto *PD = dyn_cast<ParmVarDecl>(D);
      auto *FD = PD ? dyn_cast<FunctionDecl>(PD->getDeclContext()) : nullptr;
      if (!FD) {
        for (Decl *R : D->redecls())
          take(R);
        continue;
      }
      unsigned I = PD->getFunctionScopeIndex();
      for (FunctionDecl *R : FD->redecls())
        if (I < R->getNumParams())
          take(R->getParamDecl(I));
    }
  }

  void take(Decl *D) {
    if (!D->hasAttrs())
      return;
    AttrVec &Attrs = D->getAttrs();
    for (unsigned I = Attrs.size(); I-- > 0;) {
      const auto *AA = dyn_cast<AnnotateAttr>(Attrs[I]);
      if (!AA || !AA->getAnnotation().starts_with("coast."))
        continue;
      Taken.push_back({D, I, Attrs[I]});
      Attrs.erase(Attrs.begin() + I);
    }
  }

  /// Puts back what hideAnnotations took, each where it was.
  void showAnnotations() {
    for (const TakenAttr &T : llvm::reverse(Taken)) {
      AttrVec &Attrs = T.D->getAttrs();
      Attrs.insert(Attrs.begin() + T.Index, T.A);
    }
    Taken.clear();
  }

  /// Gives the rewritten definitions their code back (\p On) while Sema
  /// ends the translation unit, or takes it away (restore's rule): its
  /// -Wunused-function and -Wunused-variable are at the user's
  /// definition, not at the appended one, where every warning is off.
  /// Meanwhile the appended definitions lose theirs: Sema finds the
  /// definition it warns at by walking the redeclarations from the first,
  /// which, after a prototype or a tentative definition, reaches the
  /// appended one (the latest) before the user's.
  void showRewritten(bool On) {
    if (On == Shown)
      return;
    Shown = On;
    for (Decl *D : Hidden)
      if (!KeepBody.count(D))
        setCode(D, On);
    if (!On) {
      for (auto &[FD, Body] : AppendedBodies)
        FD->setBody(Body);
      for (auto &[VD, Init] : AppendedInits)
        VD->setInit(Init);
      AppendedBodies.clear();
      AppendedInits.clear();
      return;
    }
    SourceManager &SM = CI.getSourceManager();
    auto IsAppended = [&](const Decl *R) {
      return SM.getFileID(SM.getExpansionLoc(R->getLocation())) == AppendedFID;
    };
    for (Decl *D : Hidden) {
      if (KeepBody.count(D))
        continue;
      if (auto *FD = dyn_cast<FunctionDecl>(D)) {
        for (FunctionDecl *R : FD->redecls())
          if (R != FD && R->getBody() && IsAppended(R)) {
            AppendedBodies.push_back({R, R->getBody()});
            R->setBody(nullptr);
          }
      } else if (auto *VD = dyn_cast<VarDecl>(D)) {
        for (VarDecl *R : VD->redecls())
          if (R != VD && R->getInit() && IsAppended(R)) {
            AppendedInits.push_back({R, R->getInit()});
            R->setInit(nullptr);
          }
      }
    }
  }

  void lowerAndAppend(Parser &P) {
    Appended = true;
    for (Decl *D : Hidden)
      setCode(D, true);
    ASTContext &Ctx = CI.getASTContext();
    LoweringResult R = checkAndLower(CI, Ctx, Records, Placement::AtEnd);
    // Async functions keep their bodies (but the last group's, which
    // CodeGen has yet to pass); the others are hidden (restore's rule).
    for (Decl *D : Hidden)
      if (!KeepBody.count(D))
        setCode(D, false);
    if (!R.Ok || CI.getDiagnostics().hasErrorOccurred() || !matchesHidden(R) ||
        !keepsMeaning() || !keepsUses())
      return;
    // As the nested path: nothing lowered, nothing dumped.
    if (R.Pieces.empty())
      return;
    if (OnLowered)
      OnLowered(R);
    for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
      dropCoastAnnotations(D);
    // It ends with a declaration CodeGen emits nothing for, so that the
    // consumer sees the parser's look-ahead reach eof again even when the
    // pieces end in a pragma (a region a block reopened, closed after it):
    // restore's rule.
    std::string Text = appendedText(R.Pieces) + "_Static_assert(1, \"\");\n";
    // -verify reads expected-* comments as the preprocessor lexes them;
    // the appended text copies the async bodies' comments, which would
    // expect each of their diagnostics twice.
    if (CI.getDiagnosticOpts().VerifyDiagnostics)
      blankComments(Text);
    SourceManager &SM = CI.getSourceManager();
    SourceLocation End = P.getCurToken().getLocation();
    // No include location: the buffer is at the main file's level, as the
    // text was in place (no "In file included from" above a diagnostic in
    // it, __INCLUDE_LEVEL__ 0); a header's pieces enter the header by line
    // markers (appendedText).
    AppendedFID = SM.createFileID(
        llvm::MemoryBuffer::getMemBufferCopy(Text, "<coast lowered>"),
        SrcMgr::C_User, 0, 0, SourceLocation());
    // The diagnostic state of a file is taken, when a location of it is
    // first looked up after a state change, from where its includer
    // includes it, and the buffer's state changes the state of what it
    // is included from: nowhere, like the main file. Have the main file's
    // taken now, by a change at its end undone there, or one without
    // pragmas of its own would take the buffer's, and its
    // end-of-translation-unit warnings (-Wunused-function) would be off.
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    Diags.pushMappings(End);
    Diags.setSeverity(diag::pp_macro_not_used, diag::Severity::Ignored, End);
    Diags.popMappings(End);
    // Generated code warns about nothing: the state holds from the
    // buffer's start on, after every user location, so the user's own
    // warnings (this parse's, printed once) are untouched.
    UserIgnoresWarnings =
        quietWarningsFrom(Diags, SM.getLocForStartOfFile(AppendedFID));
    setCoastAttrsInert(true);
    markMacrosUsed();
    CI.getPreprocessor().EnterSourceFile(AppendedFID, nullptr, End);
    Entered = true;
    // Replaces the eof look-ahead: ParseAST's loop goes on with the
    // appended declarations, hands them to every consumer, and ends the
    // translation unit once, after them.
    P.ConsumeToken();
  }

  /// Replaces each comment of \p Text by spaces, its line breaks kept.
  void blankComments(std::string &Text) {
    Lexer Lex(SourceLocation(), CI.getLangOpts(), Text.data(), Text.data(),
              Text.data() + Text.size());
    Lex.SetCommentRetentionState(true);
    Token Tok;
    do {
      Lex.LexFromRawLexer(Tok);
      if (Tok.is(tok::comment)) {
        unsigned End = Lex.getCurrentBufferOffset();
        for (unsigned I = End - Tok.getLength(); I < End; ++I)
          if (Text[I] != '\n')
            Text[I] = ' ';
      }
    } while (Tok.isNot(tok::eof));
  }

  /// The preprocessor warned about the main file's unused macros when it
  /// left it (-Wunused-macros); at the end of the appended buffer it would
  /// warn again, and at an `#undef` the appended text writes. Each macro's
  /// latest directive, not getMacroInfo's lookup of its name again (0.31M
  /// of 0.46M on echo_server): without modules (canParseOnce) there is no
  /// module macro to resolve. An undefined macro's is its last definition,
  /// which clang judged at the #undef: marking it changes nothing.
  void markMacrosUsed() {
    Preprocessor &PP = CI.getPreprocessor();
    for (const auto &Macro : PP.macros())
      if (MacroDirective *MD = Macro.second.getLatest())
        if (MacroInfo *MI = MD->getMacroInfo();
            MI && MI->isWarnIfUnused() && !MI->isUsed())
          PP.markMacroAsUsed(MI);
  }

  /// Whether the pieces are exactly the hidden declarations, each whole:
  /// one hidden without a piece would lose its definition, one with a
  /// piece not hidden would be defined twice. A declarator the lowering
  /// left alone is in the piece of its declaration's rewritten one.
  bool matchesHidden(const LoweringResult &R) {
    const SourceManager &SM = CI.getSourceManager();
    llvm::DenseSet<const Decl *> InPieces;
    const Decl *Wrong = nullptr;
    for (const LoweredPiece &Piece : R.Pieces)
      for (const Decl *D : Piece.Decls) {
        InPieces.insert(D);
        if (!Piece.Standalone || !Hidden.count(const_cast<Decl *>(D)) ||
            includesInBody(D) || !conditionalsBalance(Piece.Text) ||
            looksUpFile(Piece.Text))
          Wrong = D;
      }
    for (Decl *D : Hidden) {
      if (InPieces.count(D))
        continue;
      SourceLocation Loc = SM.getExpansionLoc(D->getBeginLoc());
      FileID F = SM.getFileID(Loc);
      unsigned Offset = SM.getFileOffset(Loc);
      if (llvm::none_of(R.Pieces, [&](const LoweredPiece &Piece) {
            return SM.getFileID(SM.getExpansionLoc(
                       Piece.Decls.front()->getBeginLoc())) == F &&
                   Piece.Begin <= Offset && Offset < Piece.End;
          }))
        Wrong = D;
    }
    if (!Wrong)
      return true;
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    Diags.Report(Wrong->getLocation(),
                 Diags.getCustomDiagID(DiagnosticsEngine::Error,
                                       "coast: the single parse cannot lower "
                                       "this declaration on its own; " NESTED));
    return false;
  }

  /// What orders \p A's declaration \p D among others of its kind when
  /// they are emitted in one translation unit, as a program can observe
  /// it: a constructor's or destructor's priority (same priority, order of
  /// emission), a variable's data section (its entries, in order of
  /// emission, walked from `__start_`). Empty when nothing does.
  std::string orderedBy(const Decl *D, const Attr *A) {
    const ASTContext &Ctx = CI.getASTContext();
    if (const auto *C = dyn_cast<ConstructorAttr>(A))
      return "constructor " + std::to_string(priorityOf(*C, Ctx));
    if (const auto *De = dyn_cast<DestructorAttr>(A))
      return "destructor " + std::to_string(priorityOf(*De, Ctx));
    if (!isa<VarDecl>(D))
      return "";
    if (const auto *S = dyn_cast<SectionAttr>(A))
      return "section " + S->getName().str();
    if (const auto *S = dyn_cast<PragmaClangBSSSectionAttr>(A))
      return "section " + S->getName().str();
    if (const auto *S = dyn_cast<PragmaClangDataSectionAttr>(A))
      return "section " + S->getName().str();
    if (const auto *S = dyn_cast<PragmaClangRodataSectionAttr>(A))
      return "section " + S->getName().str();
    if (const auto *S = dyn_cast<PragmaClangRelroSectionAttr>(A))
      return "section " + S->getName().str();
    return "";
  }

  /// How a refusal names \p A: by the pragma that gave it, if one did.
  static std::string nameOf(const Attr *A) {
    if (isa<PragmaClangBSSSectionAttr, PragmaClangDataSectionAttr,
            PragmaClangRodataSectionAttr, PragmaClangRelroSectionAttr,
            PragmaClangTextSectionAttr>(A))
      return "'#pragma clang section'";
    if (A->isImplicit() && isa<WeakAttr>(A))
      return "'#pragma weak'";
    if (A->isImplicit() && isa<AsmLabelAttr>(A))
      return "'#pragma redefine_extname'";
    if (A->isImplicit() && isa<VisibilityAttr>(A))
      return "'#pragma GCC visibility'";
    return "attribute '" + std::string(A->getSpelling()) + "'";
  }

  /// Whether \p D, a top-level declaration, defines what it declares (the
  /// hidden ones included).
  bool defines(const Decl *D) {
    if (Hidden.count(const_cast<Decl *>(D)))
      return true;
    if (const auto *FD = dyn_cast<FunctionDecl>(D))
      return FD->doesThisDeclarationHaveABody();
    const auto *VD = dyn_cast<VarDecl>(D);
    return VD && VD->isThisDeclarationADefinition() != VarDecl::DeclarationOnly;
  }

  /// Whether another definition of the translation unit than \p D has an
  /// attribute ordered as \p Key (orderedBy).
  bool sharesOrder(const Decl *D, StringRef Key) {
    for (const Decl *O : CI.getASTContext().getTranslationUnitDecl()->decls())
      if (O->getCanonicalDecl() != D->getCanonicalDecl() && defines(O) &&
          llvm::any_of(O->attrs(),
                       [&](const Attr *A) { return orderedBy(O, A) == Key; }))
        return true;
    return false;
  }

  /// Whether the appended definitions mean what the hidden ones did. They
  /// come after every other definition: a constructor of the same
  /// priority as another would run, a section's entry lie, in another
  /// order. And the attributes of a redeclaration after a hidden
  /// definition that Sema keeps after a definition (a variable's, whose
  /// definition it never sees: it drops them, -Wignored-attributes, after
  /// a function's, which it sees) would reach the appended one.
  bool keepsMeaning() {
    Sema &S = CI.getSema();
    for (Decl *D : Hidden) {
      std::pair<Sema::AlignPackInfo, bool> Then = LayoutAtHide[D],
                                           Now = {S.AlignPackStack.CurrentValue,
                                                  S.MSStructPragmaOn};
      // An async function's local types keep their packing: the lowering
      // writes it around them (LocalTypes.cpp). A variable's piece defines
      // no type (the raw scan falls back on one that would).
      if (KeepBody.count(D))
        Then.first = Now.first;
      if (isa<FunctionDecl>(D) && Then != Now) {
        DiagnosticsEngine &Diags = CI.getDiagnostics();
        Diags.Report(D->getLocation(),
                     Diags.getCustomDiagID(
                         DiagnosticsEngine::Error,
                         "coast: the single parse cannot lower this "
                         "declaration under the '#pragma pack' or '#pragma "
                         "ms_struct' in force at the end of the file, which "
                         "differs from its own; " NESTED));
        return false;
      }
      if (KeepBody.count(D))
        continue;
      if (isa<VarDecl>(D) && S.VisContext) {
        DiagnosticsEngine &Diags = CI.getDiagnostics();
        Diags.Report(D->getLocation(),
                     Diags.getCustomDiagID(
                         DiagnosticsEngine::Error,
                         "coast: the single parse cannot lower this "
                         "declaration under the '#pragma GCC visibility "
                         "push' still in force at the end of the file; " NESTED));
        return false;
      }
      for (Decl *Re : D->redecls()) {
        for (const Attr *A : Re->attrs()) {
          std::string Key = orderedBy(D, A);
          bool Ordered = !Key.empty() && sharesOrder(D, Key);
          // Any attribute given after the definition was hidden, a
          // pragma's (`weak`, `redefine_extname`) too, that the definition
          // had not: the appended one would have it. One the definition
          // has too is kept after it: nothing new.
          bool After = !AttrsAtHide.count(A) && !A->isInherited() &&
                       llvm::none_of(D->attrs(), [&](const Attr *Own) {
                         return AttrsAtHide.count(Own) &&
                                Own->getKind() == A->getKind();
                       });
          if (!Ordered && !After)
            continue;
          DiagnosticsEngine &Diags = CI.getDiagnostics();
          SourceLocation Loc = A->getLocation();
          Diags.Report(
              Loc.isValid() ? Loc : Re->getLocation(),
              Diags.getCustomDiagID(
                  DiagnosticsEngine::Error,
                  "coast: the single parse cannot keep "
                  "%0 %select{on a rewritten definition, which it "
                  "emits after the others of its %1|given after a "
                  "rewritten definition}2; " NESTED))
              << nameOf(A) << StringRef(Key).split(' ').first
              << (Ordered ? 0 : 1);
          return false;
        }
      }
    }
    return true;
  }

  /// Whether \p A and \p B, of the kinds keepsUses compares, say the same.
  static bool sameAttr(const Attr *A, const Attr *B) {
    if (A->getKind() != B->getKind())
      return false;
    if (const auto *L = dyn_cast<AsmLabelAttr>(A))
      return L->getLabel() == cast<AsmLabelAttr>(B)->getLabel();
    if (const auto *V = dyn_cast<VisibilityAttr>(A))
      return V->getVisibility() == cast<VisibilityAttr>(B)->getVisibility();
    if (const auto *T = dyn_cast<TLSModelAttr>(A))
      return T->getModel() == cast<TLSModelAttr>(B)->getModel();
    return true;
  }

  /// Whether the names each hidden definition uses mean in the appended
  /// text, read at the end of the file, what they meant where it was: a
  /// later declaration or pragma that makes a function or variable the
  /// translation unit does not define weak (`if (g)` folds, and a strong
  /// reference becomes a weak one), hidden (an undefined reference's
  /// visibility, which a shared library's link gives its definition),
  /// any thread-local initial-exec (`tls_model`: a TLSGD access becomes
  /// GOTTPOFF) or
  /// renamed (`#pragma redefine_extname`) would reach the appended uses,
  /// where the nested parse leaves the earlier ones as they were (hidden
  /// and renamed only those CodeGen emits where they stand); and a later
  /// overload of a function it calls may be the appended call's pick.
  /// The raw scan falls back on the main file's such attributes.
  bool keepsUses() {
    const SourceManager &SM = CI.getSourceManager();
    for (Decl *D : Hidden) {
      Stmt *Code = nullptr;
      if (auto *FD = dyn_cast<FunctionDecl>(D))
        Code = Bodies[FD];
      else
        Code = Inits[cast<VarDecl>(D)];
      SourceLocation End = SM.getExpansionLoc(Code->getEndLoc());
      // Whether CodeGen emits the nested parse's definition where it
      // stands, not at the end with what it defers (a static or inline
      // function, an async function's poll function): a use's visibility
      // and name (an asm label) are read off the chain when emitted, its
      // weak and TLS model off the declaration it names, the one before
      // the definition. -femit-all-decls defers none.
      bool Eager = CI.getLangOpts().EmitAllDecls;
      if (!Eager && !KeepBody.count(D)) {
        setCode(D, true);
        Eager = CI.getASTContext().DeclMustBeEmitted(D);
        setCode(D, false);
      }
      auto After = [&](SourceLocation Loc) {
        return Loc.isValid() &&
               SM.isBeforeInTranslationUnit(End, SM.getExpansionLoc(Loc));
      };
      llvm::SmallPtrSet<const Decl *, 16> Seen;
      llvm::SmallVector<const Stmt *, 16> Work = {Code};
      while (!Work.empty()) {
        const Stmt *S = Work.pop_back_val();
        for (const Stmt *Child : S->children())
          if (Child)
            Work.push_back(Child);
        // A block's body is not among its expression's children (-fblocks).
        if (const auto *Block = dyn_cast<BlockExpr>(S))
          Work.push_back(Block->getBody());
        const auto *Ref = dyn_cast<DeclRefExpr>(S);
        const auto *Used =
            Ref ? dyn_cast<DeclaratorDecl>(Ref->getDecl()) : nullptr;
        if (!Used || !Seen.insert(Used->getCanonicalDecl()).second)
          continue;
        // A file-scope constant's initializer is folded into the use (`fp ?`
        // with `fp = g`): what it names is used here too.
        if (const auto *VD = dyn_cast<VarDecl>(Used);
            VD && VD->isFileVarDecl())
          for (const VarDecl *Re : VD->redecls())
            if (const Expr *Init = Re->getInit()
                                       ? Re->getInit()
                                       : Inits.lookup(const_cast<VarDecl *>(Re)))
              Work.push_back(Init);
        // An overload declared after the definition may be the one the
        // appended call picks (`f(1.5)` calls a later `f(double)`); the
        // used one need not say `overloadable` (clang allows one without).
        if (isa<FunctionDecl>(Used))
          for (const Decl *O :
               CI.getASTContext().getTranslationUnitDecl()->decls())
            if (const auto *Other = dyn_cast<FunctionDecl>(O);
                Other && Other->getDeclName() == Used->getDeclName() &&
                Other->getCanonicalDecl() != Used->getCanonicalDecl() &&
                After(Other->getLocation())) {
              DiagnosticsEngine &Diags = CI.getDiagnostics();
              Diags.Report(Other->getLocation(),
                           Diags.getCustomDiagID(
                               DiagnosticsEngine::Error,
                               "coast: the single parse cannot keep the "
                               "overload of %0 declared after a rewritten "
                               "definition that uses it; " NESTED))
                  << Other;
              return false;
            }
        // A TLS model is read off the declaration a use names, whatever its
        // linkage and even when defined here: a tentative definition is
        // emitted only at the end, after the appended text, and Sema drops
        // a tls_model given after a full definition.
        bool External = Used->hasExternalFormalLinkage();
        bool Defined = llvm::any_of(
            Used->redecls(), [&](const Decl *Re) { return defines(Re); });
        for (const Decl *Re : Used->redecls())
          for (const Attr *A : Re->attrs()) {
            // A declaration's visibility is default but where said (not by
            // -fvisibility): a later default one changes nothing.
            const auto *Vis = dyn_cast<VisibilityAttr>(A);
            bool Kind =
                isa<TLSModelAttr>(A) ||
                (External &&
                 ((!Defined && isa<WeakAttr, WeakImportAttr>(A)) ||
                  (Eager &&
                   (isa<AsmLabelAttr>(A) ||
                    (!Defined && Vis &&
                     Vis->getVisibility() != VisibilityAttr::Default)))));
            // One the named declaration has already (a prototype said again
            // in a later header) changes nothing either.
            if (!Kind || A->isInherited() ||
                !(After(Re->getLocation()) || After(A->getLocation())) ||
                llvm::any_of(Used->attrs(), [&](const Attr *Had) {
                  return Had != A && sameAttr(Had, A);
                }))
              continue;
            DiagnosticsEngine &Diags = CI.getDiagnostics();
            SourceLocation Loc = A->getLocation();
            Diags.Report(Loc.isValid() ? Loc : Re->getLocation(),
                         Diags.getCustomDiagID(
                             DiagnosticsEngine::Error,
                             "coast: the single parse cannot keep %0 given "
                             "to %1 after a rewritten definition that uses "
                             "it; " NESTED))
                << nameOf(A) << cast<NamedDecl>(Re);
            return false;
          }
      }
    }
    return true;
  }

  /// Whether a directive in \p Text may look a file up (mayLookUpFile),
  /// itself or through a macro (a header's, which the raw scan of the main
  /// file did not see), as the macros stand at the end of the file.
  bool looksUpFile(StringRef Text) {
    if (mayLookUpFile(Text))
      return true;
    Preprocessor &PP = CI.getPreprocessor();
    llvm::SmallVector<IdentifierInfo *, 8> Work;
    bool InDirective = false;
    while (!Text.empty()) {
      auto [Line, Rest] = Text.split('\n');
      Text = Rest;
      StringRef Trimmed = Line.ltrim();
      bool Starts = Trimmed.starts_with("#") || Trimmed.starts_with("%:");
      if (Starts || InDirective)
        for (size_t I = 0; I < Line.size();) {
          if (!isAsciiIdentifierStart(Line[I])) {
            ++I;
            continue;
          }
          size_t N = Line.substr(I)
                         .take_while([](char C) {
                           return isAsciiIdentifierContinue(C);
                         })
                         .size();
          Work.push_back(&PP.getIdentifierTable().get(Line.substr(I, N)));
          I += N;
        }
      InDirective = (Starts || InDirective) && Line.rtrim().ends_with("\\");
    }
    llvm::SmallPtrSet<IdentifierInfo *, 8> Seen;
    while (!Work.empty()) {
      IdentifierInfo *II = Work.pop_back_val();
      if (!Seen.insert(II).second)
        continue;
      const MacroInfo *MI = PP.getMacroInfo(II);
      if (!MI)
        continue;
      for (const Token &T : MI->tokens())
        if (IdentifierInfo *TI = T.getIdentifierInfo()) {
          if (mayLookUpFile(TI->getName()))
            return true;
          Work.push_back(TI);
        }
    }
    return false;
  }

  /// Whether the conditional directives the lowering copied into \p Text
  /// (those between a declaration and its `{`: `#else` of a group opened
  /// before it) balance, as they must in a buffer of their own.
  static bool conditionalsBalance(StringRef Text) {
    int Depth = 0;
    while (!Text.empty() && Depth >= 0) {
      auto [Line, Rest] = Text.split('\n');
      Text = Rest;
      Line = Line.ltrim();
      if (!Line.consume_front("#") && !Line.consume_front("%:"))
        continue;
      StringRef Name = Line.ltrim().take_while(
          [](char C) { return isAsciiIdentifierContinue(C); });
      if (Name.starts_with("if"))
        ++Depth;
      else if (Name == "endif")
        --Depth;
      else if ((Name == "else" || Name.starts_with("elif")) && Depth == 0)
        return false;
    }
    return Depth == 0;
  }

  /// Whether a file is included inside \p D (a header's, which the scan
  /// of the main file did not see).
  bool includesInBody(const Decl *D) {
    const SourceManager &SM = CI.getSourceManager();
    CharSourceRange R = SM.getExpansionRange(D->getSourceRange());
    FileID F = SM.getFileID(R.getBegin());
    StringRef Text = SM.getBufferData(F).slice(SM.getFileOffset(R.getBegin()),
                                               SM.getFileOffset(R.getEnd()));
    for (size_t Hash = Text.find('#'); Hash != StringRef::npos;
         Hash = Text.find('#', Hash + 1))
      if (mayInclude(Text.substr(Hash + 1).ltrim().take_while(
              [](char C) { return isAsciiIdentifierContinue(C); })))
        return true;
    return false;
  }

  CompilerInstance &CI;
  LoweredHook OnLowered;
  std::unique_ptr<ASTConsumer> Lowered;
  PreprocessorRecords Records;
  /// Declarations whose code is kept from CodeGen, in the order seen.
  llvm::SetVector<Decl *> Hidden;
  llvm::DenseMap<FunctionDecl *, Stmt *> Bodies;
  llvm::DenseMap<VarDecl *, Expr *> Inits;
  /// Hidden functions of the last group: CodeGen has yet to pass them.
  llvm::SmallSetVector<FunctionDecl *, 2> RestoreNext;
  /// The attributes of the hidden declarations' chains when hidden.
  llvm::DenseSet<const Attr *> AttrsAtHide;
  /// The `#pragma pack` and `ms_struct` state when each was hidden.
  llvm::DenseMap<const Decl *, std::pair<Sema::AlignPackInfo, bool>>
      LayoutAtHide;
  /// Hidden variables whose initializers Sema sees between groups (until
  /// the hook), and CodeGen never (namesDecl): given back after CodeGen's
  /// turn (afterCodeGen), taken again before its next.
  llvm::SmallVector<VarDecl *, 2> InitsBack;
  /// Hidden variables whose initializers come back for good (until the
  /// hook) once CodeGen passed their group: numbers only.
  llvm::SmallVector<VarDecl *, 2> InitsOnce;
  /// The hidden async functions: CodeGen never sees them again.
  llvm::DenseSet<const Decl *> KeepBody;
  bool Appended = false;
  /// The rewritten definitions have their code back (showRewritten).
  bool Shown = false;
  /// The appended text's buffer.
  FileID AppendedFID;
  /// The appended definitions' code while Sema ends the translation unit
  /// (showRewritten).
  std::vector<std::pair<FunctionDecl *, Stmt *>> AppendedBodies;
  std::vector<std::pair<VarDecl *, Expr *>> AppendedInits;
  /// Variables and fields coast's attributes were recorded on.
  std::vector<Decl *> Annotated;
  struct TakenAttr {
    Decl *D;
    unsigned Index;
    Attr *A;
  };
  /// What hideAnnotations took, in the order taken.
  std::vector<TakenAttr> Taken;
  bool AfterLinked = false;
  /// Whether the lowered text was appended.
  bool Entered = false;
  /// The -w flag of the diagnostic state before the appended text's
  /// (endQuietWarnings).
  bool UserIgnoresWarnings = false;
};

/// After CodeGen's consumer: hands each group back to the single parse.
class AfterCodeGenConsumer : public ASTConsumer {
public:
  AfterCodeGenConsumer(CompilerInstance &CI, SingleParseConsumer &Single,
                       bool MayFreeAST)
      : CI(CI), Single(Single),
        ClearAST(MayFreeAST && CI.getCodeGenOpts().ClearASTBeforeBackend) {
    Single.linkAfterCodeGen();
  }

  /// Clang keeps the AST through the back end when a plugin's consumer
  /// comes after CodeGen's, in case it reads it at the end; this one does
  /// not, so unless another plugin's does, the compile frees it as it
  /// would without this consumer.
  void Initialize(ASTContext &) override {
    if (ClearAST)
      CI.getCodeGenOpts().ClearASTBeforeBackend = true;
  }

  bool HandleTopLevelDecl(DeclGroupRef) override {
    Single.afterCodeGen();
    return true;
  }

private:
  CompilerInstance &CI;
  SingleParseConsumer &Single;
  bool ClearAST;
};

} // namespace

bool singleParseActive() { return Active; }

std::unique_ptr<ASTConsumer> createAfterCodeGenConsumer(CompilerInstance &CI,
                                                        bool MayFreeAST) {
  return std::make_unique<AfterCodeGenConsumer>(CI, *Active, MayFreeAST);
}

std::unique_ptr<ASTConsumer>
createSingleParseConsumer(CompilerInstance &CI, LoweredHook OnLowered,
                          std::unique_ptr<ASTConsumer> Lowered) {
  return std::make_unique<SingleParseConsumer>(CI, std::move(OnLowered),
                                               std::move(Lowered));
}

} // namespace coast
