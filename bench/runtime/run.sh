#!/usr/bin/env bash
# bench/runtime/run.sh - coast against its peers (Go, tokio, C++20
# coroutines, pthreads) on the peers' workloads, side by side in one run,
# with medians and coast/peer ratios. tokio's programs are bench/runtime/tokio
# when the peers' rust/ has no sources.
#
# usage: bench/runtime/run.sh [all|micro|servers|build]    (default: all)
# env:   COAST_BUILD_DIR  coast's build dir with the plugin and libcoast
#                         (default <repo>/build/19; a build type with -O2,
#                         which is the default)
#        PEERS=/work/shared/peers   the peers' sources (read only: they are
#                         built into $OUT/peers)
#        OUT=<build dir>/bench-runtime   binaries and raw results
#        RUNS=3           repetitions, interleaved (run 1 of everything, then
#                         run 2, ...); each figure is the median
#        SECS=5 CONNS=64  measured seconds and connections per server load
#        CPUS=0,1         taskset for every program (client and server too)
#        IMPLS=<regex>    servers: run only the implementations whose name
#                         matches (e.g. 'floor|tokio-mt'; default all)
#        PTHREAD_N=10000  threads of the pthread baseline
# Output: one line per workload per implementation per run, as the peers
# print them (`<workload> impl=<name> <metric>=<value> <params...>`), then
# `median ...` lines and `ratio ...` lines (coast over each peer: for ns
# metrics below 1 is coast faster, for rates above 1 is; the io_uring
# floors over each peer likewise).  coast runs with
# one worker (impl=coast-1w) and two (coast-2w), and the servers also with
# COAST_IO=uring (coast-1w-uring, coast-2w-uring); its chain of embedded
# frames is `chain impl=coast-Nw-embedded`.  A peer whose toolchain
# or sources are missing is skipped with a `# skip` line.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/bench/runtime
MODE=${1:-all}
BUILD=${COAST_BUILD_DIR:-$root/build}/19
PEERS=${PEERS:-/work/shared/peers}
OUT=${OUT:-$BUILD/bench-runtime}
RUNS=${RUNS:-3}
SECS=${SECS:-5}
CONNS=${CONNS:-64}
CPUS=${CPUS:-0,1}
PTHREAD_N=${PTHREAD_N:-10000}
CC=${CC:-clang-19}
CXX=${CXX:-clang++-19}
TS=(taskset -c "$CPUS")

log() { echo "$*" >&2; }
bin=$OUT/bin
mkdir -p "$bin" "$OUT/results"

# ------------------------------------------------------------------ build
build_coast() {
	local plugin lib
	plugin=$(find "$BUILD" -name coast-plugin.so -print -quit)
	lib=$BUILD/runtime/libcoast.a
	if [[ -z "$plugin" || ! -f "$lib" ]]; then
		log "no plugin or libcoast.a under $BUILD: build coast first"
		exit 1
	fi
	for p in coast_micro coast_server; do
		$CC -fplugin="$plugin" -I"$root/runtime/include" -O2 -Wall \
			-Wextra -Werror "$here/$p.c" "$lib" -lpthread -o "$bin/$p"
	done
	for p in epoll_floor uring_floor; do
		$CC -std=c11 -O2 -Wall -Wextra -Werror "$here/$p.c" -o "$bin/$p"
	done
	if why=$("$bin/uring_floor" probe 2>&1); then
		have_uring=1
	else
		echo "# skip: uring-floor ($why)"
	fi
}

have_uring=0 have_go=0 have_cpp=0 have_c=0 have_wrk=0 have_tokio=0
build_peers() {
	if command -v go >/dev/null; then
		(cd "$PEERS/go" && for c in go_micro go_server echo_client; do
			GOFLAGS=-mod=mod GOPROXY=off GO111MODULE=on \
				go build -trimpath -o "$bin/$c" "./cmd/$c" || exit 1
		done) && have_go=1
	fi
	[[ $have_go = 1 ]] || echo "# skip: go peers (no go toolchain or build failed)"
	if $CXX -std=c++20 -O2 -Wall -Wextra -o "$bin/cpp_micro" \
		"$PEERS/cpp/cpp_micro.cpp" &&
		$CXX -std=c++20 -O2 -Wall -Wextra -o "$bin/cpp_server" \
			"$PEERS/cpp/cpp_server.cpp"; then
		have_cpp=1
	else
		echo "# skip: cpp-coro peers ($CXX failed)"
	fi
	if $CC -std=c11 -O2 -Wall -Wextra -pthread -o "$bin/pthread_spawn" \
		"$PEERS/c/pthread_spawn.c"; then
		have_c=1
	else
		echo "# skip: C pthread baseline ($CC failed)"
	fi
	# The shared peers' rust/ has no sources; tokio/ here is the same
	# programs, written from the peers' README.
	local rust=$PEERS/rust
	[[ -d $rust/src ]] || rust=$here/tokio
	if command -v cargo >/dev/null &&
		(cd "$rust" && CARGO_TARGET_DIR=$OUT/cargo \
			cargo build --release --offline --quiet); then
		cp -f "$OUT/cargo/release/tokio_micro" \
			"$OUT/cargo/release/tokio_server" "$bin/"
		have_tokio=1
	else
		echo "# skip: tokio peers (no offline cargo build of $rust: librust-tokio-dev librust-hyper-dev)"
	fi
	command -v wrk >/dev/null && have_wrk=1 ||
		echo "# skip: http_hello (no wrk)"
}

# ---------------------------------------------------------------- servers
PORT=${BASEPORT:-18600}
free_port() {
	while ss -ltnH "sport = :$PORT" | grep -q .; do PORT=$((PORT + 1)); done
	echo $PORT
}

wait_port() { # port pid
	local i
	for i in $(seq 100); do
		kill -0 "$2" 2>/dev/null || return 1
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# user and system ticks of a process
ticks() { awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$1/stat"; }

# cpu_line WORKLOAD IMPL METRIC RATE TICKS0 TICKS1: server CPU per operation
# over the SECS measured, and the share of it spent in the kernel.
cpu_line() {
	awk -v w="$1" -v i="$2" -v m="$3" -v r="$4" -v s="$SECS" -v c="$CONNS" \
		-v t="$(getconf CLK_TCK)" -v a="$5" -v b="$6" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		u = y[1] - x[1]; k = y[2] - x[2]
		printf "%s impl=%s %s=%.0f conns=%d sys_pct=%.0f\n", w, i, m,
			(u + k) / t * 1e9 / (r * s), c, u + k ? 100 * k / (u + k) : 0 }'
}

# load KIND IMPL CMD... : a server on a free port ({PORT} in CMD), 1 s
# warm-up, SECS measured; the rate line and server CPU per operation.
load() {
	local kind=$1 impl=$2 port pid c0 c1 line rate out
	shift 2
	[[ -z ${IMPLS:-} || $impl =~ $IMPLS ]] || return 0
	port=$(free_port)
	PORT=$((port + 1))
	"${TS[@]}" "${@//\{PORT\}/$port}" >/dev/null 2>"$OUT/results/server-$impl.err" &
	pid=$!
	if ! wait_port "$port" "$pid"; then
		echo "# ERROR: $impl did not come up on $port"
		kill "$pid" 2>/dev/null || :
		return 0
	fi
	if [[ $kind == echo ]]; then
		"${TS[@]}" "$bin/echo_client" -addr "127.0.0.1:$port" -c "$CONNS" \
			-d 1 -impl warmup >/dev/null || :
		c0=$(ticks "$pid")
		line=$("${TS[@]}" "$bin/echo_client" -addr "127.0.0.1:$port" \
			-c "$CONNS" -d "$SECS" -impl "$impl") ||
			echo "# ERROR: echo_client failed against $impl"
		c1=$(ticks "$pid")
		echo "$line"
		rate=$(sed -n 's/.*msgs_per_s=\([0-9.]*\).*/\1/p' <<<"$line")
		[[ -z "$rate" ]] || cpu_line echo_server_cpu "$impl" \
			server_cpu_ns_per_msg "$rate" "$c0" "$c1"
	else
		"${TS[@]}" wrk -t2 -c"$CONNS" -d1s "http://127.0.0.1:$port/" \
			>/dev/null 2>&1 || :
		c0=$(ticks "$pid")
		out=$("${TS[@]}" wrk -t2 -c"$CONNS" -d"${SECS}s" \
			"http://127.0.0.1:$port/" 2>&1) || :
		c1=$(ticks "$pid")
		rate=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
		if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
			echo "# WARNING wrk $impl: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ')"
		fi
		if [[ -n "$rate" ]]; then
			echo "http_hello impl=$impl req_per_s=$rate conns=$CONNS wrk_threads=2 secs=$SECS"
			cpu_line http_hello_cpu "$impl" server_cpu_ns_per_req \
				"$rate" "$c0" "$c1"
		else
			echo "# ERROR: wrk gave no Requests/sec for $impl"
		fi
	fi
	kill "$pid" 2>/dev/null || :
	wait "$pid" 2>/dev/null || :
}

# -------------------------------------------------------------- workloads
run_micro() {
	COAST_WORKERS=1 "${TS[@]}" "$bin/coast_micro" coast-1w
	COAST_WORKERS=2 "${TS[@]}" "$bin/coast_micro" coast-2w
	[[ $have_go = 0 ]] || "${TS[@]}" "$bin/go_micro"
	[[ $have_tokio = 0 ]] || "${TS[@]}" "$bin/tokio_micro" mt ct
	[[ $have_cpp = 0 ]] || "${TS[@]}" "$bin/cpp_micro"
	[[ $have_c = 0 ]] || "${TS[@]}" "$bin/pthread_spawn" "$PTHREAD_N"
}

run_servers() {
	local w
	if [[ $have_go = 1 ]]; then
		for w in 1 2; do
			COAST_WORKERS=$w load echo coast-${w}w "$bin/coast_server" {PORT} echo
			[[ $have_uring = 0 ]] || COAST_IO=uring COAST_WORKERS=$w \
				load echo coast-${w}w-uring "$bin/coast_server" {PORT} echo
		done
		load echo go "$bin/go_server" {PORT} echo
		[[ $have_tokio = 0 ]] || load echo tokio-mt "$bin/tokio_server" {PORT} mt echo
		[[ $have_cpp = 0 ]] || load echo cpp-coro "$bin/cpp_server" {PORT} echo
		load echo epoll-floor "$bin/epoll_floor" {PORT} echo
		if [[ $have_uring = 1 ]]; then
			load echo uring-floor "$bin/uring_floor" {PORT} echo
			load echo uring-oneshot "$bin/uring_floor" {PORT} echo oneshot
		fi
	else
		echo "# skip: echo_server (its client, echo_client, is Go)"
	fi
	[[ $have_wrk = 1 ]] || return 0
	for w in 1 2; do
		COAST_WORKERS=$w load http coast-${w}w "$bin/coast_server" {PORT} http-raw
		[[ $have_uring = 0 ]] || COAST_IO=uring COAST_WORKERS=$w \
			load http coast-${w}w-uring "$bin/coast_server" {PORT} http-raw
	done
	[[ $have_go = 0 ]] || load http go-raw "$bin/go_server" {PORT} http-raw
	[[ $have_tokio = 0 ]] || load http tokio-mt-raw "$bin/tokio_server" {PORT} mt http-raw
	[[ $have_cpp = 0 ]] || load http cpp-coro-raw "$bin/cpp_server" {PORT} http-raw
	load http epoll-floor "$bin/epoll_floor" {PORT} http-raw
	if [[ $have_uring = 1 ]]; then
		load http uring-floor "$bin/uring_floor" {PORT} http-raw
		load http uring-oneshot "$bin/uring_floor" {PORT} http-raw oneshot
	fi
}

# ------------------------------------------------------------- summaries
# "median <workload> impl=<x> <metric>=<median> (n= min= max=)" per key.
medians() {
	grep -v '^#' "$1" | awk '{
		key = $1 " " $2; split($3, kv, "=");
		printf "%s\t%s\t%s\n", key, kv[1], kv[2] }' |
		sort -t$'\t' -k1,1 -k3,3g | awk -F'\t' '
		function flush() { if (n) {
			m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			printf "median %s %s=%s (n=%d min=%s max=%s)\n", k, name, m, n, v[1], v[n] } }
		$1 != k { flush(); k = $1; n = 0 }
		{ name = $2; v[++n] = $3 }
		END { flush() }'
}

# "ratio <workload> coast-Nw/<peer>=<r> <metric>" for every peer measured,
# and uring-floor/<peer>, uring-oneshot/<peer> likewise.
ratios() {
	awk '{ split($3, i, "="); split($4, kv, "=");
		m[$2 " " i[2]] = kv[2]; metric[$2] = kv[1]; impls[$2] = impls[$2] " " i[2] }
	END {
		for (w in impls) {
			n = split(impls[w], list, " ")
			for (a = 1; a <= n; a++) {
				if (list[a] !~ /^(coast|uring)-/) continue
				for (b = 1; b <= n; b++) {
					if (list[b] ~ /^coast-/ || b == a ||
					    m[w " " list[b]] == 0) continue
					printf "ratio %s %s/%s=%.2f %s\n", w, list[a], list[b],
						m[w " " list[a]] / m[w " " list[b]], metric[w]
				}
			}
		}
	}' | sort
}

header() {
	echo "# date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  nproc: $(nproc)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')  kernel: $(uname -r)"
	echo "# coast: $(git -C "$root" rev-parse --short HEAD) $(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt") build, $($CC --version | head -1)"
	echo "# RUNS=$RUNS SECS=$SECS CONNS=$CONNS CPUS=$CPUS"
}

# ------------------------------------------------------------------- main
if [[ $MODE == build ]]; then
	build_coast
	build_peers
	exit 0
fi
raw=$OUT/results/raw-$(date -u +%Y%m%dT%H%M%SZ).txt
{
	header
	build_coast
	build_peers
	for run in $(seq "$RUNS"); do
		echo "# ---- run $run/$RUNS  load: $(cut -d' ' -f1-3 /proc/loadavg)"
		[[ $MODE == servers ]] || run_micro
		[[ $MODE == micro ]] || run_servers
	done
} | tee "$raw"
echo "# ---- medians over $RUNS run(s)  (raw: $raw)"
medians "$raw" | tee "${raw%.txt}.medians.txt"
echo "# ---- coast / peer, from the medians"
ratios <"${raw%.txt}.medians.txt"
