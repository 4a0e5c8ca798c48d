//===- AsyncFunctionPlan.cpp - Suspension points and frame variables ------===//
//
// Stage 1 of the lowering. Finds the suspension points (awaits) and the
// statement shape each stands in; decides which variables live in the frame;
// collects the references to rewrite. Anything outside what the later stages
// can lower is reported here as coast-unsupported.
//
// A local may be needed after a resume when a suspension point follows its
// declaration inside its scope. Most such locals stay C locals of the poll
// function, register locals whose values the frame holds only while
// suspended (RegisterLocals.h); the others (arrays, address-taken locals,
// must_destruct values...) live in the frame, and every reference to them
// is rewritten. Parameters always live in the frame, those dead at every
// suspension point in storage shared with the callees' frames (liveness from
// checks/SuspendLiveness). Every other local stays an ordinary C local of
// the poll function; resuming never jumps into its scope after its
// declaration, so C's rules for it are unchanged.
//
//===----------------------------------------------------------------------===//

#include "AsyncFunctionPlan.h"
#include "AsyncAST.h"
#include "CarriedAttributes.h"
#include "CoastAttrs.h"
#include "CompoundLiterals.h"
#include "CounterExpansions.h"
#include "Directives.h"
#include "EvaluatedVisitor.h"
#include "FrameVarNames.h"
#include "JumpsIntoLoops.h"
#include "LoweringContext.h"
#include "MacroTests.h"
#include "MustDestructAnalysis.h"
#include "MustDestructTypes.h"
#include "RegisterLocals.h"
#include "ReturnJumps.h"
#include "SuspendLiveness.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

#include <set>

using namespace clang;

namespace coast {

namespace {

/// Why a directive defining or undefining a macro inside a statement the
/// lowering rebuilds is rejected.
const char MacroMoves[] =
    "the macro would change for other pieces of it than in the text";

class Planner {
public:
  Planner(const FunctionDecl *FD, ASTContext &Ctx, const FrameSourceFn &S,
          CheckHandler &H, FunctionAnalyses &Analyses,
          const CounterExpansions &Counters, const MacroTests &Tests,
          AsyncFunctionPlan &Plan)
      : FD(FD), Ctx(Ctx), SM(Ctx.getSourceManager()), SourceOf(S), Handler(H),
        Analyses(Analyses), Counters(Counters), Tests(Tests), Plan(Plan) {}

  bool run();

private:
  CharSourceRange fileRangeOf(const Stmt *S) const {
    return Lexer::makeFileCharRange(
        CharSourceRange::getTokenRange(S->getSourceRange()), SM,
        Ctx.getLangOpts());
  }
  /// The offset just past the token at \p L: where a scope ending there
  /// ends. A token from a macro ends where the macro's invocation does.
  unsigned endOffsetOf(SourceLocation L) const {
    return SM.getFileOffset(SM.getExpansionRange(L).getEnd()) + 1;
  }
  unsigned offsetOf(SourceLocation L) const {
    return SM.getFileOffset(SM.getExpansionLoc(L));
  }
  void fail(SourceLocation L, const llvm::Twine &Why) {
    Handler.unsupported(L, Why.str());
    Ok = false;
  }

  void walkStatement(const Stmt *S, unsigned ScopeEnd);
  void walkDeclStmt(const DeclStmt *DS, unsigned ScopeEnd, bool InForInit);
  bool tryPoint(const Expr *E, AwaitForm Form, const Stmt *Anchor,
                const VarDecl *Var = nullptr,
                const BinaryOperator *Assign = nullptr);
  bool hasAwait(const Expr *E);
  bool headerAwaits(const ForStmt *F);
  void classifyAwaits(const Expr *E);
  void addAnchor(const Stmt *S, AnchorKind Kind,
                 std::initializer_list<const Expr *> Parts);
  void planLoopEntries(const Stmt *Body, const std::string &Flag);
  void registerExprAwaits(const Expr *E, const Stmt *Anchor);
  void placeTemps();
  SuspendPoint *addPoint(const Mark &M, AwaitForm Form, const Stmt *Anchor);
  std::string addTemp(const char *Prefix, QualType T);
  bool addRaceArms(const Mark &Race, SuspendPoint &P);
  void planFrameLiterals();
  void planTypes();
  void checkStackMemory();
  void checkReturnJumps();
  void requireText(const Stmt *S);
  void rejectCounters(llvm::ArrayRef<const Stmt *> Moved);
  void rejectCountersAcross(const BinaryOperator *Assign);
  std::vector<SourceLocation>
  counterUses(llvm::ArrayRef<const Stmt *> Stmts) const;
  void failCounters(SourceLocation L);
  void rejectMovedCounters();
  void failDirective(const Directive &D, const char *Why);
  void rejectMacroChanges(CharSourceRange R, const char *Why,
                          SourceLocation GroupsFrom = {});
  void rejectDroppedDirectives(CharSourceRange R, SourceLocation Rest);
  void rejectCutGroups(llvm::ArrayRef<CharSourceRange> Pieces);
  void rejectSplitGaps(const Expr *E);
  void rejectAnchorDirectives(const Stmt *S, AnchorKind Kind,
                              llvm::ArrayRef<const Expr *> Parts);
  void collectMarks();
  void rejectLocalsInAwaitingMacros();
  void chooseFrameVars();
  void shareSlots(const std::vector<const LocalScope *> &Resident);
  void addSpills(const LocalScope &L, const RegisterLocals &RL);
  void chooseRegisterParameters(const RegisterLocals &RL);
  void keepRegisterParameters();
  bool checkFrameType(const VarDecl *VD);
  void collectRefs();
  void planColumn(const SourceLocExpr *SLE);
  bool renameable(SourceLocation L) const;
  std::string inFrameBecause(const VarDecl *VD) const;
  std::string otherMeaning(const NameConflict &C) const;
  void checkStringified(const FrameVarNames &Names);
  clang::CharSourceRange macroRange() const;
  void rejectMacroTests();
  std::optional<clang::SourceLocation> findTest(llvm::StringRef Name) const;
  void failNamesPoll(SourceLocation L, const llvm::Twine &Name);
  void checkFlagWrites();
  void planDrops();
  void shareDeadParameters();
  std::string uniqueField(StringRef Name);
  bool printableType(QualType T) const;

  const FunctionDecl *FD;
  ASTContext &Ctx;
  const SourceManager &SM;
  const FrameSourceFn &SourceOf;
  CheckHandler &Handler;
  FunctionAnalyses &Analyses;
  const CounterExpansions &Counters;
  const MacroTests &Tests;
  AsyncFunctionPlan &Plan;
  bool Ok = true;

  std::vector<LocalScope> Locals;
  std::vector<unsigned> PointOffsets;
  std::vector<unsigned> LabelOffsets;
  struct VMTypedef {
    const TypedefNameDecl *Decl;
    unsigned DeclOffset, ScopeEnd;
  };
  std::vector<VMTypedef> VMTypedefs;
  llvm::DenseSet<const Expr *> Classified;
  /// The expressions whose awaits run in a prelude, each followed by the
  /// reads of its temporaries: an anchor's parts, a declarator's value.
  std::vector<const Expr *> Preludes;
  /// The offsets of directives reported: the pieces of a statement nest.
  llvm::DenseSet<unsigned> ReportedDirectives;
  /// Where code split across a macro's definition and its use was reported.
  llvm::DenseSet<unsigned> SplitText;
  llvm::StringSet<> FieldNames;
  /// Why each local live across an await stays in the frame.
  llvm::DenseMap<const VarDecl *, std::string> InFrameWhy;
};

bool Planner::run() {
  Plan.FD = FD;
  Plan.Name = FD->getName().str();
  if (FD->isVariadic())
    fail(FD->getLocation(), "async function '" + Plan.Name +
                                "' is variadic; async functions take a fixed "
                                "list of parameters");
  Ok &= checkCarriedAttributes(*FD, Handler);
  if (!FD->hasWrittenPrototype())
    fail(FD->getLocation(), "async function '" + Plan.Name +
                                "' needs a prototype (write '(void)' for no "
                                "parameters)");
  if (!Ok)
    return false;
  if (!printableType(FD->getReturnType()))
    fail(FD->getLocation(), "the return type of async function '" + Plan.Name +
                                "' has no name; name it with a "
                                "typedef at file scope");
  else if (!FD->getReturnType()->isVoidType() &&
           Ctx.getTypeAlignInChars(FD->getReturnType()).getQuantity() > 16)
    fail(FD->getLocation(), "the return type of async function '" + Plan.Name +
                                "' is aligned to more than 16 bytes, more "
                                "than frames are");
  if (const auto *RT = FD->getReturnType()->getAs<RecordType>())
    Plan.ReturnByCopy = RT->hasConstFields();
  const auto *Body = cast<CompoundStmt>(FD->getBody());
  if (!Body->getLBracLoc().isFileID() || !Body->getRBracLoc().isFileID()) {
    fail(FD->getLocation(), "async function '" + Plan.Name +
                                "' is defined by a macro; the lowering needs "
                                "its definition written out");
    return false;
  }
  walkStatement(Body, endOffsetOf(Body->getRBracLoc()));
  collectMarks();
  checkStackMemory();
  checkReturnJumps();
  // Clang has reported an invalid declaration, and nothing is emitted: its
  // type may have no layout (a typeof of a recovery expression recursed
  // until the stack overflowed).
  if (llvm::any_of(Locals,
                   [](const LocalScope &L) { return L.Var->isInvalidDecl(); }))
    return false;
  rejectLocalsInAwaitingMacros();
  if (!Ok)
    return false;
  chooseFrameVars();
  planFrameLiterals();
  if (!Ok)
    return false;
  planTypes();
  if (!Ok)
    return false;
  rejectMovedCounters();
  if (!Ok)
    return false;
  collectRefs();
  rejectMacroTests();
  planDrops();
  checkFlagWrites();
  shareDeadParameters();
  placeTemps();
  return Ok;
}

/// A parameter whose value no suspension point needs after it resumes
/// shares storage with the callee frames: the first await that starts a
/// callee has read it already, in the callee's arguments at the latest.
/// Not one whose address is taken (the address may outlive the value's
/// use), nor one cancellation may destruct (drops read it at any point).
void Planner::shareDeadParameters() {
  if (!Plan.hasChildren() && FD->getReturnType()->isVoidType())
    return;
  const SuspendLiveness *SL = Analyses.liveness(FD);
  if (!SL)
    return;
  llvm::DenseSet<const VarDecl *> Kept;
  for (const SuspendPoint &Pt : Plan.Points) {
    if (!SL->at(Pt.Await))
      return;
    for (const DropValue &D : Pt.Drops)
      Kept.insert(D.Var);
  }
  for (const DropValue &D : Plan.StartDrops)
    Kept.insert(D.Var);
  for (const DropFlag &F : Plan.Flags)
    Kept.insert(F.Var);
  // The lowering evaluates the rest of a statement holding an Expression
  // point, and the left side of an assigned await, after the await, in
  // whatever order C allowed: what they read stays put.
  for (const SuspendPoint &Pt : Plan.Points) {
    if (Pt.Form == AwaitForm::Expression)
      collectVarRefs(Pt.Anchor, Kept);
    if (Pt.Assign)
      collectVarRefs(Pt.Assign->getLHS(), Kept);
  }
  llvm::DenseSet<const VarDecl *> AddressTaken;
  collectAddressTaken(FD->getBody(), AddressTaken);
  for (FrameVar &V : Plan.Vars) {
    if (!isa<ParmVarDecl>(V.Decl) || Kept.count(V.Decl) ||
        llvm::any_of(Plan.Points,
                     [&](const SuspendPoint &Pt) {
                       return SL->isLiveAcross(V.Decl, Pt.Await);
                     }) ||
        AddressTaken.count(V.Decl))
      continue;
    V.Shared = true;
    V.Field = "__in." + V.Name;
  }
}

/// What cancellation destructs: at each suspension point, the values the
/// must_destruct flow finds owned there; before the first poll, the
/// parameters that take ownership. Each with the first destructor of its
/// type. A value owned on some paths only to some point gets a drop flag,
/// which the references the flow says acquire or release it keep up to date.
void Planner::planDrops() {
  const MustDestructOwnership &Owned = Analyses.ownership(FD, Ctx);
  unsigned NextState = Plan.Points.size() + 1;
  // Values without a destructor to call, or outside the frame, are left
  // alone.
  auto Destructor = [&](const VarDecl *VD) -> const FunctionDecl * {
    QualType T = VD->getType();
    if (const auto *PT = T->getAs<PointerType>())
      T = PT->getPointeeType();
    const RecordDecl *RD = mustDestructRecord(T);
    auto Destructors = RD ? destructorsOf(RD, Ctx)
                          : llvm::SmallVector<const FunctionDecl *, 2>();
    return Destructors.empty() || !Plan.frameVar(VD) ? nullptr
                                                     : Destructors.front();
  };
  auto DropOf = [&](const VarDecl *VD) -> std::optional<DropValue> {
    const FunctionDecl *Dtor = Destructor(VD);
    if (!Dtor)
      return std::nullopt;
    DropValue D{VD, Dtor, 0, ""};
    if (isAsyncFunction(D.Destructor)) {
      D.State = NextState++;
      Plan.AsyncDrops = true;
    }
    return D;
  };

  for (SuspendPoint &Pt : Plan.Points)
    for (const OwnedValue &V : Owned.ownedAt(Pt.Call))
      if (!V.Definite && !Plan.flagOf(V.Var) && Destructor(V.Var))
        Plan.Flags.push_back({V.Var,
                              "__coast_own_" + Plan.frameVar(V.Var)->Name,
                              Owned.ownedByDeclaration(V.Var)});
  auto FlagWriteAt = [&](const DeclRefExpr *Ref, const VarDecl *VD) {
    if (!Plan.flagOf(VD))
      return;
    switch (Owned.effectOf(Ref)) {
    case OwnershipEffect::None:
      break;
    case OwnershipEffect::Acquire:
      Plan.FlagWrites[Ref] = {VD, true};
      break;
    case OwnershipEffect::Release:
      Plan.FlagWrites[Ref] = {VD, false};
      break;
    }
  };
  for (const DeclRefExpr *Ref : Plan.Refs)
    FlagWriteAt(Ref, cast<VarDecl>(Ref->getDecl()));
  // An alias (`struct conn *c = a;`) consumes the original's resource.
  for (const auto &[Ref, Effect] : Owned.effects()) {
    const VarDecl *Orig = Owned.followedBy(Ref);
    if (Orig == Ref->getDecl() || !Plan.flagOf(Orig))
      continue;
    if (Ref->getLocation().isMacroID() &&
        !SM.isMacroArgExpansion(Ref->getLocation())) {
      fail(Ref->getLocation(),
           "'" + Ref->getDecl()->getName() + "' stands for '" +
               Orig->getName() +
               "', which is owned on some paths only at an "
               "'await', and is used inside the definition of macro '" +
               Lexer::getImmediateMacroName(Ref->getLocation(), SM,
                                            Ctx.getLangOpts()) +
               "'; pass it to the macro as an argument");
      continue;
    }
    FlagWriteAt(Ref, Orig);
  }

  for (SuspendPoint &Pt : Plan.Points) {
    Pt.FinishOnCancel = Pt.Callee && destructedRecord(Pt.Callee);
    for (const OwnedValue &V : Owned.ownedAt(Pt.Call)) {
      std::optional<DropValue> D = DropOf(V.Var);
      if (!D)
        continue;
      if (!V.Definite)
        D->Flag = Plan.flagOf(V.Var)->Field;
      Pt.Drops.push_back(*D);
    }
  }
  // A destructor's own parameter is what it destructs.
  if (!destructedRecord(FD))
    for (const ParmVarDecl *P : FD->parameters())
      if (hasCoastAttr(P, CoastAttr::MustDestruct) ||
          mustDestructRecord(P->getType()))
        if (std::optional<DropValue> D = DropOf(P))
          Plan.StartDrops.push_back(*D);
  if (NextState - 1 > MaxSuspensionPoints)
    fail(FD->getLocation(), "async function '" + Plan.Name +
                                "' has more than " +
                                std::to_string(MaxSuspensionPoints) +
                                " suspension points (awaits and awaited "
                                "destructors); split it");
}

/// Walks the statements that stand in statement position; expressions (a
/// condition, a `for` step) are not entered: an await there is outside the
/// supported shapes and collectMarks reports it.
void Planner::walkStatement(const Stmt *S, unsigned ScopeEnd) {
  if (!S)
    return;
  if (const auto *CS = dyn_cast<CompoundStmt>(S)) {
    unsigned End = endOffsetOf(CS->getRBracLoc());
    for (const Stmt *Child : CS->body())
      walkStatement(Child, End);
    return;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(S))
    return walkDeclStmt(DS, ScopeEnd, /*InForInit=*/false);
  if (const auto *RS = dyn_cast<ReturnStmt>(S)) {
    const Expr *V = RS->getRetValue();
    // The `return` macro ends in `__coast_rv =`, which would take only the
    // left operand of a comma the value has at its top: such a return is
    // rewritten with its value in parentheses.
    const auto *Comma =
        V ? dyn_cast<BinaryOperator>(V->IgnoreImpCasts()) : nullptr;
    bool TopComma = Comma && Comma->getOpcode() == BO_Comma &&
                    !FD->getReturnType()->isVoidType();
    if (V && !tryPoint(V, AwaitForm::Return, RS) &&
        (hasAwait(V) || Plan.ReturnByCopy || TopComma)) {
      addAnchor(RS, AnchorKind::Return, {V});
      if (Plan.ReturnByCopy || TopComma)
        requireText(V); // copied as written
    }
    return;
  }
  if (const auto *E = dyn_cast<Expr>(S)) {
    if (tryPoint(E, AwaitForm::Statement, E))
      return;
    if (const auto *BO = dyn_cast<BinaryOperator>(E->IgnoreParens());
        BO && BO->getOpcode() == BO_Assign && !hasAwait(BO->getLHS()) &&
        tryPoint(BO->getRHS(), AwaitForm::Assign, E, nullptr, BO))
      return;
    if (hasAwait(E))
      addAnchor(E, AnchorKind::ExprStmt, {E});
    return;
  }
  if (const auto *If = dyn_cast<IfStmt>(S)) {
    if (hasAwait(If->getCond()))
      addAnchor(If, AnchorKind::If, {If->getCond()});
    walkStatement(If->getThen(), ScopeEnd);
    walkStatement(If->getElse(), ScopeEnd);
    return;
  }
  if (const auto *W = dyn_cast<WhileStmt>(S)) {
    if (hasAwait(W->getCond()))
      addAnchor(W, AnchorKind::While, {W->getCond()});
    return walkStatement(W->getBody(), ScopeEnd);
  }
  if (const auto *D = dyn_cast<DoStmt>(S)) {
    if (hasAwait(D->getCond()))
      addAnchor(D, AnchorKind::Do, {D->getCond()});
    return walkStatement(D->getBody(), ScopeEnd);
  }
  if (const auto *F = dyn_cast<ForStmt>(S)) {
    // Not offsetOf: a body like `await(f());` ends inside a macro whose
    // expansion starts where the await does (a regression test in
    // control-flow.c).
    unsigned End = endOffsetOf(F->getEndLoc());
    const auto *InitDecl = dyn_cast_or_null<DeclStmt>(F->getInit());
    const auto *InitExpr = dyn_cast_or_null<Expr>(F->getInit());
    bool Rewrite = headerAwaits(F);
    if (Rewrite)
      addAnchor(F, AnchorKind::For, {InitExpr, F->getCond(), F->getInc()});
    if (InitDecl)
      walkDeclStmt(InitDecl, End, /*InForInit=*/!Rewrite);
    walkStatement(F->getBody(), End);
    return;
  }
  if (const auto *Sw = dyn_cast<SwitchStmt>(S)) {
    if (hasAwait(Sw->getCond()))
      addAnchor(Sw, AnchorKind::Switch, {Sw->getCond()});
    return walkStatement(Sw->getBody(), ScopeEnd);
  }
  if (const auto *SC = dyn_cast<SwitchCase>(S))
    return walkStatement(SC->getSubStmt(), ScopeEnd);
  if (const auto *L = dyn_cast<LabelStmt>(S)) {
    LabelOffsets.push_back(offsetOf(L->getBeginLoc()));
    return walkStatement(L->getSubStmt(), ScopeEnd);
  }
  if (const auto *A = dyn_cast<AttributedStmt>(S)) {
    // A loop pragma must come right before its loop.
    const auto *F = dyn_cast<ForStmt>(A->getSubStmt());
    for (const Attr *At : A->getAttrs())
      if (isa<LoopHintAttr>(At) && F && headerAwaits(F))
        fail(At->getLocation(),
             "a loop pragma on a 'for' loop whose header has an 'await': the "
             "lowering makes that loop a block, which the pragma cannot "
             "precede; await before the loop, or drop the pragma");
    return walkStatement(A->getSubStmt(), ScopeEnd);
  }
}

/// A for loop whose header awaits becomes `for (;;)`, its initializer an
/// ordinary statement before it, the two in a block.
bool Planner::headerAwaits(const ForStmt *F) {
  bool InitAwaits = false;
  if (const auto *InitDecl = dyn_cast_or_null<DeclStmt>(F->getInit()))
    for (const Decl *D : InitDecl->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D))
        InitAwaits |= hasAwait(VD->getInit());
  return InitAwaits || hasAwait(dyn_cast_or_null<Expr>(F->getInit())) ||
         hasAwait(F->getCond()) || hasAwait(F->getInc());
}

void Planner::walkDeclStmt(const DeclStmt *DS, unsigned ScopeEnd,
                           bool InForInit) {
  for (const Decl *D : DS->decls()) {
    if (const auto *TD = dyn_cast<TypedefNameDecl>(D);
        TD && TD->getUnderlyingType()->isVariablyModifiedType())
      VMTypedefs.push_back({TD, offsetOf(TD->getLocation()), ScopeEnd});
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD || !VD->hasLocalStorage())
      continue;
    Locals.push_back({VD, DS, offsetOf(VD->getLocation()), ScopeEnd});
    // Its frame variables' stores are one expression, without directives.
    if (InForInit) {
      Plan.ForInit[DS] = true;
      rejectMacroChanges(fileRangeOf(DS), MacroMoves);
    }
    if (const Expr *Init = VD->getInit())
      if (!tryPoint(Init, AwaitForm::Init, DS, VD) && hasAwait(Init)) {
        rejectCounters(Init);
        rejectMacroChanges(fileRangeOf(DS), MacroMoves);
        // The declarator is written anew, up to its initializer's text.
        if (CharSourceRange Value = fileRangeOf(Init); Value.isValid())
          rejectCutGroups(CharSourceRange::getCharRange(
              SM.getExpansionLoc(VD->getLocation()), Value.getBegin()));
        registerExprAwaits(Init, DS);
        Preludes.push_back(Init);
      }
  }
}

bool Planner::tryPoint(const Expr *E, AwaitForm Form, const Stmt *Anchor,
                       const VarDecl *Var, const BinaryOperator *Assign) {
  std::optional<Mark> M = matchMark(E->IgnoreImpCasts());
  if (!M || M->Kind != MarkKind::Await)
    return false;
  // An await in the callee's arguments needs a prelude: the general path.
  if (std::optional<FutureCall> FC = futureCall(*M)) {
    if (hasAwait(FC->Call->getCallee()))
      return false;
    for (const Expr *Arg : FC->Call->arguments())
      if (hasAwait(Arg))
        return false;
  }
  if (SuspendPoint *P = addPoint(*M, Form, Anchor)) {
    P->Var = Var;
    P->Assign = Assign;
    if (Assign) {
      requireText(Assign->getLHS());
      rejectCountersAcross(Assign);
    }
    // A declaration keeps the directives between its declarators.
    CharSourceRange R = fileRangeOf(Anchor);
    if (Var)
      R = CharSourceRange::getCharRange(SM.getExpansionLoc(Var->getLocation()),
                                        fileRangeOf(E).getEnd());
    // The ends of its groups go with it (rewritePoint, declText), and the
    // branches it skipped.
    SourceLocation Rest = R.getEnd();
    if (std::optional<SourceLocation> Semi =
            semicolonAfterGroups(SM, Ctx.getLangOpts(), R))
      R.setEnd(*Semi);
    rejectDroppedDirectives(R, Rest);
    std::vector<CharSourceRange> Copied;
    if (P->Call) {
      Copied.push_back(fileRangeOf(P->Call->getCallee()));
      for (const Expr *Arg : P->Call->arguments())
        Copied.push_back(fileRangeOf(Arg));
    }
    if (Assign)
      Copied.push_back(fileRangeOf(Assign->getLHS()));
    rejectCutGroups(Copied);
  }
  return true;
}

/// The arms of the race \p Race awaits at \p P; false when one is not a
/// future (the checks report it).
bool Planner::addRaceArms(const Mark &Race, SuspendPoint &P) {
  std::vector<Mark> Arms = raceArms(Race);
  if (Arms.empty() || Arms.size() > MaxRaceArms ||
      (Race.Kind == MarkKind::First &&
       Arms.size() != firstOperands(Race).size()))
    return false;
  P.Race = Race.Kind;
  P.Ms = Race.Ms;
  if (P.Ms)
    requireText(P.Ms);
  for (const Mark &Arm : Arms) {
    std::optional<FutureCall> FC = futureCall(Arm);
    if (!FC)
      return false;
    if (hasAwait(Arm.Operand) || hasAwait(Arm.Out) || hasAwait(P.Ms)) {
      fail(Arm.Whole->getBeginLoc(),
           std::string("'await' inside the operands of '") +
               markName(Race.Kind) + "'; await into a local before it");
      // Reported: collectMarks need not say more about them.
      for (const Expr *E : {Arm.Operand, Arm.Out, P.Ms})
        classifyAwaits(E);
    }
    if (!FC->Callee)
      requireText(FC->Call->getCallee());
    requireText(Arm.Out);
    for (const Expr *Arg : FC->Call->arguments())
      requireText(Arg);
    P.Arms.push_back({FC->Call, FC->Callee, FC->Proto, FC->Boxed, Arm.Out});
  }
  // The must_destruct flow keys a race by its last arm.
  P.Call = P.Arms.back().Call;
  P.Source = FrameSource::FrameStack;
  P.Result = Ctx.IntTy;
  return true;
}

SuspendPoint *Planner::addPoint(const Mark &M, AwaitForm Form,
                                const Stmt *Anchor) {
  Classified.insert(M.Whole);
  SuspendPoint P;
  P.State = Plan.Points.size() + 1;
  P.Form = Form;
  P.Await = M.Whole;
  P.Anchor = Anchor;
  if (std::optional<Mark> Race = awaitedRace(M)) {
    if (!addRaceArms(*Race, P))
      return nullptr;
  } else {
    std::optional<FutureCall> FC = futureCall(M);
    if (!FC)
      return nullptr; // reported by the checks
    P.Call = FC->Call;
    P.Callee = FC->Callee;
    P.Proto = FC->Proto;
    P.Source = FC->Boxed ? FrameSource::FrameStack : SourceOf(FC->Callee);
    P.Result = FC->Proto->getReturnType();
    if (!FC->Callee)
      requireText(FC->Call->getCallee());
    for (const Expr *Arg : P.Call->arguments())
      requireText(Arg);
    rejectMacroChanges(fileRangeOf(M.Whole), MacroMoves);
  }
  QualType RT = P.Result;
  if (!printableType(RT))
    fail(M.Whole->getBeginLoc(), "the awaited function's return type has no "
                                 "name; name it with a typedef at file scope");
  if (Form == AwaitForm::Expression) {
    requireText(M.Whole);
    if (!RT->isVoidType())
      P.Temp = addTemp("__t", RT);
  }
  PointOffsets.push_back(offsetOf(M.Whole->getBeginLoc()));
  if (!fileRangeOf(Anchor).isValid())
    fail(M.Whole->getBeginLoc(),
         "this 'await' is written inside a macro definition; write it in the "
         "function body");
  Plan.Points.push_back(P);
  return &Plan.Points.back();
}

std::string Planner::addTemp(const char *Prefix, QualType T) {
  std::string Name = Prefix + std::to_string(Plan.Temps.size() + 1);
  if (!namesLocalType(T, Ctx) && !printableType(T))
    fail(FD->getLocation(), "a value awaited in '" + Plan.Name +
                                "' has a type without a name; name it with "
                                "a typedef at file scope");
  else if (Ctx.getTypeAlignInChars(T).getQuantity() > 16)
    fail(FD->getLocation(), "a value awaited in '" + Plan.Name +
                                "' is aligned to more than 16 bytes, more "
                                "than frames are");
  Plan.Temps.push_back({Name, T});
  return Name;
}

void Planner::classifyAwaits(const Expr *E) {
  if (!E)
    return;
  if (std::optional<Mark> M = matchMark(E); M && M->Kind == MarkKind::Await)
    Classified.insert(M->Whole);
  forEachEvaluatedChild(E, [&](const Expr *C) { classifyAwaits(C); });
}

bool Planner::hasAwait(const Expr *E) {
  if (!E)
    return false;
  if (std::optional<Mark> M = matchMark(E); M && M->Kind == MarkKind::Await)
    return true;
  bool Found = false;
  forEachEvaluatedChild(E,
                        [&](const Expr *C) { Found = Found || hasAwait(C); });
  return Found;
}

void Planner::addAnchor(const Stmt *S, AnchorKind Kind,
                        std::initializer_list<const Expr *> Parts) {
  ExprAnchor A;
  A.S = S;
  A.Kind = Kind;
  if (Kind == AnchorKind::Do || Kind == AnchorKind::For) {
    A.BreakFlag = addTemp("__b", Ctx.IntTy);
    const Stmt *Body = Kind == AnchorKind::Do ? cast<DoStmt>(S)->getBody()
                                              : cast<ForStmt>(S)->getBody();
    planLoopEntries(Body, A.BreakFlag);
  }
  requireText(S);
  // Each piece is copied on its own: a loop's header written by a macro
  // may be one piece of text only as a whole.
  for (const Expr *E : Parts)
    if (E)
      requireText(E);
  // A for's declaration too, with its ';'.
  if (const auto *F = dyn_cast<ForStmt>(S);
      F && isa_and_nonnull<DeclStmt>(F->getInit()))
    requireText(F->getInit());
  std::vector<const Stmt *> Moved(Parts.begin(), Parts.end());
  // The step goes after the body.
  if (const auto *F = dyn_cast<ForStmt>(S); F && F->getInc())
    Moved.push_back(F->getBody());
  rejectCounters(Moved);
  rejectAnchorDirectives(S, Kind, Parts);
  for (const Expr *E : Parts)
    if (E) {
      registerExprAwaits(E, S);
      Preludes.push_back(E);
    }
  Plan.Anchors.push_back(A);
}

/// A jump from outside into the body \p Body of a loop rebuilt around the
/// break flag \p Flag skips its setting (JumpsIntoLoops.h): the labels it
/// reaches set it again, or the loop's breaks when a macro writes one of
/// those labels with its statement, which leaves no place for the setting.
void Planner::planLoopEntries(const Stmt *Body, const std::string &Flag) {
  std::vector<const Stmt *> Entries = entriesInto(Body, FD->getBody());
  auto SubOf = [](const Stmt *L) {
    return isa<LabelStmt>(L) ? cast<LabelStmt>(L)->getSubStmt()
                             : cast<SwitchCase>(L)->getSubStmt();
  };
  auto Hidden = llvm::find_if(
      Entries, [&](const Stmt *L) { return !fileRangeOf(SubOf(L)).isValid(); });
  if (Hidden == Entries.end()) {
    for (const Stmt *L : Entries) {
      auto It = llvm::find_if(Plan.LoopEntries,
                              [&](const auto &E) { return E.Label == L; });
      if (It == Plan.LoopEntries.end())
        It = Plan.LoopEntries.insert(It,
                                     {L, labelInBlock(L, FD->getBody()), {}});
      It->Flags.push_back(Flag);
    }
    return;
  }
  std::vector<const BreakStmt *> Breaks = loopBreaks(Body);
  for (const BreakStmt *B : Breaks)
    if (!fileRangeOf(B).isValid()) {
      fail((*Hidden)->getBeginLoc(),
           Twine(isa<LabelStmt>(*Hidden) ? "a 'goto' from outside a loop "
                                           "whose header awaits jumps to "
                                           "this label in its body"
                                         : "a switch around a loop whose "
                                           "header awaits jumps to this case "
                                           "label in its body") +
               ", which a macro writes with its statement, and the loop's "
               "'break' at line " +
               Twine(SM.getPresumedLineNumber(B->getBeginLoc())) +
               " is written by a macro too: the lowering cannot set the flag "
               "that tells the 'break' apart; write the label's statement or "
               "the 'break' in the function body");
      return;
    }
  for (const BreakStmt *B : Breaks)
    Plan.LoopBreaks.push_back({B, Flag});
}

/// An anchor runs the awaits of its expressions \p Parts before the rest
/// of them, and a for's step after its body. The directives between the
/// pieces of a loop stay (StateMachine.cpp); others go, and with them a
/// macro defined there.
void Planner::rejectAnchorDirectives(const Stmt *S, AnchorKind Kind,
                                     llvm::ArrayRef<const Expr *> Parts) {
  if (Kind == AnchorKind::Return || Kind == AnchorKind::ExprStmt)
    rejectMacroChanges(fileRangeOf(S), MacroMoves);
  for (const Expr *E : Parts)
    if (E)
      rejectMacroChanges(fileRangeOf(E), MacroMoves);
  // The prelude of a condition goes before the statement, ahead of the
  // directives between its start and the condition.
  if (Kind == AnchorKind::If || Kind == AnchorKind::Switch)
    if (CharSourceRange Cond = fileRangeOf(Parts.front()); Cond.isValid())
      rejectMacroChanges(
          CharSourceRange::getCharRange(SM.getExpansionLoc(S->getBeginLoc()),
                                        Cond.getEnd()),
          MacroMoves);
  const auto *F = dyn_cast<ForStmt>(S);
  if (!F || !F->getInc())
    return;
  CharSourceRange Inc = fileRangeOf(F->getInc());
  CharSourceRange Body = fileRangeOf(F->getBody());
  if (!Inc.isValid() || !Body.isValid())
    return;
  // The step is copied after the body, without what follows it.
  rejectCutGroups(Inc);
  const char *AfterBody = "the step runs after the body";
  // Read from the statement's start: a group opened before the step (an
  // `#if 1` around it) tells which of the directives after it are skipped.
  CharSourceRange After =
      CharSourceRange::getCharRange(Inc.getEnd(), Body.getEnd());
  SourceLocation Start = SM.getExpansionLoc(S->getBeginLoc());
  if (SM.getFileID(Start) != SM.getFileID(After.getBegin()) ||
      !SM.isBeforeInTranslationUnit(Start, After.getBegin()))
    Start = After.getBegin();
  rejectMacroChanges(After, AfterBody, Start);
  // Those between the step and the body stay before the body: a pragma
  // there would apply to the step too, and so would one in the body that
  // its end does not undo. A diagnostic one changes no code.
  auto Reaches = [&](SourceLocation L, StringRef Text) {
    PragmaReach Reach = pragmaReach(Text);
    return Reach == PragmaReach::Code ||
           (Reach == PragmaReach::Scope &&
            SM.isBeforeInTranslationUnit(L, Body.getBegin()));
  };
  unsigned AfterBegin = SM.getFileOffset(After.getBegin());
  for (const Directive &D :
       directivesIn(SM, Ctx.getLangOpts(),
                    CharSourceRange::getCharRange(Start, After.getEnd())))
    if (D.Begin >= AfterBegin && D.Name == "pragma" && !D.Skipped &&
        Reaches(D.Loc, D.pragmaText()))
      failDirective(D, AfterBody);
  std::vector<PragmaOperator> Operators =
      pragmaOperatorsIn(SM, Ctx.getLangOpts(), After);
  for (const PragmaOperator &Op :
       expandedPragmaOperatorsIn(SM, Ctx.getLangOpts(), After))
    Operators.push_back(Op);
  for (const PragmaOperator &Op : Operators)
    if (Reaches(Op.Loc, Op.Text) &&
        ReportedDirectives.insert(SM.getFileOffset(Op.Loc)).second)
      fail(Op.Loc, "'" + Op.Name +
                       "' inside a statement that the lowering rebuilds "
                       "around an 'await', in async function '" +
                       Plan.Name + "': " + AfterBody +
                       ", where it would apply; move it out of the loop");
}

/// The lowering rebuilds an awaited call from its callee and arguments, a
/// split operator from its operands, a declaration from its initializer,
/// and runs the awaits of a statement before the rest of it: a macro
/// defined or undefined inside \p R would apply to other pieces than in
/// the text, or nowhere. Other directives between the pieces act as
/// written: a conditional group goes with the branches it chose, and the
/// pieces keep their lines (LoweringContext::placeLines). The directives
/// are read from \p GroupsFrom when it is valid (before \p R): only the
/// groups opened in what is read tell which branches are skipped.
void Planner::rejectMacroChanges(CharSourceRange R, const char *Why,
                                 SourceLocation GroupsFrom) {
  CharSourceRange Read =
      GroupsFrom.isValid()
          ? CharSourceRange::getCharRange(GroupsFrom, R.getEnd())
          : R;
  unsigned Begin = SM.getFileOffset(R.getBegin());
  for (const Directive &D : directivesIn(SM, Ctx.getLangOpts(), Read))
    if (D.Begin >= Begin && D.changesMacros() && !D.Skipped)
      failDirective(D, Why);
  for (SourceLocation L : macroPragmasIn(SM, Ctx.getLangOpts(), R))
    if (ReportedDirectives.insert(SM.getFileOffset(L)).second)
      fail(L, "'_Pragma' pushing or popping a macro inside a statement that "
              "the lowering rebuilds around an 'await', in async function '" +
                  Plan.Name + "': " + Why + "; move it out of the statement");
}

/// An await that is its statement's whole value (`return await(f(x));`, an
/// assignment's, a declarator's initializer) is written in place of the
/// text \p R, from its callee and arguments: the directives in \p R go.
/// A whole conditional group may go, the branches chosen, and a diagnostic
/// pragma (the nested parse reported the diagnostics; the compile of the
/// lowered code ignores warnings); a group opened or closed outside \p R
/// may not, nor another directive. From \p Rest on, \p R holds only
/// the ends of the groups the statement opened and the branches they
/// skipped (semicolonAfterGroups): directives there never acted.
void Planner::rejectDroppedDirectives(CharSourceRange R, SourceLocation Rest) {
  const char *Dropped = "the lowering writes the statement anew, without it";
  std::vector<Directive> Found = directivesIn(SM, Ctx.getLangOpts(), R);
  bool Balanced = balancedGroups(Found);
  rejectMacroChanges(CharSourceRange::getCharRange(R.getBegin(), Rest),
                     MacroMoves);
  for (const Directive &D : Found)
    if (D.conditional() ? !Balanced
                        : D.Begin < SM.getFileOffset(Rest) && !D.Skipped &&
                              !D.changesMacros() && !D.diagnosticPragma())
      failDirective(D, Dropped);
}

/// The lowering copies each of \p Pieces on its own, from its first token
/// to its last, and drops or copies the text around it apart: a group
/// opened or closed outside one would lose its other end.
void Planner::rejectCutGroups(llvm::ArrayRef<CharSourceRange> Pieces) {
  for (CharSourceRange R : Pieces) {
    std::vector<Directive> Found = directivesIn(SM, Ctx.getLangOpts(), R);
    if (balancedGroups(Found))
      continue;
    for (const Directive &D : Found)
      if (D.conditional())
        failDirective(D, "the conditional group is cut: the lowering "
                         "copies the pieces of the statement on their own");
  }
}

/// The directives between the operands of the split operator \p E are
/// copied, in order, before the code of the operand after each: together
/// they may not close (`#else`, `#endif`) a group opened before the first
/// operand, whose `#if` stays with the statement's text, after that code.
void Planner::rejectSplitGaps(const Expr *E) {
  std::vector<const Expr *> Ops;
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    Ops = {BO->getLHS(), BO->getRHS()};
  else if (const auto *CO = dyn_cast<ConditionalOperator>(E))
    Ops = {CO->getCond(), CO->getTrueExpr(), CO->getFalseExpr()};
  std::vector<Directive> Gaps;
  for (size_t I = 1; I < Ops.size(); ++I) {
    CharSourceRange L = fileRangeOf(Ops[I - 1]), R = fileRangeOf(Ops[I]);
    if (!L.isValid() || !R.isValid())
      return;
    std::vector<Directive> Gap =
        directivesIn(SM, Ctx.getLangOpts(),
                     CharSourceRange::getCharRange(L.getEnd(), R.getBegin()));
    Gaps.insert(Gaps.end(), Gap.begin(), Gap.end());
  }
  if (closesOuterGroup(Gaps))
    for (const Directive &D : Gaps)
      if (D.conditional())
        failDirective(D, "a conditional group open before the operator's "
                         "first operand ends between its operands, which the "
                         "lowering copies on their own");
}

void Planner::failDirective(const Directive &D, const char *Why) {
  if (ReportedDirectives.insert(D.Begin).second)
    fail(D.Loc, "'#" + D.Name + "' inside a statement that the lowering " +
                    "rebuilds around an 'await', in async function '" +
                    Plan.Name + "': " + Why +
                    "; move the directive out of the statement");
}

/// The lowering evaluates the awaits of an anchor's expressions before
/// the rest of them, and a for's step after its body: __COUNTER__,
/// expanded in the order of the text, would count in another order where
/// \p Moved, the pieces that change places, use it twice.
void Planner::rejectCounters(llvm::ArrayRef<const Stmt *> Moved) {
  std::vector<SourceLocation> Found = counterUses(Moved);
  if (Found.size() > 1)
    failCounters(Found.back());
}

/// An await assigned to `LHS` starts its call, arguments and all, before
/// the lowering evaluates `LHS = ` (pointText): __COUNTER__ on both sides
/// would count in another order. On one side only, it keeps its order.
void Planner::rejectCountersAcross(const BinaryOperator *Assign) {
  std::vector<SourceLocation> Left = counterUses({Assign->getLHS()});
  if (!Left.empty() && !counterUses({Assign->getRHS()}).empty())
    failCounters(Left.front());
}

/// Where __COUNTER__ is expanded in the text of \p Stmts.
std::vector<SourceLocation>
Planner::counterUses(llvm::ArrayRef<const Stmt *> Stmts) const {
  std::vector<SourceLocation> Found;
  for (const Stmt *S : Stmts)
    if (S) {
      std::vector<SourceLocation> In = Counters.within(SM, fileRangeOf(S));
      Found.insert(Found.end(), In.begin(), In.end());
    }
  return Found;
}

/// The lowered text declares the function anew (its written declaration
/// goes) and moves the local types the frame needs before it: __COUNTER__
/// in the declaration would not count, and in a moved type it would count
/// before the uses written above that type in the function.
void Planner::rejectMovedCounters() {
  const auto *Body = cast<CompoundStmt>(FD->getBody());
  SourceLocation Begin = SM.getExpansionLoc(FD->getBeginLoc());
  std::vector<SourceLocation> Found = Counters.within(
      SM, CharSourceRange::getCharRange(Begin, Body->getRBracLoc()));
  if (Found.empty())
    return;
  std::vector<CharSourceRange> Moved;
  for (const HoistedType &H : Plan.Types.Hoisted)
    if (H.Stmt || H.Tag->isThisDeclarationADefinition())
      Moved.push_back(Lexer::makeFileCharRange(
          CharSourceRange::getTokenRange(H.Stmt ? H.Stmt->getSourceRange()
                                                : H.Tag->getSourceRange()),
          SM, Ctx.getLangOpts()));
  auto Within = [&](SourceLocation L, SourceLocation B, SourceLocation E) {
    return SM.isPointWithin(SM.getExpansionLoc(L), B, E);
  };
  auto PieceOf = [&](SourceLocation L) {
    return llvm::find_if(Moved, [&](const CharSourceRange &R) {
      return Within(L, R.getBegin(), R.getEnd());
    });
  };
  // A frame variable's declaration becomes an assignment of its
  // initializer: the rest of it, but a type defined there, is written anew
  // in the frame's type.
  for (const FrameVar &V : Plan.Vars) {
    if (isa<ParmVarDecl>(V.Decl))
      continue;
    CharSourceRange Declarator =
        CharSourceRange::getTokenRange(V.Decl->getSourceRange());
    if (const Expr *Init = V.Decl->getInit())
      Declarator = CharSourceRange::getCharRange(V.Decl->getBeginLoc(),
                                                 Init->getBeginLoc());
    CharSourceRange R =
        Lexer::makeFileCharRange(Declarator, SM, Ctx.getLangOpts());
    for (SourceLocation L : Counters.within(SM, R))
      if (PieceOf(L) == Moved.end())
        fail(L, "__COUNTER__ in the declaration of '" + V.Decl->getName() +
                    "', which lives in the frame of async function '" +
                    Plan.Name +
                    "': the lowering declares it anew, where it "
                    "would not count; use it outside the declaration");
  }
  // A directive between the declaration and its `{` is copied ahead of the
  // generated code, after the moved types: it counts where it stays.
  std::vector<Directive> Kept =
      directivesIn(SM, Ctx.getLangOpts(),
                   CharSourceRange::getCharRange(Begin, Body->getLBracLoc()));
  auto InKept = [&](SourceLocation L) {
    unsigned Off = offsetOf(L);
    return llvm::any_of(Kept, [&](const Directive &D) {
      return Off >= D.Begin && Off < D.End;
    });
  };
  std::optional<SourceLocation> FirstStaying;
  for (SourceLocation L : Found) {
    if (Within(L, Begin, Body->getLBracLoc()) && !InKept(L))
      fail(L, "__COUNTER__ in the declaration of async function '" + Plan.Name +
                  "', which the lowering writes anew: it would not count; "
                  "use it outside the declaration");
    else if (PieceOf(L) == Moved.end() &&
             (!FirstStaying || SM.isBeforeInTranslationUnit(
                                   SM.getExpansionLoc(L), *FirstStaying)))
      FirstStaying = SM.getExpansionLoc(L);
  }
  if (!FirstStaying)
    return;
  for (SourceLocation L : Found) {
    auto Piece = PieceOf(L);
    if (Piece != Moved.end() &&
        SM.isBeforeInTranslationUnit(*FirstStaying, Piece->getBegin()))
      fail(L, "__COUNTER__ in a type defined in async function '" + Plan.Name +
                  "' that the lowering moves before the function (a value "
                  "of that type is live across an 'await'): it would count "
                  "before the __COUNTER__ written above it; define the type "
                  "before the function");
  }
}

void Planner::failCounters(SourceLocation L) {
  fail(L, "__COUNTER__ used twice in a statement whose awaits the lowering "
          "evaluates apart from the rest of it: its values would come in "
          "another order; use it in a statement of its own");
}

/// Registers the awaits of \p E, which belongs to \p Anchor, and the
/// operators that sequence or skip them.
void Planner::registerExprAwaits(const Expr *E, const Stmt *Anchor) {
  if (std::optional<Mark> M = matchMark(E); M && M->Kind == MarkKind::Await) {
    if (std::optional<FutureCall> FC = futureCall(*M))
      registerExprAwaits(FC->Call, Anchor); // awaits in its operands first
    addPoint(*M, AwaitForm::Expression, Anchor);
    return;
  }
  if (isa<BinaryConditionalOperator>(E) && hasAwait(E))
    fail(E->getBeginLoc(), "'await' in the GNU 'a ?: b' operator is not "
                           "supported; write 'a ? a : b' with a local");
  QualType SplitType;
  bool Split = false;
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if ((BO->getOpcode() == BO_LAnd || BO->getOpcode() == BO_LOr) &&
        hasAwait(BO->getRHS())) {
      Split = true;
      SplitType = Ctx.IntTy;
    } else if (BO->getOpcode() == BO_Comma && hasAwait(BO->getRHS())) {
      Split = true;
      SplitType = BO->getType();
    }
  } else if (const auto *CO = dyn_cast<ConditionalOperator>(E);
             CO &&
             (hasAwait(CO->getTrueExpr()) || hasAwait(CO->getFalseExpr()))) {
    Split = true;
    SplitType = CO->getType();
  }
  if (Split) {
    SplitOp Op;
    Op.E = E;
    requireText(E);
    rejectMacroChanges(fileRangeOf(E), MacroMoves);
    rejectSplitGaps(E);
    if (!SplitType->isVoidType())
      Op.Temp = addTemp("__c", SplitType);
    Plan.Splits.push_back(Op);
  }
  forEachEvaluatedChild(E,
                        [&](const Expr *C) { registerExprAwaits(C, Anchor); });
}

namespace {

/// The temporaries live across a suspension point: a backward liveness
/// over the code StateMachine.cpp writes for a prelude (prelude(),
/// splitText()), one expression's, which reads its temporaries right after
/// it, so none is live across another statement. That code has no loops
/// and no jump but a suspension's leaving and its resume label, so
/// following its structure is following every path.
class TempLiveness {
public:
  explicit TempLiveness(const AsyncFunctionPlan &P) : P(P) {}

  void prelude(const Expr *E) { before(E, reads(E)); }
  bool across(const std::string &Temp) const { return Across.count(Temp); }

private:
  using Names = std::set<std::string>;

  static void add(Names &To, const Names &From) {
    To.insert(From.begin(), From.end());
  }

  const SuspendPoint *point(const Expr *E) const {
    const SuspendPoint *Pt = P.pointFor(E);
    return Pt && Pt->Form == AwaitForm::Expression ? Pt : nullptr;
  }

  /// The temporaries \p E's text reads once its prelude ran: those of the
  /// outermost Expression points and split operators in it.
  Names reads(const Expr *E) const {
    Names R;
    const SuspendPoint *Pt = point(E);
    const SplitOp *Op = Pt ? nullptr : P.splitFor(E);
    if (Pt || Op) {
      const std::string &T = Pt ? Pt->Temp : Op->Temp;
      if (!T.empty())
        R.insert(T);
      return R;
    }
    forEachEvaluatedChild(E, [&](const Expr *C) { add(R, reads(C)); });
    return R;
  }

  /// Live before \p E's prelude, given \p Live after it.
  Names before(const Expr *E, Names Live) {
    if (const SuspendPoint *Pt = point(E)) {
      // The callee's and the arguments' preludes, then the point: it
      // reads their values as it starts, suspends, and stores its own.
      Live.erase(Pt->Temp);
      add(Across, Live);
      std::vector<const Expr *> Parts{Pt->Call->getCallee()};
      Parts.insert(Parts.end(), Pt->Call->arg_begin(), Pt->Call->arg_end());
      for (const Expr *C : Parts)
        add(Live, reads(C));
      for (const Expr *C : llvm::reverse(Parts))
        Live = before(C, std::move(Live));
      return Live;
    }
    if (const SplitOp *Op = P.splitFor(E)) {
      // An operand's code, then its value stored (or discarded).
      auto Stored = [&](const Expr *V, Names After) {
        After.erase(Op->Temp);
        add(After, reads(V));
        return before(V, std::move(After));
      };
      if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
        const Expr *L = BO->getLHS(), *R = BO->getRHS();
        if (BO->getOpcode() == BO_Comma)
          return Stored(L, Stored(R, std::move(Live)));
        // `T = !!(L); if (T) { R's code; T = !!(R); }` (or `if (!T)`).
        Names Joined = Stored(R, Live);
        add(Joined, Live);
        return Stored(L, std::move(Joined));
      }
      const auto *CO = cast<ConditionalOperator>(E);
      Names Joined = Stored(CO->getTrueExpr(), Live);
      add(Joined, Stored(CO->getFalseExpr(), std::move(Live)));
      add(Joined, reads(CO->getCond()));
      return before(CO->getCond(), std::move(Joined));
    }
    std::vector<const Expr *> Children;
    forEachEvaluatedChild(E, [&](const Expr *C) { Children.push_back(C); });
    for (const Expr *C : llvm::reverse(Children))
      Live = before(C, std::move(Live));
    return Live;
  }

  const AsyncFunctionPlan &P;
  Names Across;
};

} // namespace

/// Expression points' and split operators' values no suspension point
/// comes between a store and a read of are C locals (FrameTemp::InFrame):
/// the value `a || await(b)` reads of a completed await, for instance.
/// Break flags are read after the body's awaits, and compound literals are
/// lvalues whose address may outlive the statement: frame members.
void Planner::placeTemps() {
  TempLiveness Live(Plan);
  for (const Expr *E : Preludes)
    Live.prelude(E);
  llvm::StringSet<> Values;
  for (const SuspendPoint &Pt : Plan.Points)
    if (Pt.Form == AwaitForm::Expression && !Pt.Temp.empty())
      Values.insert(Pt.Temp);
  for (const SplitOp &Op : Plan.Splits)
    if (!Op.Temp.empty())
      Values.insert(Op.Temp);
  for (FrameTemp &T : Plan.Temps)
    if (Values.count(T.Name) && !Live.across(T.Name))
      T.InFrame = false;
}

/// The lowering copies \p S's text into what it generates; a piece that
/// starts and ends in different macro expansions has no text of its own.
void Planner::requireText(const Stmt *S) {
  // Once for the pieces a macro writes, each a piece of another too.
  if (!fileRangeOf(S).isValid() &&
      SplitText.insert(SM.getExpansionLoc(S->getBeginLoc()).getRawEncoding())
          .second)
    fail(S->getBeginLoc(), "this code is split across a macro's definition "
                           "and its use; the lowering cannot rewrite it");
}

/// The lowered `return` is a `for` (ReturnJumps.h).
void Planner::checkReturnJumps() {
  for (const Stmt *S : jumpsOutOfReturns(FD->getBody()))
    fail(S->getBeginLoc(),
         "'" + Twine(isa<BreakStmt>(S) ? "break" : "continue") +
             "' in a returned value jumps out of the 'return' statement, "
             "which the lowering makes a loop; compute the value before the "
             "'return'");
}

/// The poll function returns at each suspension, and its C stack frame goes
/// with it: a setjmp buffer would name a frame that is gone (SPEC rejects
/// setjmp in async functions), alloca's memory is freed, and so is the size
/// of a variably modified typedef. alloca is rejected only where a
/// suspension may follow it: later in the source, in a loop holding one, or
/// after a label a goto may return to.
void Planner::checkStackMemory() {
  struct Finder : RecursiveASTVisitor<Finder> {
    ASTContext &Ctx;
    std::vector<const CallExpr *> ReturnsTwice, Allocas;
    std::vector<const Stmt *> Loops, IndirectGotos;
    explicit Finder(ASTContext &C) : Ctx(C) {}
    bool VisitCallExpr(CallExpr *CE) {
      unsigned ID = CE->getBuiltinCallee();
      const FunctionDecl *Callee = CE->getDirectCallee();
      if ((ID && Ctx.BuiltinInfo.isReturnsTwice(ID)) ||
          (Callee && Callee->hasAttr<ReturnsTwiceAttr>()))
        ReturnsTwice.push_back(CE);
      switch (ID) {
      case Builtin::BI__builtin_alloca:
      case Builtin::BIalloca:
      case Builtin::BI_alloca:
      case Builtin::BI__builtin_alloca_uninitialized:
      case Builtin::BI__builtin_alloca_with_align:
      case Builtin::BI__builtin_alloca_with_align_uninitialized:
        Allocas.push_back(CE);
        break;
      default:
        break;
      }
      return true;
    }
    bool VisitIndirectGotoStmt(IndirectGotoStmt *S) {
      return IndirectGotos.push_back(S), true;
    }
    bool VisitWhileStmt(WhileStmt *S) { return Loops.push_back(S), true; }
    bool VisitDoStmt(DoStmt *S) { return Loops.push_back(S), true; }
    bool VisitForStmt(ForStmt *S) { return Loops.push_back(S), true; }
  } F(Ctx);
  F.TraverseStmt(FD->getBody());
  auto Name = [](const CallExpr *CE) {
    return CE->getDirectCallee()->getName().str();
  };
  for (const CallExpr *CE : F.ReturnsTwice)
    fail(CE->getBeginLoc(), "'" + Name(CE) +
                                "' in an async function: the stack frame it "
                                "returns to again is gone once the task "
                                "suspends");
  // SPEC section 1: the resume points and the drop paths are planned from
  // the jumps the source names.
  for (const Stmt *S : F.IndirectGotos)
    fail(S->getBeginLoc(), "computed 'goto' in an async function; the "
                           "lowering follows only jumps to named labels");
  auto PointIn = [&](unsigned Begin, unsigned End) {
    return llvm::any_of(PointOffsets,
                        [&](unsigned Off) { return Off > Begin && Off < End; });
  };
  // Its size is a hidden C local, and the resume would jump into its
  // scope.
  for (const VMTypedef &T : VMTypedefs)
    if (PointIn(T.DeclOffset, T.ScopeEnd))
      fail(T.Decl->getLocation(), "variably modified type '" +
                                      T.Decl->getName() +
                                      "' is in scope at an 'await'; frames "
                                      "have a fixed size");
  for (const CallExpr *CE : F.Allocas) {
    unsigned At = offsetOf(CE->getBeginLoc());
    bool Suspends = PointIn(At, ~0u) ||
                    llvm::any_of(F.Loops,
                                 [&](const Stmt *L) {
                                   unsigned B = offsetOf(L->getBeginLoc());
                                   unsigned E = endOffsetOf(L->getEndLoc());
                                   return B < At && At < E && PointIn(B, E);
                                 }) ||
                    llvm::any_of(LabelOffsets, [&](unsigned L) {
                      return L < At && PointIn(L, ~0u);
                    });
    if (Suspends)
      fail(CE->getBeginLoc(), "memory from 'alloca' is freed when the task "
                              "suspends at a later 'await'; use a local "
                              "array or malloc");
  }
}

/// A compound literal whose block holds an await lives in a frame member
/// (CompoundLiterals.h); it is rewritten where it is written.
void Planner::planFrameLiterals() {
  for (const CompoundLiteralExpr *CL : literalsInFrame(Plan, Ctx)) {
    if (!fileRangeOf(CL).isValid()) {
      fail(CL->getBeginLoc(),
           "a compound literal in a block with an 'await' lives in the "
           "frame, but it is written inside a macro definition; declare it "
           "as a local variable");
      continue;
    }
    Plan.Literals.push_back({CL, addTemp("__cl", CL->getType())});
  }
}

/// The types the frame spells that are defined in the body move to file
/// scope (LocalTypes.h); so do those of the temporaries that are C locals,
/// declared before the body.
void Planner::planTypes() {
  std::vector<QualType> Roots;
  for (const FrameVar &V : Plan.Vars)
    Roots.push_back(V.Decl->getType());
  for (const FrameTemp &T : Plan.Temps)
    Roots.push_back(T.Type);
  if (!planLocalTypes(FD, Ctx, Roots, Handler, Plan.Types))
    Ok = false;
}

/// Every await in the body must have been classified by the walk; one inside
/// another await's operand never is. Each must have text of its own: a
/// macro that expands its argument twice (`#define TWICE(e) ((e) + (e))`)
/// makes two awaits of one piece of text, which the lowering would rewrite
/// as one.
void Planner::collectMarks() {
  // Awaits in unevaluated operands are the checks' to report.
  struct MarkFinder : EvaluatedVisitor<MarkFinder> {
    Planner &P;
    llvm::DenseMap<unsigned, unsigned> Copies;
    llvm::DenseSet<unsigned> Unclassified;
    unsigned InStmtExpr = 0;
    explicit MarkFinder(Planner &P) : P(P) {}
    bool TraverseStmtExpr(StmtExpr *SE) {
      ++InStmtExpr;
      bool Continue = EvaluatedVisitor::TraverseStmtExpr(SE);
      --InStmtExpr;
      return Continue;
    }
    std::vector<const InitListExpr *> InitLists;
    bool TraverseInitListExpr(InitListExpr *ILE) {
      InitLists.push_back(ILE);
      bool Continue = EvaluatedVisitor::TraverseInitListExpr(ILE);
      InitLists.pop_back();
      return Continue;
    }
    /// Whether \p E is an element of the initializer being walked that
    /// Clang dropped (an excess one): in its written form only.
    bool dropped(const Expr *E) const {
      if (InitLists.empty())
        return false;
      const InitListExpr *ILE = InitLists.back();
      const InitListExpr *Sem =
          ILE->isSemanticForm() ? ILE : ILE->getSemanticForm();
      return Sem && !contains(Sem, E);
    }
    static bool contains(const Stmt *S, const Stmt *E) {
      return S == E || llvm::any_of(S->children(), [&](const Stmt *C) {
               return C && contains(C, E);
             });
    }
    // The initializer of `[a ... b] = v` is one expression for all the
    // elements; Clang's code generation rejects one with side effects.
    bool VisitDesignatedInitExpr(DesignatedInitExpr *DIE) {
      for (const DesignatedInitExpr::Designator &D : DIE->designators())
        if (D.isArrayRangeDesignator() && P.hasAwait(DIE->getInit())) {
          P.fail(DIE->getBeginLoc(),
                 "'await' in the initializer of a GNU array range designator "
                 "('[a ... b] ='): each element would await; await into a "
                 "local before it");
          P.classifyAwaits(DIE->getInit());
          break;
        }
      return true;
    }
    bool VisitParenExpr(ParenExpr *PE) {
      std::optional<Mark> M = matchMark(PE);
      if (!M || M->Kind != MarkKind::Await)
        return true;
      CharSourceRange R = P.fileRangeOf(PE);
      unsigned Key = R.isValid() ? R.getBegin().getRawEncoding() : 0;
      if (P.Classified.count(PE)) {
        if (Key && ++Copies[Key] == 2)
          P.fail(PE->getBeginLoc(),
                 "'await' in a macro argument that the macro expands more "
                 "than once; await into a variable and pass that");
        return true;
      }
      // A variable array type's size is visited twice.
      if (Key && !Unclassified.insert(Key).second)
        return true;
      // Clang drops an excess element from the initializer it evaluates:
      // no point was made of its await.
      if (dropped(PE)) {
        P.fail(PE->getBeginLoc(),
               "'await' in an excess element of an initializer, which C "
               "never evaluates; remove the element");
        return true;
      }
      // Otherwise a size of a variably modified type: `int a[await(n())]`.
      P.fail(PE->getBeginLoc(),
             InStmtExpr ? "'await' inside a statement expression is not "
                          "supported yet; compute the value in a statement "
                          "before it"
                        : "'await' in the size of an array type is not "
                          "supported; await into a local before it");
      return true;
    }
  } Finder(*this);
  Finder.TraverseStmt(FD->getBody());
}

/// Frames spell types as Clang prints them; an unnamed struct prints as
/// "struct (unnamed at ...)", which no declaration can use.
bool Planner::printableType(QualType T) const {
  return coast::printableType(T, Ctx);
}

std::string Planner::uniqueField(StringRef Name) {
  std::string Field = Name.str();
  // Names the frame's own members use are reserved ("__h", "__ret", "__aw").
  for (unsigned N = 1;
       Field.rfind("__", 0) == 0 || !FieldNames.insert(Field).second; ++N)
    Field = (Name + "__" + llvm::Twine(N)).str();
  return Field;
}

bool Planner::checkFrameType(const VarDecl *VD) {
  QualType T = VD->getType();
  std::string Name = VD->getName().str();
  if (T->isVariablyModifiedType()) {
    // A pointer to one names a size known at run time only, as its type.
    fail(VD->getLocation(),
         T->isVariableArrayType()
             ? "variable-length array '" + Name +
                   "' is live across an 'await'; frames have a fixed size"
             : "'" + Name + "' is live across an 'await' and its type '" +
                   T.getAsString() +
                   "' is variably modified (it names a variable-length "
                   "array type), which a frame member's cannot; use a "
                   "pointer to the element type");
    return false;
  }
  // A type defined in the body moves to file scope, named (planTypes).
  if (!namesLocalType(T, Ctx) && !printableType(T)) {
    fail(VD->getLocation(), "'" + Name +
                                "' is live across an 'await' and its type "
                                "has no name; name it with a typedef at file "
                                "scope");
    return false;
  }
  // The poll function returns at each suspension: a C cleanup would run
  // then, and the frame member that replaces the variable has none.
  if (VD->hasAttr<CleanupAttr>()) {
    fail(VD->getLocation(), "'" + Name +
                                "' is live across an 'await' and has a "
                                "cleanup attribute; call the cleanup "
                                "function where the block ends");
    return false;
  }
  if (Ctx.getDeclAlign(VD).getQuantity() > 16) {
    fail(VD->getLocation(), "'" + Name +
                                "' is live across an 'await' and aligned to "
                                "more than 16 bytes, more than frames are");
    return false;
  }
  return true;
}

/// Whether \p Inner is \p Outer or one of its subexpressions.
static bool containsStmt(const Stmt *Outer, const Stmt *Inner) {
  if (!Outer)
    return false;
  if (Outer == Inner)
    return true;
  return llvm::any_of(Outer->children(),
                      [&](const Stmt *C) { return containsStmt(C, Inner); });
}

/// Scopes are ordered by the file offsets of expansion locations, so a local
/// a macro declares and an await in the same expansion (a loop variable of
/// `#define EACH(i, n, body) for (int i = 0; i < (n); i++) { body }` and an
/// await in `body`) share one offset: the local would seem live across no
/// await, keep no frame slot and lose its value.
void Planner::rejectLocalsInAwaitingMacros() {
  for (const LocalScope &L : Locals) {
    SourceLocation Decl = L.Var->getLocation();
    if (!Decl.isMacroID())
      continue;
    for (const SuspendPoint &Pt : Plan.Points) {
      if (offsetOf(Pt.Await->getBeginLoc()) != L.DeclOffset ||
          containsStmt(L.Var->getInit(), Pt.Await))
        continue;
      StringRef Macro;
      for (SourceLocation M = Decl; M.isMacroID();
           M = SM.getImmediateMacroCallerLoc(M))
        Macro = Lexer::getImmediateMacroName(M, SM, Ctx.getLangOpts());
      fail(Decl, "'" + L.Var->getName() + "' is declared by macro '" + Macro +
                     "', whose expansion also holds an 'await': the lowering "
                     "cannot keep it across that 'await'; declare it outside "
                     "the macro");
      break;
    }
  }
}

void Planner::chooseFrameVars() {
  for (const ParmVarDecl *P : FD->parameters()) {
    if (P->getName().empty()) {
      fail(P->getLocation(), "parameters of async functions need names");
      continue;
    }
    if (!checkFrameType(P))
      continue;
    std::string Name = uniqueField(P->getName());
    Plan.VarIndex[P] = Plan.Vars.size();
    Plan.Vars.push_back({P, Name, Name, 0});
  }
  std::vector<const LocalScope *> Resident;
  llvm::DenseSet<const DeclStmt *> Rewritten;
  // After a suspension before the declaration, a goto to a label past it
  // skips the declaration: C keeps the value the variable had. C forbids
  // that jump for a VLA and Clang for a variable with a cleanup.
  auto LiveAcross = [&](const LocalScope &L) {
    auto After = [&](unsigned Off) {
      return Off > L.DeclOffset && Off < L.ScopeEnd;
    };
    auto Before = [&](unsigned Off) { return Off < L.DeclOffset; };
    bool Skippable = !L.Var->getType()->isVariablyModifiedType() &&
                     !L.Var->hasAttr<CleanupAttr>();
    return llvm::any_of(PointOffsets, After) ||
           (Skippable && llvm::any_of(PointOffsets, Before) &&
            llvm::any_of(LabelOffsets, After));
  };
  RegisterLocals RL(FD, Ctx, Plan, Analyses.liveness(FD),
                    [this](SourceLocation L) { return offsetOf(L); });
  chooseRegisterParameters(RL);
  // A declaration holding an await runs it between its declarators, and one
  // holding a frame variable becomes stores: both are rewritten (declText).
  llvm::DenseSet<const DeclStmt *> Rewrite;
  for (const SuspendPoint &Pt : Plan.Points)
    if (const auto *DS = dyn_cast<DeclStmt>(Pt.Anchor))
      Rewrite.insert(DS);
  std::vector<bool> Candidate(Locals.size());
  std::vector<std::string> Why(Locals.size());
  for (size_t I = 0; I != Locals.size(); ++I)
    if ((Candidate[I] = LiveAcross(Locals[I])) &&
        !(Why[I] = RL.whyInFrame(Locals[I])).empty())
      Rewrite.insert(Locals[I].DS);
  for (size_t I = 0; I != Locals.size(); ++I) {
    const LocalScope &L = Locals[I];
    if (!Rewrite.count(L.DS))
      continue;
    if (!Candidate[I])
      Why[I] = RL.whyInFrame(L);
    // A `for` initializer becomes one expression, which declares nothing.
    if (Why[I].empty() && Plan.ForInit.count(L.DS))
      Why[I] = "is declared in a 'for' initializer beside a local that "
               "stays in the frame";
  }
  for (size_t I = 0; I != Locals.size(); ++I) {
    const LocalScope &L = Locals[I];
    bool InRewrite = Rewrite.count(L.DS);
    if (Why[I].empty()) {
      if (Candidate[I])
        addSpills(L, RL);
      if (!InRewrite)
        continue;
    } else {
      if (!InRewrite)
        continue;
      InFrameWhy[L.Var] = Why[I];
      if (!checkFrameType(L.Var))
        continue;
      if (Plan.ForInit.count(L.DS)) {
        const Expr *Init = L.Var->getInit();
        if (!L.Var->getType()->isScalarType() ||
            (Init && isa<InitListExpr>(Init))) {
          fail(L.Var->getLocation(),
               "'" + L.Var->getName() +
                   "' is declared in a 'for' initializer and live across an "
                   "'await'; only scalars can be, declare it before the loop");
          continue;
        }
      }
      Resident.push_back(&L);
    }
    if (const Expr *Init = L.Var->getInit())
      requireText(Init);
    if (Rewritten.insert(L.DS).second) {
      Plan.FrameDecls.push_back(L.DS);
      requireText(L.DS);
    }
  }
  shareSlots(Resident);
  unsigned Unions = 0;
  for (const FrameVar &V : Plan.Vars)
    Unions = std::max(Unions, V.Slot);
  colorSpillSlots(Plan, Ctx, Unions + 1);
}

/// Gives the register local \p L a frame slot if it is live across a
/// suspension point, and the points it is live across their spills.
void Planner::addSpills(const LocalScope &L, const RegisterLocals &RL) {
  std::vector<unsigned> Points = RL.liveAcross(L);
  if (Points.empty())
    return;
  unsigned Index = Plan.Spills.size();
  SpillVar S;
  S.Decl = L.Var;
  S.SlotType = RL.slotType(L.Var);
  S.Name = uniqueField(L.Var->getName());
  Plan.Spills.push_back(S);
  for (unsigned P : Points)
    Plan.Points[P].Spills.push_back(Index);
}

/// The parameters that can be register parameters as far as their types
/// and uses go, and the points where those the body assigns are stored;
/// keepRegisterParameters keeps those whose names mean them throughout.
/// Optimizing only: at -O0 a C local is a stack slot stored on the way in
/// and loaded at each use, more code than the member's loads
/// (examples/echo_server.c's compile +0.2%). And in a function with at most
/// one suspension point, the one an embedding caller's first poll inlines
/// (StateMachine.h): a poll of one with more resumes one of its paths,
/// which may use some of the parameters only, and loading them all as it
/// starts kept them in callee-saved registers (ping_pong's pinger +1.1
/// instructions a round trip; echo_server's compile 1.8M more than with
/// write_all's alone).
void Planner::chooseRegisterParameters(const RegisterLocals &RL) {
  if (!optimizing(Ctx) || Plan.Points.size() > 1)
    return;
  llvm::DenseSet<const VarDecl *> Assigned;
  bool Walked = false;
  for (unsigned I = 0; I != Plan.Vars.size(); ++I) {
    FrameVar &V = Plan.Vars[I];
    const auto *P = dyn_cast<ParmVarDecl>(V.Decl);
    if (!P || !RL.registerParameter(P))
      continue;
    if (!Walked) {
      collectAssigned(FD->getBody(), Assigned);
      Walked = true;
    }
    V.Register = true;
    // A parameter's scope is the whole body.
    if (Assigned.count(P))
      for (unsigned Pt : RL.liveAcross({P, nullptr, 0, ~0u}))
        Plan.Points[Pt].Params.push_back(I);
  }
}

/// A register parameter's loads and stores name it: only one whose name
/// means it wherever the function spells it stays one. It is not defined as
/// a macro, nor are its references rewritten: the name is the C local's.
void Planner::keepRegisterParameters() {
  for (FrameVar &V : Plan.Vars) {
    V.Register = V.Register && V.Defined;
    V.Defined = V.Defined && !V.Register;
  }
  for (SuspendPoint &Pt : Plan.Points)
    llvm::erase_if(Pt.Params,
                   [&](unsigned I) { return !Plan.Vars[I].Register; });
}

/// Locals whose scopes are disjoint are never live together: they share a
/// slot (a union in the frame). Intervals in source order, each slot taking
/// the first local that starts after its current occupant's scope ended.
void Planner::shareSlots(const std::vector<const LocalScope *> &Resident) {
  std::vector<unsigned> SlotEnd;
  std::vector<unsigned> SlotOf;
  std::vector<unsigned> SlotSize;
  for (const LocalScope *L : Resident) {
    unsigned Slot = 0;
    while (Slot < SlotEnd.size() && SlotEnd[Slot] > L->DeclOffset)
      ++Slot;
    if (Slot == SlotEnd.size()) {
      SlotEnd.push_back(0);
      SlotSize.push_back(0);
    }
    SlotEnd[Slot] = L->ScopeEnd;
    ++SlotSize[Slot];
    SlotOf.push_back(Slot);
  }
  // Slots of one local are plain members; the others are numbered unions.
  std::vector<unsigned> UnionOf(SlotSize.size(), 0);
  unsigned Unions = 0;
  for (size_t S = 0; S != SlotSize.size(); ++S)
    if (SlotSize[S] > 1)
      UnionOf[S] = ++Unions;
  for (size_t I = 0; I != Resident.size(); ++I) {
    const VarDecl *VD = Resident[I]->Var;
    std::string Name = uniqueField(VD->getName());
    unsigned Slot = UnionOf[SlotOf[I]];
    std::string Field = Slot ? "__s" + std::to_string(Slot) + "." + Name : Name;
    Plan.VarIndex[VD] = Plan.Vars.size();
    Plan.Vars.push_back({VD, Field, Name, Slot});
  }
}

/// Whether the token at \p L can be rewritten where it is written: it is
/// in the function's file, not in a macro's definition.
bool Planner::renameable(SourceLocation L) const {
  FileID Own = SM.getFileID(SM.getExpansionLoc(FD->getLocation()));
  if (!L.isMacroID())
    return SM.getFileID(L) == Own;
  return SM.isMacroArgExpansion(L) && SM.getFileID(SM.getSpellingLoc(L)) == Own;
}

/// Why \p VD lives in the frame, to follow "lives in the frame across an
/// 'await'".
std::string Planner::inFrameBecause(const VarDecl *VD) const {
  auto Why = InFrameWhy.find(VD);
  return Why != InFrameWhy.end() ? ", because it " + Why->second
         : isa<ParmVarDecl>(VD)  ? ", as a parameter"
                                 : "";
}

/// "its name also means a member (line 12)"; the file's name too when the
/// other meaning is in another file.
std::string Planner::otherMeaning(const NameConflict &C) const {
  PresumedLoc Where = SM.getPresumedLoc(C.Loc);
  PresumedLoc Here = SM.getPresumedLoc(SM.getExpansionLoc(FD->getLocation()));
  std::string Line = std::to_string(Where.getLine());
  if (Where.isValid() && Here.isValid() &&
      StringRef(Where.getFilename()) != Here.getFilename())
    Line = llvm::sys::path::filename(Where.getFilename()).str() + ":" + Line;
  else
    Line = "line " + Line;
  return "its name also means " + C.What + " (" + Line + ")";
}

/// A frame variable whose name means it wherever the function spells it
/// keeps its name, which the state machine defines as a macro around the
/// body (FrameVarNames.h): macro definitions may name it. The others'
/// references are rewritten where their tokens are written; one that comes
/// from the body of a macro cannot be.
void Planner::collectRefs() {
  FrameVarNames Names(FD, Ctx, Plan);
  // A test of the name (`defined(n)` made by a macro too, which no
  // directive in the body spells) would see the lowering's macro.
  for (const FrameVar &V : Plan.Vars)
    if (std::optional<SourceLocation> L =
            findTest(V.Decl->getName()))
      Names.noteTest(V.Decl->getName(), *L);
  for (FrameVar &V : Plan.Vars)
    V.Defined = !Names.conflict(V.Decl);
  keepRegisterParameters();
  struct RefFinder : RecursiveASTVisitor<RefFinder> {
    Planner &P;
    const FrameVarNames &Names;
    llvm::DenseSet<const VarDecl *> Reported; // once per variable
    RefFinder(Planner &P, const FrameVarNames &N) : P(P), Names(N) {}
    bool VisitPredefinedExpr(PredefinedExpr *PE) {
      switch (PE->getIdentKind()) {
      case PredefinedIdentKind::Func:
      case PredefinedIdentKind::Function:
      case PredefinedIdentKind::PrettyFunction:
        P.Plan.NamesFunction = true;
        break;
      default:
        P.failNamesPoll(PE->getLocation(), PE->getIdentKindName());
      }
      return true;
    }
    bool VisitSourceLocExpr(SourceLocExpr *SLE) {
      SourceLocIdentKind K = SLE->getIdentKind();
      bool Written =
          P.fileRangeOf(SLE).isValid() && P.renameable(SLE->getBeginLoc());
      if (K == SourceLocIdentKind::Column) {
        P.planColumn(SLE);
        return true;
      }
      // In a local type's body it names no function (""), in the lowered
      // code too, where that type moves.
      const auto *In = dyn_cast<FunctionDecl>(SLE->getParentContext());
      if (!In || In->getCanonicalDecl() != P.FD->getCanonicalDecl())
        return true;
      if (K == SourceLocIdentKind::Function && Written)
        P.Plan.SourceBuiltins.push_back(SLE);
      else if (K == SourceLocIdentKind::Function ||
               K == SourceLocIdentKind::FuncSig)
        P.failNamesPoll(SLE->getLocation(), SLE->getBuiltinStr().str() + "()");
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *DRE) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      const FrameVar *V = VD ? P.Plan.frameVar(VD) : nullptr;
      if (!V || V->Register)
        return true;
      SourceLocation L = DRE->getLocation();
      if (!V->Defined && !P.renameable(L)) {
        if (!Reported.insert(VD).second)
          return true;
        const NameConflict *C = Names.conflict(VD);
        std::string Why = "'" + VD->getName().str() +
                          "' lives in the frame across an " + "'await'" +
                          P.inFrameBecause(VD);
        if (!L.isMacroID())
          P.fail(L, Why +
                        ", and is used in a file included inside the "
                        "function, but " +
                        P.otherMeaning(*C) +
                        "; the lowering cannot rewrite that file's uses");
        else
          P.fail(L, Why + ", and is used inside the definition of macro '" +
                        Lexer::getImmediateMacroName(L, P.SM,
                                                     P.Ctx.getLangOpts()) +
                        "', but " + P.otherMeaning(*C) +
                        "; rename one of them, or pass it to the macro as an "
                        "argument");
        return true;
      }
      P.Plan.Refs.push_back(DRE);
      return true;
    }
  } Finder(*this, Names);
  Finder.TraverseStmt(FD->getBody());
  // A type defined in an expression (`sizeof(struct { ... })`) is no
  // statement's: the body's traversal does not reach its members.
  struct ColumnFinder : RecursiveASTVisitor<ColumnFinder> {
    Planner &P;
    explicit ColumnFinder(Planner &P) : P(P) {}
    bool VisitSourceLocExpr(SourceLocExpr *SLE) {
      if (SLE->getIdentKind() == SourceLocIdentKind::Column &&
          !llvm::is_contained(P.Plan.SourceBuiltins, SLE))
        P.planColumn(SLE);
      return true;
    }
  } Columns(*this);
  for (Decl *D : FD->decls())
    if (isa<TagDecl>(D))
      Columns.TraverseDecl(D);
  checkStringified(Names);
}

/// The lowering rewrites the function's text, where columns change: it
/// writes the column of \p SLE in its place, a local type's too.
void Planner::planColumn(const SourceLocExpr *SLE) {
  if (fileRangeOf(SLE).isValid() && renameable(SLE->getBeginLoc()))
    Plan.SourceBuiltins.push_back(SLE);
  else
    fail(SLE->getLocation(),
         "__builtin_COLUMN() in a macro's definition, used in async "
         "function '" +
             Plan.Name +
             "': the lowering rewrites the function's text, where its "
             "column would change; write it in the function");
}

/// A stringified macro argument shows its tokens as written. A frame
/// variable reached through the lowering's macro still is, unless a macro
/// expanded the argument before another stringified it; a renamed one is
/// not where its reference is rewritten inside the macro's use, nor an
/// await, whose text is replaced.
/// Where the state machine's macros are defined: from the body's `{` to
/// past its `}`.
CharSourceRange Planner::macroRange() const {
  const auto *Body = cast<CompoundStmt>(FD->getBody());
  return CharSourceRange::getCharRange(
      SM.getExpansionLoc(Body->getLBracLoc()),
      SM.getExpansionLoc(Body->getRBracLoc()).getLocWithOffset(1));
}

/// The first test of \p Name in the body where the lowering defines it: a
/// test in the text of a local type moved to file scope (LocalTypes.h) is
/// decided there as in the user's program.
std::optional<SourceLocation> Planner::findTest(StringRef Name) const {
  CharSourceRange Body = macroRange();
  SourceLocation From = Body.getBegin();
  auto Before = [&](SourceLocation To) {
    return Tests.find(SM, Name, CharSourceRange::getCharRange(From, To));
  };
  for (const HoistedType &H : Plan.Types.Hoisted) {
    if (!H.Stmt && !H.Tag->isThisDeclarationADefinition())
      continue;
    CharSourceRange Moved = Lexer::makeFileCharRange(
        CharSourceRange::getTokenRange(H.Stmt ? H.Stmt->getSourceRange()
                                              : H.Tag->getSourceRange()),
        SM, Ctx.getLangOpts());
    if (Moved.isInvalid() ||
        SM.isBeforeInTranslationUnit(Moved.getBegin(), From))
      continue;
    if (std::optional<SourceLocation> L = Before(Moved.getBegin()))
      return L;
    From = Moved.getEnd();
  }
  return Before(Body.getEnd());
}

/// The state machine defines `return` around the body, and `__func__` and
/// its kin when the body names the function: a test of one there would be
/// decided the other way than in the user's program.
void Planner::rejectMacroTests() {
  llvm::SmallVector<StringRef, 4> Defined = {"return"};
  if (Plan.NamesFunction)
    Defined.append({"__func__", "__FUNCTION__", "__PRETTY_FUNCTION__"});
  for (StringRef Name : Defined)
    if (std::optional<SourceLocation> L = findTest(Name))
      fail(*L, "a test whether '" + Name +
                   "' is a macro ('defined', '#ifdef', '#ifndef') in the "
                   "body of async function '" +
                   Plan.Name + "': the lowering defines '" + Name +
                   "' as a macro there, so the test would be decided the "
                   "other way; test it outside the function");
}

void Planner::checkStringified(const FrameVarNames &Names) {
  for (const Stringification &S : Names.stringifications()) {
    // A file location inside the macro use that made the literal.
    auto InUse = [&](SourceLocation L) {
      unsigned Off = SM.getFileOffset(L);
      return SM.getFileID(L) == SM.getFileID(S.Loc) && Off >= S.Begin &&
             Off < S.End;
    };
    // The state machine defines them as macros where the body names them.
    if (Plan.NamesFunction && !S.AsWritten && mentionsFunctionName(S.Text))
      fail(S.Loc, "macro '" + S.Macro +
                      "' stringifies the function's name "
                      "after another macro expanded it, in async function '" +
                      Plan.Name +
                      "', whose lowering defines that name as "
                      "a macro: it would show the string; stringify it in "
                      "a macro used in the function's text");
    // The await's text becomes the frame temporary it reads.
    if (mentionsAwait(S.Text) &&
        llvm::any_of(Plan.Points, [&](const SuspendPoint &Pt) {
          return InUse(SM.getExpansionLoc(Pt.Await->getBeginLoc()));
        }))
      fail(S.Loc, "'await' in an argument that macro '" + S.Macro +
                      "' stringifies: the lowered code would show the value "
                      "it awaited instead; await into a local before it");
    // The lowering writes the function's name, or the column, in the
    // argument's text.
    for (const SourceLocExpr *SLE : Plan.SourceBuiltins) {
      std::string Name = SLE->getBuiltinStr().str();
      if (mentionsName(S.Text, Name) &&
          InUse(SM.getSpellingLoc(SLE->getBeginLoc()))) {
        bool Column = SLE->getIdentKind() == SourceLocIdentKind::Column;
        fail(S.Loc, Name + "() in an argument that macro '" + S.Macro +
                        "' stringifies, in async function '" + Plan.Name +
                        "': the lowered code would show the " +
                        (Column ? "column" : "name") +
                        " the lowering writes in its place; stringify it in "
                        "another macro use than the one that evaluates it");
        break;
      }
    }
    for (const FrameVar &V : Plan.Vars) {
      const VarDecl *VD = V.Decl;
      if (V.Register || !mentionsName(S.Text, VD->getName()) ||
          (V.Defined && S.AsWritten))
        continue;
      std::string Because;
      if (!V.Defined) {
        bool Renamed = llvm::any_of(Plan.Refs, [&](const DeclRefExpr *DRE) {
          return DRE->getDecl() == VD &&
                 InUse(SM.getSpellingLoc(DRE->getLocation()));
        });
        if (!Renamed)
          continue;
        const NameConflict *C = Names.conflict(VD);
        Because = "; " + otherMeaning(*C) + ": rename one of them";
      } else {
        Because = " after another macro expanded it; stringify it in a "
                  "macro used in the function's text";
      }
      fail(S.Loc, "'" + VD->getName() + "' lives in the frame across an " +
                      "'await'" + inFrameBecause(VD) + ", and macro '" +
                      S.Macro + "' would show it as its frame member" +
                      " where it stringifies it" + Because);
    }
  }
}

/// The lowered body runs in the poll function, and these name that one:
/// the lowering redefines only __func__, __FUNCTION__ and
/// __PRETTY_FUNCTION__.
void Planner::failNamesPoll(SourceLocation L, const llvm::Twine &Name) {
  fail(L, Name + " in async function '" + Plan.Name +
              "' would name the function the lowering generates; use "
              "__func__ or __PRETTY_FUNCTION__");
}

/// A reference that changes whether a flagged value owns is rewritten to
/// update the flag, so it must be written in the function's text.
void Planner::checkFlagWrites() {
  for (const auto &[DRE, Write] : Plan.FlagWrites) {
    SourceLocation L = DRE->getLocation();
    if (DRE->getDecl() != Write.Var || !Plan.frameVar(Write.Var) ||
        renameable(L))
      continue;
    fail(L, "'" + Write.Var->getName() +
                "' is owned on some paths only at an 'await', and macro '" +
                Lexer::getImmediateMacroName(L, SM, Ctx.getLangOpts()) +
                "' changes whether it owns inside its definition; pass it to "
                "the macro as an argument");
  }
}

} // namespace

bool printableType(QualType T, const ASTContext &Ctx) {
  std::string S = T.getAsString(Ctx.getPrintingPolicy());
  return S.find("(unnamed") == std::string::npos &&
         S.find("(anonymous") == std::string::npos;
}

void forEachEvaluatedChild(const Expr *E,
                           llvm::function_ref<void(const Expr *)> F) {
  if (const auto *U = dyn_cast<UnaryExprOrTypeTraitExpr>(E)) {
    if (!U->isArgumentType() &&
        U->getArgumentExpr()->getType()->isVariablyModifiedType())
      F(U->getArgumentExpr());
    return;
  }
  if (const auto *G = dyn_cast<GenericSelectionExpr>(E)) {
    if (!G->isResultDependent())
      F(G->getResultExpr());
    return;
  }
  if (const auto *C = dyn_cast<ChooseExpr>(E)) {
    if (!C->isConditionDependent())
      F(C->getChosenSubExpr());
    return;
  }
  if (isa<StmtExpr>(E))
    return;
  for (const Stmt *Child : E->children())
    if (const auto *C = dyn_cast_or_null<Expr>(Child))
      F(C);
}

bool planAsyncFunction(const FunctionDecl *FD, ASTContext &Ctx,
                       const FrameSourceFn &SourceOf, CheckHandler &Handler,
                       FunctionAnalyses &Analyses,
                       const CounterExpansions &Counters,
                       const MacroTests &Tests, AsyncFunctionPlan &Plan) {
  return Planner(FD, Ctx, SourceOf, Handler, Analyses, Counters, Tests, Plan)
      .run();
}

} // namespace coast
