//===- AttributeChecks.h - Attribute rules needing the whole unit ---------===//
//
// The parts of coast-attribute that cannot be decided where the attribute is
// parsed: a must_destruct destructor may be declared after its struct, and
// returns_send and async may come in either order.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_CHECKS_ATTRIBUTECHECKS_H
#define COAST_CHECKS_ATTRIBUTECHECKS_H

#include "CheckHandler.h"

#include "clang/AST/ASTContext.h"

namespace coast {

void runAttributeChecks(clang::ASTContext &Ctx, CheckHandler &Handler);

} // namespace coast

#endif
