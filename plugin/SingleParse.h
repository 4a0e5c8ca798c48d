//===- SingleParse.h - Lowering inside the compile's own parse ------------===//
//
// The default where canParseOnce allows it (-fplugin-arg-coast-nested-parse
// selects the nested parse): the compile parses the user's file once
// (bench/compile-time/README.md, "One parse instead of two" and "The
// single parse by default"). The consumer
// runs before CodeGen's and hides from it the bodies of async functions
// and of the definitions the lowering rewrites (a global's initializer
// likewise); when the parser's look-ahead is the main file's eof it runs
// the checks and the lowering on that AST and enters the lowered pieces
// as one more buffer, which the same parse goes on with: CodeGen sees the
// lowered definitions, Sema ends the translation unit once, after them.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_SINGLEPARSE_H
#define COAST_PLUGIN_SINGLEPARSE_H

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"

#include <functional>
#include <memory>

namespace coast {

struct LoweringResult;

/// Whether the single parse can compile \p CI's input: not preprocessed
/// input, and a main file whose raw scan says the parser reaches its eof
/// right after a top-level declaration (a trailing `#pragma` or
/// `#include` could end it otherwise) and the appended text can mean what
/// the user's did (SingleParse.cpp, RawScan).
bool canParseOnce(clang::CompilerInstance &CI);

/// Called with the lowering's result before its pieces are parsed
/// (-fplugin-arg-coast-dump writes it).
using LoweredHook = std::function<void(const LoweringResult &)>;

/// The consumer of the single parse; \p Lowered, the consumer of today's
/// compile of lowered code, sees the translation unit's end after it.
std::unique_ptr<clang::ASTConsumer>
createSingleParseConsumer(clang::CompilerInstance &CI, LoweredHook OnLowered,
                          std::unique_ptr<clang::ASTConsumer> Lowered);

/// Whether the single parse's consumer of this compile exists: then a
/// consumer after CodeGen's is needed.
bool singleParseActive();

/// The consumer that comes after CodeGen's: after each group CodeGen
/// handled, the single parse gives the checks back what it kept from
/// CodeGen (coast's annotations of variables and fields). With
/// \p MayFreeAST (no other plugin's consumer comes after CodeGen's) the
/// compile frees the AST before the back end, as without this consumer.
std::unique_ptr<clang::ASTConsumer>
createAfterCodeGenConsumer(clang::CompilerInstance &CI, bool MayFreeAST);

} // namespace coast

#endif
