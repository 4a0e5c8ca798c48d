#!/usr/bin/env bash
# bench/runtime/count.sh - instructions and atomic read-modify-writes per
# operation of coast_micro's workloads, from callgrind: wall clock is noise
# on a shared machine, instruction counts are not.
#
# Each workload is built at two sizes (A and 2A operations a pass) as a
# static (non-PIE) binary; the figure per operation is the difference of the
# two runs over the extra operations (start-up, warm-up and the runtime's
# threads cancel out; each size runs a warm-up and a measured pass, so the
# extra is 2A).  Atomic RMWs are the executed instructions with a lock
# prefix or an xchg with memory, fences the mfences (seq_cst fences; libc's
# included: the binary is static).
#
# usage: bench/runtime/count.sh [workload...]   (default: all five)
# env:   COAST_BUILD_DIR  build dir with the plugin and libcoast (its 19/)
#        WORKERS="1 2"    COAST_WORKERS values to count with
#        OUT=<build>/bench-runtime/count   binaries and callgrind files
#        PLUGIN=<the build dir's coast-plugin.so>
#        LIB=<the build dir's runtime/libcoast.a>
# Output: `<workload> workers=<n> instr_per_op=<x> rmw_per_op=<y>
#         fence_per_op=<z>`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${COAST_BUILD_DIR:-$root/build}/19
OUT=${OUT:-$BUILD/bench-runtime/count}
WORKERS=${WORKERS:-1 2}
CC=${CC:-clang-19}
mkdir -p "$OUT"

plugin=${PLUGIN:-$(find "$BUILD" -name coast-plugin.so -print -quit)}
lib=${LIB:-$BUILD/runtime/libcoast.a}
if [[ -z "$plugin" || ! -f "$lib" ]]; then
	echo "count.sh: no plugin or libcoast.a under $BUILD" >&2
	exit 1
fi

# sizes WORKLOAD SCALE: the -D flags for SCALE (1 or 2) and ops a pass.
sizes() {
	local s=$2
	case $1 in
	spawn_join) echo "-DSPAWN_N=$((20000 * s)) $((20000 * s))" ;;
	yield_storm) echo "-DYIELD_TASKS=100 -DYIELD_ITERS=$((200 * s)) $((20000 * s))" ;;
	ping_pong) echo "-DPING_N=$((20000 * s))L $((20000 * s))" ;;
	chain) echo "-DCHAIN_DEPTH=10000 -DCHAIN_REPS=$((2 * s)) $((20000 * s))" ;;
	chain_embedded) echo "-DEMB_REPS=$((625 * s)) $((20000 * s))" ;;
	*)
		echo "count.sh: unknown workload $1" >&2
		exit 2
		;;
	esac
}

# count BINARY: "instructions rmws" of one callgrind run.
count() {
	local bin=$1 cg=$1.$w.cg
	COAST_WORKERS=$w valgrind --tool=callgrind --dump-instr=yes \
		--dump-line=no --callgrind-out-file="$cg" "$bin" count "$wl" \
		>/dev/null 2>&1
	objdump -d --no-show-raw-insn "$bin" >"$bin.dis"
	python3 - "$cg" "$bin.dis" <<'EOF'
import re, sys
atomic = set()
fences = set()
for line in open(sys.argv[2]):
    m = re.match(r'\s*([0-9a-f]+):\s+(.*)', line)
    if not m:
        continue
    ins = m.group(2)
    if ins.startswith('lock') or (ins.startswith('xchg') and '(' in ins):
        atomic.add(int(m.group(1), 16))
    elif ins.startswith('mfence'):
        fences.add(int(m.group(1), 16))
total = rmw = fence = 0
pos = 0
skip = False
for line in open(sys.argv[1]):
    if line.startswith('summary:'):
        total = int(line.split()[1])
        continue
    if line.startswith('calls='):
        skip = True
        continue
    c = line[0]
    if not (c == '+' or c == '-' or c == '*' or line.startswith('0x')):
        continue
    f = line.split()
    p = f[0]
    if p.startswith('0x'):
        pos = int(p, 16)
    elif p[0] == '+':
        pos += int(p[1:], 16 if p[1:].startswith('0x') else 10)
    elif p[0] == '-':
        pos -= int(p[1:], 16 if p[1:].startswith('0x') else 10)
    if skip:
        skip = False
        continue
    if pos in atomic and len(f) > 1:
        rmw += int(f[1])
    if pos in fences and len(f) > 1:
        fence += int(f[1])
print(total, rmw, fence)
EOF
}

wls=("$@")
[ ${#wls[@]} -gt 0 ] || wls=(spawn_join yield_storm ping_pong chain chain_embedded)
for wl in "${wls[@]}"; do
	read -r -a a1 <<<"$(sizes "$wl" 1)"
	read -r -a a2 <<<"$(sizes "$wl" 2)"
	for s in 1 2; do
		declare -n a=a$s
		$CC -fplugin="$plugin" -I"$root/runtime/include" -O2 -Wall \
			-Wextra -Werror -static -Wl,--strip-debug "${a[@]:0:${#a[@]}-1}" \
			"$root/bench/runtime/coast_micro.c" "$lib" -lpthread \
			-o "$OUT/$wl.$s"
		unset -n a
	done
	extra=$((2 * (${a2[-1]} - ${a1[-1]})))
	for w in $WORKERS; do
		read -r i1 r1 f1 <<<"$(count "$OUT/$wl.1")"
		read -r i2 r2 f2 <<<"$(count "$OUT/$wl.2")"
		python3 -c "e=$extra; print('$wl workers=$w instr_per_op=%.1f rmw_per_op=%.2f fence_per_op=%.2f' % (($i2-$i1)/e, ($r2-$r1)/e, ($f2-$f1)/e))"
	done
done
