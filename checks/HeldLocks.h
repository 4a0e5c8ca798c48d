//===- HeldLocks.h - Blocking locks held at each await --------------------===//
//
// A blocking lock held across an await is held by a suspended task: the
// worker that resumes it may be another thread (which does not own the
// lock), and every other task wanting it blocks its worker meanwhile. This
// forward "may be held" analysis over Clang's CFG finds them: a lock is
// taken by pthread_mutex_lock, pthread_rwlock_rdlock/wrlock,
// pthread_spin_lock, mtx_lock, or any synchronous function carrying Clang's
// acquire_capability family of attributes (acquire_shared_capability,
// exclusive_lock_function, ...), and given back by the matching unlock or a
// release_capability function. Locks are identified by the expression
// naming them as written (`&m`, `s->mu`), as at the call. Try-locks are not
// followed (a known false negative), nor are async locks (coast_mutex):
// they are not blocking.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_HELDLOCKS_H
#define COAST_CHECKS_HELDLOCKS_H

#include "SuspendLiveness.h"

#include "clang/Analysis/AnalysisDeclContext.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

namespace coast {

struct HeldLock {
  /// The lock as written at the call that took it.
  std::string Lock;
  /// That call.
  clang::SourceLocation Acquired;
  bool operator==(const HeldLock &O) const { return Lock == O.Lock; }
};

/// The blocking locks that may be held across each of \p Points (the
/// suspensions of the function \p AC analyses), in the same order.
std::vector<llvm::SmallVector<HeldLock, 1>>
locksHeldAcross(clang::AnalysisDeclContext &AC,
                llvm::ArrayRef<Suspension> Points);

} // namespace coast

#endif
