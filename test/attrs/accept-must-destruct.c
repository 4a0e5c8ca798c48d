// must_destruct(d1, d2) on structs whose destructors are declared before
// and after them, taking the struct or a pointer to it; the ownership form
// must_destruct() on functions returning a pointer and on parameters.
// RUN: %coast -fsyntax-only -Xclang -verify -Wall -Wextra %s
// RUN: %coast -fsyntax-only -Xclang -ast-dump %s | FileCheck %s
// expected-no-diagnostics
#include <coast.h>

// Both destructors declared before the struct.
struct conn;
void conn_close(struct conn *c);
async void conn_close_async(struct conn *c);
// CHECK-LABEL: RecordDecl {{.*}} struct conn definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:conn_close_async,conn_close"
struct conn { int fd; } must_destruct(conn_close_async, conn_close);

// Both declared after it, one taking the struct by value.
// CHECK-LABEL: RecordDecl {{.*}} struct file definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:file_close,file_drop"
struct file { int fd; } must_destruct(file_close, file_drop);
void file_close(struct file *f);
void file_drop(struct file f);

// One before, one after; the attribute before the tag.
struct lock;
int lock_release(struct lock *l);
// CHECK-LABEL: RecordDecl {{.*}} struct lock definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:lock_release,lock_abandon"
struct must_destruct(lock_release, lock_abandon) lock { int held; };
void lock_abandon(const struct lock *l);

// A typedef'd anonymous struct, destructor through the typedef.
// CHECK-LABEL: RecordDecl {{.*}} struct definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:buf_free"
typedef struct { char *data; } must_destruct(buf_free) buf_t;
void buf_free(buf_t *b);

// A union with a destructor.
// CHECK-LABEL: RecordDecl {{.*}} union handle definition
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct:handle_close"
union handle { int fd; void *p; } must_destruct(handle_close);
void handle_close(union handle *h);

// Combined with not_send.
struct not_send guard { int *p; } must_destruct(guard_release);
void guard_release(struct guard *g);

// The ownership form on a function returning a pointer ...
// CHECK-LABEL: FunctionDecl {{.*}} conn_open
// CHECK: AnnotateAttr {{.*}} "coast.must_destruct"{{$}}
must_destruct() struct conn *conn_open(const char *host);
// ... also after the declarator, and on an async function ...
struct file *file_open(const char *path) must_destruct();
async must_destruct() struct file *file_open_async(const char *path);
// ... and on parameters, by pointer and by value.
// CHECK-LABEL: FunctionDecl {{.*}} conn_send
// CHECK: ParmVarDecl {{.*}} c 'struct conn *'
// CHECK-NEXT: AnnotateAttr {{.*}} "coast.must_destruct"{{$}}
void conn_send(must_destruct() struct conn *c, const char *msg);
void file_keep(struct file f must_destruct());
