#!/usr/bin/env bash
# bench/compile-time/run.sh - what the plugin costs at compile time, as the
# ratio (clang with the plugin) / (the same clang without it), same flags,
# same machine, same run. Medians of several runs (hyperfine when installed,
# else a timing loop).
#
# Inputs:
#   sqlite3.c        a big real C file with no async code: SQLite's
#                    amalgamation (~244k lines), made from Debian's source
#                    package (tools/debian-source.sh sqlite3, then
#                    `make sqlite3.c`, which needs tclsh). It names a
#                    variable `box`, one of coast's keywords, so the plugin
#                    cannot skip it unread.
#   sqlite3-nobox.c  the same with `box` renamed: the plugin's fast path for
#                    files that cannot contain coast code.
#   async-heavy.c    gen-async.py's N async functions (default 200) awaiting
#                    each other in the supported statement forms.
# If SQLite cannot be had (no deb-src, no network, no tclsh), gen-plain.py's
# generated C stands in for it, and the report says so.
#
# Modes: -c -O0, -c -O2, -fsyntax-only.
#
# Usage: bench/compile-time/run.sh [--llvm 19|22] [--runs N (5)]
#          [--o2-runs N (3)] [--async-n N (200)] [--modes "O0 O2 syntax"]
#          [--files "sqlite3 sqlite3-nobox async-heavy"]
# A full run takes ~6 min on 2 cores, most of it sqlite3.c at -O2.
# The plugin is built (incrementally) in build/<llvm>/; inputs and results
# go to build/bench/ (results-<llvm>.txt, hyperfine JSON). COAST_BENCH_NO_HYPERFINE=1
# times with the shell loop even when hyperfine is installed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/bench/compile-time
llvm=19
runs=5
o2_runs=3
async_n=200
modes="O0 O2 syntax"
files="sqlite3 sqlite3-nobox async-heavy"
while [ $# -gt 0 ]; do
	case $1 in
	--llvm) llvm=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--o2-runs) o2_runs=$2; shift 2 ;;
	--async-n) async_n=$2; shift 2 ;;
	--modes) modes=$2; shift 2 ;;
	--files) files=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

work=$root/build/bench
mkdir -p "$work"
clang=/usr/lib/llvm-$llvm/bin/clang
plugin=$root/build/$llvm/plugin/coast-plugin.so
[ -x "$clang" ] || { echo "run.sh: no $clang (install clang-$llvm)" >&2; exit 1; }

log() { printf '== %s\n' "$*" >&2; }

# --- the plugin -------------------------------------------------------------
if [ ! -f "$root/build/$llvm/CMakeCache.txt" ]; then
	log "configuring build/$llvm"
	cmake -S "$root" -B "$root/build/$llvm" -G Ninja \
		-DCOAST_LLVM_VERSION="$llvm" >/dev/null
fi
log "building the plugin and libcoast in build/$llvm"
cmake --build "$root/build/$llvm" --target coast-plugin coast_static >&2

# --- inputs -----------------------------------------------------------------
# SQLite's amalgamation from Debian's source package. Prints nothing and
# returns 1 when it cannot be had.
fetch_sqlite() {
	local src bld=$work/sqlite-bld
	[ -s "$work/sqlite3.c" ] && return 0
	command -v tclsh >/dev/null || { log "no tclsh: cannot make sqlite3.c"; return 1; }
	src=$("$root/tools/debian-source.sh" sqlite3 "$work/debian") || return 1
	rm -rf "$bld" && mkdir -p "$bld"
	log "making sqlite3.c (configure; make sqlite3.c)"
	(cd "$bld" && "$src/configure" >/dev/null && make sqlite3.c >/dev/null) >&2 ||
		return 1
	cp "$bld/sqlite3.c" "$bld/sqlite3.h" "$work/"
	rm -rf "$bld"
}

plain_source=sqlite
if ! fetch_sqlite; then
	log "falling back to gen-plain.py's generated file for sqlite3.c"
	plain_source=generated
	python3 "$here/gen-plain.py" >"$work/sqlite3.c"
fi
sed 's/\bbox\b/bx_/g' "$work/sqlite3.c" >"$work/sqlite3-nobox.c"
python3 "$here/gen-async.py" "$async_n" >"$work/async-heavy.c"

# async-heavy.c must lower and behave as plain C (else its numbers are moot).
runtime=$root/build/$llvm/runtime/libcoast.a
if [ -f "$runtime" ]; then
	"$clang" -fplugin="$plugin" -I"$root/runtime/include" \
		"$work/async-heavy.c" "$runtime" -lpthread -o "$work/ah-coast"
	"$clang" -I"$root/runtime/include" \
		"$work/async-heavy.c" "$runtime" -lpthread -o "$work/ah-plain"
	if [ "$("$work/ah-coast")" != "$("$work/ah-plain")" ]; then
		echo "run.sh: async-heavy.c prints differently lowered and plain" >&2
		exit 1
	fi
else
	"$clang" -fplugin="$plugin" -I"$root/runtime/include" -c \
		"$work/async-heavy.c" -o /dev/null
fi

# --- timing -----------------------------------------------------------------
have_hyperfine=0
[ "${COAST_BENCH_NO_HYPERFINE:-0}" = 1 ] || ! command -v hyperfine >/dev/null || have_hyperfine=1

# median_ms N CMD...: median wall time of N runs (after one warm-up).
median_ms() {
	local i s e times=() runs=$1
	shift
	"$@" >/dev/null 2>&1
	for ((i = 0; i < runs; i++)); do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s%N)
		times+=($(((e - s) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n |
		awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1000 }'
}

# measure NAME RUNS FLAGS...: prints "plain_ms plugin_ms".
measure() {
	local name=$1 runs=$2
	shift 2
	local plain=("$clang" -I"$root/runtime/include" "$@")
	local coast=("$clang" -fplugin="$plugin" -I"$root/runtime/include" "$@")
	if [ $have_hyperfine = 1 ]; then
		local json=$work/$name.json
		hyperfine -N --style basic --warmup 1 --runs "$runs" \
			--export-json "$json" -n plain "${plain[*]}" -n plugin "${coast[*]}" >&2
		python3 - "$json" <<'EOF'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print("%.1f %.1f" % (r["plain"] * 1000, r["plugin"] * 1000))
EOF
	else
		echo "$(median_ms "$runs" "${plain[@]}") $(median_ms "$runs" "${coast[@]}")"
	fi
}

results=$work/results-$llvm.txt
{
	echo "coast compile-time cost, clang $llvm ($("$clang" --version | head -1))"
	echo "$(nproc) cores, $runs runs per point ($o2_runs at -O2), medians;" \
		"$([ $have_hyperfine = 1 ] && echo hyperfine || echo 'date loop')"
	[ $plain_source = sqlite ] || echo "NOTE: sqlite3.c is gen-plain.py's generated stand-in"
	printf '%-16s %7s %-13s %10s %10s %7s\n' file lines mode plain-ms plugin-ms ratio
} | tee "$results"
for f in $files; do
	src=$work/$f.c
	lines=$(wc -l <"$src")
	for m in $modes; do
		n=$runs
		case $m in
		O0) flags=(-c -O0 -o /dev/null) label="-c -O0" ;;
		O2) flags=(-c -O2 -o /dev/null) label="-c -O2" n=$o2_runs ;;
		syntax) flags=(-fsyntax-only) label=-fsyntax-only ;;
		*) echo "run.sh: unknown mode $m" >&2; exit 2 ;;
		esac
		log "$f ${flags[*]}"
		read -r p c < <(measure "$f-$m" "$n" "${flags[@]}" "$src")
		printf '%-16s %7s %-13s %10s %10s %7s\n' "$f" "$lines" "$label" \
			"$p" "$c" "$(awk -v p="$p" -v c="$c" 'BEGIN { printf "%.2fx", c / p }')" |
			tee -a "$results"
	done
done
