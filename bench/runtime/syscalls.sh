#!/usr/bin/env bash
# bench/runtime/syscalls.sh - system calls, context switches and CPU per
# message of the servers, counted rather than timed: `perf stat` attached to
# the server during one load, divided by the messages the client reports.
# Uses the binaries run.sh built (run `run.sh build` first).
#
# usage: bench/runtime/syscalls.sh [IMPL...]
#        IMPL: epoll-floor uring-floor uring-oneshot tokio-mt coast-1w
#        coast-2w coast-1w-uring coast-2w-uring (COAST_IO=uring) (default:
#        the three floors)
# env:   COAST_BUILD_DIR, OUT, SECS=3, CONNS=64, CPUS=0,1 as run.sh
# Output per server and workload: `syscalls <workload> impl=<name>
# per_msg=<all system calls> <name>=<per message>... ctxsw=<per message>
# task_ns=<server CPU per message, perf's task-clock> server_ns=<the same
# from /proc/PID/stat's ticks> client_ns=<the client's, from time(1)>`.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${COAST_BUILD_DIR:-$root/build}/19
OUT=${OUT:-$BUILD/bench-runtime}
SECS=${SECS:-3}
CONNS=${CONNS:-64}
CPUS=${CPUS:-0,1}
bin=$OUT/bin
TS=(taskset -c "$CPUS")
[[ $# -gt 0 ]] || set -- epoll-floor uring-floor uring-oneshot
calls=(read write recvfrom sendto epoll_wait epoll_ctl io_uring_enter futex)
events=raw_syscalls:sys_enter,context-switches,task-clock
for c in "${calls[@]}"; do events+=",syscalls:sys_enter_$c"; done

ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

# count KIND IMPL CMD...: perf and the server's ticks span the whole
# measured client run (its connections' set-up is a few system calls per
# connection); the client's CPU from time(1).
count() {
	local kind=$1 impl=$2 port=18700 pid perf c0 c1 msgs
	local res=$OUT/results/sc
	shift 2
	while ss -ltnH "sport = :$port" | grep -q .; do port=$((port + 1)); done
	"${TS[@]}" "${@//\{PORT\}/$port}" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.05
	done
	if [[ $kind == echo ]]; then
		"${TS[@]}" "$bin/echo_client" -addr "127.0.0.1:$port" -c "$CONNS" \
			-d 1 -impl warmup >/dev/null
	else
		"${TS[@]}" wrk -t2 -c"$CONNS" -d1s "http://127.0.0.1:$port/" >/dev/null
	fi
	perf stat -x, -e "$events" -p "$pid" -o "$res.perf" &
	perf=$!
	sleep 0.3 # perf attached
	c0=$(ticks "$pid")
	if [[ $kind == echo ]]; then
		/usr/bin/time -f '%U %S' -o "$res.time" "${TS[@]}" "$bin/echo_client" \
			-addr "127.0.0.1:$port" -c "$CONNS" -d "$SECS" -impl "$impl" >"$res.out"
		msgs=$(sed -n 's/.*msgs_per_s=\([0-9.]*\).*/\1/p' "$res.out")
		msgs=$(awk -v r="$msgs" -v s="$SECS" 'BEGIN { print r * s }')
	else
		/usr/bin/time -f '%U %S' -o "$res.time" "${TS[@]}" wrk -t2 \
			-c"$CONNS" -d"${SECS}s" "http://127.0.0.1:$port/" >"$res.out" 2>&1
		msgs=$(awk '/ requests in / { print $1 }' "$res.out")
	fi
	c1=$(ticks "$pid")
	kill -INT "$perf"
	wait "$perf" || :
	kill "$pid"
	wait "$pid" 2>/dev/null || :
	awk -F, -v w="$kind" -v i="$impl" -v m="$msgs" -v t="$(getconf CLK_TCK)" \
		-v d=$((c1 - c0)) -v k="$(cat "$res.time")" '
		{ n = $3; sub(/^syscalls:sys_enter_/, "", n); v[n] = $1 }
		END {
			printf "syscalls %s impl=%s per_msg=%.3f", w, i,
				v["raw_syscalls:sys_enter"] / m
			for (n in v)
				if (n !~ /:|-/ && v[n] > 0)
					printf " %s=%.3f", n, v[n] / m
			split(k, c, " ")
			printf " ctxsw=%.3f task_ns=%.0f server_ns=%.0f client_ns=%.0f\n",
				v["context-switches"] / m, v["task-clock"] * 1e6 / m,
				d / t * 1e9 / m, (c[1] + c[2]) * 1e9 / m }' "$res.perf"
}

for impl in "$@"; do
	extra=()
	case $impl in
	epoll-floor) cmd=("$bin/epoll_floor" {PORT}) ;;
	uring-floor) cmd=("$bin/uring_floor" {PORT}) ;;
	uring-oneshot)
		cmd=("$bin/uring_floor" {PORT})
		extra=(oneshot)
		;;
	tokio-mt) cmd=("$bin/tokio_server" {PORT} mt) ;;
	coast-1w | coast-2w)
		w=${impl#coast-}
		cmd=(env "COAST_WORKERS=${w%w}" "$bin/coast_server" {PORT})
		;;
	coast-1w-uring | coast-2w-uring)
		w=${impl#coast-}
		w=${w%w-uring}
		cmd=(env COAST_IO=uring "COAST_WORKERS=$w" "$bin/coast_server" {PORT})
		;;
	*)
		echo "unknown impl $impl" >&2
		exit 2
		;;
	esac
	count echo "$impl" "${cmd[@]}" echo "${extra[@]}"
	count http "$impl" "${cmd[@]}" http-raw "${extra[@]}"
done
