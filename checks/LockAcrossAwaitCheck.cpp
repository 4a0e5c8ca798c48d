//===- LockAcrossAwaitCheck.cpp - Blocking locks held while suspended -----===//

#include "LockAcrossAwaitCheck.h"

using namespace clang;

namespace coast {

void runLockAcrossAwaitCheck(SendAnalysis &Send, CheckHandler &Handler) {
  for (const FunctionDecl *Def : Send.definitions())
    for (const LockAcrossAwait &L : Send.locksAcrossAwaits(Def))
      Handler.lockAcrossAwait(L.Await, L.Lock.Lock, L.Lock.Acquired);
}

} // namespace coast
