//===- JumpsIntoLoops.h - goto and case labels into a rebuilt loop --------===//
//
// A for or do loop whose header awaits is rebuilt around a break flag
// (StateMachine.cpp): each pass sets it before the body, which runs in an
// inner `do ... while ((flag = 0))`, and a flag still set after it means
// the body's `break`. A jump from outside into the body (a goto to a label
// in it, a case label of a switch around the loop, as in Duff's device)
// skips the setting: a `break` after it then went on to the step. The
// planner rejects those jumps into a body that breaks.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_JUMPSINTOLOOPS_H
#define COAST_PLUGIN_LOWER_JUMPSINTOLOOPS_H

#include "clang/AST/Stmt.h"

#include <vector>

namespace coast {

/// The goto statements of \p FunctionBody outside \p Body to a label inside
/// it, and the case labels inside \p Body of switch statements outside it,
/// when \p Body holds a `break` of its loop.
std::vector<const clang::Stmt *> jumpsInto(const clang::Stmt *Body,
                                           const clang::Stmt *FunctionBody);

} // namespace coast

#endif
