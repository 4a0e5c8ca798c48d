//===- CarriedAttributes.h - The user's attributes on generated code ------===//
//
// An async function's code runs in its poll function (and its body function,
// when split), its calls in its start function: the attributes written on it
// that shape the code generated for it go there, printed from the AST (a
// macro's expansion, whatever the spelling). Those of its code (target,
// no_sanitize, cold, section, optnone...) go on the poll and body functions,
// which then are never forced inline into another function; those that hint
// at its calls (cold, hot) on the start function too, with those of the
// symbol other files call, the start function's (visibility, weak, used,
// retain). The others concern the declaration callers see and stay on it.
// What cannot be honoured
// (naked; always_inline: the poll function is called through a pointer) is
// coast-unsupported by name; Clang itself rejects multiversioning
// (target_clones...) beside the `async` annotation.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_CARRIEDATTRIBUTES_H
#define COAST_PLUGIN_LOWER_CARRIEDATTRIBUTES_H

#include "clang/AST/Decl.h"

#include <string>

namespace coast {

class CheckHandler;

/// The attributes of \p FD for the functions running its code, each followed
/// by a space, to write before their declarations.
std::string codeAttributes(const clang::FunctionDecl &FD);

/// The attributes of \p FD for its start function, as codeAttributes.
std::string startAttributes(const clang::FunctionDecl &FD);

/// Reports each attribute of \p FD the lowering cannot honour; false if any.
bool checkCarriedAttributes(const clang::FunctionDecl &FD, CheckHandler &H);

} // namespace coast

#endif
