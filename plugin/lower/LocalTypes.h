//===- LocalTypes.h - Types defined inside an async function --------------===//
//
// The frame struct is declared at file scope, before the poll function, so it
// cannot name a type defined in the function's body. A struct, union, enum or
// typedef defined there that a frame member's type needs is moved to file
// scope, just before the frame, with everything local it depends on, in
// source order, under a generated name (`f__coast_T_point`, enum constants
// `f__coast_C_RED`): sibling blocks may define the same tag twice, a local
// type may shadow a file-scope one. Every reference in the body is renamed,
// and the definition leaves the body (a block-scope definition would be
// another, incompatible type). Diagnostics come from planning, before any
// rename, and name the user's types.
//
// A record keeps the `#pragma pack` it was defined under: the moved text sets
// it around the definition.
//
// What cannot move is coast-unsupported: a definition that reads a local (a
// variably modified type, `sizeof x`) or `__func__` ("" at file scope), a
// reference written inside a macro's definition, a tag defined outside a
// declaration of its own (in a cast or a sizeof), a record laid out by another
// pragma (`ms_struct`, attributes of
// `#pragma clang attribute`).
//
//===----------------------------------------------------------------------===//

#ifndef COAST_PLUGIN_LOWER_LOCALTYPES_H
#define COAST_PLUGIN_LOWER_LOCALTYPES_H

#include "CheckHandler.h"
#include "LoweringContext.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>
#include <string>
#include <vector>

namespace coast {

/// One piece of the body that moves to file scope.
struct HoistedType {
  /// A declaration of types only: it moves whole.
  const clang::DeclStmt *Stmt = nullptr;
  /// Else a tag: its definition, part of a declaration of variables, moves
  /// and leaves `struct NAME` behind; without a definition in the body, a
  /// declaration `struct NAME;` goes to file scope.
  const clang::TagDecl *Tag = nullptr;
  unsigned Offset = 0; ///< where it is written, for source order
  /// The `#pragma pack` value its records were defined under (0: none),
  /// which the place it moves to may not have; none if it has no record.
  std::optional<unsigned> Pack;
};

struct LocalTypePlan {
  std::vector<HoistedType> Hoisted; ///< in source order
  /// The new name of each moved tag, typedef and enum constant (tags by
  /// their canonical declaration).
  llvm::DenseMap<const clang::NamedDecl *, std::string> NewName;
  /// Where each is named in the body: declarations and references.
  std::vector<std::pair<clang::SourceLocation, const clang::NamedDecl *>> Refs;
  /// Forward declarations (`struct point;`) of moved tags: in a block they
  /// would declare a new type, so they go.
  std::vector<const clang::DeclStmt *> ForwardDecls;
  /// Unnamed tags given a name (frames spell their type): it goes before
  /// their brace.
  std::vector<const clang::TagDecl *> Unnamed;
};

/// Whether \p T names a type declared inside a function.
bool namesLocalType(clang::QualType T, clang::ASTContext &Ctx);

/// Plans moving the local types of \p FD that the frame types \p Roots need.
/// Reports what cannot move through \p Handler and returns false then.
bool planLocalTypes(const clang::FunctionDecl *FD, clang::ASTContext &Ctx,
                    llvm::ArrayRef<clang::QualType> Roots,
                    CheckHandler &Handler, LocalTypePlan &Plan);

/// Renames the moved types (in the AST too, so that every type the lowering
/// spells names them), schedules their removal from the body and their
/// definitions before \p FD, each under a #line marker of its own line.
void hoistLocalTypes(const LocalTypePlan &Plan, const clang::FunctionDecl *FD,
                     LoweringContext &LC);

} // namespace coast

#endif
