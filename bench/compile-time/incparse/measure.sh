#!/usr/bin/env bash
# bench/compile-time/incparse/measure.sh - the single-parse spike's figures
# (README "One parse instead of two"): callgrind instruction totals of the
# whole clang process for plain clang, the plugin as it is (nested parse,
# then the lowered file compiled) and the spike's path (one parse, checks
# and lowering on its AST, the async functions' lowered text appended to
# the same parse: -fplugin-arg-coast-incparse=, made by trim.py from the
# plugin's own dump of the same file).
#
# Usage: measure.sh PLUGIN OUTDIR FILE...   (modes: MODES, default "O0 O2")
# Prints one line per file and mode: plain, today, spike (instructions).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
plugin=$1 out=$2
shift 2
clang=${CLANG:-clang-19}
modes=${MODES:-O0 O2}
mkdir -p "$out"
# valgrind 3.19 cannot read the plugin's DWARF.
cp "$plugin" "$out/coast-plugin.so"
strip -g "$out/coast-plugin.so"
p=$out/coast-plugin.so

# Plain clang rejects the examples (coast.h without the plugin declares no
# coast_spawn): it parses everything, as README's earlier "plain" columns
# did, but generates code only up to the first error. Its exit status is
# not checked.
count() {
	{ valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		--trace-children=yes "$@" 2>&1 >/dev/null || true; } |
		sed -n 's/.*Collected : //p' | awk '{s += $1} END {print s}'
}

for f in "$@"; do
	b=$(basename "$f" .c)
	"$clang" -fplugin="$p" -fplugin-arg-coast-dump="$out/$b.low.c" \
		-I"$root/runtime/include" -c "$f" -o /dev/null
	redefine=$(python3 "$here/trim.py" "$out/$b.low.c" "$out/$b.app.c")
	for m in $modes; do
		cc=("$clang" -I"$root/runtime/include" -c "-$m" "$f" -o /dev/null)
		plain=$(count "${cc[@]}")
		today=$(count "${cc[@]}" -fplugin="$p")
		spike=$(count "${cc[@]}" -fplugin="$p" \
			-fplugin-arg-coast-incparse="$out/$b.app.c" \
			-fplugin-arg-coast-incparse-redefine="$redefine")
		echo "$b -$m plain $plain today $today spike $spike"
	done
done
