//===- AfterReader.cpp - A test plugin that reads the AST after CodeGen --===//
//
// Another plugin's consumer after CodeGen's: Clang keeps the AST through
// the back end for it, which coast's own after-CodeGen consumer must not
// undo (test/plugin/after-main-plugin.test).
//
//===----------------------------------------------------------------------===//

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace {

class CountDefinitions : public ASTConsumer {
  void HandleTranslationUnit(ASTContext &Ctx) override {
    unsigned N = 0;
    for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
      if (const auto *FD = dyn_cast<FunctionDecl>(D))
        N += FD->doesThisDeclarationHaveABody();
    llvm::errs() << "after-reader: " << N << " function definitions\n";
  }
};

class AfterReader : public PluginASTAction {
  bool ParseArgs(const CompilerInstance &,
                 const std::vector<std::string> &) override {
    return true;
  }
  ActionType getActionType() override { return AddAfterMainAction; }
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 StringRef) override {
    return std::make_unique<CountDefinitions>();
  }
};

FrontendPluginRegistry::Add<AfterReader> X("after-reader",
                                           "counts definitions after CodeGen");

} // namespace
