//===- RecursionCheck.cpp - Async recursion needs a boxed frame -----------===//

#include "RecursionCheck.h"
#include "AsyncAST.h"
#include "CoastAttrs.h"
#include "EvaluatedVisitor.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <vector>

using namespace clang;

namespace coast {

namespace {

struct Edge {
  const FunctionDecl *Callee;
  SourceLocation Loc;
};

/// The async functions a definition awaits directly, unboxed: the edges of
/// the await graph. Calls through box(...) allocate the callee's frame on
/// their own, and cross-unit callees take theirs at run time: no edge.
class AwaitEdges : public EvaluatedVisitor<AwaitEdges> {
public:
  bool VisitParenExpr(ParenExpr *PE) {
    std::optional<Mark> M = matchMark(PE);
    if (!M || M->Kind != MarkKind::Await)
      return true;
    if (const FunctionDecl *Callee = asyncCallee(M->Operand))
      if (const FunctionDecl *Def = Callee->getDefinition())
        Edges.push_back({Def, M->Operand->getBeginLoc()});
    return true;
  }
  std::vector<Edge> Edges;
};

class RecursionFinder {
public:
  RecursionFinder(ASTContext &Ctx, CheckHandler &H) : Ctx(Ctx), Handler(H) {}

  void run() {
    for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
      if (const auto *FD = dyn_cast<FunctionDecl>(D);
          FD && FD->doesThisDeclarationHaveABody() && isAsyncFunction(FD)) {
        AwaitEdges V;
        V.TraverseStmt(FD->getBody());
        Graph[FD] = std::move(V.Edges);
        Order.push_back(FD);
      }
    for (const FunctionDecl *FD : Order)
      if (!Index.count(FD))
        strongConnect(FD);
  }

private:
  // Tarjan's algorithm; the graph is one translation unit's async functions.
  void strongConnect(const FunctionDecl *V) {
    unsigned I = Next++;
    Index[V] = I;
    Low[V] = I;
    Stack.push_back(V);
    OnStack[V] = true;
    for (const Edge &E : Graph[V]) {
      if (!Graph.count(E.Callee))
        continue;
      if (!Index.count(E.Callee)) {
        strongConnect(E.Callee);
        Low[V] = std::min(Low[V], Low[E.Callee]);
      } else if (OnStack[E.Callee]) {
        Low[V] = std::min(Low[V], Index[E.Callee]);
      }
    }
    if (Low[V] != Index[V])
      return;
    llvm::SmallVector<const FunctionDecl *, 4> Component;
    const FunctionDecl *W;
    do {
      W = Stack.back();
      Stack.pop_back();
      OnStack[W] = false;
      Component.push_back(W);
    } while (W != V);
    report(Component);
  }

  void report(llvm::SmallVectorImpl<const FunctionDecl *> &Component) {
    auto InComponent = [&](const FunctionDecl *F) {
      return llvm::is_contained(Component, F);
    };
    std::vector<CheckHandler::CycleCall> Calls;
    const SourceManager &SM = Ctx.getSourceManager();
    for (const FunctionDecl *F : Component)
      for (const Edge &E : Graph[F])
        if (InComponent(E.Callee))
          Calls.push_back({E.Loc, F->getName().str(),
                           E.Callee->getName().str()});
    if (Calls.empty())
      return; // a function that awaits no function of its own component
    for (const FunctionDecl *F : Component)
      if (hasCoastAttr(F, CoastAttr::BoxAsync))
        return;
    std::sort(Calls.begin(), Calls.end(), [&](const auto &A, const auto &B) {
      return SM.isBeforeInTranslationUnit(A.Loc, B.Loc);
    });
    const FunctionDecl *First = *std::min_element(
        Component.begin(), Component.end(), [&](const auto *A, const auto *B) {
          return SM.isBeforeInTranslationUnit(A->getLocation(),
                                              B->getLocation());
        });
    reportCycle(First, Calls);
  }

  /// The fix-it turns First's `async` into `box_async` (in whichever
  /// spelling it was written), or adds `box_async` to the definition when
  /// `async` is written elsewhere.
  void reportCycle(const FunctionDecl *First,
                   const std::vector<CheckHandler::CycleCall> &Calls) {
    const SourceManager &SM = Ctx.getSourceManager();
    const LangOptions &LO = Ctx.getLangOpts();
    CharSourceRange Replace;
    SourceLocation InsertAt;
    std::string With;
    SourceLocation AttrLoc = SM.getExpansionLoc(First->getBeginLoc());
    for (const auto *AA : First->specific_attrs<AnnotateAttr>()) {
      if (AA->getAnnotation() != "coast.async")
        continue;
      SourceLocation Tok = SM.getExpansionLoc(AA->getLocation());
      StringRef Spelling = Lexer::getSourceText(
          CharSourceRange::getTokenRange(Tok), SM, LO);
      With = llvm::StringSwitch<std::string>(Spelling)
                 .Case("async", "box_async")
                 .Case("coast_async", "coast_box_async")
                 .Case("__async__", "__box_async__")
                 .Default("");
      if (!With.empty())
        Replace = CharSourceRange::getTokenRange(Tok);
    }
    if (!Replace.isValid() && AttrLoc.isFileID()) {
      InsertAt = AttrLoc;
      With = "coast_box_async ";
    }
    Handler.recursionNeedsBox(First->getLocation(), First->getName(), Replace,
                              InsertAt, With, Calls);
  }

  ASTContext &Ctx;
  CheckHandler &Handler;
  std::vector<const FunctionDecl *> Order;
  llvm::DenseMap<const FunctionDecl *, std::vector<Edge>> Graph;
  llvm::DenseMap<const FunctionDecl *, unsigned> Index, Low;
  llvm::DenseMap<const FunctionDecl *, bool> OnStack;
  std::vector<const FunctionDecl *> Stack;
  unsigned Next = 0;
};

} // namespace

void runRecursionCheck(ASTContext &Ctx, CheckHandler &Handler) {
  RecursionFinder(Ctx, Handler).run();
}

} // namespace coast
