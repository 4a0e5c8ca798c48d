//===- FrameSizeReport.cpp - How big each async function's frame is ------===//

#include "FrameSizeReport.h"
#include "ClangCompat.h"

#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace coast {

void writeFrameSizes(ASTContext &Ctx, llvm::raw_ostream &OS) {
  const SourceManager &SM = Ctx.getSourceManager();
  static constexpr StringRef Suffix = "__coast_frame";
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *RD = dyn_cast<RecordDecl>(D);
    if (!RD || !RD->isThisDeclarationADefinition() || !RD->getIdentifier() ||
        !RD->getName().ends_with(Suffix) ||
        SM.isInSystemHeader(RD->getLocation()))
      continue;
    PresumedLoc PL = SM.getPresumedLoc(RD->getLocation());
    OS << PL.getFilename() << ":" << PL.getLine() << ": "
       << RD->getName().drop_back(Suffix.size()) << " "
       << Ctx.getTypeSizeInChars(recordTypeOf(Ctx, RD)).getQuantity() << "\n";
  }
}

} // namespace coast
