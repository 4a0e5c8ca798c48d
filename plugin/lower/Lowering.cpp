//===- Lowering.cpp - Lowering a translation unit's async code ------------===//

#include "Lowering.h"
#include "AsyncAST.h"
#include "AsyncFunctionPlan.h"
#include "CoastAttrs.h"
#include "FrameLayout.h"
#include "GeneratedNames.h"
#include "LoweringContext.h"
#include "StateMachine.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

#include <deque>

using namespace clang;

namespace coast {

namespace {

/// The coast_block_on and coast_spawn marks of one function body.
std::vector<Mark> runtimeMarks(const FunctionDecl *FD) {
  struct Finder : RecursiveASTVisitor<Finder> {
    std::vector<Mark> Found;
    bool VisitParenExpr(ParenExpr *PE) {
      if (std::optional<Mark> M = matchMark(PE);
          M && (M->Kind == MarkKind::BlockOn || M->Kind == MarkKind::Spawn) &&
          asyncCallee(M->Operand))
        Found.push_back(*M);
      return true;
    }
  } F;
  F.TraverseStmt(FD->getBody());
  return F.Found;
}

/// Function definitions in the order the lowering visits them: the main
/// file's, in source order.
std::vector<const FunctionDecl *> mainFileFunctions(ASTContext &Ctx) {
  std::vector<const FunctionDecl *> Out;
  const SourceManager &SM = Ctx.getSourceManager();
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (FD && FD->doesThisDeclarationHaveABody() &&
        SM.isWrittenInMainFile(SM.getExpansionLoc(FD->getLocation())))
      Out.push_back(FD);
  }
  return Out;
}

class MainFileLowering {
public:
  MainFileLowering(ASTContext &Ctx, CheckHandler &H) : Ctx(Ctx), Handler(H) {}

  LoweringResult run(bool Emit);

private:
  bool plan();
  void emit(LoweringContext &LC);
  std::string prototypesFor(const FunctionDecl *FD, LoweringContext &LC);
  void rewriteMark(const Mark &M, LoweringContext &LC);
  FrameSource sourceOf(const FunctionDecl *Callee) const;

  ASTContext &Ctx;
  CheckHandler &Handler;
  std::vector<const FunctionDecl *> Functions;
  /// The coast_block_on and coast_spawn marks of each function.
  llvm::DenseMap<const FunctionDecl *, std::vector<Mark>> MarksOf;
  std::deque<AsyncFunctionPlan> Plans; // stable: replacements point in
  llvm::DenseMap<const FunctionDecl *, const AsyncFunctionPlan *> PlanOf;
  /// Async functions whose definitions are lowered so far, in source order.
  llvm::DenseSet<const FunctionDecl *> Defined;
  /// Start functions declared or defined so far in the lowered text.
  llvm::StringSet<> StartDeclared;
};

FrameSource MainFileLowering::sourceOf(const FunctionDecl *Callee) const {
  if (hasCoastAttr(Callee, CoastAttr::BoxAsync))
    return FrameSource::Box;
  const FunctionDecl *Def = Callee->getDefinition();
  return Def && Defined.count(Def) ? FrameSource::Embedded
                                   : FrameSource::FrameStack;
}

bool MainFileLowering::plan() {
  bool Ok = true;
  const SourceManager &SM = Ctx.getSourceManager();
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (FD && FD->doesThisDeclarationHaveABody() && isAsyncFunction(FD) &&
        !SM.isWrittenInMainFile(SM.getExpansionLoc(FD->getLocation()))) {
      Handler.unsupported(FD->getLocation(),
                          "async function '" + FD->getName().str() +
                              "' is defined in a header; define it in a .c "
                              "file and declare it in the header");
      Ok = false;
    }
  }
  for (const FunctionDecl *FD : Functions)
    for (const Mark &M : MarksOf[FD])
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
  for (const FunctionDecl *FD : Functions) {
    if (!isAsyncFunction(FD))
      continue;
    Plans.emplace_back();
    auto SourceOf = [this](const FunctionDecl *C) { return sourceOf(C); };
    if (!planAsyncFunction(FD, Ctx, SourceOf, Handler, Plans.back()))
      Ok = false;
    PlanOf[FD] = &Plans.back();
    Defined.insert(FD);
  }
  return Ok;
}

/// Prototypes of the start functions \p FD calls that are not declared yet.
std::string MainFileLowering::prototypesFor(const FunctionDecl *FD,
                                            LoweringContext &LC) {
  std::vector<const FunctionDecl *> Callees;
  if (const AsyncFunctionPlan *P = PlanOf.lookup(FD))
    for (const SuspendPoint &Pt : P->Points)
      if (Pt.Source != FrameSource::Embedded)
        Callees.push_back(Pt.Callee);
  for (const Mark &M : MarksOf.lookup(FD))
    Callees.push_back(asyncCallee(M.Operand));
  std::string S;
  for (const FunctionDecl *C : Callees)
    if (StartDeclared.insert(generatedName(C->getName(), "start")).second)
      S += startPrototype(C, LC);
  return S;
}

void MainFileLowering::rewriteMark(const Mark &M, LoweringContext &LC) {
  const auto *Call = cast<CallExpr>(M.Operand);
  const FunctionDecl *Callee = asyncCallee(Call);
  LC.replace(LC.fileRange(M.Whole->getSourceRange()), [&LC, M, Call, Callee] {
    std::string Start =
        generatedName(Callee->getName(), "start") + "(&coast__task_alloc";
    for (const Expr *A : Call->arguments())
      Start += ", " + LC.text(A->getSourceRange());
    Start += ")";
    if (M.Kind == MarkKind::Spawn)
      return "coast__spawn(" + Start + ")";
    QualType RT = Callee->getReturnType();
    bool Void = RT->isVoidType();
    std::string Name = Callee->getName().str();
    return "({ " + (Void ? "" : LC.typeName(RT) + " __coast_r; ") +
           "int __coast_rc = coast__block_on(" + Start + ", " +
           (Void ? "0" : "&__coast_r") +
           "); if (__coast_rc) coast__block_on_failed(__coast_rc, \"" + Name +
           "\"); " + (Void ? "" : "__coast_r; ") + "})";
  });
}

void MainFileLowering::emit(LoweringContext &LC) {
  for (const FunctionDecl *FD : Functions) {
    std::string Protos = prototypesFor(FD, LC);
    for (const Mark &M : MarksOf[FD])
      rewriteMark(M, LC);
    if (const AsyncFunctionPlan *P = PlanOf.lookup(FD)) {
      StartDeclared.insert(generatedName(P->Name, "start"));
      emitStateMachine(*P, LC, Protos + framePrelude(*P, LC));
    } else if (!Protos.empty()) {
      SourceLocation Begin = LC.SM.getExpansionLoc(FD->getBeginLoc());
      std::string Text = "\n" + LC.pinned(Protos, Begin) +
                         LC.lineMarker(Begin) + LC.columnPad(Begin);
      LC.replace(CharSourceRange::getCharRange(Begin, Begin),
                 [Text] { return Text; });
    }
  }
  LC.applyReplacements();
}

LoweringResult MainFileLowering::run(bool Emit) {
  LoweringResult R;
  Functions = mainFileFunctions(Ctx);
  bool HasAsync = false;
  for (const FunctionDecl *FD : Functions) {
    MarksOf[FD] = runtimeMarks(FD);
    HasAsync |= isAsyncFunction(FD) || !MarksOf[FD].empty();
  }
  if (!HasAsync)
    return R;
  // Lowered code names the runtime's ABI; only coast.h declares it.
  if (Ctx.getTranslationUnitDecl()
          ->lookup(DeclarationName(&Ctx.Idents.get("coast__task_alloc")))
          .empty()) {
    const SourceManager &SM = Ctx.getSourceManager();
    Handler.unsupported(SM.getLocForStartOfFile(SM.getMainFileID()),
                        "this file has async code but does not include "
                        "<coast.h>, which declares the runtime it needs");
    R.Ok = false;
    return R;
  }
  R.Ok = plan();
  if (!R.Ok || !Emit)
    return R;
  LoweringContext LC(Ctx);
  emit(LC);
  R.Text = LC.mainFileText();
  if (LC.inconsistent()) {
    const SourceManager &SM = Ctx.getSourceManager();
    Handler.unsupported(SM.getLocForStartOfFile(SM.getMainFileID()),
                        "internal error: the lowering of this file made "
                        "overlapping edits; please report it with the file");
    R.Ok = false;
    R.Text.reset();
  }
  return R;
}

} // namespace

bool hasAsyncCode(ASTContext &Ctx) {
  for (const FunctionDecl *FD : mainFileFunctions(Ctx))
    if (isAsyncFunction(FD) || !runtimeMarks(FD).empty())
      return true;
  return false;
}

LoweringResult lowerMainFile(ASTContext &Ctx, CheckHandler &Handler,
                             bool Emit) {
  return MainFileLowering(Ctx, Handler).run(Emit);
}

} // namespace coast
