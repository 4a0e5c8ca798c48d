// The C23 spellings [[coast::name]] on every kind of declaration they belong
// on (plugins cannot define type attributes, so none goes in a type position).
// RUN: %coast -std=c2x -fsyntax-only -Xclang -verify -Wall -Wextra %s
// RUN: %coast -std=c2x -fsyntax-only -Xclang -ast-dump %s | FileCheck %s
// expected-no-diagnostics
#define COAST_NO_KEYWORDS
#include <coast.h>

_Static_assert(__has_c_attribute(coast::async), "");
_Static_assert(__has_c_attribute(coast::must_destruct), "");

// CHECK-LABEL: FunctionDecl {{.*}} fetch
// CHECK: AnnotateAttr {{.*}} "coast.async"
[[coast::async]] int fetch(int id);
// CHECK-LABEL: FunctionDecl {{.*}} walk
// CHECK: AnnotateAttr {{.*}} "coast.box_async"
// CHECK: AnnotateAttr {{.*}} "coast.returns_send"
[[coast::box_async, coast::returns_send]] int walk(int depth);
// CHECK-LABEL: FunctionDecl {{.*}} after_name
// CHECK: AnnotateAttr {{.*}} "coast.async"
int after_name [[coast::async]] (int id);
// CHECK-LABEL: TypedefDecl {{.*}} fetch_fn
// CHECK: AnnotateAttr {{.*}} "coast.async"
[[coast::async]] typedef int (*fetch_fn)(int id);
// CHECK-LABEL: TypedefDecl {{.*}} fetch_ty
// CHECK: AnnotateAttr {{.*}} "coast.async"
[[coast::async]] typedef int fetch_ty(int id);
// CHECK-LABEL: FieldDecl {{.*}} poll
// CHECK: AnnotateAttr {{.*}} "coast.async"
struct ops { [[coast::async]] int (*poll)(int id); };
// CHECK-LABEL: VarDecl {{.*}} global_fn
// CHECK: AnnotateAttr {{.*}} "coast.async"
[[coast::async]] int (*global_fn)(int id);
// CHECK-LABEL: ParmVarDecl {{.*}} cb
// CHECK: AnnotateAttr {{.*}} "coast.async"
int use([[coast::async]] int (*cb)(int id));
// CHECK-LABEL: RecordDecl {{.*}} struct tls definition
// CHECK: AnnotateAttr {{.*}} "coast.not_send"
struct [[coast::not_send]] tls { int *p; };
// CHECK-LABEL: RecordDecl {{.*}} union any definition
// CHECK: AnnotateAttr {{.*}} "coast.not_send"
union [[coast::not_send]] any { int *p; };

// Destructors named directly must be declared already (only the first one
// may come later); the string form takes any.
struct conn;
void conn_close(struct conn *c);
void conn_abort(struct conn c);
// CHECK-LABEL: RecordDecl {{.*}} struct conn definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:conn_close,conn_abort"
struct [[coast::must_destruct(conn_close, conn_abort)]] conn { int fd; };
// CHECK-LABEL: RecordDecl {{.*}} struct file definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:file_close,file_abort"
struct [[coast::must_destruct("file_close, file_abort")]] file { int fd; };
void file_close(struct file *f);
void file_abort(struct file *f);
// CHECK-LABEL: FunctionDecl {{.*}} conn_open
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct"{{$}}
[[coast::must_destruct()]] struct conn *conn_open(void);
// CHECK-LABEL: ParmVarDecl {{.*}} owned
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct"{{$}}
void conn_send([[coast::must_destruct()]] struct conn *owned);
