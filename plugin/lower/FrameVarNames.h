//===- FrameVarNames.h - Frame variables reached through their names ------===//
//
// Part of stage 1. Rewriting each reference to a frame variable where it is
// written (`buf` -> `__co->buf`) misses the references a macro's definition
// makes, which are in no text of the function, and changes what a macro
// that stringifies its argument (`#e`) shows. So a frame variable keeps its
// name in the text, and the state machine defines the name as a macro
// around the lowered body (`#define buf (__co->buf)` ... `#undef buf`), as
// it does for `return` and `__func__`. The argument of `#e` is taken as
// written, before macros expand: it shows `buf`, as without the plugin.
//
// That is only right when every token `buf` of the body's expansion means
// the variable: no other declaration of the name in the function (another
// local, a shadowing one, a label, a member, a tag or typedef, a parameter
// of a function type), no reference to one outside it (a global), no
// member access, designator or offsetof field of that name, no file-scope
// tag or typedef (types the lowered code prints may name it), no macro of
// the name, no directive in the body naming it, no test whether it is a
// macro there (`defined` a macro makes: MacroTests.h) and no #include there
// (the included text is not read), no attribute of the name or naming it
// (`cleanup(f)`), no tag, member or enumerator the function declares (in a
// cast or sizeof too), no name the generated code spells. A frame
// variable whose name has another meaning is renamed where written, as before;
// the planner rejects it where that is not enough. Macro parameters of the name
// are no conflict: they are replaced by their arguments before the result is
// rescanned.
//
// A macro invoked inside another macro's expansion may stringify tokens
// that the outer macro expanded first, the arguments of its parameters:
// `buf` would show as `(__co->buf)` there. Tokens of the outer macro's
// definition are as written (`#define SHOWTOT SHOW(total)`). Those
// stringifications are listed for the planner to reject but for the
// latter, and so are those that may show an await or __builtin_FUNCTION(),
// whose text the lowering replaces.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_FRAMEVARNAMES_H
#define COAST_PLUGIN_LOWER_FRAMEVARNAMES_H

#include "AsyncFunctionPlan.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <string>
#include <vector>

namespace coast {

/// Another meaning of a frame variable's name in its function.
struct NameConflict {
  clang::SourceLocation Loc; ///< where it is written (a file location)
  std::string What;          ///< "a member", "a variable declared outside..."
};

/// A string literal a macro's `#` made in the function that names a frame
/// variable, an await, the function (__func__...) or __builtin_FUNCTION.
struct Stringification {
  clang::SourceLocation Loc; ///< the outermost macro's use, in the file
  std::string Macro;         ///< the macro whose `#` made it
  /// Its argument is as written: that macro is used in the file's text,
  /// or in a macro's definition without that macro's parameters.
  bool AsWritten = false;
  /// File offsets of the outermost macro's use, [Begin, End).
  unsigned Begin = 0, End = 0;
  std::string Text; ///< the literal, quotes included
};

/// What the names of one function's frame variables mean in it. Computed
/// once the frame variables are chosen; stale once the AST changes.
class FrameVarNames {
public:
  FrameVarNames(const clang::FunctionDecl *FD, clang::ASTContext &Ctx,
                const AsyncFunctionPlan &Plan);

  /// The first other meaning of \p VD's name, or null when the name means
  /// \p VD wherever the function's expansion spells it.
  const NameConflict *conflict(const clang::VarDecl *VD) const;

  /// The function tests at \p Loc whether \p Name is a macro, which the
  /// lowering defines it as (MacroTests.h): a conflict like the others, so
  /// its uses are renamed and those that cannot be are reported at \p Loc.
  void noteTest(llvm::StringRef Name, clang::SourceLocation Loc) {
    add(Name, Loc, "a test whether it is a macro");
  }

  const std::vector<Stringification> &stringifications() const {
    return Stringified;
  }

private:
  void add(llvm::StringRef Name, clang::SourceLocation Loc,
           const llvm::Twine &What);
  void noteDefinitions(const clang::DeclContext *DC);
  void scanDirectives(const clang::FunctionDecl *FD);

  clang::ASTContext &Ctx;
  const AsyncFunctionPlan &Plan;
  llvm::StringSet<> Names; ///< of the frame variables
  llvm::StringMap<NameConflict> ByName;
  /// A frame variable hidden by, or hiding, another of its name.
  llvm::DenseMap<const clang::VarDecl *, NameConflict> ByVar;
  std::vector<Stringification> Stringified;
};

/// Whether \p Text has the identifier \p Name as a word of its own.
bool mentionsName(llvm::StringRef Text, llvm::StringRef Name);

/// Whether \p Text names __func__, __FUNCTION__ or __PRETTY_FUNCTION__.
bool mentionsFunctionName(llvm::StringRef Text);

/// Whether \p Text names an await, in any of its spellings.
bool mentionsAwait(llvm::StringRef Text);

} // namespace coast

#endif
