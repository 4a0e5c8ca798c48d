//===- Checks.cpp - Every coast check, in one call ------------------------===//

#include "Checks.h"
#include "AsyncCallChecks.h"
#include "AttributeChecks.h"
#include "FnPtrMismatchCheck.h"
#include "MustDestructAnalysis.h"
#include "RecursionCheck.h"
#include "SpawnBorrowCheck.h"

namespace coast {

void runAllChecks(clang::ASTContext &Ctx, CheckHandler &Handler) {
  runAttributeChecks(Ctx, Handler);
  runAsyncCallChecks(Ctx, Handler);
  runRecursionCheck(Ctx, Handler);
  runFnPtrMismatchCheck(Ctx, Handler);
  runMustDestructAnalysis(Ctx, Handler);
  runSpawnBorrowCheck(Ctx, Handler);
}

} // namespace coast
