//===- Asyncify.cpp - turn a Csmith program into an async one -------------===//
//
// `coast-asyncify [options] <file.c> [-- <clang args>]` prints <file.c> with
// every function it defines except `main` made `async`, and awaits inserted
// at random (but seeded) places, for the differential harness
// (test/difftest/run.sh): the program printed must compute what the input
// computes, lowered by the plugin and as plain C.
//
// It edits the text (offsets of the parsed AST), so what it does not touch
// stays as written:
//   * `async ` before each declaration of a function the file defines;
//   * each call of such a function is `await(...)`, or in `main`
//     `coast_block_on(...)`;
//   * some evaluated rvalues (integer, pointer, struct or union prvalues of
//     an async function) become `await(coast_id_N(e))`, where
//     `coast_id_N` is an async identity function generated per type, or
//     `(await(coast_yield()), e)`;
//   * `await(coast_yield());` statements before some statements of blocks,
//     after labels, and as the first statement of a braced loop or if body.
//
// Never wrapped: lvalues (only prvalues are candidates, so assignment
// targets, ++/-- and & operands stay as written), unevaluated operands,
// case labels and array sizes (never visited), static initializers, null
// pointer constants and what they contain (a wrapped 0 is no longer one),
// bit-field reads (their promotion depends on the width the identity
// function's type loses), function designators, and anything a macro
// spells.
//
//===----------------------------------------------------------------------===//

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Lex/Lexer.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#ifndef COAST_ASYNCIFY_RESOURCE_DIR
#error "COAST_ASYNCIFY_RESOURCE_DIR: Clang's resource directory, set by CMake"
#endif

using namespace clang;
using namespace llvm;

namespace {

cl::opt<std::string> Input(cl::Positional, cl::desc("<file.c>"), cl::Required);
cl::list<std::string> ClangArgs(cl::ConsumeAfter, cl::desc("<clang args>"));
cl::opt<unsigned> Seed("seed", cl::desc("Random seed"), cl::init(1));
cl::opt<double> ExprRate("expr-rate",
                         cl::desc("Probability that a candidate rvalue is "
                                  "awaited"),
                         cl::init(0.08));
cl::opt<double> StmtRate("stmt-rate",
                         cl::desc("Probability of a yield statement before a "
                                  "statement"),
                         cl::init(0.25));

/// One insertion into the main file. At one offset, closing text goes
/// before opening text (what ends there was opened earlier), inner closings
/// before outer ones and outer openings before inner ones.
struct Edit {
  unsigned Offset;
  bool Opening;
  int Depth;
  unsigned Serial;
  std::string Text;

  bool operator<(const Edit &O) const {
    if (Offset != O.Offset)
      return Offset < O.Offset;
    if (Opening != O.Opening)
      return !Opening;
    if (Depth != O.Depth)
      return Opening ? Depth < O.Depth : Depth > O.Depth;
    return Serial < O.Serial;
  }
};

class Asyncifier {
public:
  Asyncifier(ASTContext &Ctx) : Ctx(Ctx), SM(Ctx.getSourceManager()) {
    Rng.seed(Seed);
  }

  /// Returns the edited main file, or an empty string when the file has
  /// nothing to make async.
  std::string run();

private:
  ASTContext &Ctx;
  SourceManager &SM;
  std::mt19937 Rng;
  std::set<const FunctionDecl *> Async;
  std::vector<Edit> Edits;
  std::map<std::string, std::string> IdFunctions; // type -> function name
  std::string IdDefinitions;
  bool InMain = false;

  bool chance(double P) {
    return std::uniform_real_distribution<double>(0, 1)(Rng) < P;
  }

  bool inMainFile(SourceLocation L) const {
    return L.isValid() && L.isFileID() && SM.isInMainFile(L);
  }
  unsigned offset(SourceLocation L) const { return SM.getFileOffset(L); }
  /// The offset just past the token at \p L.
  unsigned endOffset(SourceLocation L) const {
    return offset(Lexer::getLocForEndOfToken(L, 0, SM, Ctx.getLangOpts()));
  }

  void insert(unsigned Offset, bool Opening, int Depth, StringRef Text) {
    Edits.push_back(
        {Offset, Opening, Depth, unsigned(Edits.size()), Text.str()});
  }
  void wrap(const Expr *E, int Depth, StringRef Open, StringRef Close) {
    insert(offset(E->getBeginLoc()), true, Depth, Open);
    insert(endOffset(E->getEndLoc()), false, Depth, Close);
  }

  std::string identityFor(QualType T);
  bool isCandidate(const Expr *E) const;
  void expr(const Expr *E, int Depth, bool MayWrap);
  void stmt(const Stmt *S, int Depth);
  void body(const Stmt *S, int Depth);
};

std::string Asyncifier::identityFor(QualType T) {
  T = Ctx.getCanonicalType(T).getUnqualifiedType();
  PrintingPolicy Policy(Ctx.getLangOpts());
  std::string Key = T.getAsString(Policy);
  auto [It, New] = IdFunctions.try_emplace(Key);
  if (New) {
    std::string N = std::to_string(IdFunctions.size() - 1);
    It->second = "coast_id_" + N;
    // A typedef spells every type, pointers to arrays included.
    std::string Decl;
    raw_string_ostream OS(Decl);
    OS << "typedef ";
    T.print(OS, Policy, "coast_T" + N);
    OS << ";\nstatic async coast_T" << N << " coast_id_" << N << "(coast_T" << N
       << " v) { return v; }\n";
    IdDefinitions += OS.str();
  }
  return It->second;
}

bool Asyncifier::isCandidate(const Expr *E) const {
  if (!E->isPRValue() || isa<InitListExpr>(E) ||
      !inMainFile(E->getBeginLoc()) || !inMainFile(E->getEndLoc()))
    return false;
  QualType T = E->getType();
  if (!T->isIntegerType() && !T->isRecordType() &&
      !(T->isPointerType() && !T->isFunctionPointerType()))
    return false;
  const Expr *Read = E->IgnoreParens();
  if (const auto *Cast = dyn_cast<ImplicitCastExpr>(Read))
    Read = Cast->getSubExpr();
  return !Read->refersToBitField() && !E->refersToBitField();
}

void Asyncifier::expr(const Expr *E, int Depth, bool MayWrap) {
  if (!E)
    return;
  // Nothing inside a null pointer constant or an unevaluated operand.
  if (E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
    return;
  if (isa<UnaryExprOrTypeTraitExpr>(E) || isa<GenericSelectionExpr>(E) ||
      isa<StmtExpr>(E))
    return;

  bool Awaited = false;
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    Awaited = Callee && Async.count(Callee->getFirstDecl());
    if (!Awaited)
      expr(Call->getCallee(), Depth + 1, false);
    for (const Expr *Arg : Call->arguments())
      expr(Arg, Depth + 1, true);
  } else if (const auto *Cast = dyn_cast<ImplicitCastExpr>(E)) {
    expr(Cast->getSubExpr(), Depth + 1, true);
  } else if (const auto *Init = dyn_cast<InitListExpr>(E)) {
    for (const Expr *Elt : Init->inits())
      expr(Elt, Depth + 1, true);
  } else {
    for (const Stmt *Child : E->children())
      expr(dyn_cast_or_null<Expr>(Child), Depth + 1, true);
  }

  if (Awaited) {
    if (InMain)
      wrap(E, Depth + 1, "coast_block_on(", ")");
    else
      wrap(E, Depth + 1, "await(", ")");
  }
  if (InMain || !MayWrap || !isCandidate(E) || !chance(ExprRate))
    return;
  if (chance(0.25))
    wrap(E, Depth, "(await(coast_yield()), (", "))");
  else // The parentheses keep a comma expression one argument.
    wrap(E, Depth, "await(" + identityFor(E->getType()) + "((", ")))");
}

void Asyncifier::body(const Stmt *S, int Depth) {
  // A single statement as a body becomes a block that yields first.
  if (!InMain && !isa<CompoundStmt>(S) && inMainFile(S->getBeginLoc()) &&
      chance(StmtRate)) {
    std::optional<unsigned> End;
    if (const auto *Null = dyn_cast<NullStmt>(S))
      End = offset(Null->getSemiLoc()) + 1;
    else if (isa<Expr>(S) || isa<ReturnStmt>(S) || isa<BreakStmt>(S) ||
             isa<ContinueStmt>(S) || isa<GotoStmt>(S)) {
      SourceLocation After = Lexer::findLocationAfterToken(
          S->getEndLoc(), tok::semi, SM, Ctx.getLangOpts(), false);
      if (inMainFile(After))
        End = offset(After);
    }
    if (End) {
      insert(offset(S->getBeginLoc()), true, Depth, "{ await(coast_yield()); ");
      insert(*End, false, Depth, " }");
    }
  }
  stmt(S, Depth);
}

void Asyncifier::stmt(const Stmt *S, int Depth) {
  if (!S)
    return;
  if (const auto *E = dyn_cast<Expr>(S))
    return expr(E, Depth, true);
  auto Yield = [&](SourceLocation L) {
    if (!InMain && inMainFile(L) && chance(StmtRate))
      insert(offset(L), true, Depth, "await(coast_yield()); ");
  };
  switch (S->getStmtClass()) {
  case Stmt::CompoundStmtClass: {
    const auto *Block = cast<CompoundStmt>(S);
    for (const Stmt *Child : Block->body()) {
      Yield(Child->getBeginLoc());
      stmt(Child, Depth + 1);
    }
    Yield(Block->getRBracLoc());
    return;
  }
  case Stmt::DeclStmtClass:
    for (const Decl *D : cast<DeclStmt>(S)->decls())
      if (const auto *V = dyn_cast<VarDecl>(D))
        if (V->hasLocalStorage())
          expr(V->getInit(), Depth + 1, true);
    return;
  case Stmt::IfStmtClass: {
    const auto *If = cast<IfStmt>(S);
    expr(If->getCond(), Depth + 1, true);
    body(If->getThen(), Depth + 1);
    if (If->getElse())
      body(If->getElse(), Depth + 1);
    return;
  }
  case Stmt::ForStmtClass: {
    const auto *For = cast<ForStmt>(S);
    stmt(For->getInit(), Depth + 1);
    expr(For->getCond(), Depth + 1, true);
    expr(For->getInc(), Depth + 1, true);
    body(For->getBody(), Depth + 1);
    return;
  }
  case Stmt::WhileStmtClass: {
    const auto *While = cast<WhileStmt>(S);
    expr(While->getCond(), Depth + 1, true);
    body(While->getBody(), Depth + 1);
    return;
  }
  case Stmt::DoStmtClass: {
    const auto *Do = cast<DoStmt>(S);
    body(Do->getBody(), Depth + 1);
    expr(Do->getCond(), Depth + 1, true);
    return;
  }
  case Stmt::SwitchStmtClass: {
    const auto *Switch = cast<SwitchStmt>(S);
    expr(Switch->getCond(), Depth + 1, true);
    stmt(Switch->getBody(), Depth + 1);
    return;
  }
  case Stmt::CaseStmtClass:
  case Stmt::DefaultStmtClass:
  case Stmt::LabelStmtClass: {
    // After the label, the yield and the statement run in its place.
    const Stmt *Sub = isa<LabelStmt>(S) ? cast<LabelStmt>(S)->getSubStmt()
                                        : cast<SwitchCase>(S)->getSubStmt();
    Yield(Sub->getBeginLoc());
    stmt(Sub, Depth + 1);
    return;
  }
  case Stmt::ReturnStmtClass:
    return expr(cast<ReturnStmt>(S)->getRetValue(), Depth + 1, true);
  default:
    return;
  }
}

std::string Asyncifier::run() {
  std::vector<const FunctionDecl *> Decls;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (const auto *F = dyn_cast<FunctionDecl>(D))
      if (inMainFile(F->getBeginLoc()))
        Decls.push_back(F);
  for (const FunctionDecl *F : Decls)
    if (F->doesThisDeclarationHaveABody() && !F->isMain())
      Async.insert(F->getFirstDecl());
  if (Async.empty())
    return "";

  for (const FunctionDecl *F : Decls) {
    if (!Async.count(F->getFirstDecl()) && !F->isMain())
      continue;
    if (!F->isMain())
      insert(offset(F->getBeginLoc()), true, 0, "async ");
    if (F->doesThisDeclarationHaveABody()) {
      InMain = F->isMain();
      stmt(F->getBody(), 1);
    }
  }

  StringRef Text = SM.getBufferData(SM.getMainFileID());
  // The identity functions go before the first function: after every type
  // Csmith declares.
  insert(offset(Decls.front()->getBeginLoc()), true, -1, IdDefinitions);
  insert(0, true, -2, "#include <coast.h>\n");
  std::sort(Edits.begin(), Edits.end());
  std::string Out;
  unsigned Pos = 0;
  for (const Edit &E : Edits) {
    Out += Text.substr(Pos, E.Offset - Pos);
    Out += E.Text;
    Pos = E.Offset;
  }
  Out += Text.substr(Pos);
  return Out;
}

} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(
      argc, argv,
      "coast-asyncify: makes a C program's functions async and inserts "
      "awaits\n");
  auto Code = MemoryBuffer::getFile(Input);
  if (!Code) {
    errs() << "coast-asyncify: cannot read " << Input << ": "
           << Code.getError().message() << "\n";
    return 2;
  }
  std::vector<std::string> Args;
  for (const std::string &A : ClangArgs)
    if (A != "--") // cl::ConsumeAfter keeps the separator
      Args.push_back(A);
  Args.push_back("-resource-dir=" COAST_ASYNCIFY_RESOURCE_DIR);
  std::unique_ptr<ASTUnit> AST = tooling::buildASTFromCodeWithArgs(
      (*Code)->getBuffer(), Args, Input, "coast-asyncify");
  if (!AST || AST->getDiagnostics().hasErrorOccurred()) {
    errs() << "coast-asyncify: " << Input << " does not compile\n";
    return 1;
  }
  std::string Out = Asyncifier(AST->getASTContext()).run();
  if (Out.empty()) {
    errs() << "coast-asyncify: " << Input << " defines no function to make "
           << "async\n";
    return 1;
  }
  outs() << Out;
  return 0;
}
