#!/usr/bin/env bash
# bench/frame-size/run.sh - each async function's frame size in coast
# (-fplugin-arg-coast-frame-sizes) next to the size of the same function's
# future in Rust (frames.rs, std::mem::size_of_val), both for x86-64.
#
# The figures and what makes them are in README.md.
#
# Usage: bench/frame-size/run.sh [--llvm 19|22]
# (needs rustc and $COAST_BUILD_DIR/<llvm>, COAST_BUILD_DIR default <repo>/build)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/bench/frame-size
build=${COAST_BUILD_DIR:-$root/build}
llvm=19
[ "${1:-}" = --llvm ] && llvm=$2
clang=/usr/lib/llvm-$llvm/bin/clang
plugin=$build/$llvm/plugin/coast-plugin.so
[ -f "$plugin" ] || cmake --build "$build/$llvm" --target coast-plugin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$clang" -fplugin="$plugin" -I"$root/runtime/include" -c "$here/frames.c" \
	-o "$work/frames.o" -fplugin-arg-coast-frame-sizes="$work/coast.txt"
rustc --edition 2021 -O "$here/frames.rs" -o "$work/frames-rs" 2>/dev/null
"$work/frames-rs" >"$work/rust.txt"

printf '%-10s %8s %8s %7s\n' function coast rust ratio
while read -r _ name bytes; do
	rust=$(awk -v n="$name" '$1 == n { print $2 }' "$work/rust.txt")
	[ -n "$rust" ] || continue
	awk -v n="$name" -v c="$bytes" -v r="$rust" \
		'BEGIN { printf "%-10s %8d %8d %6.2fx\n", n, c, r, c / r }'
done <"$work/coast.txt"
