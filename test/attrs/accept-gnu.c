// The plugin's GNU spellings, written by hand: the plain names without
// coast.h, the __name__ forms beside coast.h's keyword macros. Each lands on
// its declaration as an annotation.
// RUN: %coast -fsyntax-only -Xclang -verify -Wall -Wextra %s
// RUN: %coast -fsyntax-only -Xclang -ast-dump %s | FileCheck %s
// expected-no-diagnostics

// CHECK-LABEL: FunctionDecl {{.*}} plain_async 'int (int)'
// CHECK: AnnotateAttr {{.*}} "coast.async"
__attribute__((async)) int plain_async(int id);
// CHECK-LABEL: FunctionDecl {{.*}} trailing_async 'int (int)'
// CHECK: AnnotateAttr {{.*}} "coast.async"
int trailing_async(int id) __attribute__((async));
// CHECK-LABEL: FunctionDecl {{.*}} both 'int (void)'
// CHECK: AnnotateAttr {{.*}} "coast.box_async"
// CHECK: AnnotateAttr {{.*}} "coast.returns_send"
__attribute__((box_async, returns_send)) int both(void);
// CHECK-LABEL: TypedefDecl {{.*}} fn_ptr_t
// CHECK: AnnotateAttr {{.*}} "coast.async"
typedef int (*fn_ptr_t)(int) __attribute__((async));
// CHECK-LABEL: FieldDecl {{.*}} poll
// CHECK: AnnotateAttr {{.*}} "coast.async"
struct ops { int (*__attribute__((async)) poll)(int); };
// CHECK-LABEL: RecordDecl {{.*}} struct tls definition
// CHECK: AnnotateAttr {{.*}} "coast.not_send"
struct __attribute__((not_send)) tls { int *p; };
// CHECK-LABEL: RecordDecl {{.*}} struct conn definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:conn_close"
struct conn;
void conn_close(struct conn *c);
struct __attribute__((must_destruct(conn_close))) conn { int fd; };
// CHECK-LABEL: FunctionDecl {{.*}} conn_open
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct"{{$}}
struct conn *conn_open(void) __attribute__((must_destruct()));

#include <coast.h>

// CHECK-LABEL: FunctionDecl {{.*}} dunder 'int (int)'
// CHECK: AnnotateAttr {{.*}} "coast.async"
__attribute__((__async__)) int dunder(int id);
// CHECK-LABEL: FunctionDecl {{.*}} dunder_box 'int (int)'
// CHECK: AnnotateAttr {{.*}} "coast.box_async"
// CHECK: AnnotateAttr {{.*}} "coast.returns_send"
__attribute__((__box_async__, __returns_send__)) int dunder_box(int id);
// CHECK-LABEL: VarDecl {{.*}} dunder_ptr
// CHECK: AnnotateAttr {{.*}} "coast.async"
int (*dunder_ptr)(int) __attribute__((__async__));
// CHECK-LABEL: RecordDecl {{.*}} struct tls2 definition
// CHECK: AnnotateAttr {{.*}} "coast.not_send"
struct __attribute__((__not_send__)) tls2 { int *p; };
// Hand-written destructor lists name functions declared before the struct;
// coast.h's must_destruct(...) also takes later ones (accept-must-destruct.c).
// CHECK-LABEL: RecordDecl {{.*}} struct conn2 definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:conn2_close,conn2_abort"
struct conn2;
void conn2_close(struct conn2 *c);
void conn2_abort(struct conn2 *c);
struct __attribute__((__must_destruct__(conn2_close, conn2_abort))) conn2 {
  int fd;
};
// CHECK-LABEL: FunctionDecl {{.*}} take
// CHECK: ParmVarDecl {{.*}} c 'struct conn2 *'
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct"{{$}}
void take(struct conn2 *c __attribute__((__must_destruct__())));
