//===- ReturnJumps.h - break and continue that leave a return -------------===//
//
// Part of stage 1. Inside the lowered body `return` is a macro that opens a
// `for` around the returned value (StateMachine.cpp): a `break` or
// `continue` in a statement expression of that value would end or repeat
// that `for` instead of the user's loop or switch around the return. The
// planner rejects those jumps.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_RETURNJUMPS_H
#define COAST_PLUGIN_LOWER_RETURNJUMPS_H

#include "clang/AST/Stmt.h"

#include <vector>

namespace coast {

/// The `break` and `continue` statements in the values \p Body returns that
/// jump to a loop or switch outside their return statement.
std::vector<const clang::Stmt *> jumpsOutOfReturns(const clang::Stmt *Body);

} // namespace coast

#endif
