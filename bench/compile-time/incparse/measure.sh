#!/usr/bin/env bash
# bench/compile-time/incparse/measure.sh - the single parse's figures
# (README "One parse instead of two"): callgrind instruction totals of the
# whole clang process for plain clang, the plugin's nested parse
# (-fplugin-arg-coast-nested-parse: a parse of its own, then the lowered file
# compiled) and its default, the single parse (one parse, checks and
# lowering on its AST, the lowered pieces appended to the same parse). (The spike measured the same with text trimmed from
# a dump, trim.py and prototype.patch, kept for its figures.)
#
# Usage: measure.sh PLUGIN OUTDIR FILE...   (modes: MODES, default "O0 O2")
# Prints one line per file and mode: plain, full, nested, single
# (instructions).
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
# coast_spawn: a spawn cannot be written in C11 without the lowering): it
# parses everything, as README's earlier "plain" columns did, but generates
# code only up to the first error, and runs no back end. Its exit status is
# not checked. "full" is plain clang with a spawn that evaluates its call
# and gives no task (-D below), so that it compiles the whole file as the
# plugin does: the baseline a compile-time ratio should use.
count() {
	{ valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		--trace-children=yes "$@" 2>&1 >/dev/null || true; } |
		sed -n 's/.*Collected : //p' | awk '{s += $1} END {printf "%.0f\n", s}'
}

spawn=('-Dcoast_spawn(call)=((void)(call), (coast_task *)0)'
	'-Dcoast_spawn_local(call)=((void)(call), (coast_task *)0)')
for f in "$@"; do
	b=$(basename "$f" .c)
	for m in $modes; do
		cc=("$clang" -I"$root/runtime/include" -c "-$m" "$f" -o /dev/null)
		plain=$(count "${cc[@]}")
		full=$(count "${cc[@]}" "${spawn[@]}")
		nested=$(count "${cc[@]}" -fplugin="$p" \
			-fplugin-arg-coast-nested-parse)
		single=$(count "${cc[@]}" -fplugin="$p")
		echo "$b -$m plain $plain full $full nested $nested single $single"
	done
done
