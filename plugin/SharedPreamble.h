//===- SharedPreamble.h - The main file's headers parsed once -------------===//
//
// A lowered file is parsed twice: by the nested parse (checks, lowering)
// and by the compile of the lowered text. On realistic files most of the
// second parse is the headers again. The preamble (the #include and
// #define lines the main file starts with, clang::ComputePreambleBounds)
// is precompiled once, as clangd does, and both parses load it instead of
// reading its text.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_SHAREDPREAMBLE_H
#define COAST_PLUGIN_SHAREDPREAMBLE_H

#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/PrecompiledPreamble.h"

#include <memory>

namespace coast {

class SharedPreamble {
public:
  /// Precompiles the preamble of \p CI's main file with \p Nested, the
  /// nested parse's options. None when there is nothing to share or it
  /// could change what either parse sees: input that is not a plain file,
  /// preprocessed input, a user's own precompiled header or modules, a
  /// preamble defining async functions (the lowering edits their headers'
  /// text), or any diagnostic while building it (the nested parse reports
  /// it, once, without a preamble).
  static std::unique_ptr<SharedPreamble>
  build(clang::CompilerInstance &CI, clang::CompilerInvocation &Nested);

  /// Makes a parse with \p Opts load the preamble instead of its text.
  void useIn(clang::PreprocessorOptions &Opts) const;

  /// Whether \p Lowered keeps the preamble's bytes, so that the compile of
  /// the lowered text may load it too.
  bool isPrefixOf(llvm::StringRef Lowered) const;

private:
  SharedPreamble(clang::PrecompiledPreamble PCH, std::string Path,
                 clang::PreambleBounds Bounds, std::string Text)
      : PCH(std::move(PCH)), Path(std::move(Path)), Bounds(Bounds),
        Text(std::move(Text)) {}

  /// Owns the temporary file: removing it with this object.
  clang::PrecompiledPreamble PCH;
  std::string Path;
  clang::PreambleBounds Bounds;
  std::string Text;
};

} // namespace coast

#endif
