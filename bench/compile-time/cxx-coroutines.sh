#!/usr/bin/env bash
# bench/compile-time/cxx-coroutines.sh - the reference for async-heavy.c's
# ratio: the same 200 functions as C++20 coroutines (gen-cxx.py co, on the
# peers' executor rt.hpp) against the same functions as plain C++
# (gen-cxx.py plain), both with clang++, same flags, same run: what
# clang's own coroutine lowering costs over code without async.
#
# Usage: bench/compile-time/cxx-coroutines.sh [--llvm 19|22] [--runs N (5)]
# Needs hyperfine and /work/shared/peers/cpp/rt.hpp (PEERS=<dir> overrides).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
llvm=19 runs=5
while (($#)); do
	case $1 in
	--llvm) llvm=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) echo "usage: $0 [--llvm 19|22] [--runs N]" >&2; exit 2 ;;
	esac
done
peers=${PEERS:-/work/shared/peers}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cp "$peers/cpp/rt.hpp" "$out/"
python3 "$here/gen-async.py" 200 >"$out/async-heavy.c"
for k in co plain; do
	python3 "$here/gen-cxx.py" "$out/async-heavy.c" $k >"$out/$k.cpp"
done
cxx="clang++-$llvm -std=c++20 -w"
for mode in "-c -O0" "-c -O2" "-fsyntax-only"; do
	hyperfine -N -w 1 -r "$runs" --export-json "$out/h.json" \
		"$cxx $mode $out/plain.cpp -o $out/plain.o" \
		"$cxx $mode $out/co.cpp -o $out/co.o" >/dev/null
	python3 - "$out/h.json" "$mode" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
p, c = r[0]["median"] * 1e3, r[1]["median"] * 1e3
print(f"cxx-coroutines {sys.argv[2]:>14}: plain {p:8.1f} ms  coroutines {c:8.1f} ms  ratio {c / p:5.2f}x")
PY
done
