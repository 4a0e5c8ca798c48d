//===- SpawnNotSendCheck.cpp - Spawned futures must be Send ---------------===//

#include "SpawnNotSendCheck.h"
#include "AsyncAST.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace coast {

void SpawnNotSendCheck::visitMark(const Mark &M, const FunctionDecl *Function) {
  if (!spawnRequiresSend(M.Kind))
    return;
  std::optional<FutureCall> FC = futureCall(M);
  if (!FC)
    return; // coast-not-a-future
  std::vector<NotSendReason> Reasons = Send.reasons(*FC, Function);
  if (Reasons.empty())
    return;
  const Expr *Callee = FC->Call->getCallee();
  const NamedDecl *Named = FC->Callee ? FC->Callee : pointerDecl(Callee);
  // A pointer no declaration names (`get()(x)`): its typedef.
  if (!Named)
    Named = pointerTypedefWith(Callee->IgnoreParenImpCasts()->getType(),
                               CoastAttr::Async);
  // The call as written inside coast_spawn(...), not the macro's body.
  SourceRange Call(SM.getFileLoc(FC->Call->getBeginLoc()),
                   SM.getFileLoc(FC->Call->getEndLoc()));
  Handler.spawnNotSend(Call, Named ? Named->getName() : "", Reasons);
}

} // namespace coast
