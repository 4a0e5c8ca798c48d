//===- FnPtrMismatchCheck.h - Async and sync function pointers apart ------===//
//
// coast-fnptr-mismatch: with the plugin, an async function's value is its
// start function (what box(p(x)) calls), not a function of its declared
// type. So an async function must only be stored where an async function
// pointer is expected, and a synchronous one never there. Checked wherever
// a function value flows: assignment, initializer (fields of initializer
// lists included), call argument, return, cast. Where either side's kind is
// unknown (void *, a call's result, a conditional) nothing is reported.
// A returns_send pointer takes only async functions whose future is Send
// (SendAnalysis.h) and pointers with the same bound; a cast between
// pointers to same-shaped vtable structs may drop that bound from a field,
// never add it.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_FNPTRMISMATCHCHECK_H
#define COAST_CHECKS_FNPTRMISMATCHCHECK_H

#include "CheckHandler.h"
#include "SendAnalysis.h"

#include "clang/AST/ASTContext.h"

namespace coast {

void runFnPtrMismatchCheck(clang::ASTContext &Ctx, SendAnalysis &Send,
                           CheckHandler &Handler);

} // namespace coast

#endif
