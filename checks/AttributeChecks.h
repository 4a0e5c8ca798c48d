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

/// Handed every declaration of the translation unit by the checks' one walk
/// (Checks.cpp).
class AttributeChecks {
public:
  AttributeChecks(clang::ASTContext &Ctx, CheckHandler &H)
      : Ctx(Ctx), Handler(H) {}

  void visitDecl(const clang::Decl *D);
  void visitRecordDecl(const clang::RecordDecl *RD);

private:
  void checkDestructor(const clang::RecordDecl *RD, llvm::StringRef Name);

  clang::ASTContext &Ctx;
  CheckHandler &Handler;
};

} // namespace coast

#endif
