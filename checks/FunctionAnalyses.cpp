//===- FunctionAnalyses.cpp - Per-function analyses, computed once --------===//

#include "FunctionAnalyses.h"

using namespace clang;

namespace coast {

std::unique_ptr<AnalysisDeclContext>
FunctionAnalyses::makeContext(const FunctionDecl *FD) {
  auto AC = std::make_unique<AnalysisDeclContext>(nullptr, FD);
  AC->getCFGBuildOptions().setAllAlwaysAdd();
  return AC;
}

const SuspendLiveness *FunctionAnalyses::liveness(const FunctionDecl *FD,
                                                  AnalysisDeclContext &AC) {
  auto [It, New] = Liveness.try_emplace(FD);
  if (New)
    It->second = SuspendLiveness::compute(FD, AC);
  return It->second.get();
}

const SuspendLiveness *FunctionAnalyses::liveness(const FunctionDecl *FD) {
  if (auto It = Liveness.find(FD); It != Liveness.end())
    return It->second.get();
  return liveness(FD, *makeContext(FD));
}

const MustDestructOwnership &
FunctionAnalyses::ownership(const FunctionDecl *FD, ASTContext &Ctx,
                            CheckHandler *Handler) {
  std::unique_ptr<MustDestructOwnership> &Slot = Ownership[FD];
  if (!Slot)
    Slot = std::make_unique<MustDestructOwnership>(FD, Ctx, Handler);
  return *Slot;
}

} // namespace coast
