#!/usr/bin/env bash
# bench/runtime/count_cpp.sh - count.sh's method for the C++20 peer
# (peers/cpp/cpp_micro.cpp, its single-threaded executor): instructions
# per operation of one workload from callgrind, the difference of two
# sizes over the extra operations, so that coast's figures have a
# counted, not timed, reference.  The peer's source stays read-only: a
# copy gets its sizes and a main that runs the one workload asked for.
#
# usage: bench/runtime/count_cpp.sh [workload...]  (default: spawn_join
#        yield_storm ping_pong chain)
# env:   PEERS=/work/shared/peers  OUT=/tmp/coast-count-cpp
#        CXX=clang++-19
# Output: `<workload> impl=cpp-coro instr_per_op=<x>`.
set -euo pipefail

PEERS=${PEERS:-/work/shared/peers}
OUT=${OUT:-/tmp/coast-count-cpp}
CXX=${CXX:-clang++-19}
mkdir -p "$OUT"
cp "$PEERS/cpp/rt.hpp" "$OUT/"

# build SCALE: cpp_micro with count.sh's sizes times SCALE, run as
# `cpp_micro.SCALE WORKLOAD` (a warm-up and a measured pass, as the peer).
build() {
	local s=$1
	sed -e "s/kSpawnN = 1'000'000/kSpawnN = $((20000 * s))/" \
		-e "s/kYieldTasks = 1'000/kYieldTasks = 100/" \
		-e "s/kYieldIters = 1'000/kYieldIters = $((200 * s))/" \
		-e "s/kPingN = 1'000'000/kPingN = $((20000 * s))/" \
		-e "s/kChainReps = 100/kChainReps = $((2 * s))/" \
		-e 's/^int main() {/static int peer_main() {/' \
		"$PEERS/cpp/cpp_micro.cpp" >"$OUT/cpp_micro.$s.cpp"
	cat >>"$OUT/cpp_micro.$s.cpp" <<'CPP'
#include <cstring>
int main(int argc, char **argv) {
  if (argc < 2) return peer_main();
  if (!std::strcmp(argv[1], "spawn_join")) measure(spawn_join);
  else if (!std::strcmp(argv[1], "yield_storm")) measure(yield_storm);
  else if (!std::strcmp(argv[1], "ping_pong")) measure(ping_pong);
  else if (!std::strcmp(argv[1], "chain")) measure(chain_bench);
  else return 2;
  return 0;
}
CPP
	$CXX -std=c++20 -O2 -Wall -Wextra -static -o "$OUT/cpp_micro.$s" \
		"$OUT/cpp_micro.$s.cpp"
}

# ops WORKLOAD SCALE: operations of one pass.
ops() {
	case $1 in
	chain) echo $((20000 * $2)) ;;
	*) echo $((20000 * $2)) ;;
	esac
}

instr() {
	valgrind --tool=callgrind --callgrind-out-file="$OUT/$2.$1.cg" \
		"$OUT/cpp_micro.$1" "$2" >/dev/null 2>&1
	grep '^summary:' "$OUT/$2.$1.cg" | awk '{print $2}'
}

build 1
build 2
wls=("$@")
[ ${#wls[@]} -gt 0 ] || wls=(spawn_join yield_storm ping_pong chain)
for wl in "${wls[@]}"; do
	i1=$(instr 1 "$wl")
	i2=$(instr 2 "$wl")
	extra=$((2 * ($(ops "$wl" 2) - $(ops "$wl" 1))))
	python3 -c "print('$wl impl=cpp-coro instr_per_op=%.1f' % (($i2 - $i1) / $extra))"
done
