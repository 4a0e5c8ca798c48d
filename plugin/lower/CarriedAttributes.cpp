//===- CarriedAttributes.cpp - The user's attributes on generated code ----===//

#include "CarriedAttributes.h"
#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace coast {

namespace {

/// Attributes on the code's functions; written by a pragma region they are
/// implicit, and the regions are reopened around the lowered code
/// (FunctionState::regionsAround).
bool shapesCode(const Attr *A) {
  return isa<TargetAttr, ColdAttr, HotAttr, NoSanitizeAttr,
             DisableSanitizerInstrumentationAttr, NoStackProtectorAttr,
             OptimizeNoneAttr, MinSizeAttr, NoInstrumentFunctionAttr,
             NoProfileFunctionAttr, SectionAttr, PatchableFunctionEntryAttr,
             ZeroCallUsedRegsAttr, NoInlineAttr, FunctionReturnThunksAttr,
             NoSplitStackAttr, FlattenAttr, NoBuiltinAttr, DisableTailCallsAttr,
             SpeculativeLoadHardeningAttr, NoSpeculativeLoadHardeningAttr,
             NoUwtableAttr, MinVectorWidthAttr, XRayInstrumentAttr,
             XRayLogArgsAttr, AlignedAttr, CodeSegAttr>(A);
}

/// Hints for the function's calls, and the linkage of the symbol other
/// files call (an async function's is its start function's).
bool shapesStart(const Attr *A) {
  return isa<ColdAttr, HotAttr, VisibilityAttr, WeakAttr, UsedAttr, RetainAttr>(
      A);
}

/// \p FD's explicit attributes \p Take accepts, printed: the `[[...]]`
/// ones first, as C23 wants them at the start of a declaration.
template <typename Pred>
std::string printed(const FunctionDecl &FD, Pred Take) {
  PrintingPolicy Policy = FD.getASTContext().getPrintingPolicy();
  std::string Standard, Other;
  for (const Attr *A : FD.attrs()) {
    if (A->isImplicit() || !Take(A))
      continue;
    std::string S;
    llvm::raw_string_ostream OS(S);
    A->printPretty(OS, Policy);
    (A->isStandardAttributeSyntax() ? Standard : Other) +=
        StringRef(S).trim().str() + " ";
  }
  return Standard + Other;
}

} // namespace

std::string codeAttributes(const FunctionDecl &FD) {
  return printed(FD, shapesCode);
}

std::string startAttributes(const FunctionDecl &FD) {
  return printed(FD, shapesStart);
}

bool checkCarriedAttributes(const FunctionDecl &FD, CheckHandler &H) {
  bool Ok = true;
  for (const Attr *A : FD.attrs()) {
    if (A->isImplicit())
      continue;
    const char *Why = nullptr;
    if (isa<NakedAttr>(A))
      Why = "its code runs in a generated function that keeps a frame "
            "pointer and locals: it has no naked body";
    else if (isa<AlwaysInlineAttr>(A))
      Why = "the runtime resumes it through a pointer to its poll function, "
            "which cannot be inlined; the lowering inlines a small body "
            "into its only awaiter itself";
    if (!Why)
      continue;
    H.unsupported(A->getLocation(), std::string("attribute '") +
                                        A->getSpelling() +
                                        "' on async function '" +
                                        FD.getName().str() + "': " + Why);
    Ok = false;
  }
  return Ok;
}

} // namespace coast
