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
// * a function's location (the stack frame's warning, resource limits, and
//   the fallback of every diagnostic located by debug info when there is
//   none: -Wpass-failed, -Wmisexpect, unsupported features), which CodeGen
//   takes from the function's declaration once the parse is over: the
//   definitions of the appended text are moved to the name of the user's
//   declaration they lower (an async function's poll and start functions
//   to the async function's);
// * the location a call to a function with the `warning` or `error`
//   attribute carries, and an inline asm statement's (`srcloc` metadata,
//   read by instruction selection and the assembler): rewritten by a pass
//   at the end of the optimizer's pipeline, before code generation, to the
//   user's line the `#line` markers name, at the column where the same
//   token is on that line when it is there once.
//
// Under debug info the definitions keep their locations: CodeGen
// generates a static function at the end of the unit from its location,
// and the subprogram would name the user's file's entry, not the `#line`
// markers' one, unlike the nested parse's line table. The frame's warning
// is lost there.
//
// A location the back end takes from debug info already names the user's
// file (the `#line` markers), and the back end's remarks are not ignored
// by the quiet state: both were printed before.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_BACKENDLOCATIONS_H
#define COAST_PLUGIN_BACKENDLOCATIONS_H

#include "clang/AST/Decl.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace llvm {
class MDNode;
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
  /// definitions and has the back end's pipeline start with the pass.
  void beforeBackEnd();

  /// \p Cookies, a `srcloc`, with its locations in the appended text the
  /// user's.
  llvm::MDNode *relocate(llvm::MDNode &Cookies) const;

  /// The names of the functions the appended text defines.
  llvm::ArrayRef<llvm::StringRef> definitions() const { return Names; }

private:
  /// The user's location for \p Loc, or \p Loc when it is not in the
  /// appended text.
  clang::SourceLocation userLoc(clang::SourceLocation Loc) const;
  /// The piece of the appended text's offset \p Offset.
  size_t pieceAt(unsigned Offset) const;

  clang::CompilerInstance &CI;
  clang::FileID Appended;
  std::vector<unsigned> Starts;
  std::vector<clang::SourceLocation> Users;
  std::vector<clang::FunctionDecl *> Definitions;
  std::vector<llvm::StringRef> Names;
  /// The pass's callback in CodeGenOptions::PassBuilderCallbacks, taken
  /// out again with this object.
  size_t Callback = ~size_t(0);
};

} // namespace coast

#endif
