//===- StateMachine.cpp - An async function as a resumable poll function --===//

#include "StateMachine.h"
#include "Directives.h"
#include "FrameLayout.h"
#include "GeneratedNames.h"

#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"

#include <memory>

using namespace clang;

namespace coast {

namespace {

/// Where every start-function sub-future's frame comes from, boxed ones
/// too: the task's frame stack (coast/future.h).
constexpr const char *FramesAlloc = "__cx->frames";

/// What an Expression point or split operator reads once its prelude ran.
std::string valueOf(const AsyncFunctionPlan &P, const std::string &Temp) {
  return Temp.empty() ? "((void)0)" : P.tempRef(Temp);
}

class StateMachineEmitter {
public:
  StateMachineEmitter(const AsyncFunctionPlan &P, LoweringContext &LC,
                      std::string BodyPragmas, bool Split)
      : P(P), LC(LC), Frame(frameType(P.Name)),
        BodyPragmas(std::move(BodyPragmas)), Split(Split) {}

  void run(const std::string &Prelude);

private:
  void renameRefs();
  void writeSourceBuiltins();
  std::string flagWrite(const AsyncFunctionPlan::FlagWrite &W,
                        const std::string &Ref) const;
  void rewriteDecl(const DeclStmt *DS);
  std::string declText(const DeclStmt *DS, bool ForInit) const;
  void rewritePoint(const SuspendPoint &Pt);
  std::string pointText(const SuspendPoint &Pt) const;
  std::string raceStart(const SuspendPoint &Pt) const;
  std::string prelude(const Expr *E) const;
  std::string splitText(const SplitOp &Op) const;
  std::string anchorText(const ExprAnchor &A) const;
  std::string bodyText(const Stmt *Body) const;
  std::string directivesBetween(SourceLocation From, SourceLocation To) const;
  std::string varStore(const VarDecl *VD) const;
  std::string frameRef(const VarDecl *VD) const;
  std::string memberOf(const VarDecl *VD) const;
  std::string localTarget(const VarDecl *VD) const;
  std::string localDecl(const VarDecl *VD) const;
  std::string spillText(const SuspendPoint &Pt) const;
  std::string reloadText(const SuspendPoint &Pt) const;
  std::string flagStore(const VarDecl *VD) const;
  std::string pollCall(const SuspendPoint &Pt) const;
  std::string calleeFn(const SuspendPoint &Pt) const;
  std::string freeChild(const SuspendPoint &Pt) const;
  bool takesOutOfLine(const SuspendPoint &Pt) const;
  std::string header() const;
  bool registerParameters() const;
  std::string tempLocals() const;
  std::string returnText(const std::string &Value) const;
  std::string dropText(const DropValue &D) const;
  std::string epilogue() const;
  std::string dropPath(bool Declare) const;
  std::string pollFunction() const;
  CharSourceRange statementRange(const Stmt *S) const;

  const AsyncFunctionPlan &P;
  LoweringContext &LC;
  std::string Frame;
  /// Pragmas a compound statement takes only before its first statement.
  std::string BodyPragmas;
  /// Whether this function's code is in a body function of its own, apart
  /// from the poll function: emitStateMachine.
  bool Split;
  /// The code of each Expression point and split operator, shared by the
  /// copies of this emitter that the replacements hold.
  std::shared_ptr<llvm::DenseMap<const Expr *, std::string>> Code =
      std::make_shared<llvm::DenseMap<const Expr *, std::string>>();
};

void StateMachineEmitter::run(const std::string &Prelude) {
  renameRefs();
  writeSourceBuiltins();
  for (const DeclStmt *DS : P.FrameDecls)
    rewriteDecl(DS);
  for (const SuspendPoint &Pt : P.Points)
    if (Pt.Form != AwaitForm::Init && Pt.Form != AwaitForm::Expression)
      rewritePoint(Pt);
  // Expression points and split operators read their temporaries; their
  // anchors run them first (replacements apply innermost first, so anchors
  // see the temporaries in their operands' text).
  //
  // Once replaced, their operands' text is gone; so each one's code is made
  // when it is replaced (its operands are final then) and kept for the
  // anchor.
  for (const SuspendPoint &Pt : P.Points)
    if (Pt.Form == AwaitForm::Expression)
      LC.replace(LC.fileRange(Pt.Await->getSourceRange()), [Self = *this, &Pt] {
        std::string S = Self.prelude(Pt.Call->getCallee());
        for (const Expr *A : Pt.Call->arguments())
          S += Self.prelude(A);
        (*Self.Code)[Pt.Await] = S + Self.pointText(Pt) + " ";
        return valueOf(Self.P, Pt.Temp);
      });
  for (const SplitOp &Op : P.Splits)
    LC.replace(LC.fileRange(Op.E->getSourceRange()), [Self = *this, &Op] {
      (*Self.Code)[Op.E] = Self.splitText(Op);
      return valueOf(Self.P, Op.Temp);
    });
  for (const ExprAnchor &A : P.Anchors)
    LC.replace(statementRange(A.S),
               [Self = *this, &A] { return Self.anchorText(A); });
  // A jump from outside into a rebuilt loop's body skips the setting of
  // its break flag before the body: the label it reaches sets it again, or
  // the loop's breaks do. Registered after the anchors, a block around a
  // label's sub-statement holds their code when it is that statement, and
  // the block around a break when it is that statement.
  for (const AsyncFunctionPlan::LoopBreak &B : P.LoopBreaks) {
    CharSourceRange R = statementRange(B.Break);
    LC.replace(R, [Self = *this, R, Set = "__co->" + B.Flag + " = 1; "] {
      return "{ " + Set + Self.LC.textOf(R) + " }";
    });
  }
  for (const AsyncFunctionPlan::LoopEntry &E : P.LoopEntries) {
    const Stmt *Sub = isa<LabelStmt>(E.Label)
                          ? cast<LabelStmt>(E.Label)->getSubStmt()
                          : cast<SwitchCase>(E.Label)->getSubStmt();
    std::string Set;
    for (const std::string &F : E.Flags)
      Set += "__co->" + F + " = ";
    Set += "1; ";
    CharSourceRange R = statementRange(Sub);
    if (E.InBlock)
      LC.replace(CharSourceRange::getCharRange(R.getBegin(), R.getBegin()),
                 [Set] { return Set; });
    else
      LC.replace(R, [Self = *this, R, Set] {
        return "{ " + Set + Self.LC.textOf(R) + " }";
      });
  }

  const auto *Body = cast<CompoundStmt>(P.FD->getBody());
  SourceLocation Begin = LC.SM.getExpansionLoc(P.FD->getBeginLoc());
  SourceLocation LBrace = Body->getLBracLoc();
  // The frame is laid out with the default packing, whatever `#pragma
  // pack` the function is defined under: its members' addresses are taken
  // as those of aligned locals. The poll function's `{` is on the line of
  // the user's: debug info puts the function's prologue there. Directives
  // between the declaration and its `{` stay ahead of the body they apply
  // to.
  CharSourceRange Declaration = CharSourceRange::getCharRange(Begin, LBrace);
  std::string Head =
      "\n" + LC.directivesIn(Declaration) +
      "#pragma pack(push)\n#pragma pack()\n" + LC.pinned(Prelude, Begin) +
      "#pragma pack(pop)\n" +
      LC.pinned((P.InlineBody ? std::string("static inline ") + AlwaysInline
                              : std::string("static ")) +
                    "int " + generatedName(P.Name, Split ? "body" : "poll") +
                    "(struct coast_head *__coast_h, struct coast_cx *__cx" +
                    (Split ? ", unsigned __coast_st)" : ")"),
                Begin) +
      LC.pinned(header(), LBrace) + LC.lineMarker(LBrace) +
      LC.columnPad(LBrace);
  LC.replace(Declaration, [Head] { return Head; });

  SourceLocation AfterBody = Body->getRBracLoc().getLocWithOffset(1);
  std::string Undefs =
      P.NamesFunction
          ? "#undef __func__\n#undef __FUNCTION__\n#undef __PRETTY_FUNCTION__\n"
          : "";
  for (const FrameVar &V : P.Vars)
    if (V.Defined)
      Undefs += "#undef " + V.Decl->getName().str() + "\n";
  // The poll function's prologue is on the line of the user's `{`, as
  // the body function's is: a breakpoint on either stops there.
  std::string Tail = "\n#undef return\n" + Undefs +
                     LC.pinned(epilogue(), Body->getRBracLoc()) +
                     (Split ? LC.pinned(pollFunction(), LBrace) : "") +
                     LC.lineMarker(Body->getRBracLoc()) +
                     LC.columnPad(AfterBody);
  LC.replace(CharSourceRange::getCharRange(AfterBody, AfterBody),
             [Tail] { return Tail; });
}

void StateMachineEmitter::renameRefs() {
  llvm::DenseSet<unsigned> Done; // a macro argument may expand twice
  for (const DeclRefExpr *DRE : P.Refs) {
    SourceLocation Spelled = LC.SM.getSpellingLoc(DRE->getLocation());
    if (!Done.insert(Spelled.getRawEncoding()).second)
      continue;
    const auto *VD = cast<VarDecl>(DRE->getDecl());
    std::string Member = frameRef(VD);
    // A reference that gives or takes ownership of a flagged value updates
    // its flag as it is evaluated: an lvalue still, so `&x`, `x = v` and
    // reads work unchanged. Only an await suspends, never a statement
    // between its flag update and the ownership change it stands for.
    auto Write = P.FlagWrites.find(DRE);
    if (Write != P.FlagWrites.end())
      Member = flagWrite(Write->second, Member);
    else if (P.frameVar(VD)->Defined)
      continue;
    LC.rename(DRE->getLocation(), Member);
  }
  // References through an alias that stays a C local.
  for (const auto &[DRE, Write] : P.FlagWrites) {
    SourceLocation Spelled = LC.SM.getSpellingLoc(DRE->getLocation());
    if (Done.insert(Spelled.getRawEncoding()).second)
      LC.rename(DRE->getLocation(),
                flagWrite(Write, DRE->getDecl()->getName().str()));
  }
}

/// __builtin_FUNCTION() names the function it is evaluated in, the poll
/// function: the user's function's name takes its place, with the
/// builtin's type (`char *` in C).
void StateMachineEmitter::writeSourceBuiltins() {
  std::string Name =
      PredefinedExpr::ComputeName(PredefinedIdentKind::Function, P.FD);
  llvm::DenseSet<unsigned> Done; // a macro argument may expand twice
  for (const SourceLocExpr *SLE : P.SourceBuiltins) {
    CharSourceRange R = LC.fileRange(SLE->getSourceRange());
    // Where Clang takes the column: a macro's invocation, for an argument.
    std::string Value =
        SLE->getIdentKind() == SourceLocIdentKind::Column
            ? std::to_string(LC.SM.getPresumedColumnNumber(
                  LC.SM.getExpansionRange(SLE->getLocation()).getEnd()))
            : "\"" + Name + "\"";
    std::string Text = "((" + SLE->getType().getAsString() + ")" + Value + ")";
    if (Done.insert(R.getBegin().getRawEncoding()).second)
      LC.replace(R, [Text] { return Text; });
  }
}

/// \p Ref, an lvalue still, that first records whether the value it
/// changes owns from there.
std::string
StateMachineEmitter::flagWrite(const AsyncFunctionPlan::FlagWrite &W,
                               const std::string &Ref) const {
  return "(*(__co->" + P.flagOf(W.Var)->Field + " = " + (W.Owns ? "1" : "0") +
         ", &" + Ref + "))";
}

/// The store that says whether \p VD owns once its declaration ran; "" for
/// a value without drop flag.
std::string StateMachineEmitter::flagStore(const VarDecl *VD) const {
  const DropFlag *F = P.flagOf(VD);
  if (!F)
    return "";
  return "__co->" + F->Field + " = " + (F->OwnedByDecl ? "1" : "0");
}

CharSourceRange StateMachineEmitter::statementRange(const Stmt *S) const {
  CharSourceRange R = LC.fileRange(S->getSourceRange());
  if (isa<DeclStmt>(S) || isa<CompoundStmt>(S) || isa<NullStmt>(S))
    return R; // they end with their own ';' or '}'
  // A statement ending in a sub-statement (if, while, for, label) ends where
  // that sub-statement does.
  const Stmt *Last = S;
  while (true) {
    if (const auto *If = dyn_cast<IfStmt>(Last))
      Last = If->getElse() ? If->getElse() : If->getThen();
    else if (const auto *W = dyn_cast<WhileStmt>(Last))
      Last = W->getBody();
    else if (const auto *F = dyn_cast<ForStmt>(Last))
      Last = F->getBody();
    else if (const auto *Sw = dyn_cast<SwitchStmt>(Last))
      Last = Sw->getBody();
    else if (const auto *L = dyn_cast<LabelStmt>(Last))
      Last = L->getSubStmt();
    else if (const auto *C = dyn_cast<SwitchCase>(Last))
      Last = C->getSubStmt();
    else
      break;
  }
  if (isa<DeclStmt>(Last) || isa<CompoundStmt>(Last) || isa<NullStmt>(Last))
    return R;
  return LC.withSemicolon(R);
}

/// The frame variable \p VD as the body spells it: by its name where the
/// name is defined as its member (header()), else the member, seen with the
/// type the program declared.
std::string StateMachineEmitter::frameRef(const VarDecl *VD) const {
  const FrameVar *V = P.frameVar(VD);
  return V->Defined ? VD->getName().str()
                    : LC.declaredView(memberOf(VD), VD->getType());
}

/// \p VD's frame member as its declaration initializes it: const or not.
/// Where the name is defined as the member, the body cannot spell the
/// member (`__co->c` would expand `c`): the name, through a pointer to
/// its type without the qualifiers the member lacks.
std::string StateMachineEmitter::memberOf(const VarDecl *VD) const {
  const FrameVar *V = P.frameVar(VD);
  if (!V->Defined)
    return "__co->" + V->Field;
  std::string Name = VD->getName().str();
  if (LC.droppedQualifiers(VD->getType()).empty())
    return Name;
  return LC.storedView(Name, VD->getType());
}

std::string StateMachineEmitter::varStore(const VarDecl *VD) const {
  const Expr *Init = VD->getInit();
  if (!Init)
    return "";
  return LC.store(memberOf(VD), VD->getType(), LC.text(Init->getSourceRange()),
                  isa<InitListExpr>(Init));
}

/// Where an await's value initializing the C local \p VD goes: the local,
/// or for a const one a temporary its declaration then reads, after the
/// await's resume label.
std::string StateMachineEmitter::localTarget(const VarDecl *VD) const {
  if (LC.droppedQualifiers(VD->getType()).empty())
    return VD->getName().str();
  return "__coast_v_" + VD->getName().str();
}

/// A C local of a rewritten declaration, declared on its own, as written but
/// for the declaration's other declarators.
std::string StateMachineEmitter::localDecl(const VarDecl *VD) const {
  std::string S = LC.typeName(VD->getType()) + " " + VD->getName().str();
  if (const Expr *Init = VD->getInit())
    S += " = " + LC.text(Init->getSourceRange());
  return S + ";";
}

/// The register locals live across \p Pt go to the frame as it suspends,
/// and so do the register parameters the body assigns (header() loads
/// them all again)...
std::string StateMachineEmitter::spillText(const SuspendPoint &Pt) const {
  std::string S;
  for (unsigned I : Pt.Spills)
    S += "__co->" + P.Spills[I].Field + " = " +
         P.Spills[I].Decl->getName().str() + "; ";
  for (unsigned I : Pt.Params)
    S += "__co->" + P.Vars[I].Field + " = " + P.Vars[I].Decl->getName().str() +
         "; ";
  return S;
}

/// ... and come back when it resumes.
std::string StateMachineEmitter::reloadText(const SuspendPoint &Pt) const {
  std::string S;
  for (unsigned I : Pt.Spills)
    S += P.Spills[I].Decl->getName().str() + " = __co->" + P.Spills[I].Field +
         "; ";
  return S;
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
  // The directives after a declarator's initializer (the end of a
  // conditional group a split operator in it opened) stay after its code.
  SourceLocation Pos = statementRange(DS).getBegin();
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !VD->hasLocalStorage())
      continue;
    if (!ForInit) {
      S += directivesBetween(Pos, LC.fileRange(VD->getLocation()).getBegin());
      if (CharSourceRange R = LC.fileRange(VD->getSourceRange()); R.isValid())
        Pos = R.getEnd();
    }
    if (ForInit) {
      assert(P.frameVar(VD) && "a rewritten for initializer is all frame");
      if (const Expr *Init = VD->getInit())
        S += (S.empty() ? "" : ", ") + memberOf(VD) + " = " +
             LC.text(Init->getSourceRange());
      std::string Flag = flagStore(VD);
      if (!Flag.empty())
        S += (S.empty() ? "" : ", ") + Flag;
      continue;
    }
    bool IsPoint = false;
    for (const SuspendPoint &Pt : P.Points)
      if (Pt.Form == AwaitForm::Init && Pt.Var == VD) {
        if (!P.frameVar(VD))
          S += LC.storageDecl(VD->getType(), localTarget(VD)) + "; ";
        S += pointText(Pt);
        IsPoint = true;
      }
    // Its initializer may end in the chosen branch of a group it opened,
    // whose rest goes with it (Planner::tryPoint).
    if (std::optional<SourceLocation> Semi =
            IsPoint ? semicolonAfterGroups(
                          LC.SM, LC.Ctx.getLangOpts(),
                          CharSourceRange::getCharRange(
                              LC.fileRange(VD->getLocation()).getBegin(), Pos))
                    : std::nullopt)
      Pos = *Semi;
    if (IsPoint && !P.frameVar(VD) && localTarget(VD) != VD->getName())
      S += " " + LC.typeName(VD->getType()) + " " + VD->getName().str() +
           " = " + localTarget(VD) + ";";
    if (!IsPoint) {
      if (const Expr *Init = VD->getInit())
        S += prelude(Init);
      S += P.frameVar(VD) ? varStore(VD) : localDecl(VD);
      std::string Flag = flagStore(VD);
      if (!Flag.empty())
        S += " " + Flag + ";";
    }
    S += " ";
  }
  if (!ForInit)
    S += directivesBetween(Pos, statementRange(DS).getEnd());
  return S + ";";
}

/// A statement ending in the chosen branch of a conditional group, before
/// its `;`, goes up to the `;`, and the rest of the group with it: the
/// group is whole in it (Planner::tryPoint).
void StateMachineEmitter::rewritePoint(const SuspendPoint &Pt) {
  CharSourceRange R = statementRange(Pt.Anchor);
  if (std::optional<SourceLocation> Semi =
          semicolonAfterGroups(LC.SM, LC.Ctx.getLangOpts(),
                               LC.fileRange(Pt.Anchor->getSourceRange())))
    R.setEnd(*Semi);
  LC.replace(R, [Self = *this, &Pt] { return Self.pointText(Pt); });
}

std::string StateMachineEmitter::pollCall(const SuspendPoint &Pt) const {
  std::string Child = "__co->" + childMember(Pt);
  // A leaf's poll takes its struct coast_frame, a lowered body's its head:
  // both are __h.
  if (inCallerFrame(Pt.Source))
    return generatedName(Pt.Callee->getName(), "poll") + "(&" + Child +
           ".__h, __cx)";
  if (Pt.KnownCallee)
    return "coast__poll_known(" + Child + ", __cx, " + calleeFn(Pt) + ")";
  return "coast__poll_child(" + Child + ", __cx)";
}

/// The descriptor of a frame-stack sub-future: a constant the compiler
/// folds (its size, its result's offset, its poll) when the callee is
/// lowered above.
std::string StateMachineEmitter::calleeFn(const SuspendPoint &Pt) const {
  if (Pt.KnownCallee)
    return "&" + generatedName(Pt.Callee->getName(), "fn");
  return "__co->" + childMember(Pt) + "->fn";
}

/// Gives a READY frame-stack sub-future's memory back.
std::string StateMachineEmitter::freeChild(const SuspendPoint &Pt) const {
  std::string Child = "__co->" + childMember(Pt);
  return std::string("coast__frame_free(") + FramesAlloc + ", " + Child +
         ", (" + calleeFn(Pt) + ")->size); ";
}

/// A runtime leaf (its name starts with coast_: the I/O calls, sleeps,
/// the blocking pool; not those a ready companion marks as kept fast: join,
/// channels, the mutex) or a race: polled, its result taken and its frame
/// freed by one call, coast__poll_take. Inline, those steps were a large
/// part of what such an await cost the optimizer and the back end at -O2
/// (bench/compile-time's README, "Awaits of unknown callees out of line");
/// a leaf's poll is a system call's cost. The user's own callees of other
/// files and pointers keep the inline path: through coast__poll_take each
/// await cost ~40 instructions more. An _Atomic result is wider than the
/// __typeof_unqual__ the result is stored in.
bool StateMachineEmitter::takesOutOfLine(const SuspendPoint &Pt) const {
  bool Leaf = Pt.Race != MarkKind::Await ||
              (Pt.Callee && Pt.Callee->getName().starts_with("coast_"));
  return Pt.Source == FrameSource::FrameStack && !Pt.KnownCallee &&
         !Pt.Ready && Leaf && !Pt.Result->isAtomicType();
}

/// One line: start the callee, record the state, and the resume label
/// followed by the poll; then hand its result to the statement's shape.
std::string StateMachineEmitter::pointText(const SuspendPoint &Pt) const {
  std::string N = std::to_string(Pt.State);
  std::string Child = "__co->" + childMember(Pt);
  std::string Callee =
      Pt.Callee ? Pt.Callee->getName().str() : "function pointer";
  std::string Args;
  for (const Expr *A : Pt.Call->arguments())
    Args += ", " + LC.text(A->getSourceRange());

  std::string S = "{ ";
  std::string Value;
  // A ready companion completes the callee at once (nonzero) or does
  // nothing (0): only then is the frame started and polled, and only then
  // can the point suspend, so its state, site and drop path are the same.
  // Its arguments are free of side effects: evaluated again for the start.
  bool Void = Pt.Result->isVoidType();
  std::string Result = Void ? "" : awaitResultType(P.Name, Pt.State);
  bool Take = takesOutOfLine(Pt);
  // coast__poll_take stores the result: declared before the resume label.
  if (Take && !Void)
    S += "__typeof_unqual__(" + Result + ") __coast_r; ";
  if (Pt.Ready) {
    // Each argument of Args comes after a ", ".
    std::string ReadyArgs = Args + (Void ? "" : ", &__coast_r");
    S += (Void ? "" : "__typeof_unqual__(" + Result + ") __coast_r; ") +
         "if (!" + Pt.Ready->getName().str() + "(" +
         StringRef(ReadyArgs).substr(2).str() + ")) { ";
  }
  if (Pt.Source == FrameSource::None) {
    // coast_yield: back to the end of the run queue (at __coast_yield),
    // then 0 (yield.c).
    S += "__co->__h.state = " + N + "; " + spillText(Pt) +
         "goto __coast_yield; __coast_s" + N + ":; " + reloadText(Pt);
    Value = "0";
  } else if (Pt.Race != MarkKind::Await) {
    S += raceStart(Pt);
  } else if (inCallerFrame(Pt.Source)) {
    if (!Pt.LeafFirst)
      S += generatedName(Callee, "init") + "(&" + Child + Args + "); ";
  } else {
    std::string Start = startCallee(
        Pt.Callee, Pt.Proto,
        Pt.Callee ? "" : LC.text(Pt.Call->getCallee()->getSourceRange()), LC);
    S += Child + " = " + Start + "(" + FramesAlloc + Args + "); ";
    // coast__poll_take reports a frame that could not be started itself.
    if (!Take)
      S += "if (!" + Child + ") coast__out_of_frames(\"" + Callee + "\"); ";
  }
  // Anything but READY (PENDING, or DESCEND: rule 6 of future.h) leaves
  // with that answer, storing the register locals live across the point;
  // resuming (header()) loads them first. The first poll needs neither.
  std::string Spill = spillText(Pt);
  std::string Pending = Spill.empty()
                            ? "goto __coast_pending; "
                            : "{ " + Spill + "goto __coast_pending; } ";
  bool Reload = !Pt.Spills.empty();
  if ((Pt.Source == FrameSource::Embedded && Pt.SplitCallee) || Pt.LeafFirst) {
    // The first poll enters the callee's body at its start: a constant
    // state the inliner folds its dispatch with (its frame was just
    // initialized), where the poll function's load of it is opaque; a
    // leaf's F__coast_first initializes its frame and polls it in one
    // call. Resuming polls as the runtime does.
    std::string First =
        Pt.LeafFirst
            ? generatedName(Callee, "first") + "(&" + Child + Args + ", __cx)"
            : generatedName(Callee, "body") + "(&" + Child + ".__h, __cx, " +
                  StateStart + ")";
    S += "__co->__h.state = " + N + "; if ((__coast_p = " + First +
         ") != COAST_READY) " + Pending + "if (0) { " +
         (Reload ? "__coast_r" + N + ": " + reloadText(Pt)
                 : "__coast_s" + N + ": ") +
         "if ((__coast_p = " + pollCall(Pt) + ") != COAST_READY) " + Pending +
         "} ";
  } else if (Pt.Source != FrameSource::None) {
    S += "__co->__h.state = " + N + "; ";
    if (Reload)
      S += "goto __coast_s" + N + "; __coast_r" + N + ": " + reloadText(Pt);
    std::string Poll =
        Take ? "coast__poll_take(" + Child + ", __cx, " +
                   (Void ? "0" : "&__coast_r") + ", " +
                   (Pt.Race == MarkKind::Await ? "\"" + Callee + "\"" : "0") +
                   ")"
             : pollCall(Pt);
    S += "__coast_s" + N + ": if ((__coast_p = " + Poll + ") != COAST_READY) " +
         Pending;
  }

  QualType RT = Pt.Result;
  if (Pt.Source == FrameSource::Embedded) {
    if (!RT->isVoidType())
      Value = Child + ".__ret";
  } else if (Pt.Source == FrameSource::Leaf) {
    // Nothing to free: the frame is the awaiter's.
    if (!Void && Pt.Ready) {
      S += LC.store("__coast_r", RT, Child + ".__ret", false) + " ";
      Value = "__coast_r";
    } else if (!Void) {
      Value = Child + ".__ret";
    }
  } else if (Take) {
    if (!Void)
      Value = "__coast_r";
  } else if (Pt.Source != FrameSource::None) {
    if (!Void) {
      std::string R = resultOf(Result, Child, calleeFn(Pt));
      // Declared before the companion: assigned as an initialization
      // would, const members included.
      S += Pt.Ready ? LC.store("__coast_r", RT, R, false) + " "
                    : Result + " __coast_r = " + R + "; ";
      Value = "__coast_r";
    }
    S += freeChild(Pt);
  }
  if (Pt.Ready)
    S += "} ";

  switch (Pt.Form) {
  case AwaitForm::Statement:
    break;
  case AwaitForm::Init: {
    const FrameVar *V = P.frameVar(Pt.Var);
    S += LC.store(V ? memberOf(Pt.Var) : localTarget(Pt.Var), Pt.Var->getType(),
                  Value, false) +
         " ";
    std::string Flag = flagStore(Pt.Var);
    if (!Flag.empty())
      S += Flag + "; ";
    break;
  }
  case AwaitForm::Assign:
    S += LC.text(Pt.Assign->getLHS()->getSourceRange()) + " = " + Value + "; ";
    break;
  case AwaitForm::Return:
    S += returnText(Value) + " ";
    break;
  case AwaitForm::Expression:
    if (!Pt.Temp.empty())
      S += LC.store(P.tempRef(Pt.Temp), RT, Value, false) + " ";
    break;
  }
  return S + "}";
}

/// Starts the runtime's race from the frame stack, then each arm's frame
/// above it (LIFO: the race frees them before it is freed), and hands the
/// arms over in order.
std::string StateMachineEmitter::raceStart(const SuspendPoint &Pt) const {
  // The race's frame goes in a C local until every arm has started: the
  // child's slot may share storage with the parameters the arms' arguments
  // read (FrameLayout's union).
  std::string Child = "__co->" + childMember(Pt);
  std::string Race = "__coast_race";
  std::string Name = markName(Pt.Race);
  std::string A = FramesAlloc;
  std::string S = "struct coast_frame *" + Race + " = ";
  if (Pt.Race == MarkKind::Timeout)
    S += "coast__timeout__coast_start(" + A + ", (long long)(" +
         LC.text(Pt.Ms->getSourceRange()) + "))";
  else
    S += "coast__first__coast_start(" + A + ", " +
         std::to_string(Pt.Arms.size()) + "u)";
  S += "; if (!" + Race + ") coast__out_of_frames(\"" + Name + "\"); ";
  for (const RaceArm &Arm : Pt.Arms) {
    std::string ArmAlloc = Arm.Boxed ? "(&coast__box_alloc)" : A;
    std::string Start = startCallee(
        Arm.Callee, Arm.Proto,
        Arm.Callee ? "" : LC.text(Arm.Call->getCallee()->getSourceRange()), LC);
    std::string Args;
    for (const Expr *E : Arm.Call->arguments())
      Args += ", " + LC.text(E->getSourceRange());
    S += "coast__race_arm(" + Race + ", " + ArmAlloc + ", " + Start + "(" +
         ArmAlloc + Args + "), (void *)(" + LC.text(Arm.Out->getSourceRange()) +
         "), \"" +
         (Arm.Callee ? Arm.Callee->getName().str() : "function pointer") +
         "\"); ";
  }
  return S + Child + " = " + Race + "; ";
}

/// The statements that run the awaits and split operators of \p E, in an
/// order C allows, leaving their values in frame temporaries.
std::string StateMachineEmitter::prelude(const Expr *E) const {
  auto It = Code->find(E);
  if (It != Code->end())
    return It->second;
  assert(!P.splitFor(E) &&
         (!P.pointFor(E) || P.pointFor(E)->Form != AwaitForm::Expression) &&
         "an operand's code is made before its anchor's");
  std::string S;
  forEachEvaluatedChild(E, [&](const Expr *C) { S += prelude(C); });
  return S;
}

/// `a && b`, `a || b`, `a ? b : c` and `a, b` with an await where C
/// evaluates it only after, or only if: the same sequence with statements.
std::string StateMachineEmitter::splitText(const SplitOp &Op) const {
  std::string T = P.tempRef(Op.Temp);
  auto Store = [&](const Expr *V) {
    std::string Value = LC.text(V->getSourceRange());
    if (Op.Temp.empty())
      return "(void)(" + Value + "); ";
    // A conditional's middle operand may be a comma: `c ? a, b : d`.
    return LC.store(T, Op.E->getType(), "(" + Value + ")", false) + " ";
  };
  // The directives between two operands (a conditional group around the
  // second one) stay before the second one's code.
  auto Gap = [&](const Expr *Before, const Expr *After) {
    return directivesBetween(LC.fileRange(Before->getSourceRange()).getEnd(),
                             LC.fileRange(After->getSourceRange()).getBegin());
  };
  if (const auto *BO = dyn_cast<BinaryOperator>(Op.E)) {
    const Expr *L = BO->getLHS(), *R = BO->getRHS();
    std::string S = prelude(L);
    if (BO->getOpcode() == BO_Comma)
      return S + "(void)(" + LC.text(L->getSourceRange()) + "); " + Gap(L, R) +
             prelude(R) + Store(R);
    bool And = BO->getOpcode() == BO_LAnd;
    S += T + " = !!(" + LC.text(L->getSourceRange()) + "); if (" +
         (And ? "" : "!") + T + ") { " + Gap(L, R) + prelude(R) + T + " = !!(" +
         LC.text(R->getSourceRange()) + "); } ";
    return S;
  }
  const auto *CO = cast<ConditionalOperator>(Op.E);
  const Expr *C = CO->getCond(), *A = CO->getTrueExpr(),
             *B = CO->getFalseExpr();
  return prelude(C) + "if (" + LC.text(C->getSourceRange()) + ") { " +
         Gap(C, A) + prelude(A) + Store(A) + "} else { " + Gap(A, B) +
         prelude(B) + Store(B) + "} ";
}

/// A loop body's text as a statement (an expression statement gets its ';').
std::string StateMachineEmitter::bodyText(const Stmt *Body) const {
  return LC.textOf(statementRange(Body));
}

/// The directives written from \p From to \p To, each on a line of its
/// own at its line: a statement the lowering rebuilds from its pieces
/// (a loop, a return, a declaration, a split operator) loses the text
/// between them, but they apply to the pieces after them.
std::string StateMachineEmitter::directivesBetween(SourceLocation From,
                                                   SourceLocation To) const {
  std::string S;
  if (From.isInvalid() || To.isInvalid())
    return S;
  for (const Directive &D :
       directivesIn(LC.SM, LC.Ctx.getLangOpts(),
                    CharSourceRange::getCharRange(From, To)))
    S += "\n" +
         LC.textOf(CharSourceRange::getCharRange(
             D.Loc, D.Loc.getLocWithOffset(D.End - D.Begin))) +
         "\n";
  return S;
}

std::string StateMachineEmitter::anchorText(const ExprAnchor &A) const {
  auto Text = [&](const Stmt *S) { return LC.text(S->getSourceRange()); };
  // A statement rebuilt from its pieces keeps the directives written
  // between them, each before the piece that follows it (a conditional
  // around a loop's body): \p Pos is where the last piece ended.
  CharSourceRange Whole = LC.fileRange(A.S->getSourceRange());
  auto Upto = [&](const Stmt *Piece, SourceLocation &Pos) {
    CharSourceRange R = LC.fileRange(Piece->getSourceRange());
    std::string D = directivesBetween(Pos, R.getBegin());
    Pos = R.getEnd();
    return D;
  };
  switch (A.Kind) {
  case AnchorKind::ExprStmt: {
    const auto *E = cast<Expr>(A.S);
    return "{ " + prelude(E) + Text(E) +
           directivesBetween(Whole.getEnd(), statementRange(E).getEnd()) +
           "; }";
  }
  case AnchorKind::Return: {
    const Expr *V = cast<ReturnStmt>(A.S)->getRetValue();
    SourceLocation Pos = Whole.getBegin();
    return "{ " + prelude(V) + Upto(V, Pos) + returnText(Text(V)) +
           directivesBetween(Pos, statementRange(A.S).getEnd()) + " }";
  }
  case AnchorKind::If:
    return "{ " + prelude(cast<IfStmt>(A.S)->getCond()) +
           LC.textOf(statementRange(A.S)) + " }";
  case AnchorKind::Switch:
    return "{ " + prelude(cast<SwitchStmt>(A.S)->getCond()) +
           LC.textOf(statementRange(A.S)) + " }";
  case AnchorKind::While: {
    // `continue` in the body reaches the condition again, as in a while.
    const auto *W = cast<WhileStmt>(A.S);
    SourceLocation Pos = Whole.getBegin();
    return "for (;;) { " + Upto(W->getCond(), Pos) + prelude(W->getCond()) +
           "if (!(" + Text(W->getCond()) + ")) break; " +
           Upto(W->getBody(), Pos) + bodyText(W->getBody()) + " }";
  }
  case AnchorKind::Do: {
    // The inner do runs the body once: `continue` leaves it through its
    // condition, which clears the flag; `break` leaves it with the flag set.
    const auto *D = cast<DoStmt>(A.S);
    std::string Flag = "__co->" + A.BreakFlag;
    SourceLocation Pos = Whole.getBegin();
    std::string S = "for (;;) { " + Flag + " = 1; do " +
                    Upto(D->getBody(), Pos) + bodyText(D->getBody()) +
                    " while ((" + Flag + " = 0)); if (" + Flag + ") break; " +
                    Upto(D->getCond(), Pos) + prelude(D->getCond()) + "if (!(" +
                    Text(D->getCond()) + ")) break; ";
    return S + directivesBetween(Pos, Whole.getEnd()) + "}";
  }
  case AnchorKind::For: {
    const auto *F = cast<ForStmt>(A.S);
    std::string Flag = "__co->" + A.BreakFlag;
    SourceLocation Pos = Whole.getBegin();
    std::string S = "{ ";
    if (const Stmt *Init = F->getInit()) {
      S += Upto(Init, Pos);
      if (const auto *E = dyn_cast<Expr>(Init))
        S += prelude(E) + Text(E) + "; ";
      else
        S += LC.textOf(statementRange(Init)) + " ";
    }
    S += "for (;;) { ";
    if (const Expr *Cond = F->getCond())
      S += Upto(Cond, Pos) + prelude(Cond) + "if (!(" + Text(Cond) +
           ")) break; ";
    // The step's directives stay before the body, in the order written:
    // the planner rejects those the step moving after it would reorder.
    if (const Expr *Inc = F->getInc())
      S += Upto(Inc, Pos);
    S += Upto(F->getBody(), Pos) + Flag + " = 1; do " + bodyText(F->getBody()) +
         " while ((" + Flag + " = 0)); if (" + Flag + ") break; ";
    if (const Expr *Inc = F->getInc())
      S += prelude(Inc) + "(void)(" + Text(Inc) + "); ";
    return S + "} }";
  }
  }
  llvm_unreachable("unknown anchor kind");
}

/// The temporaries that are C locals, declared before the dispatch: no
/// jump enters their scope, and none is live across a suspension point.
std::string StateMachineEmitter::tempLocals() const {
  std::string S;
  for (const FrameTemp &T : P.Temps)
    if (!T.InFrame)
      S += LC.storageDecl(T.Type, P.tempRef(T.Name)) + "; ";
  return S;
}

std::string StateMachineEmitter::header() const {
  // Register parameters, declared ahead of every jump: loaded on the way
  // in, one value for the whole poll (loaded where each resume jumps to, a
  // parameter was a phi at every join, more IR than the loads it saved). A
  // parameter sharing storage with the callee frames holds its value at the
  // start only. Their block closes before the epilogue, whose drop path
  // calls destructors by the names the parameters could hide.
  std::string Params, Start;
  for (const FrameVar &V : P.Vars) {
    if (!V.Register)
      continue;
    std::string Name = V.Decl->getName().str();
    std::string Load = Name + " = __co->" + V.Field + ";";
    Params += "__typeof_unqual__(__co->" + V.Field + ") " +
              (V.Shared ? Name + ";" : Load) + " ";
    if (V.Shared)
      Start += " " + Load;
  }
  std::string S = (BodyPragmas.empty() ? "{ " : "{\n" + BodyPragmas) + Frame +
                  " *__co = (" + Frame +
                  " *)__coast_h; int __coast_p = COAST_PENDING; (void)__cx; " +
                  (Params.empty() ? "" : "{ " + Params) + tempLocals() +
                  (Split ? std::string("switch (__coast_st)")
                         : std::string("if (__coast_h->flags & ") + FlagCancel +
                               ") goto __coast_drop; switch "
                               "(__coast_h->state)") +
                  " { case " + StateStart + ": break; ";
  for (const SuspendPoint &Pt : P.Points) {
    // A yield's label is its resume path only.
    bool Reload = !Pt.Spills.empty() && Pt.Source != FrameSource::None;
    S += "case " + std::to_string(Pt.State) + ": goto __coast_" +
         (Reload ? "r" : "s") + std::to_string(Pt.State) + "; ";
  }
  S += "default: return COAST_READY; }" + Start + "\n";
  // The body's function names are the user's function's, not the poll
  // function's (assert and logs print them). Only where the body names
  // them: six directives and their markers a function were nearly half the
  // lowered file's directives.
  auto Name = [&](PredefinedIdentKind K) {
    return "\"" + PredefinedExpr::ComputeName(K, P.FD) + "\"\n";
  };
  if (P.NamesFunction)
    S += "#define __func__ " + Name(PredefinedIdentKind::Func) +
         "#define __FUNCTION__ " + Name(PredefinedIdentKind::Function) +
         "#define __PRETTY_FUNCTION__ " +
         Name(PredefinedIdentKind::PrettyFunction);
  // The body keeps the names of frame variables that mean them throughout
  // (FrameVarNames.h), macro definitions and stringified arguments too.
  for (const FrameVar &V : P.Vars)
    if (V.Defined)
      S += "#define " + V.Decl->getName().str() + " (" +
           LC.declaredView("__co->" + V.Field, V.Decl->getType()) + ")\n";
  // Inside the body every return finishes the future; the for's step runs
  // after the store and leaves the poll function. The value goes through a
  // C local: the result shares storage with what the expression may read
  // (the callee frames, an awaited callee's own result). A return type C
  // cannot assign (a struct with a const member) is copied into the result
  // by each return statement instead (returnText), through a temporary.
  if (P.FD->getReturnType()->isVoidType() || P.ReturnByCopy)
    return S + "#define return for (__co->__h.state = " + StateDone +
           ";; ({ return COAST_READY; }))\n";
  // No condition: the loop never ends but by its step, so the code after
  // the body is not compiled when every path returns. The type is the
  // result member's: the return type printed here could name what the body
  // declares (`__typeof__(n)` of a global `n` beside a local `n`).
  return S + "#define return for (__typeof__(__co->__ret) __coast_rv" +
         ";; ({ __co->__h.state = " + StateDone +
         "; __co->__ret = __coast_rv; return COAST_READY; })) __coast_rv =\n";
}

/// `return Value;` through the `return` macro of header(). The value goes
/// in parentheses: a comma at its top would end the macro's assignment.
/// A void function's value is still evaluated, for what it does.
std::string StateMachineEmitter::returnText(const std::string &Value) const {
  QualType RT = P.FD->getReturnType();
  if (RT->isVoidType())
    return Value.empty() ? "return;" : "(void)(" + Value + "); return;";
  if (P.ReturnByCopy)
    return LC.store("__co->__ret", RT, "(" + Value + ")", false) + " return;";
  return "return (" + Value + ");";
}

/// Destructs \p D's value in the drop path: a call of its synchronous
/// destructor, or its async destructor's future polled to completion from
/// its own state. A pointer that is NULL owns nothing, nor a value whose
/// drop flag is clear.
std::string StateMachineEmitter::dropText(const DropValue &D) const {
  std::string V = "__co->" + P.frameVar(D.Var)->Field;
  bool VarIsPointer = D.Var->getType()->isPointerType();
  bool TakesPointer = D.Destructor->getParamDecl(0)->getType()->isPointerType();
  std::string Arg = VarIsPointer == TakesPointer ? V
                    : VarIsPointer               ? "*" + V
                                                 : "&" + V;
  std::string Owns = VarIsPointer ? V : "1";
  if (!D.Flag.empty())
    Owns = "__co->" + D.Flag + (VarIsPointer ? " && " + V : "");
  std::string Name = D.Destructor->getName().str();
  if (!D.State)
    return "if (" + Owns + ") " + Name + "(" + Arg + "); ";
  std::string F = "__co->" + dtorMember();
  std::string N = std::to_string(D.State);
  return "__co->__h.state = " + N + "; " + F + " = 0; if (" + Owns + ") { " +
         F + " = " + generatedName(Name, "start") + "(__cx->frames, " + Arg +
         "); if (!" + F + ") coast__out_of_frames(\"" + Name + "\"); } case " +
         N + ": if (" + F + ") { if ((__coast_p = coast__poll_child(" + F +
         ", __cx)) != COAST_READY) return __coast_p; " +
         "coast__frame_free(__cx->frames, " + F + ", " + F + "->fn->size); } ";
}

/// What the poll function does when the frame is cancelled: the current
/// state's sub-future cancelled and polled to completion, then what the
/// state owns destructed; \p Declare: with the locals it uses.
std::string StateMachineEmitter::dropPath(bool Declare) const {
  std::string S;
  // Cancelled before its first poll, the frame still owns its arguments.
  if (!P.StartDrops.empty()) {
    S += std::string("case ") + StateStart + ": ";
    for (const DropValue &D : P.StartDrops)
      S += dropText(D);
    S += "break; ";
  }
  for (const SuspendPoint &Pt : P.Points) {
    // What the runtime's shared drop path does, it does for this point.
    if (Pt.Drops.empty() && !Pt.FinishOnCancel)
      continue;
    std::string Child = "__co->" + childMember(Pt);
    S += "case " + std::to_string(Pt.State) + ": ";
    if (Pt.Source == FrameSource::None) {
      for (const DropValue &D : Pt.Drops)
        S += dropText(D);
      S += "break; ";
      continue;
    }
    // An awaited destructor is not interrupted: it finishes, then the
    // frame does.
    bool InFrame = inCallerFrame(Pt.Source);
    if (!Pt.FinishOnCancel)
      S += Child + (InFrame ? ".__h.flags" : "->flags") + " |= " + FlagCancel +
           "; ";
    S += "if ((__coast_p = " + pollCall(Pt) +
         ") != COAST_READY) return __coast_p; ";
    if (!InFrame)
      S += freeChild(Pt);
    for (const DropValue &D : Pt.Drops)
      S += dropText(D);
    S += "break; ";
  }
  // The runtime marks the frame DONE when it returns READY: a tail call,
  // so no register of the poll function is saved for the drop path.
  std::string Shared = "return coast__drop_child(__coast_h, &" +
                       generatedName(P.Name, "fn") + ", __cx); ";
  // Most functions have no drop code of their own: no switch to compile.
  if (S.empty())
    return Shared;
  return (Declare
              ? Frame + " *__co = (" + Frame + " *)__coast_h; int __coast_p; "
              : "") +
         "switch (__co->__h.state) { " + S + "default: " + Shared +
         "} __co->__h.state = " + StateDone + "; return COAST_READY; ";
}

bool StateMachineEmitter::registerParameters() const {
  return llvm::any_of(P.Vars, [](const FrameVar &V) { return V.Register; });
}

std::string StateMachineEmitter::epilogue() const {
  // A yield suspends itself: PENDING without a poll's answer to pass on,
  // the task queued again. Once here, not per yield: each full expression
  // costs the compile of the lowered text ~6.6K instructions in Sema alone.
  bool Yields = llvm::any_of(P.Points, [](const SuspendPoint &Pt) {
    return Pt.Source == FrameSource::None;
  });
  return std::string(registerParameters() ? "} " : "") +
         "__co->__h.state = " + StateDone +
         "; return COAST_READY; __coast_pending: return __coast_p; " +
         (Yields ? "__coast_yield: coast__task_wake_self(__cx); return "
                   "COAST_PENDING; "
                 : "") +
         (Split ? "" : "__coast_drop: " + dropPath(false)) + "}\n";
}

/// A split function's poll function, the descriptor's: the body from the
/// frame's state, or the drop path. Kept out of the body, the drop path and
/// the flags test leave an awaiter's first poll (the body from state 0)
/// small enough to inline.
std::string StateMachineEmitter::pollFunction() const {
  return "static int " + generatedName(P.Name, "poll") +
         "(struct coast_head *__coast_h, struct coast_cx *__cx) { if "
         "(!(__coast_h->flags & " +
         FlagCancel + ")) return " + generatedName(P.Name, "body") +
         "(__coast_h, __cx, __coast_h->state); " + dropPath(true) + "}\n";
}

} // namespace

void emitStateMachine(const AsyncFunctionPlan &Plan, LoweringContext &LC,
                      const std::string &Prelude,
                      const std::string &BodyPragmas, bool Split) {
  StateMachineEmitter(Plan, LC, BodyPragmas, Split).run(Prelude);
}

} // namespace coast
