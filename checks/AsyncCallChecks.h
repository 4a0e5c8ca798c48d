//===- AsyncCallChecks.h - Where futures are created and consumed ---------===//
//
// coast-await-outside-async, coast-sync-call, coast-unawaited-future,
// coast-not-a-future and coast-block-on-in-async: every call of an async
// function creates a future that exactly one operation (await,
// coast_block_on, coast_spawn) must consume, await only makes sense inside
// an async function, and coast_block_on only outside one.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_ASYNCCALLCHECKS_H
#define COAST_CHECKS_ASYNCCALLCHECKS_H

#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"

namespace coast {

/// Checks every function definition of the translation unit.
void runAsyncCallChecks(clang::ASTContext &Ctx, CheckHandler &Handler);

} // namespace coast

#endif
