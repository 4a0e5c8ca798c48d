//===- StateMachine.cpp - An async function as a resumable poll function --===//

#include "StateMachine.h"
#include "FrameLayout.h"
#include "GeneratedNames.h"

#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace coast {

namespace {

class StateMachineEmitter {
public:
  StateMachineEmitter(const AsyncFunctionPlan &P, LoweringContext &LC)
      : P(P), LC(LC), Frame(frameType(P.Name)) {}

  void run(const std::string &Prelude);

private:
  void renameRefs();
  void rewriteDecl(const DeclStmt *DS);
  std::string declText(const DeclStmt *DS, bool ForInit) const;
  void rewritePoint(const SuspendPoint &Pt);
  std::string pointText(const SuspendPoint &Pt) const;
  std::string varStore(const VarDecl *VD) const;
  std::string allocator(const SuspendPoint &Pt) const;
  std::string pollCall(const SuspendPoint &Pt) const;
  std::string header() const;
  std::string epilogue() const;
  CharSourceRange statementRange(const Stmt *S) const;

  const AsyncFunctionPlan &P;
  LoweringContext &LC;
  std::string Frame;
};

void StateMachineEmitter::run(const std::string &Prelude) {
  renameRefs();
  for (const DeclStmt *DS : P.FrameDecls)
    rewriteDecl(DS);
  for (const SuspendPoint &Pt : P.Points)
    if (Pt.Form != AwaitForm::Init)
      rewritePoint(Pt);

  const auto *Body = cast<CompoundStmt>(P.FD->getBody());
  SourceLocation Begin = LC.SM.getExpansionLoc(P.FD->getBeginLoc());
  SourceLocation LBrace = Body->getLBracLoc();
  std::string Head = "\n" + LC.pinned(Prelude + header(), Begin) +
                     LC.lineMarker(LBrace) + LC.columnPad(LBrace);
  LC.replace(CharSourceRange::getCharRange(Begin, LBrace),
             [Head] { return Head; });

  SourceLocation AfterBody = Body->getRBracLoc().getLocWithOffset(1);
  std::string Tail =
      "\n#undef return\n" + LC.pinned(epilogue(), Body->getRBracLoc()) +
      LC.lineMarker(Body->getRBracLoc()) + LC.columnPad(AfterBody);
  LC.replace(CharSourceRange::getCharRange(AfterBody, AfterBody),
             [Tail] { return Tail; });
}

void StateMachineEmitter::renameRefs() {
  llvm::DenseSet<unsigned> Done; // a macro argument may expand twice
  for (const DeclRefExpr *DRE : P.Refs) {
    SourceLocation Spelled = LC.SM.getSpellingLoc(DRE->getLocation());
    if (!Done.insert(Spelled.getRawEncoding()).second)
      continue;
    const FrameVar *V = P.frameVar(cast<VarDecl>(DRE->getDecl()));
    LC.rename(DRE->getLocation(), "__co->" + V->Field);
  }
}

CharSourceRange StateMachineEmitter::statementRange(const Stmt *S) const {
  CharSourceRange R = LC.fileRange(S->getSourceRange());
  if (isa<DeclStmt>(S))
    return R; // its range ends with its ';'
  return LC.withSemicolon(R);
}

std::string StateMachineEmitter::varStore(const VarDecl *VD) const {
  const Expr *Init = VD->getInit();
  if (!Init)
    return "";
  return LC.store("__co->" + P.frameVar(VD)->Field, VD->getType(),
                  LC.text(Init->getSourceRange()), isa<InitListExpr>(Init));
}

/// A declaration of frame variables becomes the stores of its initializers;
/// in a `for` initializer, one comma expression.
void StateMachineEmitter::rewriteDecl(const DeclStmt *DS) {
  bool ForInit = P.ForInit.count(DS);
  // Replacements run after this emitter is gone: they hold a copy of it.
  LC.replace(statementRange(DS), [Self = *this, DS, ForInit] {
    return Self.declText(DS, ForInit);
  });
}

std::string StateMachineEmitter::declText(const DeclStmt *DS,
                                          bool ForInit) const {
  std::string S;
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !P.frameVar(VD))
      continue;
    if (ForInit) {
      if (const Expr *Init = VD->getInit())
        S += (S.empty() ? "" : ", ") + ("__co->" + P.frameVar(VD)->Field) +
             " = " + LC.text(Init->getSourceRange());
      continue;
    }
    bool IsPoint = false;
    for (const SuspendPoint &Pt : P.Points)
      if (Pt.Form == AwaitForm::Init && Pt.Var == VD) {
        S += pointText(Pt);
        IsPoint = true;
      }
    if (!IsPoint)
      S += varStore(VD);
    S += " ";
  }
  return S + ";";
}

void StateMachineEmitter::rewritePoint(const SuspendPoint &Pt) {
  LC.replace(statementRange(Pt.Anchor),
             [Self = *this, &Pt] { return Self.pointText(Pt); });
}

std::string StateMachineEmitter::allocator(const SuspendPoint &Pt) const {
  return Pt.Source == FrameSource::Box ? "(&coast__box_alloc)" : "__cx->frames";
}

std::string StateMachineEmitter::pollCall(const SuspendPoint &Pt) const {
  std::string Child = "__co->" + childMember(Pt);
  if (Pt.Source == FrameSource::Embedded)
    return generatedName(Pt.Callee->getName(), "poll") + "(&" + Child +
           ".__h, __cx)";
  return Child + "->fn->poll(" + Child + ", __cx)";
}

/// One line: start the callee, record the state, and the resume label
/// followed by the poll; then hand its result to the statement's shape.
std::string StateMachineEmitter::pointText(const SuspendPoint &Pt) const {
  std::string N = std::to_string(Pt.State);
  std::string Child = "__co->" + childMember(Pt);
  StringRef Callee = Pt.Callee->getName();
  std::string Args;
  for (const Expr *A : Pt.Call->arguments())
    Args += ", " + LC.text(A->getSourceRange());

  std::string S = "{ ";
  if (Pt.Source == FrameSource::Embedded) {
    S += generatedName(Callee, "init") + "(&" + Child + Args + "); ";
  } else {
    S += Child + " = " + generatedName(Callee, "start") + "(" + allocator(Pt) +
         Args + "); if (!" + Child + ") coast__out_of_frames(\"" +
         Callee.str() + "\"); ";
  }
  S += "__co->__h.state = " + N + "; __coast_s" + N + ": if (" + pollCall(Pt) +
       " == COAST_PENDING) goto __coast_pending; ";

  QualType RT = Pt.Callee->getReturnType();
  std::string Value;
  if (Pt.Source == FrameSource::Embedded) {
    Value = Child + ".__ret";
  } else {
    if (!RT->isVoidType()) {
      S += LC.typeName(RT) +
           " __coast_r = " + resultOf(LC.typeName(RT), Child) + "; ";
      Value = "__coast_r";
    }
    std::string A = allocator(Pt);
    S += A + "->free(" + A + ", " + Child + ", " + Child + "->fn->size); ";
  }

  switch (Pt.Form) {
  case AwaitForm::Statement:
    break;
  case AwaitForm::Init:
    S += LC.store("__co->" + P.frameVar(Pt.Var)->Field, Pt.Var->getType(),
                  Value, false) +
         " ";
    break;
  case AwaitForm::Assign:
    S += LC.text(Pt.Assign->getLHS()->getSourceRange()) + " = " + Value + "; ";
    break;
  case AwaitForm::Return:
    S += P.FD->getReturnType()->isVoidType() ? std::string("return; ")
                                             : "return " + Value + "; ";
    break;
  }
  return S + "}";
}

std::string StateMachineEmitter::header() const {
  std::string S = "static int " + generatedName(P.Name, "poll") +
                  "(struct coast_frame *__coast_h, struct coast_cx *__cx) { " +
                  Frame + " *__co = (" + Frame +
                  " *)__coast_h; (void)__cx; if (__coast_h->flags & " +
                  FlagCancel + ") goto __coast_drop; switch " +
                  "(__coast_h->state) { case " + StateStart + ": break; ";
  for (const SuspendPoint &Pt : P.Points)
    S += "case " + std::to_string(Pt.State) + ": goto __coast_s" +
         std::to_string(Pt.State) + "; ";
  S += "default: return COAST_READY; }\n";
  // Inside the body every return finishes the future; the for's step runs
  // after the store and leaves the poll function.
  S += std::string("#define return for (__co->__h.state = ") + StateDone +
       ";; ({ return "
       "COAST_READY; }))";
  if (!P.FD->getReturnType()->isVoidType())
    S += " __co->__ret =";
  return S + "\n";
}

std::string StateMachineEmitter::epilogue() const {
  std::string S = std::string("__co->__h.state = ") + StateDone +
                  "; "
                  "return COAST_READY; __coast_pending: return COAST_PENDING; "
                  "__coast_drop: switch (__co->__h.state) { ";
  for (const SuspendPoint &Pt : P.Points) {
    std::string Child = "__co->" + childMember(Pt);
    S += "case " + std::to_string(Pt.State) + ": ";
    if (Pt.Source == FrameSource::Embedded) {
      S += Child + ".__h.flags |= " + FlagCancel + "; ";
    } else {
      S += Child + "->flags |= " + FlagCancel + "; ";
    }
    S += "if (" + pollCall(Pt) + " == COAST_PENDING) return COAST_PENDING; ";
    if (Pt.Source != FrameSource::Embedded) {
      std::string A = allocator(Pt);
      S += A + "->free(" + A + ", " + Child + ", " + Child + "->fn->size); ";
    }
    S += "break; ";
  }
  return S + "} __co->__h.state = " + StateDone + "; return COAST_READY; }\n";
}

} // namespace

void emitStateMachine(const AsyncFunctionPlan &Plan, LoweringContext &LC,
                      const std::string &Prelude) {
  StateMachineEmitter(Plan, LC).run(Prelude);
}

} // namespace coast
