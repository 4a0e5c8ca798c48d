//===- BackEndLocations.cpp - Back-end diagnostics at the user's source ---===//

#include "BackEndLocations.h"

#include "clang/Basic/CharInfo.h"
#include "clang/Basic/DiagnosticFrontend.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/DiagnosticHandler.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>

using namespace clang;

namespace coast {

namespace {

/// Clang's handler of the back end's diagnostics, given the user's
/// locations for the appended text's: the location cookie of a `srcloc`
/// (read by instruction selection and the assembler, wherever the code
/// went) and the frame warning of an appended function.
class UserLocatedDiagnostics : public llvm::DiagnosticHandler {
public:
  UserLocatedDiagnostics(std::unique_ptr<llvm::DiagnosticHandler> Clang,
                         const BackEndLocations &Locs)
      : Clang(std::move(Clang)), Locs(Locs) {}

  bool handleDiagnostics(const llvm::DiagnosticInfo &DI) override {
    // The context marks this handler; Clang's is the one asked.
    Clang->HasErrors |= HasErrors;
    // The same diagnostic at the user's cookie, made by \p Make.
    auto AtUsers = [&](const auto &D, auto Make) {
      uint64_t Cookie = user(D.getLocCookie());
      return Cookie == D.getLocCookie()
                 ? Clang->handleDiagnostics(DI)
                 : Clang->handleDiagnostics(Make(Cookie));
    };
    switch (DI.getKind()) {
    case llvm::DK_DontCall: {
      const auto &D = llvm::cast<llvm::DiagnosticInfoDontCall>(DI);
      return AtUsers(D, [&](uint64_t Cookie) {
        return llvm::DiagnosticInfoDontCall(D.getFunctionName(), D.getNote(),
                                            D.getSeverity(), Cookie);
      });
    }
    case llvm::DK_InlineAsm: {
      const auto &D = llvm::cast<llvm::DiagnosticInfoInlineAsm>(DI);
      return AtUsers(D, [&](uint64_t Cookie) {
        return llvm::DiagnosticInfoInlineAsm(Cookie, D.getMsgStr(),
                                             D.getSeverity());
      });
    }
    case llvm::DK_SrcMgr: {
      const auto &D = llvm::cast<llvm::DiagnosticInfoSrcMgr>(DI);
      return AtUsers(D, [&](uint64_t Cookie) {
        return llvm::DiagnosticInfoSrcMgr(D.getSMDiag(), D.getModuleName(),
                                          D.isInlineAsmDiag(), Cookie);
      });
    }
    case llvm::DK_StackSize: {
      // Clang's text; it formats no other severity.
      const auto &D = llvm::cast<llvm::DiagnosticInfoStackSize>(DI);
      StringRef Name = D.getFunction().getName();
      SourceLocation Decl = Locs.userDeclOf(Name);
      if (D.getSeverity() != llvm::DS_Warning || Decl.isInvalid())
        break;
      Locs.diagnostics().Report(Decl, diag::warn_fe_frame_larger_than)
          << D.getStackSize() << D.getStackLimit() << llvm::demangle(Name);
      return true;
    }
    default:
      break;
    }
    return Clang->handleDiagnostics(DI);
  }

  bool isAnalysisRemarkEnabled(StringRef PassName) const override {
    return Clang->isAnalysisRemarkEnabled(PassName);
  }
  bool isMissedOptRemarkEnabled(StringRef PassName) const override {
    return Clang->isMissedOptRemarkEnabled(PassName);
  }
  bool isPassedOptRemarkEnabled(StringRef PassName) const override {
    return Clang->isPassedOptRemarkEnabled(PassName);
  }
  bool isAnyRemarkEnabled() const override {
    return Clang->isAnyRemarkEnabled();
  }

private:
  uint64_t user(uint64_t Cookie) const {
    SourceLocation Loc = SourceLocation::getFromRawEncoding(
        static_cast<SourceLocation::UIntTy>(Cookie));
    SourceLocation User = Locs.userLoc(Loc);
    return User == Loc ? Cookie : User.getRawEncoding();
  }

  std::unique_ptr<llvm::DiagnosticHandler> Clang;
  const BackEndLocations &Locs;
};

/// The back end's pipeline starts: BackEndLocations::atPipelineStart.
class AtPipelineStart : public llvm::PassInfoMixin<AtPipelineStart> {
public:
  explicit AtPipelineStart(const BackEndLocations &Locs) : Locs(&Locs) {}

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &) {
    Locs->atPipelineStart(M);
    return llvm::PreservedAnalyses::all();
  }

  /// Also at -O0, where functions are optnone.
  static bool isRequired() { return true; }

private:
  const BackEndLocations *Locs;
};

/// The offsets of \p Token in \p Line, as a token: not inside an
/// identifier.
llvm::SmallVector<size_t, 4> offsetsOf(StringRef Line, StringRef Token) {
  llvm::SmallVector<size_t, 4> Out;
  bool Word = isAsciiIdentifierContinue(Token.front());
  for (size_t At = Line.find(Token); At != StringRef::npos;
       At = Line.find(Token, At + 1))
    if (!Word || ((At == 0 || !isAsciiIdentifierContinue(Line[At - 1])) &&
                  (At + Token.size() == Line.size() ||
                   !isAsciiIdentifierContinue(Line[At + Token.size()]))))
      Out.push_back(At);
  return Out;
}

/// The line of \p Text around offset \p At, and At's offset in it.
std::pair<StringRef, size_t> lineAround(StringRef Text, size_t At) {
  size_t Begin = Text.rfind('\n', At);
  Begin = Begin == StringRef::npos ? 0 : Begin + 1;
  size_t End = Text.find('\n', At);
  return {Text.slice(Begin, End), At - Begin};
}

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
  SourceManager &SM = CI.getSourceManager();
  for (Decl *D : G)
    if (auto *FD = dyn_cast<FunctionDecl>(D);
        FD && FD->doesThisDeclarationHaveABody()) {
      Definitions.push_back(FD);
      auto [File, Offset] =
          SM.getDecomposedLoc(SM.getFileLoc(FD->getLocation()));
      if (File == Appended)
        Names.emplace_back(FD->getName(), Users[pieceAt(Offset)]);
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
    PB.registerPipelineStartEPCallback(
        [this](llvm::ModulePassManager &MPM, llvm::OptimizationLevel) {
          MPM.addPass(AtPipelineStart(*this));
        });
  });
}

void BackEndLocations::atPipelineStart(llvm::Module &M) const {
  // Clang's handler, from BackendConsumer::HandleTranslationUnit on, puts
  // its predecessor back after the back end's run, which frees this one.
  llvm::LLVMContext &Ctx = M.getContext();
  Ctx.setDiagnosticHandler(std::make_unique<UserLocatedDiagnostics>(
      Ctx.getDiagnosticHandler(), *this));
  // CodeGen gives a function the frame's limit unless the warning is
  // ignored at the function's location: for an appended one, the quiet
  // text's, during the parse. The user's declaration decides.
  unsigned Limit = CI.getCodeGenOpts().WarnStackSize;
  if (Limit == UINT_MAX)
    return;
  for (const auto &[Name, Decl] : Names)
    if (llvm::Function *F = M.getFunction(Name); F && !F->isDeclaration()) {
      if (Decl.isValid() &&
          !CI.getDiagnostics().isIgnored(diag::warn_fe_frame_larger_than, Decl))
        F->addFnAttr("warn-stack-size", std::to_string(Limit));
      else
        F->removeFnAttr("warn-stack-size");
    }
}

SourceLocation BackEndLocations::userDeclOf(StringRef Name) const {
  for (const auto &[Defined, Decl] : Names)
    if (Defined == Name)
      return Decl;
  return SourceLocation();
}

SourceLocation BackEndLocations::userLoc(SourceLocation Loc) const {
  if (Loc.isInvalid())
    return Loc;
  SourceManager &SM = CI.getSourceManager();
  SourceLocation At = SM.getFileLoc(Loc);
  auto [File, Offset] = SM.getDecomposedLoc(At);
  if (File != Appended)
    return Loc;
  SourceLocation Decl = Users[pieceAt(Offset)];
  PresumedLoc Presumed = SM.getPresumedLoc(At);
  PresumedLoc DeclPresumed = SM.getPresumedLoc(Decl);
  if (Presumed.isInvalid() || DeclPresumed.isInvalid())
    return Loc;
  // The `#line` markers give the line the user's text presumes, as the
  // declaration's does (a `#line` of the user's, before the function,
  // counts in both); the physical line is as far from the declaration's.
  // A `#line` inside the body breaks that: the declaration then.
  FileID UserFile = SM.getFileID(Decl);
  int Line = static_cast<int>(SM.getSpellingLineNumber(Decl)) +
             static_cast<int>(Presumed.getLine()) -
             static_cast<int>(DeclPresumed.getLine());
  if (Line < 1 ||
      StringRef(Presumed.getFilename()) != DeclPresumed.getFilename())
    return Decl;
  SourceLocation LineStart = SM.translateLineCol(UserFile, Line, 1);
  if (SM.getPresumedLineNumber(LineStart) != Presumed.getLine())
    return Decl;
  // The column: the same token's, the same occurrence of it counted from
  // the line's end (the lowering writes its own code, an awaited call's
  // arguments, before the user's text on the line); the first one when
  // the lowering made more of it than the user wrote.
  StringRef Token(SM.getCharacterData(At),
                  Lexer::MeasureTokenLength(At, SM, CI.getLangOpts()));
  StringRef UserLine =
      lineAround(SM.getBufferData(UserFile), SM.getFileOffset(LineStart)).first;
  if (Token.empty())
    return LineStart;
  auto [Lowered, Column] = lineAround(SM.getBufferData(Appended), Offset);
  auto Mine = offsetsOf(Lowered, Token);
  auto Theirs = offsetsOf(UserLine, Token);
  if (Theirs.empty())
    return LineStart;
  size_t After = Mine.end() - llvm::lower_bound(Mine, Column);
  size_t Index =
      After == 0 || After > Theirs.size() ? 0 : Theirs.size() - After;
  return LineStart.getLocWithOffset(Theirs[Index]);
}

size_t BackEndLocations::pieceAt(unsigned Offset) const {
  auto After = std::upper_bound(Starts.begin(), Starts.end(), Offset);
  return After == Starts.begin() ? 0 : After - Starts.begin() - 1;
}

} // namespace coast
