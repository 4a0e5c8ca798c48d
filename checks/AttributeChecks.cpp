//===- AttributeChecks.cpp - Attribute rules needing the whole unit -------===//

#include "AttributeChecks.h"
#include "ClangCompat.h"
#include "CoastAttrs.h"

#include <string>

using namespace clang;

namespace coast {

namespace {

/// True if \p FD can destruct a value of record type \p RT: its one
/// parameter is the record or a pointer to it.
bool destructs(const FunctionDecl *FD, QualType RT) {
  if (FD->getNumParams() != 1)
    return false;
  QualType P = FD->getParamDecl(0)->getType().getCanonicalType();
  if (const auto *PT = P->getAs<PointerType>())
    P = PT->getPointeeType();
  return P.getUnqualifiedType() == RT.getCanonicalType().getUnqualifiedType();
}

/// True if \p FD's one parameter names a record spelled like \p RD's but
/// declared anew in the parameter list (`void close(struct conn *)` before
/// any `struct conn`), so that the types print alike yet differ.
bool takesLocalNamesake(const FunctionDecl *FD, const RecordDecl *RD) {
  if (FD->getNumParams() != 1)
    return false;
  QualType P = FD->getParamDecl(0)->getType();
  if (const auto *PT = P->getAs<PointerType>())
    P = PT->getPointeeType();
  const RecordDecl *Other = P->getAsRecordDecl();
  return Other && Other->getIdentifier() &&
         Other->getIdentifier() == RD->getIdentifier() &&
         Other->getCanonicalDecl() != RD->getCanonicalDecl();
}

} // namespace

void AttributeChecks::visitRecordDecl(const RecordDecl *RD) {
  if (!RD->isThisDeclarationADefinition())
    return;
  for (StringRef Name : mustDestructNames(RD))
    checkDestructor(RD, Name);
}

void AttributeChecks::visitDecl(const Decl *D) {
  // Attributes are inherited by redeclarations: no attributes here means
  // none on any earlier declaration either.
  if (!D->hasAttrs() || !hasCoastAttr(D, CoastAttr::ReturnsSend) ||
      hasCoastAttr(D, CoastAttr::Async) || hasCoastAttr(D, CoastAttr::BoxAsync))
    return;
  if (D->getPreviousDecl())
    return; // reported at the first declaration
  Handler.attribute(coastAttrLoc(D, CoastAttr::ReturnsSend),
                    "'returns_send' needs an async function or async "
                    "function pointer: add 'async'");
}

void AttributeChecks::checkDestructor(const RecordDecl *RD, StringRef Name) {
  SourceLocation Loc = coastAttrLoc(RD, CoastAttr::MustDestruct);
  const FunctionDecl *Found = nullptr;
  for (const NamedDecl *ND : Ctx.getTranslationUnitDecl()->lookup(
           DeclarationName(&Ctx.Idents.get(Name))))
    if (const auto *FD = dyn_cast<FunctionDecl>(ND))
      Found = FD;
  QualType RT = recordTypeOf(Ctx, RD);
  std::string Type = RT.getAsString(Ctx.getPrintingPolicy());
  if (!Found) {
    Handler.attribute(Loc, "destructor '" + Name.str() + "' of '" + Type +
                               "' is not a declared function");
    return;
  }
  if (destructs(Found, RT))
    return;
  std::string Note = "'" + Name.str() + "' declared here";
  if (takesLocalNamesake(Found, RD))
    Note += ", where '" + Type +
            "' is a new type local to its parameter list; declare '" + Type +
            ";' before it";
  Handler.attribute(Loc,
                    "destructor '" + Name.str() + "' must take one '" + Type +
                        " *' or '" + Type + "' parameter",
                    Found->getLocation(), Note);
}

} // namespace coast
