//===- JumpsIntoLoops.h - goto and case labels into a rebuilt loop --------===//
//
// A for or do loop whose header awaits is rebuilt around a break flag
// (StateMachine.cpp): each pass sets it before the body, which runs in an
// inner `do ... while ((flag = 0))`, and a flag still set after it means
// the body's `break`. A jump from outside into the body (a goto to a label
// in it, a case label of a switch around the loop, as in Duff's device)
// skips that setting: the lowering sets the flag again at each label such
// a jump reaches, so a `break` after it leaves the loop; when a macro writes
// such a label with its statement, the loop's breaks set it instead (it is 1
// on a normal pass anyway). Loops without such jumps, or whose body has no
// `break` of its own, get nothing.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_JUMPSINTOLOOPS_H
#define COAST_PLUGIN_LOWER_JUMPSINTOLOOPS_H

#include "clang/AST/Stmt.h"

#include <vector>

namespace coast {

/// The labels (LabelStmt) inside \p Body that a goto of \p FunctionBody
/// outside \p Body names, and the case labels (SwitchCase) inside it of
/// switch statements outside it, each once; none when
/// \p Body holds no `break` of its loop.
std::vector<const clang::Stmt *> entriesInto(const clang::Stmt *Body,
                                             const clang::Stmt *FunctionBody);

/// The `break`s of the loop whose body is \p Body: those outside the loops
/// and switches in it.
std::vector<const clang::BreakStmt *> loopBreaks(const clang::Stmt *Body);

/// Whether the label \p Entry, or the labels it is the sub-statement of, is
/// a statement of a block: code inserted before its sub-statement is then a
/// statement of that block too.
bool labelInBlock(const clang::Stmt *Entry, const clang::Stmt *FunctionBody);

} // namespace coast

#endif
