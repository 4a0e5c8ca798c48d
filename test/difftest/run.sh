#!/usr/bin/env bash
# test/difftest/run.sh - the Csmith differential harness: random C programs
# made async (coast-asyncify), built with and without the plugin, must print
# what the original prints.
#
# For each seed S..S+N-1: csmith writes a program (few functions, shallow
# blocks); the original is built with plain clang -O0 and run (a program
# that times out or fails is skipped); coast-asyncify makes its functions async
# and inserts awaits (its seed is the same S); the result is built with the
# plugin and without it, and both run. The three outputs (Csmith's checksum)
# must be equal. The asyncified builds use -O1.
#
# Outcomes, one line per program in <out>/results.txt:
#   ok                 the three outputs are equal
#   skip-timeout       the original ran longer than the time limit
#   skip-fail          the original exited non-zero or crashed
#   skip-slow          the asyncified program without the plugin timed out
#                      (its yields made it slow)
#   unsupported        the plugin said coast-unsupported (not a mismatch;
#                      counted apart: the transformer should not produce it)
#   bug-asyncify       coast-asyncify failed
#   bug-plain-build    the asyncified program does not build without the
#                      plugin (a transformer bug)
#   bug-plugin-build   any other plugin error, or a compiler crash
#   bug-run            the lowered program crashed or timed out
#   bug-plain-run      the asyncified plain program differs from the original
#                      (a transformer bug)
#   mismatch           lowered and plain outputs differ
# The files of every program not ok or skipped stay in <out>/<seed>/.
#
# Usage: test/difftest/run.sh [--seed S] [--count N] [--jobs J]
#                             [--build DIR] [--out DIR] [--timeout SECS]
#                             [--min-ok K]
#   --seed     first seed (default 1)
#   --count    number of programs (default 30)
#   --jobs     programs in parallel (default 1)
#   --build    a build directory of coast (default <repo>/build/19)
#   --out      results directory (default: a new one under $TMPDIR)
#   --timeout  run-time limit of the original, in seconds (default 2; the
#              asyncified programs get ten times as long)
#   --min-ok   fail unless at least this many programs are ok (default 0)
# Exits 0 when no program is a bug or a mismatch (and enough are ok);
# prints a summary.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seed=1 count=30 jobs=1 build=$root/build/19 out= timeout=2 min_ok=0
one=
while [ $# -gt 0 ]; do
	case $1 in
	--seed) seed=$2; shift 2 ;;
	--count) count=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--min-ok) min_ok=$2; shift 2 ;;
	--one) one=$2; shift 2 ;; # internal: one program, for xargs
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

build=$(cd "$build" && pwd)
llvm_root=$(sed -n 's/^COAST_LLVM_ROOT:[A-Z]*=//p' "$build/CMakeCache.txt")
clang=$llvm_root/bin/clang
plugin=$build/plugin/coast-plugin.so
asyncify=$build/test/difftest/asyncify/coast-asyncify
libcoast=$build/runtime/libcoast.a
csmith_inc=/usr/include/csmith
for f in "$clang" "$plugin" "$asyncify" "$libcoast" "$csmith_inc/csmith.h"; do
	if [ ! -e "$f" ]; then
		echo "run.sh: missing $f (build coast; install csmith and" \
			"libcsmith-dev: tools/install-deps.sh --all)" >&2
		exit 2
	fi
done
command -v csmith >/dev/null || { echo "run.sh: csmith not found" >&2; exit 2; }

# -O1: the lowering must hold under optimization; -w: Csmith's code warns.
cflags=(-O1 -w -I "$csmith_inc")
coast_flags=(-fplugin="$plugin" -I "$root/runtime/include")
libs=("$libcoast" -lpthread)
# Small programs: each must build with the plugin in a few seconds.
csmith_opts=(--max-funcs 4 --max-block-depth 3 --max-block-size 4
	--max-expr-complexity 6 --max-array-dim 2 --max-array-len-per-dim 4
	--max-struct-fields 5)

# run_one SEED DIR: prints the outcome (see the header) and a detail.
run_one() {
	local s=$1 d=$2 t=$timeout
	mkdir -p "$d"
	cd "$d"
	csmith --seed "$s" "${csmith_opts[@]}" -o orig.c >/dev/null 2>&1 ||
		{ echo "bug-asyncify csmith failed"; return; }
	# At -O0: a loop -O1 would delete must not hide from the time limit (a
	# yield in it would take seconds).
	"$clang" -O0 "${cflags[@]:1}" orig.c -o orig 2>orig.err ||
		{ echo "skip-fail original does not build"; return; }
	local rc=0
	timeout "$t" ./orig >orig.out 2>&1 || rc=$?
	[ $rc != 124 ] || { echo "skip-timeout"; return; }
	[ $rc = 0 ] || { echo "skip-fail original exit $rc"; return; }
	# Sparse and dense awaits, by seed.
	local rates=(0.03 0.1 0.3)
	"$asyncify" --seed "$s" --expr-rate "${rates[s % 3]}" orig.c -- \
		"${cflags[@]}" >async.c 2>async.err ||
		{ echo "bug-asyncify $(head -c 200 async.err)"; return; }
	"$clang" "${cflags[@]}" -I "$root/runtime/include" async.c "${libs[@]}" \
		-o plain 2>plain.err ||
		{ echo "bug-plain-build $(grep -m1 error: plain.err)"; return; }
	rc=0
	"$clang" "${cflags[@]}" "${coast_flags[@]}" async.c "${libs[@]}" \
		-o coast 2>coast.err || rc=$?
	if [ $rc != 0 ]; then
		if grep -q 'coast-unsupported' coast.err; then
			echo "unsupported $(grep -m1 'coast-unsupported' coast.err)"
		else
			echo "bug-plugin-build exit $rc: $(grep -m1 -e error: -e 'PLEASE' coast.err)"
		fi
		return
	fi
	rc=0
	timeout $((t * 10)) ./plain >plain.out 2>&1 || rc=$?
	[ $rc != 124 ] || { echo "skip-slow the plain async program timed out"; return; }
	if [ $rc != 0 ] || ! cmp -s orig.out plain.out; then
		echo "bug-plain-run exit $rc"
		return
	fi
	rc=0
	timeout $((t * 10)) ./coast >coast.out 2>&1 || rc=$?
	[ $rc = 0 ] || { echo "bug-run exit $rc"; return; }
	cmp -s plain.out coast.out || { echo "mismatch"; return; }
	echo ok
}

if [ -n "$one" ]; then
	d=$out/$one
	line=$(run_one "$one" "$d")
	case $line in
	ok* | skip*) rm -rf "$d" ;;
	esac
	echo "$one $line"
	exit 0
fi

[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/coast-difftest.XXXXXX")
mkdir -p "$out"
out=$(cd "$out" && pwd)
start=$(date +%s)
seq "$seed" $((seed + count - 1)) |
	xargs -P "$jobs" -I{} "$0" --one {} --out "$out" --build "$build" \
		--timeout "$timeout" | tee "$out/results.txt"
sort -n -o "$out/results.txt" "$out/results.txt"

echo "=== difftest: seeds $seed..$((seed + count - 1)), $(($(date +%s) - start)) s, results in $out"
awk '{print $2}' "$out/results.txt" | sort | uniq -c
bad=$(grep -c -e ' bug-' -e ' mismatch' "$out/results.txt" || :)
ok=$(grep -c ' ok$' "$out/results.txt" || :)
echo "$bad bugs or mismatches, $ok ok"
[ "$bad" = 0 ] && [ "$ok" -ge "$min_ok" ]
