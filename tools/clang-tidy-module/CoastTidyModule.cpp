//===- CoastTidyModule.cpp - coast's clang-tidy module --------------------===//
//
// Loaded with `clang-tidy --load=<prefix>/lib/coast/coast-tidy.so`: one check
// per coast diagnostic name, all running the checks every coast front end
// runs (CoastCheck.h). The module also registers coast's attributes
// (coast-core), so coast.h sees the plugin as under `clang -fplugin`.
//
//===----------------------------------------------------------------------===//

#include "CoastCheck.h"
#include "DiagnosticCatalog.h"

// 22 moved the registry into ClangTidyModule.h and deprecated this header
// with a #warning.
#if LLVM_VERSION_MAJOR >= 22
#include "clang-tidy/ClangTidyModule.h"
#else
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif

using namespace clang::tidy;

namespace coast {
namespace {

class CoastTidyModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    for (const DiagnosticInfo &D : allDiagnostics())
      Factories.registerCheckFactory(
          D.Name, [](llvm::StringRef Name, ClangTidyContext *Context) {
            return std::make_unique<CoastCheck>(Name, Context);
          });
  }
};

// No linker anchor: the module is only ever loaded with --load, never
// linked into clang-tidy.
ClangTidyModuleRegistry::Add<CoastTidyModule>
    Registration("coast-module", "coast: checks for async C");

} // namespace
} // namespace coast
