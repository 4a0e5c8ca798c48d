//===- Checks.cpp - Every coast check, in one call ------------------------===//

#include "Checks.h"
#include "AsyncCallChecks.h"
#include "AttributeChecks.h"
#include "FnPtrMismatchCheck.h"
#include "LockAcrossAwaitCheck.h"
#include "MustDestructAnalysis.h"
#include "ReadyCompanionCheck.h"
#include "RecursionCheck.h"
#include "ReturnsSendViolatedCheck.h"
#include "SendAnalysis.h"
#include "SpawnBorrowCheck.h"
#include "SpawnNotSendCheck.h"

namespace coast {

void runAllChecks(clang::ASTContext &Ctx, CheckHandler &Handler,
                  FunctionAnalyses &Analyses) {
  runAttributeChecks(Ctx, Handler);
  runAsyncCallChecks(Ctx, Handler);
  runRecursionCheck(Ctx, Handler);
  SendAnalysis Send(Ctx, Analyses);
  runFnPtrMismatchCheck(Ctx, Send, Handler);
  runSpawnNotSendCheck(Ctx, Send, Handler);
  runReturnsSendViolatedCheck(Send, Handler);
  runLockAcrossAwaitCheck(Send, Handler);
  runMustDestructAnalysis(Ctx, Handler, Analyses);
  runSpawnBorrowCheck(Ctx, Handler);
  runReadyCompanionCheck(Ctx, Handler);
}

} // namespace coast
