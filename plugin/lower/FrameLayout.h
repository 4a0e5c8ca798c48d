//===- FrameLayout.h - The frame of an async function ---------------------===//
//
// Stage 2 of the lowering: the frame struct (header, result, frame
// variables, and a union of the callee frames awaited at different
// suspension points, which are never live together), the function's
// coast_fn descriptor and sites, and its init and start functions.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_FRAMELAYOUT_H
#define COAST_PLUGIN_LOWER_FRAMELAYOUT_H

#include "AsyncFunctionPlan.h"
#include "LoweringContext.h"

#include <string>

namespace coast {

/// The declarations that precede the poll function of \p Plan.
std::string framePrelude(const AsyncFunctionPlan &Plan,
                         const LoweringContext &LC);

/// The prototype of \p Callee's start function, for a caller that comes
/// before its definition or in another translation unit.
std::string startPrototype(const clang::FunctionDecl *Callee,
                           const LoweringContext &LC);

/// The function to call to start a future: \p Callee's start function, or,
/// for a boxed call through a pointer (\p Callee null), the pointer (the
/// text \p PointerText) cast to the start function type \p Proto implies.
std::string startCallee(const clang::FunctionDecl *Callee,
                        const clang::FunctionProtoType *Proto,
                        llvm::StringRef PointerText, const LoweringContext &LC);

/// The member of `__co` that holds the callee frame of \p Pt: the embedded
/// frame (`__aw.s3`) or the pointer to it (`__aw.p3`).
std::string childMember(const SuspendPoint &Pt);

/// The member of `__co` that holds the future of the async destructor a
/// drop awaits. It shares the union of callee frames: a drop starts one
/// only after the callee is freed, or before the first poll.
std::string dtorMember();

} // namespace coast

#endif
