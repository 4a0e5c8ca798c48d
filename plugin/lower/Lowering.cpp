//===- Lowering.cpp - Lowering a translation unit's async code ------------===//

#include "Lowering.h"
#include "AsyncAST.h"
#include "AsyncFunctionPlan.h"
#include "CoastAttrs.h"
#include "CompoundLiterals.h"
#include "EmbeddedLeaf.h"
#include "EvaluatedVisitor.h"
#include "FrameLayout.h"
#include "GeneratedNames.h"
#include "LocalTypes.h"
#include "LoweringContext.h"
#include "ReadyCompanion.h"
#include "StateMachine.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <deque>
#include <map>
#include <memory>

using namespace clang;

namespace coast {

namespace {

/// What the lowering rewrites in one declaration outside async frames:
/// coast_block_on and the spawns, and async functions used as values.
struct DeclUses {
  std::vector<Mark> Marks;
  /// References to async functions other than as a call's callee: their
  /// value becomes the start function's (what box(p(x)) calls).
  std::vector<const DeclRefExpr *> FunctionValues;
};

DeclUses usesIn(const Stmt *S) {
  struct Finder : EvaluatedVisitor<Finder> {
    DeclUses Found;
    llvm::DenseSet<const Expr *> Callees;
    bool VisitParenExpr(ParenExpr *PE) {
      if (std::optional<Mark> M = matchMark(PE);
          M && (M->Kind == MarkKind::BlockOn || isSpawnMark(M->Kind)) &&
          futureCall(*M))
        Found.Marks.push_back(*M);
      return true;
    }
    bool VisitCallExpr(CallExpr *CE) {
      Callees.insert(CE->getCallee()->IgnoreParenImpCasts());
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl());
          FD && isAsyncFunction(FD))
        Found.FunctionValues.push_back(DRE);
      return true;
    }
  } F;
  F.TraverseStmt(const_cast<Stmt *>(S));
  llvm::erase_if(F.Found.FunctionValues,
                 [&](const DeclRefExpr *DRE) { return F.Callees.count(DRE); });
  return F.Found;
}

/// The code of a top-level declaration: a function's body, a variable's
/// initializer.
const Stmt *codeOf(const Decl *D) {
  if (const auto *FD = dyn_cast<FunctionDecl>(D))
    return FD->doesThisDeclarationHaveABody() ? FD->getBody() : nullptr;
  if (const auto *VD = dyn_cast<VarDecl>(D))
    return VD->getInit();
  return nullptr;
}

/// The main file's top-level declarations with code, in source order.
std::vector<const Decl *> mainFileDecls(ASTContext &Ctx) {
  std::vector<const Decl *> Out;
  const SourceManager &SM = Ctx.getSourceManager();
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (codeOf(D) &&
        SM.isWrittenInMainFile(SM.getExpansionLoc(D->getLocation())))
      Out.push_back(D);
  return Out;
}

/// The file \p D is written in (where its macro is used, for a declaration
/// a macro expands to).
FileID fileOf(const SourceManager &SM, const Decl *D) {
  return SM.getFileID(SM.getExpansionLoc(D->getLocation()));
}

/// What FunctionState cannot keep for an appended block the nested parse
/// needs not keep (in place, the state is there): its refusals say so.
class AppendedStateHandler : public CheckHandler {
public:
  explicit AppendedStateHandler(CheckHandler &Inner) : Inner(Inner) {}
  void unsupported(SourceLocation Loc, StringRef Reason) override {
    Inner.unsupported(Loc, Reason.str() + "; or compile this file with "
                                          "-fplugin-arg-coast-nested-parse");
  }

private:
  CheckHandler &Inner;
};

class TULowering {
public:
  TULowering(ASTContext &Ctx, CheckHandler &H, FunctionAnalyses &A,
             const CounterExpansions &Counters, const MacroTests &Tests,
             const SkippedBranches &Skipped, const TranslationUnitEnd *End,
             Placement Where)
      : Ctx(Ctx), Handler(H), Analyses(A), Counters(Counters), Tests(Tests),
        Skipped(Skipped), StateHandler(H) {
    // In place a block has its function's state already: all FunctionState
    // would write there is a no-op.
    if (End && Where == Placement::AtEnd)
      States.emplace(Ctx, *End, Counters, StateHandler);
  }

  LoweringResult run(bool Emit);

private:
  void collect();
  bool checkHeaderFiles();
  bool checkVariadicDeclarations();
  bool plan();
  /// Marks the start functions called from one site only, and the small
  /// split bodies awaited from one site, to be always inlined
  /// (AsyncFunctionPlan::InlineStart, InlineBody).
  void inlineSingleSites();
  bool emit();
  bool keepState(const FunctionDecl &FD, LoweringContext &LC);
  std::vector<LoweredPiece> piecesOf(FileID F, const LoweringContext &LC);
  LoweringContext &contextFor(const Decl *D);
  std::string prototypesFor(const Decl *D, LoweringContext &LC);
  void rewriteMark(const Mark &M, LoweringContext &LC);
  FrameSource sourceOf(const FunctionDecl *Callee,
                       const FunctionDecl &Caller) const;

  ASTContext &Ctx;
  CheckHandler &Handler;
  FunctionAnalyses &Analyses;
  const CounterExpansions &Counters;
  const MacroTests &Tests;
  const SkippedBranches &Skipped;
  /// Declarations with code in the files to lower, in translation-unit
  /// order: the main file, and headers that define async functions.
  std::vector<const Decl *> Decls;
  /// Headers that define async functions, in the order first seen.
  llvm::SmallVector<FileID, 2> HeaderFiles;
  /// Used definitions of system headers calling coast's operations.
  llvm::SmallVector<const NamedDecl *, 1> SystemWithMarks;
  std::map<FileID, std::unique_ptr<LoweringContext>> Contexts;
  llvm::DenseMap<const Decl *, DeclUses> UsesOf;
  std::deque<AsyncFunctionPlan> Plans; // stable: replacements point in
  llvm::DenseMap<const FunctionDecl *, const AsyncFunctionPlan *> PlanOf;
  /// Async functions whose definitions are lowered so far, in source order.
  llvm::DenseSet<const FunctionDecl *> Defined;
  /// Async functions split into body and poll functions (plan()).
  llvm::DenseSet<const FunctionDecl *> Embedded;
  /// Start functions declared or defined so far in the lowered text.
  llvm::StringSet<> StartDeclared;
  /// An edit fell outside every piece (a bug of the lowering).
  bool EditOutsidePieces = false;
  AppendedStateHandler StateHandler;
  /// What keeps each block's meaning where it is parsed.
  std::optional<FunctionState> States;
  /// The definitions whose text moves when the blocks are appended
  /// (States): every async function, each rewritten definition and
  /// global.
  std::vector<const NamedDecl *> Moved;
};

FrameSource TULowering::sourceOf(const FunctionDecl *Callee,
                                 const FunctionDecl &Caller) const {
  // Never embedded (that is what lets it recurse), but awaited like a
  // callee of another file: from the frame stack, not one malloc a call.
  if (hasCoastAttr(Callee, CoastAttr::BoxAsync))
    return FrameSource::FrameStack;
  // The runtime's yield needs no frame: the caller wakes its own task and
  // suspends, with what the runtime's future would do (yield.c).
  if (Callee->getName() == "coast_yield" && !Callee->isDefined() &&
      Callee->getDeclContext()->isTranslationUnit())
    return FrameSource::None;
  const FunctionDecl *Def = Callee->getDefinition();
  if (Def && Defined.count(Def))
    return FrameSource::Embedded;
  return leafFrame(*Callee, Caller, Ctx).isNull() ? FrameSource::FrameStack
                                                  : FrameSource::Leaf;
}

bool TULowering::plan() {
  bool Ok = true;
  const SourceManager &SM = Ctx.getSourceManager();
  for (const Decl *D : Decls) {
    for (const DeclRefExpr *DRE : UsesOf[D].FunctionValues) {
      SourceLocation L = DRE->getLocation();
      if (L.isMacroID() &&
          (!SM.isMacroArgExpansion(L) ||
           SM.getFileID(SM.getSpellingLoc(L)) != fileOf(SM, D))) {
        Handler.unsupported(L, "async function '" +
                                   DRE->getDecl()->getNameAsString() +
                                   "' is used as a value inside a macro "
                                   "definition; use it where the macro is "
                                   "used");
        Ok = false;
      }
    }
    for (const Mark &M : UsesOf[D].Marks)
      if (!Lexer::makeFileCharRange(
               CharSourceRange::getTokenRange(M.Whole->getSourceRange()), SM,
               Ctx.getLangOpts())
               .isValid()) {
        Handler.unsupported(M.Whole->getBeginLoc(),
                            std::string(markName(M.Kind)) +
                                " is written inside a macro definition; write "
                                "it where the macro is used");
        Ok = false;
      }
  }
  for (const Decl *D : Decls) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || !isAsyncFunction(FD))
      continue;
    Plans.emplace_back();
    auto SourceOf = [this, FD](const FunctionDecl *C) {
      return sourceOf(C, *FD);
    };
    if (!planAsyncFunction(FD, Ctx, SourceOf, Handler, Analyses, Counters,
                           Tests, Plans.back()))
      Ok = false;
    PlanOf[FD] = &Plans.back();
    for (SuspendPoint &Pt : Plans.back().Points) {
      if (Pt.Callee && Pt.Source == FrameSource::FrameStack)
        Pt.KnownCallee = PlanOf.count(Pt.Callee->getDefinition());
      if (Pt.Source == FrameSource::Leaf) {
        Pt.LeafFrame = leafFrame(*Pt.Callee, *FD, Ctx);
        Pt.LeafFirst = leafFirst(*Pt.Callee, *FD, Pt.LeafFrame, Ctx);
      }
      Pt.Ready = readyCompanion(Pt, *FD, Ctx);
    }
    Defined.insert(FD);
  }
  // Optimizing, an embedded callee with at most one suspension point is
  // split (StateMachine.h): its first poll, inlined into the awaiter, folds
  // to its code up to that point. One with more inlines every callee's
  // first poll into each of its own: gen-async.py 200 at -O2 took 1.9x the
  // wall clock and 1.6x the text when every embedded callee was split.
  if (!optimizing(Ctx))
    return Ok;
  for (AsyncFunctionPlan &Plan : Plans)
    for (SuspendPoint &Pt : Plan.Points)
      if (Pt.Source == FrameSource::Embedded) {
        const FunctionDecl *C = Pt.Callee->getDefinition();
        const AsyncFunctionPlan *CP = PlanOf.lookup(C);
        if (CP && CP->Points.size() <= 1) {
          Pt.SplitCallee = true;
          Embedded.insert(C);
        }
      }
  inlineSingleSites();
  return Ok;
}

/// The AST nodes of a body the inliner copies into each of its callers at
/// -O2: write_all of examples/tcp_server.h has about 50.
static constexpr unsigned SmallBodyNodes = 120;

/// Whether \p FD's body is small, with at most 1024 bytes of locals and
/// none of variable size (LLVM's limit for a recursive caller).
static bool isSmallBody(const FunctionDecl &FD, ASTContext &Ctx) {
  struct Counter : RecursiveASTVisitor<Counter> {
    ASTContext &Ctx;
    unsigned Nodes = 0;
    uint64_t LocalBytes = 0;
    bool Unsized = false;
    explicit Counter(ASTContext &Ctx) : Ctx(Ctx) {}
    bool VisitStmt(Stmt *) {
      ++Nodes;
      return true;
    }
    bool VisitVarDecl(VarDecl *VD) {
      if (!VD->hasLocalStorage())
        return true;
      QualType T = VD->getType();
      if (T->isIncompleteType() || !T->isConstantSizeType())
        Unsized = true;
      else
        LocalBytes += Ctx.getTypeSizeInChars(T).getQuantity();
      return true;
    }
  } Count(Ctx);
  Count.TraverseStmt(FD.getBody());
  return Count.Nodes <= SmallBodyNodes && !Count.Unsized &&
         Count.LocalBytes <= 1024;
}

void TULowering::inlineSingleSites() {
  // Where the lowered code calls each function's start function and
  // embeds its split body (prototypesFor and destructorPrototypes list the
  // same callees). A value of the function (its start function's address)
  // and an awaited destructor (the drop path's text, written in more than
  // one place) count as many.
  llvm::DenseMap<const FunctionDecl *, unsigned> Starts, Bodies;
  auto Add = [](llvm::DenseMap<const FunctionDecl *, unsigned> &Sites,
                const FunctionDecl *F, unsigned N = 1) {
    if (F)
      Sites[F->getCanonicalDecl()] += N;
  };
  auto AddDrops = [&](const std::vector<DropValue> &Drops) {
    for (const DropValue &D : Drops)
      if (D.State)
        Add(Starts, D.Destructor, 2);
  };
  for (const Decl *D : Decls) {
    const DeclUses &U = UsesOf[D];
    for (const Mark &M : U.Marks)
      Add(Starts, futureCall(M)->Callee);
    for (const DeclRefExpr *DRE : U.FunctionValues)
      Add(Starts, cast<FunctionDecl>(DRE->getDecl()), 2);
  }
  for (const AsyncFunctionPlan &Plan : Plans) {
    AddDrops(Plan.StartDrops);
    for (const SuspendPoint &Pt : Plan.Points) {
      AddDrops(Pt.Drops);
      for (const RaceArm &Arm : Pt.Arms)
        Add(Starts, Arm.Callee);
      if (Pt.Race == MarkKind::Await && Pt.Source == FrameSource::FrameStack)
        Add(Starts, Pt.Callee);
      if (Pt.SplitCallee)
        Add(Bodies, Pt.Callee);
    }
  }
  // A start function has one call to inline, its frame's init: one site
  // copies nothing. A split body has two callers, the awaiting poll
  // function and its own, and the inliner copies it into both only while
  // it is small; forced, a large body would be compiled twice, and its
  // locals would sit in a recursive (box_async) caller's C frame, which
  // the inliner refuses past 1024 bytes. More sites are the inliner's to
  // judge.
  for (AsyncFunctionPlan &Plan : Plans) {
    const FunctionDecl *C = Plan.FD->getCanonicalDecl();
    Plan.InlineStart = !Plan.FD->isExternallyVisible() && Starts.lookup(C) == 1;
    Plan.InlineBody = Bodies.lookup(C) == 1 && isSmallBody(*Plan.FD, Ctx);
  }
}

/// Prototypes of the start functions \p D's code uses that are not declared
/// yet.
std::string TULowering::prototypesFor(const Decl *D, LoweringContext &LC) {
  std::vector<const FunctionDecl *> Callees;
  if (const auto *FD = dyn_cast<FunctionDecl>(D))
    if (const AsyncFunctionPlan *P = PlanOf.lookup(FD))
      for (const SuspendPoint &Pt : P->Points) {
        if (Pt.Callee && Pt.Source == FrameSource::FrameStack)
          Callees.push_back(Pt.Callee);
        for (const RaceArm &Arm : Pt.Arms)
          if (Arm.Callee)
            Callees.push_back(Arm.Callee);
      }
  const DeclUses &U = UsesOf[D];
  for (const Mark &M : U.Marks)
    if (const FunctionDecl *C = futureCall(M)->Callee)
      Callees.push_back(C);
  for (const DeclRefExpr *DRE : U.FunctionValues)
    Callees.push_back(cast<FunctionDecl>(DRE->getDecl()));
  std::string S;
  for (const FunctionDecl *C : Callees)
    if (StartDeclared.insert(generatedName(C->getName(), "start")).second)
      S += startPrototype(C, LC);
  return S;
}

void TULowering::rewriteMark(const Mark &M, LoweringContext &LC) {
  FutureCall FC = *futureCall(M);
  LC.replace(LC.fileRange(M.Whole->getSourceRange()), [&LC, M, FC] {
    std::string Start =
        startCallee(FC.Callee, FC.Proto,
                    FC.Callee ? ""
                              : LC.text(FC.Call->getCallee()->getSourceRange()),
                    LC) +
        "(&coast__task_alloc";
    for (const Expr *A : FC.Call->arguments())
      Start += ", " + LC.text(A->getSourceRange());
    Start += ")";
    switch (M.Kind) {
    case MarkKind::Spawn:
      return "coast__spawn(" + Start + ")";
    case MarkKind::SpawnLocal:
      return "coast__spawn_local(" + Start + ")";
    case MarkKind::ScopeSpawn:
      return "coast__scope_spawn(" + LC.text(M.Scope->getSourceRange()) + ", " +
             Start + ")";
    case MarkKind::BlockOn:
      break;
    case MarkKind::Await:
    case MarkKind::Box:
    case MarkKind::Timeout:
    case MarkKind::First:
    case MarkKind::Arm:
      llvm_unreachable("awaits, boxes and races are the state machine's");
    }
    QualType RT = FC.Proto->getReturnType();
    bool Void = RT->isVoidType();
    std::string Name =
        FC.Callee ? FC.Callee->getName().str() : "function pointer";
    return "({ " + (Void ? "" : LC.typeName(RT) + " __coast_r; ") +
           "int __coast_rc = coast__block_on(" + Start + ", " +
           (Void ? "0" : "&__coast_r") +
           "); if (__coast_rc) coast__block_on_failed(__coast_rc, \"" + Name +
           "\"); " + (Void ? "" : "__coast_r; ") + "})";
  });
}

LoweringContext &TULowering::contextFor(const Decl *D) {
  FileID F = fileOf(Ctx.getSourceManager(), D);
  std::unique_ptr<LoweringContext> &LC = Contexts[F];
  if (!LC)
    LC = std::make_unique<LoweringContext>(
        Ctx, F, Skipped.in(Ctx.getSourceManager(), F));
  return *LC;
}

/// \p FD's text: its declaration to its `}`, which its block replaces.
static CharSourceRange blockRange(const FunctionDecl *FD,
                                  const SourceManager &SM) {
  return CharSourceRange::getCharRange(
      SM.getExpansionLoc(FD->getBeginLoc()),
      cast<CompoundStmt>(FD->getBody())->getRBracLoc().getLocWithOffset(1));
}

/// \p VD's text: its declaration to its `;`, which its piece replaces.
static CharSourceRange blockRange(const VarDecl *VD,
                                  const LoweringContext &LC) {
  const SourceManager &SM = LC.SM;
  SourceLocation Begin = SM.getExpansionLoc(VD->getBeginLoc());
  CharSourceRange Range =
      Lexer::getAsCharRange(SM.getExpansionRange(VD->getEndLoc()), SM,
                            VD->getASTContext().getLangOpts());
  return LC.withSemicolon(CharSourceRange::getCharRange(Begin, Range.getEnd()));
}

bool TULowering::emit() {
  bool Ok = true;
  for (const Decl *D : Decls) {
    LoweringContext &LC = contextFor(D);
    std::string Protos = prototypesFor(D, LC);
    const DeclUses &U = UsesOf[D];
    for (const Mark &M : U.Marks)
      rewriteMark(M, LC);
    llvm::DenseSet<unsigned> Renamed; // a macro argument may expand twice
    for (const DeclRefExpr *DRE : U.FunctionValues) {
      if (!Renamed
               .insert(
                   LC.SM.getSpellingLoc(DRE->getLocation()).getRawEncoding())
               .second)
        continue;
      // The function's own declaration may be gone (its definition became
      // a poll function): spell its type out.
      std::string Name = DRE->getDecl()->getNameAsString();
      std::string Type =
          LC.typeName(Ctx.getPointerType(DRE->getDecl()->getType()));
      LC.rename(DRE->getLocation(),
                "(*(" + Type + ")" + generatedName(Name, "start") + ")");
    }
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (const AsyncFunctionPlan *P = FD ? PlanOf.lookup(FD) : nullptr) {
      StartDeclared.insert(generatedName(P->Name, "start"));
      // The definition becomes a poll function; operands never evaluated
      // (`sizeof(f(x))`, `__typeof__(f(x))`) still name the function.
      if (!FD->getPreviousDecl())
        Protos += (FD->getStorageClass() == SC_Static ? "static " : "") +
                  LC.typeName(FD->getType()) + " " + FD->getNameAsString() +
                  ";\n";
      std::string Pragmas;
      if (States)
        Ok &= States->fpPragmas(*FD, Pragmas) &&
              States->writeCounters(*FD, blockRange(FD, LC.SM), LC);
      // Before the frame is spelled: it names the moved types.
      hoistLocalTypes(P->Types, FD, LC);
      rewriteFrameLiterals(*P, LC);
      emitStateMachine(*P, LC, Protos + framePrelude(*P, LC), Pragmas,
                       Embedded.count(FD));
      Moved.push_back(FD);
    } else {
      bool Uses = !U.Marks.empty() || !U.FunctionValues.empty();
      if (FD && FD->doesThisDeclarationHaveABody() && States && Uses) {
        Ok &= keepState(*FD, LC);
        Moved.push_back(FD);
      }
      // A rewritten global's initializer: its macros and __COUNTER__s as
      // at the declaration.
      if (const auto *VD = dyn_cast<VarDecl>(D); VD && States && Uses) {
        Ok &= States->writeCounters(*VD, blockRange(VD, LC), LC);
        Moved.push_back(VD);
      }
      if (Protos.empty())
        continue;
      SourceLocation Begin = LC.SM.getExpansionLoc(D->getBeginLoc());
      std::string Text = "\n" + LC.pinned(Protos, Begin) +
                         LC.lineMarker(Begin) + LC.columnPad(Begin);
      LC.replace(CharSourceRange::getCharRange(Begin, Begin),
                 [Text] { return Text; });
    }
  }
  for (auto &[F, LC] : Contexts)
    LC->applyReplacements();
  if (States)
    for (const NamedDecl *D : Moved) {
      LoweringContext &LC = contextFor(D);
      const auto *FD = dyn_cast<FunctionDecl>(D);
      CharSourceRange Block =
          FD ? blockRange(FD, LC.SM) : blockRange(cast<VarDecl>(D), LC);
      StateText S;
      std::string Text = LC.pieceText(LC.offsetIn(Block.getBegin()),
                                      LC.offsetIn(Block.getEnd()));
      Ok &= States->around(*D, Block, Text, S);
      LC.wrap(Block, S.Before, S.After);
    }
  return Ok;
}

/// A rewritten definition that is not async, appended: its `__COUNTER__`s
/// as the values they took, its body's floating-point state first in it
/// (its macros and regions are kept around it with the blocks').
bool TULowering::keepState(const FunctionDecl &FD, LoweringContext &LC) {
  std::string Pragmas;
  if (!States->fpPragmas(FD, Pragmas) ||
      !States->writeCounters(FD, blockRange(&FD, LC.SM), LC))
    return false;
  if (Pragmas.empty())
    return true;
  SourceLocation In =
      cast<CompoundStmt>(FD.getBody())->getLBracLoc().getLocWithOffset(1);
  std::string Text = "\n" + Pragmas + LC.lineMarker(In) + LC.columnPad(In);
  LC.replace(CharSourceRange::getCharRange(In, In), [Text] { return Text; });
  return true;
}

/// The pieces of \p F: each declaration of it whose text the lowering
/// edited, with what it inserted at either end (prototypes and moved local
/// types before, the start function after), overlapping ones merged.
/// An edit outside every piece makes \p LC inconsistent: no text may be
/// added anywhere but around a declaration, or the pieces alone would miss
/// it.
std::vector<LoweredPiece> TULowering::piecesOf(FileID F,
                                               const LoweringContext &LC) {
  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  std::vector<LoweredPiece> Pieces;
  for (const Decl *D : Decls) {
    if (fileOf(SM, D) != F)
      continue;
    SourceLocation BeginLoc = SM.getExpansionLoc(D->getBeginLoc());
    CharSourceRange Range =
        Lexer::getAsCharRange(SM.getExpansionRange(D->getEndLoc()), SM, LO);
    unsigned Begin = LC.offsetIn(BeginLoc);
    unsigned End = LC.offsetIn(Range.getEnd());
    bool Standalone = true;
    if (isa<VarDecl>(D)) {
      // A variable's piece is its whole declaration, the declarators after
      // it (which begin where it does) and the `;` included; one that goes
      // on otherwise is not a declaration alone.
      for (const Decl *Next = D->getNextDeclInContext();
           Next && isa<VarDecl>(Next) &&
           Next->getBeginLoc() == D->getBeginLoc();
           Next = Next->getNextDeclInContext())
        Range = Lexer::getAsCharRange(SM.getExpansionRange(Next->getEndLoc()),
                                      SM, LO);
      CharSourceRange Semi = LC.withSemicolon(
          CharSourceRange::getCharRange(BeginLoc, Range.getEnd()));
      Standalone = Semi.getEnd() != Range.getEnd();
      End = LC.offsetIn(Semi.getEnd());
    }
    if (!LC.editedAround(Begin, End))
      continue;
    if (!Pieces.empty() && Begin <= Pieces.back().End) {
      LoweredPiece &Last = Pieces.back();
      Last.Decls.push_back(D);
      Last.Standalone &= Standalone;
      Last.End = std::max(Last.End, End);
      continue;
    }
    LoweredPiece P;
    P.Decls.push_back(D);
    P.Begin = Begin;
    P.End = End;
    P.Place = LC.placedAt(BeginLoc);
    P.IncludedFrom = LC.includeStack(BeginLoc);
    P.Entry = LC.markerAt(BeginLoc);
    P.Standalone = Standalone;
    Pieces.push_back(std::move(P));
  }
  std::vector<std::pair<unsigned, unsigned>> Ranges;
  for (LoweredPiece &P : Pieces) {
    P.Text = LC.pieceText(P.Begin, P.End);
    Ranges.push_back({P.Begin, P.End});
  }
  if (!LC.editsOnlyIn(Ranges))
    EditOutsidePieces = true;
  return Pieces;
}

/// Which declarations to lower: every one with code in the main file, and
/// in each header that defines an async function or a function with coast
/// operations (a sync wrapper, `coast_block_on(f())`, of a header-only
/// library: compiled as written, it would call the marks). A system
/// header's definitions are not lowered; a used one calling the marks is
/// reported (checkSystemHeaders).
void TULowering::collect() {
  const SourceManager &SM = Ctx.getSourceManager();
  FileID Main = SM.getMainFileID();
  std::vector<const Decl *> WithCode;
  llvm::DenseSet<FileID> Lowered{Main};
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    if (!codeOf(D))
      continue;
    FileID F = fileOf(SM, D);
    const auto *FD = dyn_cast<FunctionDecl>(D);
    bool Async = FD && isAsyncFunction(FD);
    if (F != Main && !Async &&
        SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation()))) {
      if (D->isUsed() && isLoweredCode(D))
        SystemWithMarks.push_back(cast<NamedDecl>(D));
      continue;
    }
    WithCode.push_back(D);
    if (F != Main && !Lowered.count(F) && (Async || isLoweredCode(D))) {
      Lowered.insert(F);
      HeaderFiles.push_back(F);
    }
  }
  for (const Decl *D : WithCode)
    if (Lowered.count(fileOf(SM, D)))
      Decls.push_back(D);
}

/// Headers are lowered by giving their file new contents, so each must be
/// plain text read once: static definitions (each translation unit gets
/// its own copy), not from a precompiled header, not included twice.
bool TULowering::checkHeaderFiles() {
  const SourceManager &SM = Ctx.getSourceManager();
  bool Ok = true;
  llvm::DenseSet<const FileEntry *> Seen;
  for (FileID F : HeaderFiles) {
    OptionalFileEntryRef FE = SM.getFileEntryRefForID(F);
    if (!FE || !Seen.insert(&FE->getFileEntry()).second) {
      Handler.unsupported(SM.getIncludeLoc(F),
                          "this header has async code and is included "
                          "more than once (or is not a file); "
                          "give it an include guard");
      Ok = false;
    }
  }
  for (const Decl *D : Decls) {
    if (fileOf(SM, D) == SM.getMainFileID())
      continue;
    const auto *FD = dyn_cast<FunctionDecl>(D);
    bool Async = FD && isAsyncFunction(FD);
    // Every definition of a lowered header, a sync wrapper's too: the
    // header's new contents would override the precompiled one's.
    if (D->isFromASTFile()) {
      const auto *ND = dyn_cast<NamedDecl>(D);
      std::string Name = ND ? "'" + ND->getNameAsString() + "'" : "code";
      Handler.unsupported(D->getLocation(),
                          (Async ? "async function " : "") + Name +
                              (Async ? "" : ", which has async code,") +
                              " comes from a precompiled header; include "
                              "its header without precompiling it");
      Ok = false;
    } else if (Async && FD->getStorageClass() != SC_Static) {
      Handler.unsupported(FD->getLocation(),
                          "async function '" + FD->getName().str() +
                              "' is defined in a header without 'static': "
                              "every file including it would define it; "
                              "make it 'static inline async' or define it "
                              "in a .c file");
      Ok = false;
    }
  }
  return Ok;
}

/// A variadic async function has no fixed frame; a definition is reported
/// by its plan, a declaration alone (defined in another file) here: its
/// start function could not be declared.
bool TULowering::checkVariadicDeclarations() {
  bool Ok = true;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    // Variadic first: most of a file's declarations are its headers'
    // prototypes, and the attribute lookup walks each one's redeclarations.
    if (!FD || !FD->isFirstDecl() || !FD->isVariadic() ||
        !isAsyncFunction(FD) || FD->isDefined())
      continue;
    Handler.unsupported(FD->getLocation(),
                        "async function '" + FD->getName().str() +
                            "' is variadic; async functions take a fixed "
                            "list of parameters");
    Ok = false;
  }
  return Ok;
}

LoweringResult TULowering::run(bool Emit) {
  LoweringResult R;
  R.Ok = checkVariadicDeclarations();
  collect();
  for (const NamedDecl *D : SystemWithMarks) {
    Handler.unsupported(D->getLocation(),
                        "'" + D->getNameAsString() +
                            "' has async code in a system header, whose "
                            "code the plugin does not lower; include its "
                            "header with -I, not -isystem");
    R.Ok = false;
  }
  bool HasAsync = false;
  for (const Decl *D : Decls) {
    const DeclUses &U = UsesOf[D] = usesIn(codeOf(D));
    const auto *FD = dyn_cast<FunctionDecl>(D);
    HasAsync |= (FD && isAsyncFunction(FD)) || !U.Marks.empty() ||
                !U.FunctionValues.empty();
  }
  if (!HasAsync)
    return R;
  const SourceManager &SM = Ctx.getSourceManager();
  // Lowered code names the runtime's ABI; only coast.h declares it.
  if (Ctx.getTranslationUnitDecl()
          ->lookup(DeclarationName(&Ctx.Idents.get("coast__task_alloc")))
          .empty()) {
    Handler.unsupported(SM.getLocForStartOfFile(SM.getMainFileID()),
                        "this file has async code but does not include "
                        "<coast.h>, which declares the runtime it needs");
    R.Ok = false;
    return R;
  }
  R.Ok = checkHeaderFiles() && plan() && R.Ok;
  if (!R.Ok || !Emit)
    return R;
  if (!emit()) {
    R.Ok = false;
    return R;
  }
  bool Inconsistent = false;
  for (auto &[F, LC] : Contexts) {
    std::vector<LoweredPiece> Pieces = piecesOf(F, *LC);
    Inconsistent |= LC->inconsistent();
    std::string Text = assembleFile(LC->original(), Pieces);
    if (F == SM.getMainFileID())
      R.Text = std::move(Text);
    else
      R.Headers.push_back({*SM.getFileEntryRefForID(F), std::move(Text)});
    for (LoweredPiece &P : Pieces)
      R.Pieces.push_back(std::move(P));
  }
  // Decls is in translation-unit order: the pieces go as their first
  // declarations went.
  llvm::DenseMap<const Decl *, size_t> Order;
  for (const Decl *D : Decls)
    Order[D] = Order.size();
  llvm::sort(R.Pieces, [&](const LoweredPiece &A, const LoweredPiece &B) {
    return Order[A.Decls.front()] < Order[B.Decls.front()];
  });
  Inconsistent |= EditOutsidePieces;
  if (Inconsistent) {
    Handler.unsupported(SM.getLocForStartOfFile(SM.getMainFileID()),
                        "internal error: the lowering of this file made "
                        "overlapping edits; please report it with the file");
    R.Ok = false;
    R.Text.reset();
    R.Headers.clear();
  }
  return R;
}

} // namespace

bool isLoweredCode(const Decl *D) {
  const auto *FD = dyn_cast<FunctionDecl>(D);
  if (FD && isAsyncFunction(FD))
    return true;
  DeclUses U = usesIn(codeOf(D));
  return !U.Marks.empty() || !U.FunctionValues.empty();
}

bool hasAsyncCode(ASTContext &Ctx) {
  return llvm::any_of(mainFileDecls(Ctx), isLoweredCode);
}

const FunctionDecl *usedHeaderAsyncCode(ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (FD && FD->isReferenced() && FD->doesThisDeclarationHaveABody() &&
        fileOf(SM, FD) != SM.getMainFileID() &&
        !SM.isInSystemHeader(SM.getExpansionLoc(FD->getLocation())) &&
        isLoweredCode(FD))
      return FD;
  }
  return nullptr;
}

LoweringResult lowerTranslationUnit(ASTContext &Ctx, CheckHandler &Handler,
                                    bool Emit, FunctionAnalyses &Analyses,
                                    const CounterExpansions &Counters,
                                    const MacroTests &Tests,
                                    const SkippedBranches &Skipped,
                                    const TranslationUnitEnd *End,
                                    Placement Where) {
  return TULowering(Ctx, Handler, Analyses, Counters, Tests, Skipped, End,
                    Where)
      .run(Emit);
}

} // namespace coast
