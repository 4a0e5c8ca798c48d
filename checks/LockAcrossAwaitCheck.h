//===- LockAcrossAwaitCheck.h - Blocking locks held while suspended -------===//
//
// coast-lock-across-await (a warning): a blocking lock that may be held
// across an await (HeldLocks.h), at the await, with a note at the call
// that took it. Such a future is also not Send (SendAnalysis.h).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_LOCKACROSSAWAITCHECK_H
#define COAST_CHECKS_LOCKACROSSAWAITCHECK_H

#include "CheckHandler.h"
#include "SendAnalysis.h"

namespace coast {

void runLockAcrossAwaitCheck(SendAnalysis &Send, CheckHandler &Handler);

} // namespace coast

#endif
