//===- FastPath.h - Whether a translation unit may need lowering ----------===//
//
// The plugin's fast path (CoastAction.cpp): a file that never meets coast
// compiles as without the plugin, at the same speed (SPEC section 2). The
// question is asked before the parse, of raw text: the main file's, the
// files given with -include and -imacros, and, transitively, every header
// they include that the compile would find outside system directories
// (quoted or angled: a header-only async library is found either way).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_FASTPATH_H
#define COAST_PLUGIN_FASTPATH_H

#include "clang/Frontend/CompilerInstance.h"

namespace coast {

/// Whether \p CI's main file or a header it reaches (above) spells a
/// coast name (CoastNames.h). Code reaching coast only through what the
/// scan cannot see (an `#include` of a macro, a system header) is caught
/// by CheckConsumer, never compiled unlowered.
bool mayNeedLowering(clang::CompilerInstance &CI);

} // namespace coast

#endif
