//===- FunctionAnalyses.cpp - Per-function analyses, computed once --------===//

#include "FunctionAnalyses.h"

using namespace clang;

namespace coast {

FunctionAnalyses::Entry &FunctionAnalyses::entry(const FunctionDecl *FD) {
  Entry &E = Entries[FD];
  if (!E.Context) {
    E.Context = std::make_unique<AnalysisDeclContext>(nullptr, FD);
    E.Context->getCFGBuildOptions().setAllAlwaysAdd();
  }
  return E;
}

AnalysisDeclContext &FunctionAnalyses::context(const FunctionDecl *FD) {
  return *entry(FD).Context;
}

const SuspendLiveness *FunctionAnalyses::liveness(const FunctionDecl *FD) {
  Entry &E = entry(FD);
  if (!E.LivenessDone) {
    E.Liveness = SuspendLiveness::compute(FD, *E.Context);
    E.LivenessDone = true;
  }
  return E.Liveness.get();
}

} // namespace coast
