//===- HandOver.h - The fast path's reads given to the compile ------------===//
//
// The fast path (FastPath.h) reads the headers a file reaches before the
// parse; the compile would then read each one again (about 2.7 K
// instructions a small header: an open by name, a stat, a read). This
// keeps the scan's buffers and gives each to the SourceManager when the
// compile first includes its file, under the name the compile looked it
// up by: its content cache, made then, is the one the compile would have
// made, only its buffer is already loaded.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_HANDOVER_H
#define COAST_PLUGIN_HANDOVER_H

#include "clang/Basic/FileEntry.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace coast {

/// A file the scan read: the name it found the file by, and its text.
struct ScannedFile {
  clang::OptionalFileEntryRef File;
  std::unique_ptr<llvm::MemoryBuffer> Text;
};

using ScannedFiles = llvm::DenseMap<const clang::FileEntry *, ScannedFile>;

/// Gives \p Files to \p CI's compile as it includes them, or drops them if
/// the compile may meet a file before its `#include` (a precompiled header,
/// modules).
void handOver(clang::CompilerInstance &CI, ScannedFiles Files);

} // namespace coast

#endif
