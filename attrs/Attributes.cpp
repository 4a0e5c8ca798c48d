//===- Attributes.cpp - Registration of coast's attributes ----------------===//
//
// One ParsedAttrInfo per attribute of SPEC section 1, each with the GNU
// spelling (`__attribute__((async))`, `__async__` is normalized to it), the
// scoped C23 spelling `[[coast::async]]` (and `[[coast::__async__]]`) and the
// unscoped `[[async]]`: Clang matches plugin spellings by their unscoped name
// in __has_c_attribute and only parses arguments of spellings it finds that
// way, so the unscoped one must exist for `[[coast::must_destruct(f)]]` to
// parse.
//
// must_destruct's destructors arrive as identifiers, as expressions naming
// functions, or (from coast.h's macro) as one string "d1, d2": the parser
// takes only the first argument of a plugin attribute as an identifier and
// looks the others up, which fails for destructors declared after the struct.
//
// Placement is checked here (`coast-attribute`); whether a must_destruct
// destructor exists and has the right signature is checked at the end of the
// translation unit, so that destructors may be declared after their struct.
//
//===----------------------------------------------------------------------===//

#include "ClangCompat.h"
#include "CoastAttrObserver.h"
#include "CoastAttrs.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Basic/CharInfo.h"
#include "clang/Basic/ParsedAttrInfo.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/STLExtras.h"

#include <string>

using namespace clang;

namespace coast {

namespace {

bool AttrsInert = false;
std::function<void(Decl *)> AttrObserver;

const char *annotationOf(CoastAttr A) {
  switch (A) {
  case CoastAttr::Async:
    return "coast.async";
  case CoastAttr::BoxAsync:
    return "coast.box_async";
  case CoastAttr::ReturnsSend:
    return "coast.returns_send";
  case CoastAttr::NotSend:
    return "coast.not_send";
  case CoastAttr::MustDestruct:
    return "coast.must_destruct";
  }
  llvm_unreachable("unknown coast attribute");
}

/// True for an annotation that names \p A ("coast.x" or "coast.x:args").
bool annotationIs(StringRef Annotation, CoastAttr A) {
  StringRef Name = annotationOf(A);
  return Annotation == Name ||
         (Annotation.starts_with(Name) && Annotation[Name.size()] == ':');
}

const AnnotateAttr *findCoastAttr(const Decl *D, CoastAttr A) {
  for (const Decl *R : D->redecls())
    for (const auto *AA : R->specific_attrs<AnnotateAttr>())
      if (annotationIs(AA->getAnnotation(), A))
        return AA;
  return nullptr;
}

void diagAttr(Sema &S, SourceLocation Loc, StringRef Message) {
  DiagnosticsEngine &DE = S.getDiagnostics();
  unsigned ID = DE.getCustomDiagID(DiagnosticsEngine::Error,
                                   "%0 [coast-attribute]");
  S.Diag(Loc, ID) << Message;
}

/// The type a declaration of an async function pointer declares: a pointer to
/// function, or a function type behind a typedef.
bool isFunctionPointerLike(QualType T) {
  T = T.getCanonicalType();
  if (T->isFunctionType())
    return true;
  if (const auto *PT = T->getAs<PointerType>())
    return PT->getPointeeType()->isFunctionType();
  return false;
}

/// Variables and fields may also be arrays of them (a table of async
/// callbacks); typedefs may not, since an element read from one no longer
/// carries the typedef.
bool declaresFunctionPointer(const Decl *D) {
  if (const auto *TD = dyn_cast<TypedefNameDecl>(D))
    return isFunctionPointerLike(TD->getUnderlyingType());
  const auto *VD = dyn_cast<DeclaratorDecl>(D);
  if (!VD || isa<FunctionDecl>(D))
    return false;
  QualType T = VD->getType();
  while (const ArrayType *AT = T->getAsArrayTypeUnsafe())
    T = AT->getElementType();
  return isFunctionPointerLike(T);
}

bool isRecord(const Decl *D) {
  if (const auto *RD = dyn_cast<RecordDecl>(D))
    return RD->isStruct() || RD->isUnion();
  return false;
}

bool isRecordTypedef(const Decl *D) {
  const auto *TD = dyn_cast<TypedefNameDecl>(D);
  return TD && TD->getUnderlyingType()->isRecordType();
}

/// The attribute's name as the user knows it: `__async__` is `async`.
std::string attrName(const ParsedAttr &A) {
  StringRef Name = A.getAttrName()->getName();
  if (Name.size() > 4 && Name.starts_with("__") && Name.ends_with("__"))
    Name = Name.drop_front(2).drop_back(2);
  return "'" + Name.str() + "'";
}

/// Shared shape of the five attributes: spellings, argument counts, and the
/// AnnotateAttr that records an accepted one.
class CoastAttrInfo : public ParsedAttrInfo {
public:
  explicit CoastAttrInfo(CoastAttr Kind) : Kind(Kind) {
    // Arguments are counted by checkArgs, so that a wrong count is a
    // coast-attribute error like every other misuse.
    HasCustomParsing = 1;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &A) const override {
    if (AttrsInert)
      return AttributeApplied;
    std::string Args;
    if (!checkArgs(S, D, A, Args))
      return AttributeNotApplied;
    std::string Annotation = annotationOf(Kind);
    if (!Args.empty())
      Annotation += ":" + Args;
    D->addAttr(AnnotateAttr::Create(S.Context, Annotation, nullptr, 0,
                                    A.getRange()));
    if (AttrObserver)
      AttrObserver(D);
    return AttributeApplied;
  }

protected:
  /// Validates the arguments of \p A on \p D, collecting what the annotation
  /// records in \p Args.
  virtual bool checkArgs(Sema &S, const Decl *D, const ParsedAttr &A,
                         std::string &Args) const {
    if (A.getNumArgs() == 0)
      return true;
    diagAttr(S, A.getLoc(), attrName(A) + " takes no arguments");
    return false;
  }

  bool reject(Sema &S, const ParsedAttr &A, StringRef Where) const {
    diagAttr(S, A.getLoc(), attrName(A) + " only applies to " + Where.str());
    return false;
  }

  CoastAttr Kind;
};

// Clang strips the underscores of `__async__` for GNU spellings only; the
// C23 `[[coast::__async__]]` is spelled out, for code that includes coast.h
// with its keyword macros (which would expand `[[coast::async]]`).
#define COAST_SPELLINGS(Name)                                                  \
  static constexpr Spelling S[] = {                                            \
      {ParsedAttr::AS_GNU, Name},                                              \
      {ParsedAttr::AS_C23, "coast::" Name},                                    \
      {ParsedAttr::AS_C23, Name},                                              \
      {ParsedAttr::AS_C23, "coast::__" Name "__"},                             \
      {ParsedAttr::AS_C23, "__" Name "__"}};                                   \
  Spellings = S

struct AsyncAttrInfo : CoastAttrInfo {
  AsyncAttrInfo() : CoastAttrInfo(CoastAttr::Async) {
    COAST_SPELLINGS("async");
  }
  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A,
                            const Decl *D) const override {
    if (isa<FunctionDecl>(D) || declaresFunctionPointer(D))
      return true;
    return reject(S, A, "functions and declarations of function pointers");
  }
};

struct BoxAsyncAttrInfo : CoastAttrInfo {
  BoxAsyncAttrInfo() : CoastAttrInfo(CoastAttr::BoxAsync) {
    COAST_SPELLINGS("box_async");
  }
  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A,
                            const Decl *D) const override {
    if (isa<FunctionDecl>(D))
      return true;
    return reject(S, A, "functions");
  }
};

struct ReturnsSendAttrInfo : CoastAttrInfo {
  ReturnsSendAttrInfo() : CoastAttrInfo(CoastAttr::ReturnsSend) {
    COAST_SPELLINGS("returns_send");
  }
  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A,
                            const Decl *D) const override {
    if (isa<FunctionDecl>(D) || declaresFunctionPointer(D))
      return true;
    return reject(S, A,
                  "async functions and declarations of async function "
                  "pointers");
  }
};

struct NotSendAttrInfo : CoastAttrInfo {
  NotSendAttrInfo() : CoastAttrInfo(CoastAttr::NotSend) {
    COAST_SPELLINGS("not_send");
  }
  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A,
                            const Decl *D) const override {
    if (isRecord(D) || isRecordTypedef(D))
      return true;
    return reject(S, A, "structs, unions and typedefs of them");
  }
};

struct MustDestructAttrInfo : CoastAttrInfo {
  MustDestructAttrInfo() : CoastAttrInfo(CoastAttr::MustDestruct) {
    OptArgs = 15;
    COAST_SPELLINGS("must_destruct");
  }
  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &A,
                            const Decl *D) const override {
    if (isRecord(D) || isa<ParmVarDecl>(D))
      return true;
    if (const auto *FD = dyn_cast<FunctionDecl>(D);
        FD && FD->getReturnType()->isPointerType())
      return true;
    return reject(S, A,
                  "structs, functions returning a pointer and parameters");
  }

protected:
  bool checkArgs(Sema &S, const Decl *D, const ParsedAttr &A,
                 std::string &Args) const override {
    llvm::SmallVector<std::pair<StringRef, SourceLocation>, 4> Names;
    if (!destructorNames(S, A, Names))
      return false;
    if (!isRecord(D)) {
      if (Names.empty())
        return true;
      diagAttr(S, A.getLoc(),
               "'must_destruct' on a function or parameter takes no "
               "destructors: write 'must_destruct()'");
      return false;
    }
    if (Names.empty()) {
      diagAttr(S, A.getLoc(),
               "'must_destruct' on a struct needs at least one destructor");
      return false;
    }
    for (const auto &[Name, Loc] : Names) {
      if (!Args.empty())
        Args += ",";
      Args += Name.str();
    }
    return true;
  }

private:
  /// Collects the destructor names \p A lists. coast.h passes them as one
  /// string ("d1, d2"), because the parser only takes the first argument of
  /// a plugin attribute as an identifier and looks the others up as
  /// expressions, which fails for destructors declared after the struct;
  /// hand-written attributes may name functions directly.
  static bool destructorNames(
      Sema &S, const ParsedAttr &A,
      llvm::SmallVectorImpl<std::pair<StringRef, SourceLocation>> &Names) {
    const char *Bad = "'must_destruct' arguments must name destructor "
                      "functions";
    unsigned N = A.getNumArgs();
    if (N == 1 && A.isArgExpr(0))
      if (const auto *SL = dyn_cast_or_null<StringLiteral>(
              A.getArgAsExpr(0)->IgnoreParenImpCasts())) {
        if (!SL->isOrdinary()) {
          diagAttr(S, SL->getBeginLoc(), Bad);
          return false;
        }
        StringRef List = SL->getString().trim();
        if (List.empty())
          return true;
        llvm::SmallVector<StringRef, 4> Parts;
        List.split(Parts, ',');
        for (StringRef Part : Parts) {
          Part = Part.trim();
          if (!isIdentifier(Part)) {
            diagAttr(S, SL->getBeginLoc(), Bad);
            return false;
          }
          Names.push_back({Part, SL->getBeginLoc()});
        }
        return true;
      }
    for (unsigned I = 0; I != N; ++I) {
      if (A.isArgIdent(I)) {
        const IdentifierLoc *IL = A.getArgAsIdent(I);
        Names.push_back({identOf(IL)->getName(), locOf(IL)});
        continue;
      }
      const Expr *E = A.getArgAsExpr(I);
      const auto *DRE =
          E ? dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()) : nullptr;
      if (!DRE || !isa<FunctionDecl>(DRE->getDecl())) {
        diagAttr(S, E ? E->getBeginLoc() : A.getLoc(), Bad);
        return false;
      }
      Names.push_back({DRE->getDecl()->getName(), DRE->getBeginLoc()});
    }
    return true;
  }

  static bool isIdentifier(StringRef Name) {
    if (Name.empty() || isDigit(Name.front()))
      return false;
    return llvm::all_of(Name,
                        [](char C) { return isAsciiIdentifierContinue(C); });
  }
};

ParsedAttrInfoRegistry::Add<AsyncAttrInfo> RegAsync("coast-async", "");
ParsedAttrInfoRegistry::Add<BoxAsyncAttrInfo> RegBoxAsync("coast-box_async",
                                                         "");
ParsedAttrInfoRegistry::Add<ReturnsSendAttrInfo>
    RegReturnsSend("coast-returns_send", "");
ParsedAttrInfoRegistry::Add<NotSendAttrInfo> RegNotSend("coast-not_send", "");
ParsedAttrInfoRegistry::Add<MustDestructAttrInfo>
    RegMustDestruct("coast-must_destruct", "");

} // namespace

bool mentionsCoast(const ASTContext &Ctx) {
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    if (const auto *FD = dyn_cast<FunctionDecl>(D);
        FD && FD->getIdentifier() && FD->getName().starts_with("__coast_"))
      return true;
    if (!D->hasAttrs())
      continue;
    for (const auto *AA : D->specific_attrs<AnnotateAttr>())
      if (AA->getAnnotation().starts_with("coast."))
        return true;
  }
  return false;
}

bool hasCoastAttr(const Decl *D, CoastAttr A) {
  return findCoastAttr(D, A) != nullptr;
}

bool isAsyncFunction(const FunctionDecl *FD) {
  return hasCoastAttr(FD, CoastAttr::Async) ||
         hasCoastAttr(FD, CoastAttr::BoxAsync);
}

llvm::SmallVector<StringRef, 2> mustDestructNames(const Decl *D) {
  llvm::SmallVector<StringRef, 2> Names;
  const AnnotateAttr *AA = findCoastAttr(D, CoastAttr::MustDestruct);
  if (!AA)
    return Names;
  StringRef Args = AA->getAnnotation().drop_front(
      StringRef(annotationOf(CoastAttr::MustDestruct)).size());
  if (Args.consume_front(":"))
    Args.split(Names, ',');
  return Names;
}

SourceLocation coastAttrLoc(const Decl *D, CoastAttr A) {
  const AnnotateAttr *AA = findCoastAttr(D, A);
  return AA ? AA->getLocation() : SourceLocation();
}

void setCoastAttrsInert(bool Inert) { AttrsInert = Inert; }

void setCoastAttrObserver(std::function<void(Decl *)> Observer) {
  AttrObserver = std::move(Observer);
}

} // namespace coast
