//===- Directives.h - Preprocessor directives in a file's text -----------===//
//
// The lowering rewrites and moves the text of an async function, but a
// directive acts where it is written: the ones between a declaration and
// its `{` are copied ahead of the generated code, and a macro defined in
// the middle of a statement whose pieces the lowering reorders would
// change which pieces it applies to. A raw lexer finds them: `#`, or its
// digraph `%:`, first on a line, up to the next line no backslash joins.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_DIRECTIVES_H
#define COAST_PLUGIN_LOWER_DIRECTIVES_H

#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/ArrayRef.h"

#include <optional>
#include <vector>

namespace coast {

struct Directive {
  unsigned Begin, End; ///< file offsets of its `#` and past its last token
  clang::SourceLocation Loc; ///< its `#`
  llvm::StringRef Name;      ///< `define`, `if`, ...; empty when none
  llvm::StringRef Word;      ///< the identifier after it, if one follows
  llvm::StringRef Text;      ///< as written, continuation lines included
  /// In a branch the preprocessor skips whatever the macros: `#if 0`'s,
  /// or one after `#if 1`'s (in the range directivesIn scanned).
  bool Skipped = false;
  /// `#define`, `#undef`, `#pragma push_macro` or `pop_macro`, or an
  /// `#include` (the file may define any): a directive that changes what a
  /// macro's name expands to after it.
  bool changesMacros() const;
  /// `#if`, `#ifdef`, ..., `#elif`, `#else`, `#endif`.
  bool conditional() const;
  /// `#pragma GCC diagnostic` or `#pragma clang diagnostic`: it changes
  /// which warnings the code after it gets, not the code.
  bool diagnosticPragma() const;
  /// What follows `pragma`; empty for other directives.
  llvm::StringRef pragmaText() const;
};

/// How far a pragma acts on the code after it.
enum class PragmaReach {
  Diagnostics, ///< only on its warnings (`GCC diagnostic`, ...)
  Scope,       ///< up to the end of its compound statement (`STDC`,
               ///< `float_control`, `clang fp`), or on the loop after it
               ///< (`clang loop`, `unroll`, ...)
  Code,        ///< on all the code after it (`pack`, `redefine_extname`, ...)
};

/// The reach of the pragma whose text after `pragma` (or a `_Pragma`'s
/// string) is \p Text.
PragmaReach pragmaReach(llvm::StringRef Text);

struct PragmaOperator {
  clang::SourceLocation Loc; ///< its `_Pragma` or `__pragma`
  llvm::StringRef Text;      ///< its pragma's text; empty when not spelled
  llvm::StringRef Name;      ///< `_Pragma` or `__pragma`
};

/// The `_Pragma` and `__pragma` operators written in the file range \p R,
/// in order.
std::vector<PragmaOperator> pragmaOperatorsIn(const clang::SourceManager &SM,
                                              const clang::LangOptions &LO,
                                              clang::CharSourceRange R);

/// The `_Pragma` and `__pragma` operators that the macros expanded in the file
/// range \p R bring from their definitions, each at its macro's use.
std::vector<PragmaOperator>
expandedPragmaOperatorsIn(const clang::SourceManager &SM,
                          const clang::LangOptions &LO,
                          clang::CharSourceRange R);

/// The directives that begin in the file range \p R, in order.
std::vector<Directive> directivesIn(const clang::SourceManager &SM,
                                    const clang::LangOptions &LO,
                                    clang::CharSourceRange R);

/// Past the `;` after the statement text \p Stmt when the groups it opens
/// end between: their skipped branches and `#endif`s (the pieces of
/// `return` / `#if A` / `await(f(1))` / `#else` / `await(f(2))` /
/// `#endif` / `;`). None otherwise.
std::optional<clang::SourceLocation>
semicolonAfterGroups(const clang::SourceManager &SM,
                     const clang::LangOptions &LO, clang::CharSourceRange Stmt);

/// Whether the conditional directives among \p Ds form whole groups: text
/// holding them may be copied elsewhere on its own.
bool balancedGroups(llvm::ArrayRef<Directive> Ds);

/// Whether one of \p Ds continues or ends a group opened before them.
bool closesOuterGroup(llvm::ArrayRef<Directive> Ds);

/// The `_Pragma` operators in \p R that push or pop a macro: they change
/// macros in the middle of a line.
std::vector<clang::SourceLocation>
macroPragmasIn(const clang::SourceManager &SM, const clang::LangOptions &LO,
               clang::CharSourceRange R);

} // namespace coast

#endif
