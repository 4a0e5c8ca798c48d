//===- ReturnsSendViolatedCheck.h - returns_send promises kept ------------===//
//
// coast-returns-send-violated: a function declared returns_send promises a
// Send future (callers in other files and through returns_send pointers
// rely on it without seeing the body); its definition is checked against
// SendAnalysis.h, with a note for each reason.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_RETURNSSENDVIOLATEDCHECK_H
#define COAST_CHECKS_RETURNSSENDVIOLATEDCHECK_H

#include "CheckHandler.h"
#include "SendAnalysis.h"

namespace coast {

void runReturnsSendViolatedCheck(SendAnalysis &Send, CheckHandler &Handler);

} // namespace coast

#endif
