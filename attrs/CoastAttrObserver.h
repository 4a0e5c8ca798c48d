//===- CoastAttrObserver.h - Who is told of each coast attribute ----------===//
//
// The single parse (plugin/SingleParse.cpp) must know every declaration
// coast's attributes are recorded on as the parse goes, to keep those of
// variables and fields from CodeGen (CoastAttrs.h says why the compile of
// lowered code never sees them).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_ATTRS_COASTATTROBSERVER_H
#define COAST_ATTRS_COASTATTROBSERVER_H

#include "clang/AST/DeclBase.h"

#include <functional>

namespace coast {

/// \p Observer is called with each declaration a coast attribute is
/// recorded on, as Sema applies it (not with the redeclarations and
/// parameters that inherit it later); an empty one ends the calls.
void setCoastAttrObserver(std::function<void(clang::Decl *)> Observer);

} // namespace coast

#endif
