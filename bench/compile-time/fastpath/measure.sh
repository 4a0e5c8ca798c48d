#!/usr/bin/env bash
# bench/compile-time/fastpath/measure.sh - the fast path's cost (README
# "The fast path reads the headers"): callgrind instruction totals of the
# whole clang process compiling a file without coast code, for plain clang,
# a BASE plugin and a NEW one (both `strip -g`ed: valgrind 3.19 cannot read
# their DWARF). The files: each FILE given (SQLite's amalgamation, say),
# and a generated one, many.c: a small file including HEADERS headers
# (default 200), each including the one before, of declarations, macros
# and a comment that says "asynchronous" (text the scan must lex, not
# just search), every other one quoted, found through -iquote, the others
# angled, from a -I directory.
#
# Usage: measure.sh BASE-PLUGIN NEW-PLUGIN OUTDIR [FILE...]
# Prints one line per file and mode (MODES, default "O0"): the three totals
# and NEW/plain, BASE/plain.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
base=$1 new=$2 out=$3
shift 3
clang=${CLANG:-clang-19}
modes=${MODES:-O0}
headers=${HEADERS:-200}
mkdir -p "$out/inc"
cp "$base" "$out/base.so"
cp "$new" "$out/new.so"
strip -g "$out/base.so" "$out/new.so"

python3 - "$out" "$headers" <<'PY'
import os, sys
out, n = sys.argv[1], int(sys.argv[2])
def include(i):
    return '#include <h%d.h>\n' % i if i % 2 else '#include "h%d.h"\n' % i
for i in range(n):
    d = os.path.join(out, "inc") if i % 2 else out
    body = "".join(
        "struct s%d_%d { int a; long b[%d]; const char *name; };\n"
        "int f%d_%d(struct s%d_%d *p, int x); /* returns x, or -1 */\n"
        "#define M%d_%d(x) ((x) * %d + f%d_%d(0, (x)))\n"
        % (i, k, k + 1, i, k, i, k, i, k, k, i, k) for k in range(20))
    with open(os.path.join(d, "h%d.h" % i), "w") as f:
        f.write("/* Header %d: declarations only. Nothing here is asynchronous;\n"
                " * the word is only in this comment. */\n"
                "#ifndef H%d_H\n#define H%d_H\n#include <stddef.h>\n%s%s#endif\n"
                % (i, i, i, include(i - 1) if i else "", body))
with open(os.path.join(out, "many.c"), "w") as f:
    f.write("".join(include(i) for i in range(n)))
    f.write("int many(int x) { return M0_1(x) + M%d_2(x); }\n" % (n - 1))
PY

count() {
	{ valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		--trace-children=yes "$@" 2>&1 >/dev/null || true; } |
		sed -n 's/.*Collected : //p' | awk '{s += $1} END {printf "%.0f\n", s}'
}

for f in "$out/many.c" "$@"; do
	b=$(basename "$f" .c)
	for m in $modes; do
		cc=("$clang" -I"$root/runtime/include" -iquote "$out" -I"$out/inc" -w -c "-$m" "$f" -o /dev/null)
		plain=$(count "${cc[@]}")
		b_n=$(count "${cc[@]}" -fplugin="$out/base.so")
		n_n=$(count "${cc[@]}" -fplugin="$out/new.so")
		awk -v f="$b" -v m="$m" -v p="$plain" -v b="$b_n" -v n="$n_n" 'BEGIN {
			printf "%s -%s plain %.0f base %.0f new %.0f new/plain %.4f base/plain %.4f\n",
				f, m, p, b, n, n / p, b / p }'
	done
done
