//===- DiagnosticCatalog.cpp - The names of coast's diagnostics -----------===//

#include "DiagnosticCatalog.h"

namespace coast {

namespace {

const DiagnosticInfo Catalog[] = {
    {"coast-await-outside-async",
     "'await' in a function that is not async; make the function async", false},
    {"coast-sync-call",
     "an async function called from a synchronous function; run its future "
     "with coast_block_on",
     false},
    {"coast-unawaited-future",
     "a future created and never consumed; await it", false},
    {"coast-not-a-future",
     "the operand of await, coast_block_on or coast_spawn is not a call of an "
     "async function",
     false},
    {"coast-block-on-in-async",
     "coast_block_on inside an async function, where it would block a "
     "worker; await the future",
     false},
    {"coast-recursion-needs-box",
     "recursion among async functions without box_async; box one function of "
     "the cycle",
     false},
    {"coast-dyn-call-needs-box",
     "a call through an async function pointer without box(...)", false},
    {"coast-fnptr-mismatch",
     "a sync function stored in an async function pointer or the reverse, or "
     "a non-Send async function in a returns_send pointer",
     false},
    {"coast-spawn-not-send",
     "coast_spawn of a future that is not Send", false},
    {"coast-returns-send-violated",
     "a function declared returns_send whose future is not Send", false},
    {"coast-lock-across-await",
     "a blocking lock held across an await", true},
    {"coast-spawn-borrows-local",
     "a spawned future borrows a local of the spawning function; use "
     "coast_scope",
     false},
    {"coast-must-destruct-leak",
     "a must_destruct value not consumed on some path", false},
    {"coast-use-after-destruct",
     "use of a value after a destructor or a consuming call took it", false},
    {"coast-double-destruct", "a must_destruct value consumed twice", false},
    {"coast-overwrite-owned",
     "assignment over a value that still owns a resource", false},
    {"coast-async-destructor-context",
     "a value whose destructor is async destructed without await or "
     "coast_block_on",
     false},
    {"coast-ready-companion",
     "a function named as an async function's ready companion, of another "
     "shape, which the lowering does not call",
     true},
    {"coast-unsupported",
     "a construct the lowering of async functions cannot support", false},
    {"coast-attribute",
     "a coast attribute on the wrong declaration, with bad arguments, or "
     "naming a wrong destructor",
     false},
};

} // namespace

llvm::ArrayRef<DiagnosticInfo> allDiagnostics() { return Catalog; }

const DiagnosticInfo *findDiagnostic(llvm::StringRef Name) {
  for (const DiagnosticInfo &D : Catalog)
    if (D.Name == Name)
      return &D;
  return nullptr;
}

bool splitCoastMessage(llvm::StringRef Message, llvm::StringRef &Text,
                       llvm::StringRef &Name) {
  if (!Message.ends_with("]"))
    return false;
  size_t Open = Message.rfind(" [coast-");
  if (Open == llvm::StringRef::npos)
    return false;
  llvm::StringRef N = Message.slice(Open + 2, Message.size() - 1);
  if (N.contains(' ') || N.contains('['))
    return false;
  Text = Message.take_front(Open);
  Name = N;
  return true;
}

} // namespace coast
