//===- BackEndLocations.cpp - Back-end diagnostics at the user's source ---===//

#include "BackEndLocations.h"

#include "clang/Lex/Lexer.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"

#include <algorithm>

using namespace clang;

namespace coast {

namespace {

/// Gives the user's locations to what instruction selection and the
/// assembler report at a `srcloc`, which CodeGen puts on calls to a
/// function with the `warning` or `error` attribute and on inline asm: in
/// the appended definitions only (the user's own are located right; only
/// appended code calls them, so what the inliner moved stays among them),
/// once the optimizer is done with them (a fraction of the instructions
/// there were at its start, at -O2).
class UserSrcLocs : public llvm::PassInfoMixin<UserSrcLocs> {
public:
  explicit UserSrcLocs(const BackEndLocations &Locs) : Locs(&Locs) {}

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &) {
    // Nothing has a `srcloc` unless its kind was made (the usual case: no
    // walk).
    llvm::SmallVector<StringRef, 48> Kinds;
    M.getContext().getMDKindNames(Kinds);
    if (!llvm::is_contained(Kinds, "srcloc"))
      return llvm::PreservedAnalyses::all();
    unsigned SrcLoc = M.getContext().getMDKindID("srcloc");
    for (StringRef Name : Locs->definitions())
      if (llvm::Function *F = M.getFunction(Name))
        for (llvm::Instruction &I : llvm::instructions(*F))
          if (I.hasMetadataOtherThanDebugLoc())
            if (llvm::MDNode *Cookies = I.getMetadata(SrcLoc))
              I.setMetadata(SrcLoc, Locs->relocate(*Cookies));
    return llvm::PreservedAnalyses::all();
  }

  /// Also at -O0, where functions are optnone.
  static bool isRequired() { return true; }

private:
  const BackEndLocations *Locs;
};

} // namespace

BackEndLocations::BackEndLocations(CompilerInstance &CI, FileID Appended,
                                   std::vector<unsigned> Starts,
                                   std::vector<SourceLocation> Users)
    : CI(CI), Appended(Appended), Starts(std::move(Starts)),
      Users(std::move(Users)) {}

BackEndLocations::~BackEndLocations() {
  auto &Callbacks = CI.getCodeGenOpts().PassBuilderCallbacks;
  if (Callback < Callbacks.size())
    Callbacks.erase(Callbacks.begin() + Callback);
}

void BackEndLocations::sawGroup(DeclGroupRef G) {
  for (Decl *D : G)
    if (auto *FD = dyn_cast<FunctionDecl>(D);
        FD && FD->doesThisDeclarationHaveABody()) {
      Definitions.push_back(FD);
      // The identifier table outlives the AST, which the compile may free
      // before the back end.
      Names.push_back(FD->getName());
    }
}

void BackEndLocations::beforeBackEnd() {
  SourceManager &SM = CI.getSourceManager();
  // Every declaration of the chain: CodeGen looks a function's up by the
  // declaration it first mangled. Not under debug info (the header says
  // why).
  if (CI.getCodeGenOpts().getDebugInfo() == llvm::codegenoptions::NoDebugInfo)
    for (FunctionDecl *FD : Definitions)
      for (FunctionDecl *R : FD->redecls()) {
        auto [File, Offset] =
            SM.getDecomposedLoc(SM.getFileLoc(R->getLocation()));
        if (File == Appended && Users[pieceAt(Offset)].isValid())
          R->setLocation(Users[pieceAt(Offset)]);
      }
  auto &Callbacks = CI.getCodeGenOpts().PassBuilderCallbacks;
  Callback = Callbacks.size();
  Callbacks.push_back([this](llvm::PassBuilder &PB) {
    // Clang 22's callback also gets the LTO phase.
    PB.registerOptimizerLastEPCallback(
        [this](llvm::ModulePassManager &MPM, llvm::OptimizationLevel,
               auto...) { MPM.addPass(UserSrcLocs(*this)); });
  });
}

llvm::MDNode *BackEndLocations::relocate(llvm::MDNode &Cookies) const {
  llvm::SmallVector<llvm::Metadata *, 4> Moved;
  bool Changed = false;
  for (const llvm::MDOperand &Op : Cookies.operands()) {
    auto *Raw = llvm::mdconst::dyn_extract<llvm::ConstantInt>(Op);
    if (!Raw)
      return &Cookies;
    SourceLocation Loc = SourceLocation::getFromRawEncoding(
        static_cast<SourceLocation::UIntTy>(Raw->getZExtValue()));
    SourceLocation User = userLoc(Loc);
    Changed |= User != Loc;
    Moved.push_back(llvm::ConstantAsMetadata::get(
        llvm::ConstantInt::get(Raw->getType(), User.getRawEncoding())));
  }
  return Changed ? llvm::MDNode::get(Cookies.getContext(), Moved) : &Cookies;
}

SourceLocation BackEndLocations::userLoc(SourceLocation Loc) const {
  if (Loc.isInvalid())
    return Loc;
  SourceManager &SM = CI.getSourceManager();
  SourceLocation At = SM.getFileLoc(Loc);
  auto [File, Offset] = SM.getDecomposedLoc(At);
  if (File != Appended)
    return Loc;
  PresumedLoc Presumed = SM.getPresumedLoc(At);
  SourceLocation Decl = Users[pieceAt(Offset)];
  if (Presumed.isInvalid() || Decl.isInvalid())
    return Loc;
  // The `#line` markers give the user's line; a column there counts the
  // lowering's text before it on the line too.
  FileID UserFile = SM.getFileID(Decl);
  SourceLocation Line = SM.translateLineCol(UserFile, Presumed.getLine(), 1);
  StringRef Token(SM.getCharacterData(At),
                  Lexer::MeasureTokenLength(At, SM, CI.getLangOpts()));
  StringRef Text = SM.getBufferData(UserFile)
                       .substr(SM.getFileOffset(Line))
                       .take_until([](char C) { return C == '\n'; });
  size_t Column = Token.empty() ? StringRef::npos : Text.find(Token);
  if (Column != StringRef::npos &&
      Text.find(Token, Column + 1) == StringRef::npos)
    return Line.getLocWithOffset(Column);
  return SM.translateLineCol(UserFile, Presumed.getLine(),
                             Presumed.getColumn());
}

size_t BackEndLocations::pieceAt(unsigned Offset) const {
  auto After = std::upper_bound(Starts.begin(), Starts.end(), Offset);
  return After == Starts.begin() ? 0 : After - Starts.begin() - 1;
}

} // namespace coast
