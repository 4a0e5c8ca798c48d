#!/usr/bin/env bash
# bench/coast-check/run.sh - what coast-check costs against the compile it
# replaces in CI: `coast-check -p` over a generated project of N translation
# units (default 240) against plain `clang -fsyntax-only` of the same files
# with the same flags and J jobs (default: every core): one clang per unit,
# as a build runs it, and one clang per job given a batch of files (no
# process start-up per unit, the strictest baseline); and, when the
# clang-tidy module and run-clang-tidy exist, `run-clang-tidy` with only the
# coast checks (one clang-tidy per unit). Prints the times and coast-check's
# ratio to each (goal: at most 1.2 of plain -fsyntax-only).
#
# Usage: bench/coast-check/run.sh [--llvm 19|22] [--units N] [--runs R (5)]
# coast-check is built (incrementally) in $COAST_BUILD_DIR/<llvm> (default
# build/<llvm>); the project goes to $COAST_BUILD_DIR/bench/coast-check.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${COAST_BUILD_DIR:-$root/build}
llvm=19 units=240 runs=5 jobs=$(nproc)
while [ $# -gt 0 ]; do
	case $1 in
	--llvm) llvm=$2; shift 2 ;;
	--units) units=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-j) jobs=$2; shift 2 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

cmake -S "$root" -B "$build/$llvm" -G Ninja -DCOAST_LLVM_VERSION="$llvm" >/dev/null
cmake --build "$build/$llvm" --target coast-check >/dev/null
check=$build/$llvm/tools/coast-check/coast-check
clang=/usr/lib/llvm-$llvm/bin/clang
proj=$build/bench/coast-check
module=$build/$llvm/tools/clang-tidy-module/coast-tidy.so
runtidy=/usr/lib/llvm-$llvm/bin/run-clang-tidy
if [ -x "$runtidy" ] && cmake --build "$build/$llvm" --target coast-tidy >/dev/null 2>&1; then
	tidy="$runtidy -p $proj -j $jobs -quiet -load $module -checks=-*,coast-*"
else
	tidy=
fi
rm -rf "$proj"
python3 "$root/bench/coast-check/gen-project.py" "$proj" "$units" "$root/runtime/include"
ls "$proj"/unit*.c >"$proj/files.txt"

# Both must be clean, or the comparison means nothing.
"$check" -p "$proj" -j "$jobs"
xargs -P "$jobs" -n 1 "$clang" -I"$root/runtime/include" -O0 -fsyntax-only <"$proj/files.txt"
[ -z "$tidy" ] || $tidy >/dev/null 2>&1

batch=$(((units + jobs - 1) / jobs))
flags="-I$root/runtime/include -O0 -fsyntax-only"
plain="xargs -P $jobs -n 1 $clang $flags < $proj/files.txt"
batched="xargs -P $jobs -n $batch $clang $flags < $proj/files.txt"
tool="$check -p $proj -j $jobs"
if command -v hyperfine >/dev/null && [ -z "${COAST_BENCH_NO_HYPERFINE:-}" ]; then
	hyperfine -N --warmup 1 --runs "$runs" --export-json "$proj/times.json" \
		-n clang-per-unit "sh -c '$plain'" \
		-n clang-batched "sh -c '$batched'" \
		-n coast-check "$tool" ${tidy:+-n run-clang-tidy "$tidy"} >&2
	python3 - "$proj/times.json" "$units" "$jobs" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
t = r["coast-check"]
print("%s units, -j %s (medians): coast-check %.3f s; clang -fsyntax-only "
      "per unit %.3f s (ratio %.2f), batched %.3f s (ratio %.2f)"
      % (sys.argv[2], sys.argv[3], t, r["clang-per-unit"],
         t / r["clang-per-unit"], r["clang-batched"], t / r["clang-batched"])
      + ("; run-clang-tidy (coast checks only) %.3f s (%.2f x coast-check)"
         % (r["run-clang-tidy"], r["run-clang-tidy"] / t)
         if "run-clang-tidy" in r else ""))
PY
else
	mean() { # mean COMMAND: mean wall time of $runs runs, in seconds
		local t0 t1
		t0=$(date +%s.%N)
		for _ in $(seq "$runs"); do sh -c "$1"; done
		t1=$(date +%s.%N)
		python3 -c "print(($t1 - $t0) / $runs)"
	}
	p=$(mean "$plain") b=$(mean "$batched") t=$(mean "$tool") r=0
	[ -z "$tidy" ] || r=$(mean "$tidy >/dev/null 2>&1")
	python3 -c "print('$units units, -j $jobs (means): coast-check %.3f s; clang -fsyntax-only per unit %.3f s (ratio %.2f), batched %.3f s (ratio %.2f)' % ($t, $p, $t / $p, $b, $t / $b) + ('; run-clang-tidy (coast checks only) %.3f s' % $r if $r else ''))"
fi
