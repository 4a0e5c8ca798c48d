//===- LoweringContext.h - Text edits of the lowering ---------------------===//
//
// The lowering rewrites the user's text rather than printing the AST, so that
// everything it does not need to touch (macros, comments, formatting, the
// exact spelling of every initializer) stays as written. Edits come in two
// kinds:
//  - renames of single tokens (a frame variable becomes `__co->name`),
//    applied at once;
//  - replacements of a statement or expression, whose text is computed only
//    when applied. They are applied innermost first, so a replacement reads
//    its operands' text with every inner edit already made.
//
// One context edits one file: the main file, or a header defining static
// inline async functions. Edits are kept in file offsets, in a sorted map:
// reading the current text of a range costs a lookup and that range's
// edits, and adding one costs a lookup too (Clang's Rewriter walks its
// buffer from the start on every read, and a sorted vector moves every
// later edit on each insertion: both made lowering quadratic in the file's
// size).
//
// Replacements never change the number of lines they replace (generated code
// goes on one line, then newlines pad), each piece of user text they copy
// stays on its line (newlines move it down, a #line up: an awaited call's
// arguments run before the statement they are written in), and generated
// blocks between user code end with a #line marker, so the user's code
// keeps its line numbers in __LINE__, diagnostics and debug info. Where a
// piece goes is where the preprocessor presumed its text was (the line and
// file that the user's `#line`s, however spelled, and GNU line markers
// set); the user's text is never read for its directives: they stay in the
// copied text and act again in the real compile, as they did in the
// user's.
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_LOWERINGCONTEXT_H
#define COAST_PLUGIN_LOWER_LOWERINGCONTEXT_H

#include "Pieces.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace coast {

/// Whether the compile optimizes: __OPTIMIZE__ says it in both Clang 19
/// (LangOptions::Optimize) and 22 (CodeGenOptions, which the lowering is not
/// given).
bool optimizing(const clang::ASTContext &Ctx);

/// The attribute the generated functions the inliner would take after
/// optimizing them alone are given when optimizing (FrameLayout.cpp's init
/// and start functions, StateMachine.cpp's split body).
inline constexpr const char *AlwaysInline =
    "__attribute__((__always_inline__)) ";

class LoweringContext {
public:
  /// \p Skipped: the ranges of \p File the preprocessor skipped, as
  /// SkippedBranches::in gives them.
  LoweringContext(clang::ASTContext &Ctx, clang::FileID File,
                  std::vector<std::pair<unsigned, unsigned>> Skipped);

  clang::ASTContext &Ctx;
  const clang::SourceManager &SM;

  /// `__typeof__(T)`: usable as a declaration's type whatever T's declarator
  /// syntax (arrays, function pointers).
  std::string typeName(clang::QualType T) const;

  /// The file range of \p R (a macro argument maps to where it is written);
  /// invalid if \p R is not one piece of file text.
  clang::CharSourceRange fileRange(clang::SourceRange R) const;
  /// The current text of \p R, with edits inside it applied.
  std::string text(clang::SourceRange R) const;
  /// The current text of the file range \p R.
  std::string textOf(clang::CharSourceRange R) const;
  /// The preprocessor directives written in the file range \p R, one a
  /// line, in order: what a replacement of \p R must keep.
  std::string directivesIn(clang::CharSourceRange R) const;
  /// Extends a statement's range over the `;` that ends it.
  clang::CharSourceRange withSemicolon(clang::CharSourceRange R) const;

  /// The presumed file name of \p L as a C string literal.
  std::string fileLiteral(clang::SourceLocation L) const;
  /// `#line N "file"` for \p L's presumed position, as a line of its own.
  std::string lineMarker(clang::SourceLocation L) const;
  /// \p Lines (generated code, each line ending in a newline) attributed
  /// to \p L's line, so no generated line takes the number of some other
  /// line of the user's file in debug info: one `#line` and one physical
  /// line for the code, and one of each per preprocessor directive.
  std::string pinned(llvm::StringRef Lines, clang::SourceLocation L) const;
  /// Spaces that bring a fresh line to \p L's column.
  std::string columnPad(clang::SourceLocation L) const;

  /// The declaration of \p Name to hold a value of type \p T. Frames
  /// store values without const: a const local is assigned once when its
  /// declaration runs, which a const member would forbid. volatile stays:
  /// the program may rely on it.
  std::string storageDecl(clang::QualType T, llvm::StringRef Name) const;
  /// The lvalue \p Lvalue, of type \p T, with the type storageDecl
  /// gives it: an initialization writes a const variable through it.
  std::string storedView(llvm::StringRef Lvalue, clang::QualType T) const;
  /// The qualifiers of \p T that storageDecl drops, spelled with a space
  /// after each; "" when it keeps \p T.
  std::string droppedQualifiers(clang::QualType T) const;
  /// The lvalue \p Member, declared by storageDecl(\p T), with the type
  /// \p T the program declared: `_Generic(&c, const int *: ...)` and
  /// `__typeof__(c)` see the qualifiers the frame member lacks.
  std::string declaredView(llvm::StringRef Member, clang::QualType T) const;

  /// C for storing \p Value into the lvalue \p Dest of type \p T as an
  /// initialization would, const members and arrays included.
  std::string store(llvm::StringRef Dest, clang::QualType T,
                    llvm::StringRef Value, bool ValueIsInitList) const;

  void rename(clang::SourceLocation TokenLoc, llvm::StringRef NewText);
  /// Schedules a replacement of \p R by the text \p Make returns when it is
  /// applied. The replacement is padded to keep \p R's line count.
  void replace(clang::CharSourceRange R, std::function<std::string()> Make);
  /// Applies the scheduled replacements, innermost first.
  void applyReplacements();

  /// The edited file's text with every edit applied.
  std::string fileText() const;
  /// The file's original text.
  llvm::StringRef original() const { return Original; }
  /// The edited text of [\p Begin, \p End), insertions at either end
  /// included: a declaration's lowered text, with what the lowering put
  /// before and after it.
  std::string pieceText(unsigned Begin, unsigned End) const;
  /// Whether an edit touches [\p Begin, \p End], insertions at either end
  /// included.
  bool editedAround(unsigned Begin, unsigned End) const;
  /// Whether every edit lies inside one of \p Ranges (sorted, disjoint,
  /// not touching), insertions at their ends included.
  bool editsOnlyIn(llvm::ArrayRef<std::pair<unsigned, unsigned>> Ranges) const;
  /// `#line` for \p L's presumed position and the spaces to its column:
  /// what text lowered at \p L needs ahead of it anywhere else.
  std::string placedAt(clang::SourceLocation L) const;
  /// \p L's presumed position as a GNU line marker's operands.
  MarkerPosition markerAt(clang::SourceLocation L) const;
  /// The includes \p L is under, outermost first (as the presumed include
  /// stack: a diagnostic at \p L shows them).
  std::vector<IncludeStep> includeStack(clang::SourceLocation L) const;
  /// The offset of \p L in the file.
  unsigned offsetIn(clang::SourceLocation L) const { return offsetOf(L); }
  /// Wraps the text of \p R with the insertions at both of its ends (what
  /// pieceText gives for it) in \p Before and \p After
  /// (directives, one a line), after the replacements were applied; the
  /// text around keeps its lines.
  void wrap(clang::CharSourceRange R, llvm::StringRef Before,
            llvm::StringRef After);
  /// True if two edits overlapped without nesting, or an edit fell outside
  /// the file: a bug of the lowering, whose text must then not be compiled.
  bool inconsistent() const { return Inconsistent; }

private:
  struct Replacement {
    clang::CharSourceRange Range;
    unsigned Length;
    size_t Order; ///< scheduling order, for ties
    std::function<std::string()> Make;
  };

  /// Where an edit's text stands: the original [Begin, End) of the file.
  /// Empty ranges are insertions at Begin; Seq orders several at one
  /// offset as they were made.
  struct EditRange {
    unsigned Begin;
    unsigned End;
    size_t Seq;
    bool operator<(const EditRange &O) const {
      return std::tie(Begin, End, Seq) < std::tie(O.Begin, O.End, O.Seq);
    }
  };
  using EditMap = std::map<EditRange, std::string>;
  unsigned offsetOf(clang::SourceLocation L) const;
  std::string textOf(unsigned Begin, unsigned End) const;
  /// Edits [First, Last) inside [Begin, End): an insertion at either end of
  /// a non-empty range belongs to the text around it, not to the range.
  std::pair<EditMap::const_iterator, EditMap::const_iterator>
  editsWithin(unsigned Begin, unsigned End) const;
  void addEdit(unsigned Begin, unsigned End, std::string Text);
  /// \p New, the replacement of \p R, with each piece of user text that
  /// text() marked moved to the line and file its tokens are presumed on
  /// (__LINE__, __FILE__, assert and debug info read them), and the text
  /// after \p R kept on its own.
  std::string placeLines(llvm::StringRef New, clang::CharSourceRange R) const;
  /// Whether \p L is inside a branch the preprocessor skipped, after the
  /// directive that began skipping: a #line there would not act.
  bool skipped(clang::SourceLocation L) const;

  clang::FileID File;
  llvm::StringRef Original;
  std::vector<std::pair<unsigned, unsigned>> Skipped;
  EditMap Edits; ///< never overlapping: nested edits are merged into one
  size_t NextSeq = 0;
  std::vector<Replacement> Pending;
  mutable bool Inconsistent = false;
  /// text() marks the pieces it copies while a replacement is made.
  bool MarkPieces = false;
};

} // namespace coast

#endif
