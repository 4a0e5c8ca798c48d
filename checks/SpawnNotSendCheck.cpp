//===- SpawnNotSendCheck.cpp - Spawned futures must be Send ---------------===//

#include "SpawnNotSendCheck.h"
#include "AsyncAST.h"
#include "EvaluatedVisitor.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace coast {

namespace {

class SpawnVisitor : public EvaluatedVisitor<SpawnVisitor> {
public:
  SpawnVisitor(const SourceManager &SM, SendAnalysis &Send, CheckHandler &H)
      : SM(SM), Send(Send), Handler(H) {}

  bool TraverseFunctionDecl(FunctionDecl *FD) {
    const FunctionDecl *Outer = Current;
    Current = FD;
    bool R = EvaluatedVisitor::TraverseFunctionDecl(FD);
    Current = Outer;
    return R;
  }

  bool VisitParenExpr(ParenExpr *PE) {
    std::optional<Mark> M = matchMark(PE);
    if (!M || !spawnRequiresSend(M->Kind))
      return true;
    std::optional<FutureCall> FC = futureCall(*M);
    if (!FC)
      return true; // coast-not-a-future
    std::vector<NotSendReason> Reasons = Send.reasons(*FC, Current);
    if (Reasons.empty())
      return true;
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
    return true;
  }

private:
  const SourceManager &SM;
  SendAnalysis &Send;
  CheckHandler &Handler;
  const FunctionDecl *Current = nullptr;
};

} // namespace

void runSpawnNotSendCheck(ASTContext &Ctx, SendAnalysis &Send,
                          CheckHandler &Handler) {
  SpawnVisitor(Ctx.getSourceManager(), Send, Handler)
      .TraverseDecl(Ctx.getTranslationUnitDecl());
}

} // namespace coast
