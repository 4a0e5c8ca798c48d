//===- NestedParse.h - Parsing the main file before the real compile ------===//
//
// The plugin checks and lowers the user's source in a parse of its own,
// before the compiler instance it was loaded into parses anything: the
// nested parse has its own SourceManager and DiagnosticsEngine (sharing them
// breaks -include-pch and diagnostic locations, see
// shared/notes/plugin-feasibility.md) and forwards its diagnostics to the
// outer compile's client, so they print once, at the user's source.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_NESTEDPARSE_H
#define COAST_PLUGIN_NESTEDPARSE_H

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendOptions.h"

#include <functional>
#include <memory>

namespace coast {

using ConsumerFactory = std::function<std::unique_ptr<clang::ASTConsumer>(
    clang::CompilerInstance &)>;

/// Parses \p Input with \p Outer's options (syntax only) and runs the
/// consumer \p Make returns on it. Returns false if it reported an error.
bool runNestedParse(clang::CompilerInstance &Outer,
                    const clang::FrontendInputFile &Input,
                    const ConsumerFactory &Make);

/// True while a nested parse runs: the plugin, which Clang instantiates for
/// every frontend action, must not start another one from inside it.
bool inNestedParse();

} // namespace coast

#endif
