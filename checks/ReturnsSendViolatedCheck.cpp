//===- ReturnsSendViolatedCheck.cpp - returns_send promises kept ----------===//

#include "ReturnsSendViolatedCheck.h"
#include "CoastAttrs.h"

using namespace clang;

namespace coast {

void runReturnsSendViolatedCheck(SendAnalysis &Send, CheckHandler &Handler) {
  for (const FunctionDecl *Def : Send.definitions()) {
    if (!hasCoastAttr(Def, CoastAttr::ReturnsSend))
      continue;
    std::vector<NotSendReason> Reasons = Send.reasons(Def);
    if (!Reasons.empty())
      Handler.returnsSendViolated(Def->getLocation(), Def->getName(), Reasons);
  }
}

} // namespace coast
