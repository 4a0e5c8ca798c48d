// coast.h, and code using every macro it defines, compile warning-free with
// -Wall -Wextra -pedantic: with the plugin, without it under clang and gcc,
// in C11, C17 and C2x, and with COAST_NO_KEYWORDS; and in C99 without
// -pedantic (which flags _Noreturn there), where <stddef.h> has no max_align_t.
// RUN: %coast -std=c11 -fsyntax-only -Wall -Wextra -pedantic -Werror %s
// RUN: %coast -std=c17 -fsyntax-only -Wall -Wextra -pedantic -Werror %s
// RUN: %coast -std=c2x -fsyntax-only -Wall -Wextra -pedantic -Werror %s
// RUN: %plain -std=c11 -fsyntax-only -Wall -Wextra -pedantic -Werror %s
// RUN: %plain -std=c2x -fsyntax-only -Wall -Wextra -pedantic -Werror %s
// RUN: %gcc -std=c11 -fsyntax-only -Wall -Wextra -pedantic -Werror %s
// RUN: %gcc -std=c2x -fsyntax-only -Wall -Wextra -pedantic -Werror %s
// RUN: %coast -std=c11 -fsyntax-only -Wall -Wextra -pedantic -Werror -DCOAST_NO_KEYWORDS %s
// RUN: %plain -std=c11 -fsyntax-only -Wall -Wextra -pedantic -Werror -DCOAST_NO_KEYWORDS %s
// RUN: %gcc -std=c11 -fsyntax-only -Wall -Wextra -pedantic -Werror -DCOAST_NO_KEYWORDS %s
// RUN: %coast -std=c99 -fsyntax-only -Wall -Wextra -Werror %s
// RUN: %plain -std=c99 -fsyntax-only -Wall -Wextra -Werror %s
// RUN: %gcc -std=gnu99 -fsyntax-only -Wall -Wextra -Werror %s
// Its inline functions keep const: -Wcast-qual, common in C projects' flags.
// RUN: %plain -std=c11 -fsyntax-only -Wall -Wextra -Wcast-qual -Werror %s
// RUN: %gcc -std=c11 -fsyntax-only -Wall -Wextra -Wcast-qual -Werror %s
// Its frame arithmetic is marked for -Wunsafe-buffer-usage, whose end-of-file
// analysis reports an includer's inline functions, at -O0 and -O2 (the
// helpers differ).
// RUN: %coast -std=c11 -c -o /dev/null -Werror=unsafe-buffer-usage %s
// RUN: %coast -std=c11 -O2 -c -o /dev/null -Werror=unsafe-buffer-usage %s
// RUN: %plain -std=c11 -fsyntax-only -Werror=unsafe-buffer-usage %s
// RUN: %plain -std=c11 -O2 -fsyntax-only -Werror=unsafe-buffer-usage %s
// Included twice: the guard holds.
#include <coast.h>
#include <coast.h>

// The same code in both modes, through the coast_ spellings.
struct conn;
void conn_close(struct conn *c);
struct conn { int fd; } coast_must_destruct(conn_close, conn_abort);
void conn_abort(struct conn *c);
coast_must_destruct() struct conn *conn_open(void);
void conn_send(coast_must_destruct() struct conn *c);
struct coast_not_send tls { int *p; };
typedef coast_async coast_returns_send int (*fetch_fn)(int id);

coast_async coast_returns_send int fetch(int id);
coast_box_async int walk(int depth);

int sync_caller(fetch_fn f) {
  return coast_block_on(fetch(1)) + coast_block_on(coast_box(f(2)));
}

coast_async int async_caller(int id) {
  int v = coast_await(fetch(id));
  coast_await(coast_sleep_ms(1));
  coast_await(coast_yield());
  return v;
}

#ifndef COAST_NO_KEYWORDS
// The keyword spellings.
struct file { int fd; } must_destruct(file_close);
void file_close(struct file *f);
must_destruct() struct file *file_open(void);
struct not_send tls2 { int *p; };
typedef async returns_send int (*fetch2_fn)(int id);
async returns_send int fetch2(int id);
box_async int walk2(int depth);

int sync_caller2(fetch2_fn f) {
  return coast_block_on(fetch2(1)) + coast_block_on(box(f(2)));
}

async int async_caller2(int id) {
  int v = await(fetch2(id));
  await(coast_sleep_ms(1));
  return v;
}
#endif
