//===- BackEndLocations.h - Back-end diagnostics at the user's source -----===//
//
// The single parse's appended text warns about nothing (QuietWarnings.h):
// Sema's warnings about the user's code were printed by the parse of the
// user's text. CodeGen and the back end see only the appended text, so
// their diagnostics about an async body are located in it, would be
// ignored there, and, were they not, would show the lowered code. Their
// locations are the user's instead, where the user's -W, -Werror and
// pragma state applies and the user's line is shown:
//
// * what the back end reports at a `srcloc` (a call to a function with the
//   `warning` or `error` attribute, inline asm): the LLVM context's
//   diagnostic handler is wrapped for the back end's run, and a location
//   in the appended text is given to Clang's handler as the user's, in
//   whatever function the code ended in (inlined, a block's, an OpenMP
//   outlined function). The user's line is the one the `#line` markers
//   presume, counted from the user's declaration; the column is the same
//   token's there, the same occurrence of it counted from the line's end
//   (the lowering puts its own code before the user's on a line);
// * the stack frame's warning of an appended function (an async
//   function's poll and start functions, a rewritten `main`): the limit,
//   which CodeGen gives a function where the warning is not ignored, is
//   given by the user's state at the declaration the function lowers, and
//   the warning is reported here, at that declaration, with the emitted
//   function's name (docs/architecture.md says what its frame is);
// * the fallback location of what the back end locates by debug info
//   when there is none (-Wpass-failed, -Wmisexpect, unsupported
//   features): without debug info the appended definitions take the
//   location of the user's declaration once the parse is over. Not under
//   -g, where CodeGen makes subprograms from it and the line table must
//   stay the nested parse's; there the debug location names the user's
//   file already (the `#line` markers).
//
// Never in the appended text: a file `#include`d inside a body (the
// single parse leaves such a main file to the nested parse, which ignores
// the back end's warnings; in a header it is an error). Not kept: a
// macro's "expanded from" note (the location becomes the expansion's
// file location). The back end's remarks are not ignored by the quiet state
// and name the lowered functions, as before.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_BACKENDLOCATIONS_H
#define COAST_PLUGIN_BACKENDLOCATIONS_H

#include "clang/AST/Decl.h"
#include "clang/Frontend/CompilerInstance.h"

#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace coast {

class BackEndLocations {
public:
  /// The appended text is \p Appended; the piece that starts at its offset
  /// \p Starts[I] lowers the user's declaration at \p Users[I].
  BackEndLocations(clang::CompilerInstance &CI, clang::FileID Appended,
                   std::vector<unsigned> Starts,
                   std::vector<clang::SourceLocation> Users);
  ~BackEndLocations();

  /// \p G is a group of the appended text, as the parse hands it over.
  void sawGroup(clang::DeclGroupRef G);

  /// The parse is over, CodeGen has yet to finish: moves the appended
  /// definitions (without debug info) and has the back end's pipeline
  /// start by wrapping the diagnostic handler.
  void beforeBackEnd();

  /// The back end's pipeline starts on \p M: its context's diagnostic
  /// handler is wrapped, the appended functions get the frame's limit
  /// where the user's declaration warns about it.
  void atPipelineStart(llvm::Module &M) const;

  /// The user's location for \p Loc, or \p Loc when it is not in the
  /// appended text.
  clang::SourceLocation userLoc(clang::SourceLocation Loc) const;

  /// The user's declaration that the appended function \p Name lowers, or
  /// an invalid location.
  clang::SourceLocation userDeclOf(llvm::StringRef Name) const;

  clang::DiagnosticsEngine &diagnostics() const { return CI.getDiagnostics(); }

private:
  /// The piece of the appended text's offset \p Offset.
  size_t pieceAt(unsigned Offset) const;

  clang::CompilerInstance &CI;
  clang::FileID Appended;
  std::vector<unsigned> Starts;
  std::vector<clang::SourceLocation> Users;
  std::vector<clang::FunctionDecl *> Definitions;
  /// The appended definitions' names (the identifier table outlives the
  /// AST, which the compile may free before the back end) and the user's
  /// declarations they lower.
  std::vector<std::pair<llvm::StringRef, clang::SourceLocation>> Names;
  /// The handler's callback in CodeGenOptions::PassBuilderCallbacks, taken
  /// out again with this object.
  size_t Callback = ~size_t(0);
};

} // namespace coast

#endif
