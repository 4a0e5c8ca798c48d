//===- FrameLayout.cpp - The frame of an async function -------------------===//

#include "FrameLayout.h"
#include "GeneratedNames.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cassert>
#include <vector>

using namespace clang;

namespace coast {

namespace {

bool returnsVoid(const FunctionDecl *FD) {
  return FD->getReturnType()->isVoidType();
}

/// `static` for functions only this translation unit can see.
std::string linkage(const FunctionDecl *FD) {
  return FD->isExternallyVisible() ? "" : "static __attribute__((unused)) ";
}

std::string paramList(const FunctionDecl *FD, const LoweringContext &LC,
                      bool Named) {
  std::string S = "struct coast_alloc *__a";
  for (unsigned I = 0; I != FD->getNumParams(); ++I) {
    S += ", " + LC.typeName(FD->getParamDecl(I)->getType());
    if (Named)
      S += " __p" + std::to_string(I);
  }
  return S;
}

/// \p Lines, each ending in a newline, with \p Indent before each.
std::string indented(StringRef Lines, StringRef Indent) {
  std::string S;
  while (!Lines.empty()) {
    auto [Line, Rest] = Lines.split('\n');
    S += (Indent + Line + "\n").str();
    Lines = Rest;
  }
  return S;
}

/// \p V's member: its address may be printed or checked, so an alignment
/// its declaration asks for (`alignas(16)`, `aligned(8)`) stays; frames are
/// allocated 16-aligned, and a larger one is rejected.
std::string frameVarMember(const FrameVar &V, const LoweringContext &LC) {
  std::string S = LC.storageDecl(V.Decl->getType(), V.Name);
  if (!V.Decl->hasAttr<AlignedAttr>())
    return S;
  unsigned Align =
      LC.Ctx.getDeclAlign(V.Decl, /*ForAlignof=*/true).getQuantity();
  return S + " __attribute__((aligned(" + std::to_string(Align) + ")))";
}

std::string frameStruct(const AsyncFunctionPlan &P, const LoweringContext &LC) {
  std::string S;
  for (const SuspendPoint &Pt : P.Points)
    if ((Pt.Source == FrameSource::FrameStack ||
         (Pt.Source == FrameSource::Leaf && Pt.Ready)) &&
        !Pt.Result->isVoidType())
      S += "typedef " + LC.typeName(Pt.Result) + " " +
           awaitResultType(P.Name, Pt.State) + ";\n";
  S += frameType(P.Name) + " {\n  struct coast_head __h;\n";
  unsigned Slots = 0;
  std::string In;
  // Members of their own in declaration order, frame variables and register
  // locals' slots (a copy of each while suspended where it is live) alike:
  // the order of the source, whose padding the programmer chose.
  std::vector<std::pair<const VarDecl *, std::string>> Own;
  for (const FrameVar &V : P.Vars) {
    if (V.Shared)
      In += "  " + frameVarMember(V, LC) + ";\n";
    else if (V.Slot == 0)
      Own.push_back({V.Decl, frameVarMember(V, LC)});
    Slots = std::max(Slots, V.Slot);
  }
  for (const SpillVar &V : P.Spills) {
    if (V.Slot == 0)
      Own.push_back({V.Decl, LC.storageDecl(V.SlotType, V.Name)});
    Slots = std::max(Slots, V.Slot);
  }
  std::sort(Own.begin(), Own.end(), [&](const auto &A, const auto &B) {
    return LC.SM.isBeforeInTranslationUnit(A.first->getLocation(),
                                           B.first->getLocation());
  });
  for (const auto &[Decl, Member] : Own)
    S += "  " + Member + ";\n";
  for (unsigned Slot = 1; Slot <= Slots; ++Slot) {
    S += "  union {\n";
    for (const FrameVar &V : P.Vars)
      if (V.Slot == Slot)
        S += "    " + frameVarMember(V, LC) + ";\n";
    for (const SpillVar &V : P.Spills)
      if (V.Slot == Slot)
        S += "    " + LC.storageDecl(V.SlotType, V.Name) + ";\n";
    S += "  } __s" + std::to_string(Slot) + ";\n";
  }
  for (const FrameTemp &T : P.Temps)
    if (T.InFrame)
      S += "  " + LC.storageDecl(T.Type, T.Name) + ";\n";
  for (const DropFlag &F : P.Flags)
    S += "  unsigned char " + F.Field + ";\n";
  // The result is stored once nothing else of the frame is needed (the
  // return goes through a temporary): it shares storage with the callees,
  // and so do the parameters dead at every suspension point.
  std::vector<std::string> Shared;
  if (!In.empty())
    Shared.push_back("struct {\n" + In + "} __in;\n");
  if (!returnsVoid(P.FD))
    Shared.push_back(LC.storageDecl(P.FD->getReturnType(), "__ret") + ";\n");
  if (P.hasChildren() || P.AsyncDrops) {
    std::string Aw = "union {\n";
    for (const SuspendPoint &Pt : P.Points) {
      std::string N = std::to_string(Pt.State);
      if (Pt.Source == FrameSource::None)
        continue;
      if (Pt.Source == FrameSource::Embedded)
        Aw += "  " + frameType(Pt.Callee->getName()) + " s" + N + ";\n";
      else if (Pt.Source == FrameSource::Leaf)
        Aw += "  " + LC.typeName(Pt.LeafFrame) + " s" + N + ";\n";
      else
        Aw += "  struct coast_frame *p" + N + ";\n";
    }
    if (P.AsyncDrops)
      Aw += "  struct coast_frame *__coast_dtor;\n";
    Shared.push_back(Aw + "} __aw;\n");
  }
  if (Shared.size() == 1)
    S += indented(Shared.front(), "  ");
  if (Shared.size() > 1) {
    S += "  union {\n";
    for (const std::string &M : Shared)
      S += indented(M, "    ");
    S += "  };\n";
  }
  S += "};\n";
  // The frame the runtime handles by pointer (start functions): the body
  // behind a header with the descriptor.
  return S + "struct " + generatedName(P.Name, "heap") +
         " {\n  struct coast_frame __b;\n  " + frameType(P.Name) +
         " __f;\n};\n";
}

/// The enum coast_child_alloc of a suspension point's sub-future.
static unsigned siteAlloc(FrameSource Source) {
  switch (Source) {
  case FrameSource::Embedded:
  case FrameSource::Leaf:
    return 0; // COAST_CHILD_EMBEDDED
  case FrameSource::FrameStack:
    return 1; // COAST_CHILD_FRAMES
  case FrameSource::None:
    return 3; // COAST_CHILD_NONE
  }
  llvm_unreachable("unknown frame source");
}

/// The site tables of a function with suspension points: one integer per
/// point (coast_site, coast/future.h, written as one literal: each scalar
/// of an initializer costs the compile of the lowered text ~10K
/// instructions) and the embedded callees' descriptors, each once. Returns
/// their text; Fields gets coast_fn's sites and nsites, Tail its trailing
/// child_offset and subs (left out where zero).
static std::string siteTables(const AsyncFunctionPlan &P,
                              const LoweringContext &LC, std::string &Fields,
                              std::string &Tail) {
  constexpr unsigned ColMax = 0x3fff; // COAST_SITE_COL_MAX
  std::string Sites = generatedName(P.Name, "sites");
  std::string Table = "static const coast_site " + Sites + "[] = {";
  // The embedded callees in order of first await, and each one's index.
  std::vector<StringRef> Subs;
  llvm::StringSet<> Leaves;
  llvm::StringMap<unsigned> SubIndex;
  bool Children = false;
  for (const SuspendPoint &Pt : P.Points) {
    PresumedLoc PL =
        LC.SM.getPresumedLoc(LC.SM.getExpansionLoc(Pt.Await->getBeginLoc()));
    uint64_t Site = uint64_t(PL.getLine()) << 32 |
                    uint64_t(std::min(PL.getColumn(), ColMax)) << 18 |
                    siteAlloc(Pt.Source);
    Children |= Pt.Source != FrameSource::None;
    if (inCallerFrame(Pt.Source)) {
      auto [It, New] =
          SubIndex.try_emplace(Pt.Callee->getName(), unsigned(Subs.size()));
      if (New)
        Subs.push_back(It->first());
      if (Pt.Source == FrameSource::Leaf)
        Leaves.insert(It->first());
      // COAST_SITE_SUB's 16 bits hold it: there are fewer callees than
      // points, and Planner::planDrops rejects more than
      // MaxSuspensionPoints of those.
      static_assert(MaxSuspensionPoints <= 0xffff, "a site's sub index");
      assert(P.Points.size() <= MaxSuspensionPoints &&
             "planning lets no more points through");
      Site |= uint64_t(It->second) << 2;
    }
    // Unsigned: #line goes up to 2^32 - 1, and a line past 2^31 - 1 puts
    // the literal past 2^63, where C would make it unsigned with a warning.
    Table += std::to_string(Site) + "u, ";
  }
  Table += "};\n";
  Fields = Sites + ", " + std::to_string(P.Points.size());
  // The sub-futures share the __aw union: one offset for all of them.
  if (Children)
    Tail = ", __builtin_offsetof(" + frameType(P.Name) + ", __aw)";
  if (Subs.empty())
    return Table;
  std::string SubsName = generatedName(P.Name, "subs");
  Tail += ", " + SubsName;
  Table += "static const struct coast_fn *const " + SubsName + "[] = {";
  // A leaf's entry is NULL: its frame starts with its own descriptor.
  for (StringRef Fn : Subs)
    Table += Leaves.count(Fn) ? "0, " : "&" + generatedName(Fn, "fn") + ", ";
  return Table + "};\n";
}

std::string descriptor(const AsyncFunctionPlan &P, const LoweringContext &LC) {
  std::string Fields = "0, 0";
  std::string Tail;
  std::string S;
  // Where each sub-future is, for the runtime's coast__child: a child
  // function per async function was a tenth of the code to compile.
  if (!P.Points.empty())
    S = siteTables(P, LC, Fields, Tail);
  std::string Heap = "struct " + generatedName(P.Name, "heap");
  bool Void = returnsVoid(P.FD);
  std::string File = LC.fileLiteral(P.FD->getLocation());
  // The start-function frame is polled through the runtime's
  // coast__heap_poll, which finds the body with body_offset: a poll
  // function of its own per async function was a sixth of the code an
  // async-heavy file compiled at -O0.
  S += "static const struct coast_fn " + generatedName(P.Name, "fn") +
       " = {\n  coast__heap_poll, 0, sizeof(" + Heap + "),\n  " +
       (Void ? "0, 0"
             : "__builtin_offsetof(" + Heap + ", __f.__ret), sizeof(((" + Heap +
                   " *)0)->__f.__ret)") +
       ",\n  \"" + P.Name + "\", " + File + ", " + Fields + ",\n  " +
       generatedName(P.Name, "poll") + ", __builtin_offsetof(" + Heap +
       ", __f)" + Tail + "\n};\n";
  return S;
}

std::string initFunction(const AsyncFunctionPlan &P,
                         const LoweringContext &LC) {
  // Optimizing, always inlined: an inline function the inliner takes only
  // after the function passes have run on it alone, as on every function
  // (bench/compile-time's README, "Helpers inlined always"); coast.h's
  // COAST__INLINE does the same for the runtime's helpers.
  std::string S = std::string("static inline ") +
                  (optimizing(LC.Ctx) ? AlwaysInline : "") +
                  "void " + generatedName(P.Name, "init") + "(" +
                  frameType(P.Name) + " *__co";
  for (unsigned I = 0; I != P.FD->getNumParams(); ++I)
    S += ", " + LC.typeName(P.FD->getParamDecl(I)->getType()) + " __p" +
         std::to_string(I);
  S += std::string(") {\n  __co->__h.state = ") + StateStart +
       ";\n  __co->__h.flags = 0;\n";
  for (unsigned I = 0; I != P.FD->getNumParams(); ++I) {
    const FrameVar *V = P.frameVar(P.FD->getParamDecl(I));
    S += "  " +
         LC.store("__co->" + V->Field, V->Decl->getType(),
                  "__p" + std::to_string(I), false) +
         "\n";
  }
  // Parameters own from the start; a local owns nothing before its
  // declaration runs (a goto may skip it).
  for (const DropFlag &F : P.Flags)
    S += "  __co->" + F.Field + " = " + (isa<ParmVarDecl>(F.Var) ? "1" : "0") +
         ";\n";
  return S + "}\n";
}

std::string startFunction(const AsyncFunctionPlan &P,
                          const LoweringContext &LC) {
  // coast__frame_new allocates the frame and fills its header: the start
  // function only initializes the body.
  std::string Heap = "struct " + generatedName(P.Name, "heap");
  std::string S =
      (P.InlineStart ? std::string("static inline ") + AlwaysInline
                     : linkage(P.FD)) +
      "struct coast_frame *" + generatedName(P.Name, "start") + "(" +
      paramList(P.FD, LC, true) + ") {\n  " + Heap + " *__w = (" + Heap +
      " *)coast__frame_new(__a, &" + generatedName(P.Name, "fn") +
      ");\n  if (__w)\n    " + generatedName(P.Name, "init") + "(&__w->__f";
  for (unsigned I = 0; I != P.FD->getNumParams(); ++I)
    S += ", __p" + std::to_string(I);
  return S + ");\n  return (struct coast_frame *)__w;\n}\n";
}

} // namespace

std::string startCallee(const FunctionDecl *Callee,
                        const FunctionProtoType *Proto, StringRef PointerText,
                        const LoweringContext &LC) {
  if (Callee)
    return generatedName(Callee->getName(), "start");
  // An async function's value is its start function (see Lowering.cpp), so
  // an async pointer holds one: call it with its real type.
  std::string S = "((struct coast_frame *(*)(struct coast_alloc *";
  for (QualType T : Proto->param_types())
    S += ", " + LC.typeName(T);
  return S + "))(" + PointerText.str() + "))";
}

std::string childMember(const SuspendPoint &Pt) {
  return (inCallerFrame(Pt.Source) ? "__aw.s" : "__aw.p") +
         std::to_string(Pt.State);
}

std::string dtorMember() { return "__aw.__coast_dtor"; }

std::string startPrototype(const FunctionDecl *Callee,
                           const LoweringContext &LC) {
  return linkage(Callee) + "struct coast_frame *" +
         generatedName(Callee->getName(), "start") + "(" +
         paramList(Callee, LC, false) + ");\n";
}

/// Start functions of the async destructors the drop path awaits; C allows
/// the declaration again where the driver declared one already.
static std::string destructorPrototypes(const AsyncFunctionPlan &P,
                                        const LoweringContext &LC) {
  std::string S;
  llvm::SmallPtrSet<const FunctionDecl *, 2> Done;
  auto Declare = [&](const std::vector<DropValue> &Drops) {
    for (const DropValue &D : Drops)
      if (D.State && Done.insert(D.Destructor).second)
        S += startPrototype(D.Destructor, LC);
  };
  Declare(P.StartDrops);
  for (const SuspendPoint &Pt : P.Points)
    Declare(Pt.Drops);
  return S;
}

std::string framePrelude(const AsyncFunctionPlan &P,
                         const LoweringContext &LC) {
  return destructorPrototypes(P, LC) + frameStruct(P, LC) + "static int " +
         generatedName(P.Name, "poll") +
         "(struct coast_head *, struct coast_cx *);\n" + descriptor(P, LC) +
         initFunction(P, LC) + startFunction(P, LC);
}

} // namespace coast
