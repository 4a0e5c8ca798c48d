//===- SpawnNotSendCheck.h - Spawned futures must be Send -----------------===//
//
// coast-spawn-not-send: coast_spawn moves its future to whichever worker
// runs it, so the future must be Send (SendAnalysis.h). The error is at the
// spawned call; notes give each reason, nearest first, and a fix-it adds
// returns_send where the future's Sendness is only unknown (an extern
// declaration or an async function pointer without it).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_SPAWNNOTSENDCHECK_H
#define COAST_CHECKS_SPAWNNOTSENDCHECK_H

#include "AsyncAST.h"
#include "CheckHandler.h"
#include "SendAnalysis.h"

#include "clang/AST/ASTContext.h"

namespace coast {

/// Handed the evaluated expressions of the translation unit by the checks'
/// one walk (Checks.cpp).
class SpawnNotSendCheck {
public:
  SpawnNotSendCheck(const clang::SourceManager &SM, SendAnalysis &Send,
                    CheckHandler &H)
      : SM(SM), Send(Send), Handler(H) {}

  /// \p Function is the function declaration the mark is in, or null.
  void visitMark(const Mark &M, const clang::FunctionDecl *Function);

private:
  const clang::SourceManager &SM;
  SendAnalysis &Send;
  CheckHandler &Handler;
};

} // namespace coast

#endif
