//===- GeneratedNames.h - Names of what the lowering generates ------------===//
//
// For an async function `f`: `struct f__coast_frame` (the frame a caller
// embeds), `struct f__coast_heap` (it behind a struct coast_frame, as start
// functions allocate it; the runtime's coast__heap_poll polls it),
// `f__coast_poll`, `f__coast_body` (optimizing, the code of an embedded
// one, from a given state: StateMachine.h),
// `f__coast_init`, `f__coast_start` (the ABI symbol other
// translation units call, see coast/future.h), `f__coast_fn`,
// `f__coast_sites`, `f__coast_subs`. Inside a poll function: `__co` (the
// frame), `__cx` (the context), labels `__coast_s<N>`, `__coast_pending`,
// `__coast_yield`, `__coast_drop` (none in a body function).
// Diagnostics never show these names: checks run on the user's source.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_GENERATEDNAMES_H
#define COAST_PLUGIN_LOWER_GENERATEDNAMES_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace coast {

/// coast/future.h's macros, spelled out: lowered code must compile from a
/// preprocessed file too (-save-temps), where no macro is left.
constexpr const char *StateStart = "0u";     // COAST_STATE_START
constexpr const char *StateDone = "0xffffu"; // COAST_STATE_DONE
constexpr const char *FlagCancel = "1u";     // COAST_F_CANCEL

/// COAST_RESULT(T, F) of coast/future.h, \p Fn the frame's descriptor.
inline std::string resultOf(llvm::StringRef T, llvm::StringRef F,
                            llvm::StringRef Fn) {
  return ("(*(" + T + " *)(void *)((char *)(" + F + ") + (" + Fn +
          ")->ret_offset))")
      .str();
}

inline std::string generatedName(llvm::StringRef Function,
                                 llvm::StringRef What) {
  return (Function + "__coast_" + What).str();
}

/// The typedef, at file scope, of the result the await at \p State reads
/// from a frame-stack callee: the return type printed inside the body could
/// name what the body declares (`__typeof__(n)` of a global `n`).
inline std::string awaitResultType(llvm::StringRef Function, unsigned State) {
  return generatedName(Function, "result" + std::to_string(State));
}

inline std::string frameType(llvm::StringRef Function) {
  return "struct " + generatedName(Function, "frame");
}

} // namespace coast

#endif
