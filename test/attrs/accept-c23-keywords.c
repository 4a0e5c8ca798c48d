// With coast.h's keyword macros active, [[coast::async]] would expand the
// macro; the C23 spellings [[coast::__async__]] etc. are the ones to write.
// RUN: %coast -std=c2x -fsyntax-only -Xclang -verify -Wall -Wextra %s
// RUN: %coast -std=c2x -fsyntax-only -Xclang -ast-dump %s | FileCheck %s
// expected-no-diagnostics
#include <coast.h>

// CHECK-LABEL: FunctionDecl {{.*}} fetch
// CHECK: AnnotateAttr {{.*}} "coast.async"
// CHECK: AnnotateAttr {{.*}} "coast.returns_send"
[[coast::__async__, coast::__returns_send__]] int fetch(int id);
// CHECK-LABEL: FunctionDecl {{.*}} walk
// CHECK: AnnotateAttr {{.*}} "coast.box_async"
[[coast::__box_async__]] int walk(int depth);
// CHECK-LABEL: TypedefDecl {{.*}} fetch_fn
// CHECK: AnnotateAttr {{.*}} "coast.async"
[[coast::__async__]] typedef int (*fetch_fn)(int id);
// CHECK-LABEL: RecordDecl {{.*}} struct tls definition
// CHECK: AnnotateAttr {{.*}} "coast.not_send"
struct [[coast::__not_send__]] tls { int *p; };
// CHECK-LABEL: RecordDecl {{.*}} struct conn definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:conn_close"
struct [[coast::__must_destruct__(conn_close)]] conn { int fd; };
void conn_close(struct conn *c);
// CHECK-LABEL: FunctionDecl {{.*}} conn_open
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct"{{$}}
[[coast::__must_destruct__()]] struct conn *conn_open(void);

// The keyword macros still work beside them.
async int fetch2(int id);
