//===- FunctionState.cpp - Moved text that keeps its function's state -----===//

#include "FunctionState.h"
#include "CoastAttrs.h"
#include "Directives.h"
#include "LoweringContext.h"

#include "clang/AST/Attr.h"
#include "clang/AST/Stmt.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang;

namespace coast {

TranslationUnitEnd TranslationUnitEnd::of(Preprocessor &PP, Sema &S) {
  return {PP, S.getCurFPFeatures(), S};
}

FunctionState::FunctionState(ASTContext &Ctx, const TranslationUnitEnd &End,
                             const CounterExpansions &Counters,
                             CheckHandler &Handler)
    : Ctx(Ctx), End(End), Counters(Counters), Handler(Handler) {}

/// How a message names \p D: the single parse appends the rewritten
/// definitions that are not async too, and rewritten globals.
static std::string named(const NamedDecl &D) {
  const auto *FD = dyn_cast<FunctionDecl>(&D);
  return (!FD                   ? "variable '"
          : isAsyncFunction(FD) ? "async function '"
                                : "function '") +
         D.getName().str() + "'";
}

bool FunctionState::around(const NamedDecl &D, CharSourceRange Block,
                           StringRef Text, StateText &Out) {
  bool Ok = macrosAround(D, Block, Text, Out);
  // A variable's appended definition is a redeclaration, which inherits
  // what a region gave the hidden one; the prototypes before it declare
  // functions whose blocks reopen their own regions.
  const auto *FD = dyn_cast<FunctionDecl>(&D);
  return (!FD || regionsAround(*FD, Out)) && Ok;
}

//===----------------------------------------------------------------------===//
// Macros
//===----------------------------------------------------------------------===//

namespace {

bool sameMacro(const MacroInfo *A, const MacroInfo *B, Preprocessor &PP) {
  return A == B || (A && B && A->isIdenticalTo(*B, PP, /*Syntactically=*/true));
}

/// `#define` of \p MI as its tokens spell it, on one line; "" for a
/// builtin macro, which no directive defines.
std::string definition(const IdentifierInfo &II, const MacroInfo &MI,
                       Preprocessor &PP) {
  if (MI.isBuiltinMacro())
    return "";
  std::string S = "#define " + II.getName().str();
  if (MI.isFunctionLike()) {
    S += "(";
    ArrayRef<const IdentifierInfo *> Params = MI.params();
    for (size_t I = 0; I < Params.size(); ++I) {
      bool Last = I + 1 == Params.size();
      S += I ? ", " : "";
      if (Last && MI.isC99Varargs())
        S += "...";
      else
        S += Params[I]->getName().str() +
             (Last && MI.isGNUVarargs() ? "..." : "");
    }
    S += ")";
  }
  // Spaces where the definition had them: `#x` of an expansion shows them.
  bool First = true;
  for (const Token &T : MI.tokens()) {
    S += First || T.hasLeadingSpace() ? " " : "";
    S += PP.getSpelling(T);
    First = false;
  }
  return S + "\n";
}

} // namespace

/// The names the block's expansion can reach: the identifiers of its text
/// and, through every macro defined at the function, of their definitions.
/// Each whose definition at the function or at its end differs from the
/// one the translation unit ends with is set to the function's around the
/// block, and set back after.
/// Cost: a file with a macro directive after its async functions reads
/// every block's whole text (gen-async 40 with one trailing `#define`:
/// +1.79% instructions over main, 9.76M of them here, 5.56M lexing). The
/// block's text, not the function's: the generated text spells names the
/// function's does not (a callee's return type by its typedef name), and
/// a scan in place of the lexer saves only 0.45M (the text is long).
bool FunctionState::macrosAround(const NamedDecl &FD, CharSourceRange Block,
                                 StringRef Text, StateText &Out) {
  Preprocessor &PP = End.PP;
  SourceLocation Begin = Block.getBegin(), Last = Block.getEnd();
  // No directive from the block's start on: every macro is the same
  // there, after it and at the end, and its text need not be read.
  SourceLocation Latest = latestMacroDirective();
  if (Latest.isInvalid() ||
      PP.getSourceManager().isBeforeInTranslationUnit(Latest, Begin))
    return true;
  llvm::SmallVector<const IdentifierInfo *, 32> Work;
  llvm::DenseSet<const IdentifierInfo *> Seen;
  auto Reach = [&](const IdentifierInfo *II) {
    if (II && II->hadMacroDefinition() && Seen.insert(II).second)
      Work.push_back(II);
  };
  IdentifierTable &Idents = PP.getIdentifierTable();
  std::string Buf = Text.str(); // the lexer reads up to a terminating NUL
  Lexer Raw(SourceLocation(), Ctx.getLangOpts(), Buf.data(), Buf.data(),
            Buf.data() + Buf.size());
  Token Tok;
  while (!Raw.LexFromRawLexer(Tok))
    if (Tok.is(tok::raw_identifier)) {
      auto It = Idents.find(Tok.getRawIdentifier());
      if (It != Idents.end())
        Reach(It->second);
    }
  if (Tok.is(tok::raw_identifier)) // the last token of the text
    if (auto It = Idents.find(Tok.getRawIdentifier()); It != Idents.end())
      Reach(It->second);

  bool Ok = true;
  std::vector<const IdentifierInfo *> Wrapped;
  std::string Before;
  // A macro that pastes (`##`) makes names no text spells.
  const IdentifierInfo *Paster = nullptr;
  // In the order reached: the text's names, then those of definitions.
  for (size_t I = 0; I < Work.size(); ++I) {
    const IdentifierInfo *II = Work[I];
    const MacroInfo *AtBegin =
        PP.getMacroDefinitionAtLoc(II, Begin).getMacroInfo();
    if (AtBegin)
      for (const Token &T : AtBegin->tokens()) {
        Reach(T.getIdentifierInfo());
        if (T.is(tok::hashhash) && !Paster)
          Paster = II;
      }
    const MacroInfo *AtEnd = PP.getMacroDefinition(II).getMacroInfo();
    const MacroInfo *AfterBlock =
        PP.getMacroDefinitionAtLoc(II, Last).getMacroInfo();
    if (sameMacro(AtBegin, AtEnd, PP) && sameMacro(AfterBlock, AtEnd, PP))
      continue;
    std::string Define = AtBegin ? definition(*II, *AtBegin, PP) : "";
    if (AtBegin && Define.empty()) {
      Handler.unsupported(FD.getLocation(),
                          "builtin macro '" + II->getName().str() +
                              "' is redefined or undefined after " + named(FD) +
                              "; its lowered code, parsed after the file, "
                              "could not expand it as the function did");
      Ok = false;
      continue;
    }
    std::string Name = II->getName().str();
    Before +=
        "#pragma push_macro(\"" + Name + "\")\n#undef " + Name + "\n" + Define;
    Wrapped.push_back(II);
  }
  // Which names a paste makes is only known expanding it: any macro not
  // wrapped and different at the end could be one of them.
  if (Paster)
    for (const auto &M : PP.macros(/*IncludeExternalMacros=*/false)) {
      const IdentifierInfo *II = M.first;
      if (llvm::is_contained(Wrapped, II) ||
          sameMacro(PP.getMacroDefinitionAtLoc(II, Begin).getMacroInfo(),
                    PP.getMacroDefinition(II).getMacroInfo(), PP))
        continue;
      Handler.unsupported(FD.getLocation(),
                          "async function '" + FD.getName().str() +
                              "' expands '" + Paster->getName().str() +
                              "', which pastes names with '##', and macro '" +
                              II->getName().str() +
                              "' changes after it: its lowered code, parsed "
                              "after the file, could expand a pasted name "
                              "as the file's end defines it");
      Ok = false;
      break;
    }
  Out.Before += Before;
  for (auto I = Wrapped.rbegin(); I != Wrapped.rend(); ++I)
    Out.After += "#pragma pop_macro(\"" + (*I)->getName().str() + "\")\n";
  return Ok;
}

/// Once per translation unit, every macro's last directive (a #define,
/// an #undef, a pop_macro): the latest of them.
/// Within one FileID offsets are translation-unit order, so only each
/// file's latest is compared across files: isBeforeInTranslationUnit costs
/// about 1,100 instructions a call, and one a macro was 2.5M of
/// echo_server's compile (2,158 macros, most of them glibc's). A file's
/// locations are one run of offsets: sorted, latest first, the first of
/// each run is its file's latest, and getFileID is asked once a file (once
/// a macro, in the macro table's hash order, its cache missed 1,663 times
/// there: 0.43M).
SourceLocation FunctionState::latestMacroDirective() {
  if (LatestKnown)
    return Latest;
  LatestKnown = true;
  const SourceManager &SM = End.PP.getSourceManager();
  auto Later = [&](SourceLocation L) {
    if (Latest.isInvalid() || SM.isBeforeInTranslationUnit(Latest, L))
      Latest = L;
  };
  std::vector<SourceLocation> InFiles;
  for (const auto &M : End.PP.macros(/*IncludeExternalMacros=*/false)) {
    const MacroDirective *MD = End.PP.getLocalMacroDirectiveHistory(M.first);
    SourceLocation L = MD ? MD->getLocation() : SourceLocation();
    if (L.isInvalid())
      continue;
    if (L.isFileID())
      InFiles.push_back(L);
    else
      Later(L);
  }
  llvm::sort(InFiles, [](SourceLocation A, SourceLocation B) { return B < A; });
  for (size_t I = 0; I < InFiles.size();) {
    Later(InFiles[I]);
    SourceLocation Start = SM.getLocForStartOfFile(SM.getFileID(InFiles[I]));
    while (++I < InFiles.size() && !(InFiles[I] < Start))
      ;
  }
  return Latest;
}

//===----------------------------------------------------------------------===//
// __COUNTER__
//===----------------------------------------------------------------------===//

/// Whether \p L is in one of the directives of \p R.
bool FunctionState::inDirective(SourceLocation L, CharSourceRange R) const {
  const SourceManager &SM = Ctx.getSourceManager();
  unsigned Off = SM.getFileOffset(L);
  return llvm::any_of(
      directivesIn(SM, Ctx.getLangOpts(), R),
      [&](const Directive &D) { return D.Begin <= Off && Off < D.End; });
}

bool FunctionState::writeCounters(const NamedDecl &D, CharSourceRange Block,
                                  LoweringContext &LC) {
  const SourceManager &SM = Ctx.getSourceManager();
  const auto *FD = dyn_cast<FunctionDecl>(&D);
  bool Ok = true;
  llvm::DenseMap<unsigned, unsigned> ValueAt; // a written token, its value
  for (const CounterExpansions::Expansion &E :
       Counters.expansionsWithin(SM, Block)) {
    // One a macro's definition spells counts where the macro expands,
    // which only that definition says.
    if (E.Written.isInvalid() || !SM.isWrittenInSameFile(E.Written, E.Loc)) {
      Handler.unsupported(E.Loc,
                          "__COUNTER__ expanded from a macro's definition in " +
                              named(D) +
                              ": its lowered code, parsed after the file, "
                              "would count from the file's end; write "
                              "__COUNTER__ in the function itself");
      Ok = false;
      continue;
    }
    // An async function's declaration is written anew, its directives
    // copied with their edits. Another function's text is its own, edited.
    SourceLocation LBrace =
        FD && isAsyncFunction(FD)
            ? cast<CompoundStmt>(FD->getBody())->getLBracLoc()
            : SourceLocation();
    if (LBrace.isValid() && SM.isBeforeInTranslationUnit(E.Written, LBrace) &&
        !inDirective(E.Written,
                     CharSourceRange::getCharRange(Block.getBegin(), LBrace))) {
      Handler.unsupported(E.Written,
                          "__COUNTER__ before the body of async function '" +
                              D.getName().str() +
                              "': its lowered code, parsed after the file, "
                              "would count from the file's end; write it "
                              "in the body");
      Ok = false;
      continue;
    }
    auto [It, New] = ValueAt.try_emplace(E.Written.getRawEncoding(), E.Value);
    if (!New) {
      if (It->second != E.Value) {
        Handler.unsupported(E.Written,
                            "this __COUNTER__ expands more than once with "
                            "different values; write it where it expands "
                            "once");
        Ok = false;
      }
      continue;
    }
    LC.rename(E.Written, std::to_string(E.Value));
  }
  return Ok;
}

//===----------------------------------------------------------------------===//
// Floating point
//===----------------------------------------------------------------------===//

namespace {

const char *onOff(bool On) { return On ? "on" : "off"; }

/// The state of FP features a pragma sequence reaches, changed as Sema's
/// handlers change it (SemaAttr.cpp), so each pragma is chosen against
/// what the previous ones left, and refused where Sema would refuse it.
class FPWriter {
public:
  FPWriter(FPOptions From, const LangOptions &LO, const IdentifierTable &Ids)
      : Over(From.getChangesFrom(FPOptions(LO))), LO(LO), Ids(Ids) {}

  FPOptions now() { return Over.applyOverrides(LO); }

  void precise(bool On) {
    // Sema: err_pragma_fc_noprecise_requires_noexcept / _nofenv.
    if (!On && (now().getExceptionMode() == LangOptions::FPE_Strict ||
                now().getAllowFEnvAccess()))
      Legal = false;
    Over.setFPPreciseEnabled(On);
    emit(std::string("#pragma float_control(precise, ") + onOff(On) + ")",
         {"precise", onOff(On)});
  }
  void fenvAccess(bool On) {
    // Sema: err_pragma_fenv_requires_precise (Sema::isPreciseFPEnabled).
    FPOptions F = now();
    if (On && (F.getAllowFPReassociate() || F.getNoSignedZero() ||
               F.getAllowReciprocal() || F.getAllowApproxFunc()))
      Legal = false;
    Over.setAllowFEnvAccessOverride(On);
    Over.setRoundingMathOverride(On);
    emit(std::string("#pragma STDC FENV_ACCESS ") + (On ? "ON" : "OFF"), {});
  }
  bool exceptions(LangOptions::FPExceptionModeKind K) {
    const char *Name = K == LangOptions::FPE_Ignore    ? "ignore"
                       : K == LangOptions::FPE_MayTrap ? "maytrap"
                       : K == LangOptions::FPE_Strict  ? "strict"
                                                       : nullptr;
    if (!Name)
      return false;
    Over.setSpecifiedExceptionModeOverride(K);
    emit(std::string("#pragma clang fp exceptions(") + Name + ")",
         {"exceptions", Name});
    return true;
  }
  void contract(LangOptions::FPModeKind K) {
    Over.setFPContractModeOverride(
        K == LangOptions::FPM_FastHonorPragmas ? LangOptions::FPM_Fast : K);
    // The STDC form's argument is not macro-expanded; `fast` has none.
    if (K == LangOptions::FPM_Off || K == LangOptions::FPM_On)
      emit(std::string("#pragma STDC FP_CONTRACT ") +
               (K == LangOptions::FPM_On ? "ON" : "OFF"),
           {});
    else
      emit("#pragma clang fp contract(fast)", {"contract", "fast"});
  }
  void reassociate(bool On) {
    Over.setAllowFPReassociateOverride(On);
    emit(std::string("#pragma clang fp reassociate(") + onOff(On) + ")",
         {"reassociate", onOff(On)});
  }
  void reciprocal(bool On) {
    Over.setAllowReciprocalOverride(On);
    emit(std::string("#pragma clang fp reciprocal(") + onOff(On) + ")",
         {"reciprocal", onOff(On)});
  }
  bool round(llvm::RoundingMode M) {
    const char *Name = nullptr;
    switch (M) {
    case llvm::RoundingMode::TowardZero:
      Name = "FE_TOWARDZERO";
      break;
    case llvm::RoundingMode::NearestTiesToEven:
      Name = "FE_TONEAREST";
      break;
    case llvm::RoundingMode::TowardPositive:
      Name = "FE_UPWARD";
      break;
    case llvm::RoundingMode::TowardNegative:
      Name = "FE_DOWNWARD";
      break;
    case llvm::RoundingMode::NearestTiesToAway:
      Name = "FE_TONEARESTFROMZERO";
      break;
    case llvm::RoundingMode::Dynamic:
      Name = "FE_DYNAMIC";
      break;
    default:
      return false;
    }
    Over.setConstRoundingModeOverride(M);
    emit(std::string("#pragma STDC FENV_ROUND ") + Name, {Name});
    return true;
  }
  bool evalMethod(LangOptions::FPEvalMethodKind K) {
    const char *Name = K == LangOptions::FEM_Source     ? "source"
                       : K == LangOptions::FEM_Double   ? "double"
                       : K == LangOptions::FEM_Extended ? "extended"
                                                        : nullptr;
    if (!Name)
      return false;
    Over.setFPEvalMethodOverride(K);
    emit(std::string("#pragma clang fp eval_method(") + Name + ")",
         {"eval_method", Name});
    return true;
  }
  bool complexRange(LangOptions::ComplexRangeKind K) {
    const char *Name = K == LangOptions::CX_Basic  ? "ON"
                       : K == LangOptions::CX_Full ? "OFF"
                                                   : nullptr;
    if (!Name)
      return false;
    Over.setComplexRangeOverride(K);
    emit(std::string("#pragma STDC CX_LIMITED_RANGE ") + Name, {});
    return true;
  }

  std::string Text;
  /// False once a pragma was written that Sema refuses in that state.
  bool Legal = true;

private:
  /// `clang fp`, `float_control` and `FENV_ROUND` macro-expand their
  /// arguments: a word of \p Words ever defined as a macro is undefined
  /// around the pragma and given back after it.
  void emit(const std::string &Pragma,
            std::initializer_list<const char *> Words) {
    llvm::SmallVector<StringRef, 2> Guarded;
    for (StringRef W : Words) {
      auto It = Ids.find(W);
      if (It != Ids.end() && It->second->hadMacroDefinition())
        Guarded.push_back(W);
    }
    for (StringRef W : Guarded)
      Text +=
          "#pragma push_macro(\"" + W.str() + "\")\n#undef " + W.str() + "\n";
    Text += Pragma + "\n";
    for (auto I = Guarded.rbegin(); I != Guarded.rend(); ++I)
      Text += "#pragma pop_macro(\"" + I->str() + "\")\n";
  }

  FPOptionsOverride Over;
  const LangOptions &LO;
  const IdentifierTable &Ids;
};

/// What `float_control(precise, on|off)` sets that no other pragma does.
bool preciseOnly(FPOptions A, FPOptions B) {
  return A.getNoHonorNaNs() != B.getNoHonorNaNs() ||
         A.getNoHonorInfs() != B.getNoHonorInfs() ||
         A.getNoSignedZero() != B.getNoSignedZero() ||
         A.getAllowApproxFunc() != B.getAllowApproxFunc() ||
         A.getMathErrno() != B.getMathErrno();
}

/// Equal states, an unspecified exception mode taken as the one it means
/// (strict with FENV_ACCESS, else ignore): no pragma spells "unspecified".
bool sameFP(FPOptions A, FPOptions B) {
  A.setSpecifiedExceptionMode(A.getExceptionMode());
  B.setSpecifiedExceptionMode(B.getExceptionMode());
  return A.getAsOpaqueInt() == B.getAsOpaqueInt();
}

} // namespace

bool FunctionState::fpPragmas(const FunctionDecl &FD, std::string &Out) {
  const LangOptions &LO = Ctx.getLangOpts();
  const auto *Body = dyn_cast_or_null<CompoundStmt>(FD.getBody());
  if (!Body)
    return true;
  // A body's stored features are its state against the command line's.
  FPOptions Want = Body->hasStoredFPFeatures()
                       ? Body->getStoredFPFeatures().applyOverrides(LO)
                       : FPOptions(LO);
  if (sameFP(Want, End.FP))
    return true;
  FPWriter W(End.FP, LO, End.PP.getIdentifierTable());
  bool Ok = true;
  // Sema refuses FENV_ACCESS unless precise, and imprecise with it or
  // with strict exceptions: the group first that the others need.
  bool Precise = !Want.getNoHonorNaNs();
  if (preciseOnly(W.now(), Want) && Precise)
    W.precise(true);
  if (W.now().getAllowFEnvAccess() && !Want.getAllowFEnvAccess())
    W.fenvAccess(false);
  if (W.now().getExceptionMode() == LangOptions::FPE_Strict &&
      Want.getExceptionMode() != LangOptions::FPE_Strict)
    Ok &= W.exceptions(Want.getExceptionMode());
  if (preciseOnly(W.now(), Want) && !Precise)
    W.precise(false);
  // What FENV_ACCESS ON needs off, off before it; on again after it.
  if (W.now().getAllowFPReassociate() && !Want.getAllowFPReassociate())
    W.reassociate(false);
  if (W.now().getAllowReciprocal() && !Want.getAllowReciprocal())
    W.reciprocal(false);
  if (W.now().getAllowFEnvAccess() != Want.getAllowFEnvAccess() ||
      W.now().getRoundingMath() != Want.getRoundingMath())
    W.fenvAccess(Want.getAllowFEnvAccess());
  if (W.now().getExceptionMode() != Want.getExceptionMode())
    Ok &= W.exceptions(Want.getExceptionMode());
  if (W.now().getFPContractMode() != Want.getFPContractMode())
    W.contract(Want.getFPContractMode());
  if (W.now().getAllowFPReassociate() != Want.getAllowFPReassociate())
    W.reassociate(Want.getAllowFPReassociate());
  if (W.now().getAllowReciprocal() != Want.getAllowReciprocal())
    W.reciprocal(Want.getAllowReciprocal());
  if (W.now().getConstRoundingMode() != Want.getConstRoundingMode())
    Ok &= W.round(Want.getConstRoundingMode());
  if (W.now().getFPEvalMethod() != Want.getFPEvalMethod())
    Ok &= W.evalMethod(Want.getFPEvalMethod());
  if (W.now().getComplexRange() != Want.getComplexRange())
    Ok &= W.complexRange(Want.getComplexRange());
  if (!Ok || !W.Legal || !sameFP(W.now(), Want)) {
    Handler.unsupported(FD.getLocation(),
                        named(FD) +
                            " has a floating-point state (from pragmas or "
                            "options) that no pragma sequence Clang accepts "
                            "at the start of its lowered body can restore "
                            "after the file's end");
    return false;
  }
  Out = W.Text;
  return true;
}

//===----------------------------------------------------------------------===//
// Pragma regions
//===----------------------------------------------------------------------===//

/// Declarations of the body (a static local) take regions' attributes
/// too, which the appended block, in the end's regions, would not: a data
/// section of `#pragma clang section`, the attributes of `#pragma clang
/// attribute`. Rejected by name. (An `#include` in a body is not a block's
/// concern: a main file with one compiles in a nested parse.)
bool FunctionState::bodyRegions(const FunctionDecl &FD) {
  const SourceManager &SM = Ctx.getSourceManager();
  llvm::SmallVector<const Stmt *, 32> Work{FD.getBody()};
  while (!Work.empty()) {
    const Stmt *St = Work.pop_back_val();
    if (!St)
      continue;
    Work.append(St->child_begin(), St->child_end());
    const auto *DS = dyn_cast<DeclStmt>(St);
    if (!DS)
      continue;
    // The statement's range, not the declaration's: a typedef's ends at
    // its name, before the attributes written after it.
    SourceLocation DBegin = SM.getExpansionLoc(DS->getBeginLoc());
    SourceLocation DEnd = SM.getExpansionLoc(DS->getEndLoc());
    for (const Decl *D : DS->decls()) {
      for (const Attr *A : D->attrs()) {
        const char *What = nullptr;
        if (isa<PragmaClangBSSSectionAttr, PragmaClangDataSectionAttr,
                PragmaClangRodataSectionAttr, PragmaClangRelroSectionAttr>(A))
          What = "a section of '#pragma clang section'";
        else if (!A->isImplicit() && !A->isInherited() &&
                 A->getLocation().isValid()) {
          SourceLocation L = SM.getExpansionLoc(A->getLocation());
          if (SM.isBeforeInTranslationUnit(L, DBegin) ||
              SM.isBeforeInTranslationUnit(DEnd, L))
            What = "attributes of '#pragma clang attribute'";
        }
        if (!What)
          continue;
        Handler.unsupported(D->getLocation(),
                            std::string("a declaration in async function '") +
                                FD.getName().str() + "' takes " + What +
                                ": its lowered code, parsed after the file, "
                                "would not; write them on the declaration");
        return false;
      }
    }
  }
  return true;
}

/// Whether the attribute at \p Loc is written before \p Begin, the expansion
/// location a C declaration's begin location has (it leaves out a leading
/// `[[...]]` specifier), in the same declaration: only attribute text
/// between, not the rest of a `#pragma clang attribute` directive, nor
/// another declaration of that pragma's region.
static bool leadsDeclaration(SourceLocation Loc, SourceLocation Begin,
                             const SourceManager &SM, const LangOptions &LO) {
  SourceLocation From = SM.getExpansionLoc(Loc);
  if (!SM.isBeforeInTranslationUnit(From, Begin) ||
      SM.getFileID(From) != SM.getFileID(Begin))
    return false;
  const char *End = SM.getCharacterData(Begin);
  Lexer Raw(From, LO, SM.getCharacterData(From), SM.getCharacterData(From),
            SM.getBufferData(SM.getFileID(From)).end());
  Token T;
  while (!Raw.LexFromRawLexer(T) && SM.getCharacterData(T.getLocation()) < End)
    if (T.isOneOf(tok::hash, tok::semi, tok::l_brace, tok::r_brace) ||
        (T.is(tok::raw_identifier) && (T.getRawIdentifier() == "apply_to" ||
                                       T.getRawIdentifier() == "_Pragma")))
      return false;
  return true;
}

/// Appended, the block is in the regions the file ends in: each the function
/// was in, or the end is in, is reopened for the block (visibility, text
/// section, optimize off) and the end's put back after; attributes of `#pragma
/// clang attribute` cannot be spelled back from the AST: rejected by name.
bool FunctionState::regionsAround(const FunctionDecl &FD, StateText &Out) {
  const Sema &S = End.S;
  const SourceManager &SM = Ctx.getSourceManager();
  bool Ok = true;
  SourceRange Own(SM.getExpansionLoc(FD.getBeginLoc()),
                  SM.getExpansionLoc(FD.getEndLoc()));
  auto InOwn = [&](SourceLocation L) {
    L = SM.getExpansionLoc(L);
    return !SM.isBeforeInTranslationUnit(L, Own.getBegin()) &&
           !SM.isBeforeInTranslationUnit(Own.getEnd(), L);
  };
  for (const Attr *A : FD.attrs())
    if (!A->isImplicit() && !A->isInherited() && A->getLocation().isValid() &&
        !InOwn(A->getLocation()) &&
        !leadsDeclaration(A->getLocation(), Own.getBegin(), SM,
                          Ctx.getLangOpts())) {
      Handler.unsupported(A->getLocation(),
                          named(FD) +
                              " takes attributes from '#pragma clang "
                              "attribute': its lowered code, parsed after "
                              "the file, would not; write them on the "
                              "function");
      Ok = false;
      break;
    }
  if (!S.PragmaAttributeStack.empty()) {
    Handler.unsupported(S.PragmaAttributeStack.back().Loc,
                        "'#pragma clang attribute' is still pushed at the "
                        "end of the file: the lowered code of " +
                            named(FD) +
                            ", parsed there, would take its attributes");
    Ok = false;
  }

  Ok &= bodyRegions(FD);

  // The frame's descriptor and sites, a function's static locals, are
  // globals: a data section region open at the end would take them, and
  // the one the function was in is not recorded on it.
  for (const Sema::PragmaClangSection *Data :
       {&S.PragmaClangBSSSection, &S.PragmaClangDataSection,
        &S.PragmaClangRodataSection, &S.PragmaClangRelroSection})
    if (Data->Valid) {
      Handler.unsupported(Data->PragmaLocation,
                          "'#pragma clang section' for data is still set at "
                          "the end of the file: the lowered globals of " +
                              named(FD) + ", parsed there, would go in it");
      Ok = false;
      break;
    }

  // Visibility: the innermost region's, or none.
  auto VisName = [](VisibilityAttr::VisibilityType T) {
    return T == VisibilityAttr::Hidden      ? "hidden"
           : T == VisibilityAttr::Protected ? "protected"
                                            : "default";
  };
  const VisibilityAttr *Vis = FD.getAttr<VisibilityAttr>();
  bool FromRegion = Vis && Vis->isImplicit();
  using VisStack = std::vector<std::pair<unsigned, SourceLocation>>;
  const auto *Stack = static_cast<const VisStack *>(S.VisContext);
  bool EndRegion = Stack && !Stack->empty() && Stack->back().first != ~0U;
  if (FromRegion || EndRegion) {
    const char *Want =
        FromRegion ? VisName(Vis->getVisibility())
        : Ctx.getLangOpts().getValueVisibilityMode() == HiddenVisibility
            ? "hidden"
        : Ctx.getLangOpts().getValueVisibilityMode() == ProtectedVisibility
            ? "protected"
            : "default";
    Out.Before += std::string("#pragma GCC visibility push(") + Want + ")\n";
    Out.After = "#pragma GCC visibility pop\n" + Out.After;
  }

  // `#pragma clang optimize off`: functions defined in it are optnone.
  const auto *OptNone = FD.getAttr<OptimizeNoneAttr>();
  bool Off = OptNone && OptNone->isImplicit();
  bool EndOff = S.getOptimizeOffPragmaLocation().isValid();
  if (Off != EndOff) {
    Out.Before +=
        std::string("#pragma clang optimize ") + (Off ? "off" : "on") + "\n";
    Out.After = std::string("#pragma clang optimize ") +
                (EndOff ? "off" : "on") + "\n" + Out.After;
  }

  // `#pragma clang section text`: the poll and start functions' section.
  const auto *Text = FD.getAttr<PragmaClangTextSectionAttr>();
  std::string Section = Text ? Text->getName().str() : "";
  std::string EndSection = S.PragmaClangTextSection.Valid
                               ? S.PragmaClangTextSection.SectionName
                               : "";
  if (Section != EndSection) {
    Out.Before += "#pragma clang section text=\"" + Section + "\"\n";
    Out.After =
        "#pragma clang section text=\"" + EndSection + "\"\n" + Out.After;
  }
  return Ok;
}

} // namespace coast
