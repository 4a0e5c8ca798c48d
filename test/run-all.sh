#!/usr/bin/env bash
# test/run-all.sh - every test coast has, the way CI runs them.
#
# Stages, each configured, built and tested in its own build directory:
#   19       plugin + runtime against Clang 19, the whole lit suite  (build/19)
#   22       the same against Clang 22                               (build/22)
#   nested   build/19's lit suite again, every plugin compile lowering in a
#            nested parse, the single parse's fallback
#            (--param coast_nested_parse=1: -fplugin-arg-coast-nested-parse)
#   tsan     runtime only under ThreadSanitizer, built with clang-19 (build/tsan)
#   asan     everything under AddressSanitizer, clang-19: the runtime and
#            every program the lowering tests compile   (build/asan)
#   install  `cmake --install` of build/19 into a temporary prefix: the
#            layout of SPEC section 5, then examples/countdown.c built with
#            pkg-config's flags and run (one test), then coast as users
#            consume it, from that prefix: test/install/consumers.sh
#            (examples/cmake-project, the wrong-compiler message, the
#            runtime under gcc, every snippet of docs/ci.md; one test each)
#   realcode test/realcode/run.sh --quick with build/19's plugin: real C
#            projects (SQLite, Expat, zlib) from Debian source packages
#            built with and without the plugin: no diagnostics, no crash,
#            the same test results (one test per project; needs the
#            network, and root to install their build dependencies)
#
# Ends with exactly one line `N passed, M failed` (lit's passed/failed counts
# summed over the builds, plus the install check) and exits non-zero when M
# is not 0 or a stage could not be built.
#
# Usage: test/run-all.sh [--clean] [stage...]      (default: all stages)
# Environment: COAST_BUILD_DIR (default <repo>/build), COAST_JOBS (default:
# number of cores; lit uses all cores by default too).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${COAST_BUILD_DIR:-$root/build}
jobs=${COAST_JOBS:-$(nproc)}

clean=0
stages=()
for arg in "$@"; do
	case $arg in
	--clean) clean=1 ;;
	19 | 22 | nested | tsan | asan | install | realcode) stages+=("$arg") ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "run-all.sh: unknown argument '$arg'" >&2
		exit 2
		;;
	esac
done
[ ${#stages[@]} -gt 0 ] || stages=(19 22 nested tsan asan install realcode)

passed=0
failed=0
report=()

note() { printf '\n=== %s\n' "$*"; }

# lit_counts JSON: prints "PASSED FAILED UNSUPPORTED" from lit's -o output.
lit_counts() {
	python3 - "$1" <<'EOF'
import json, sys
codes = [t["code"] for t in json.load(open(sys.argv[1]))["tests"]]
ok = sum(c in ("PASS", "FLAKYPASS", "XFAIL") for c in codes)
bad = sum(c in ("FAIL", "XPASS", "UNRESOLVED", "TIMEOUT") for c in codes)
print(ok, bad, len(codes) - ok - bad)
EOF
}

# lit_stage NAME CMAKE-ARGS...: configure, build, run lit; in
# $build/${stage_dir:-NAME}, lit given $lit_param when set.
lit_stage() {
	local name=$1 dir=$build/${stage_dir:-$1}
	shift
	note "$name: configure ($*)"
	[ $clean = 0 ] || rm -rf "$dir"
	if ! cmake -S "$root" -B "$dir" -G Ninja "$@"; then
		failed=$((failed + 1))
		report+=("$name: configure failed")
		return
	fi
	note "$name: build"
	if ! cmake --build "$dir" -j "$jobs"; then
		failed=$((failed + 1))
		report+=("$name: build failed")
		return
	fi
	note "$name: lit"
	local lit json=$dir/lit-results${stage_dir:+-$name}.json rc=0
	lit=$(sed -n 's/^COAST_LIT:[A-Z]*=//p' "$dir/CMakeCache.txt")
	rm -f "$json"
	python3 "$lit" -sv ${lit_param:+--param "$lit_param"} -o "$json" \
		"$dir/test" || rc=$?
	if [ ! -s "$json" ]; then
		failed=$((failed + 1))
		report+=("$name: lit did not run (exit $rc)")
		return
	fi
	local p f u
	read -r p f u < <(lit_counts "$json")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1 # lit failed without a failing test (e.g. a config error)
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	report+=("$name: $p ok, $f bad, $u unsupported")
}

# install_check: the installed layout and the demo through pkg-config.
install_check() {
	local from=$build/19 prefix work ok=1 rel
	note "install: cmake --install $from"
	prefix=$(mktemp -d "${TMPDIR:-/tmp}/coast-install.XXXXXX")
	work=$prefix/work
	if [ ! -f "$from/CMakeCache.txt" ] ||
		! cmake --install "$from" --prefix "$prefix/usr"; then
		ok=0
	else
		for rel in include/coast.h lib/libcoast.a lib/libcoast.so \
			lib/coast/coast-plugin.so lib/coast/coast-tidy.so \
			lib/pkgconfig/coast.pc lib/pkgconfig/coast-runtime.pc \
			lib/cmake/coast/coast-config.cmake \
			lib/cmake/coast/coast-config-version.cmake bin/coast-check; do
			if [ ! -e "$prefix/usr/$rel" ]; then
				echo "install: missing $rel" >&2
				ok=0
			fi
		done
	fi
	if [ $ok = 1 ]; then
		note "install: examples/countdown.c with pkg-config"
		mkdir -p "$work"
		# Built outside the source tree, so only the installed files serve.
		if (
			set -e
			export PKG_CONFIG_PATH=$prefix/usr/lib/pkgconfig
			cd "$work"
			cc=$(pkg-config --variable=clang coast)
			set -x
			"$cc" $(pkg-config --cflags coast) -Wall -Wextra -Werror \
				"$root/examples/countdown.c" $(pkg-config --libs coast) \
				-o countdown
			./countdown >out.txt
			{ set +x; } 2>/dev/null
			cat out.txt
			grep -q '^all done' out.txt
		); then :; else
			echo "install: the demo failed" >&2
			ok=0
		fi
	fi
	local cp=0 cf=0
	if [ $ok = 1 ]; then
		note "install: consumers (test/install/consumers.sh)"
		"$root/test/install/consumers.sh" "$prefix/usr" | tee "$prefix/consumers.log"
		cp=$(grep -c '^PASS: ' "$prefix/consumers.log" || :)
		cf=$(grep -c '^FAIL: ' "$prefix/consumers.log" || :)
		[ "$cp" != 0 ] || cf=$((cf + 1)) # it did not run
	fi
	rm -rf "$prefix"
	passed=$((passed + cp))
	failed=$((failed + cf))
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
		report+=("install: ok; consumers: $cp ok, $cf bad")
	else
		failed=$((failed + 1))
		report+=("install: FAILED")
	fi
}

# realcode_check: test/realcode/run.sh --quick against build/19's plugin.
realcode_check() {
	local log=$build/realcode.log rp rf rc=0
	note "realcode: test/realcode/run.sh --quick"
	if [ ! -f "$build/19/CMakeCache.txt" ] ||
		! cmake --build "$build/19" -j "$jobs" --target coast-plugin; then
		failed=$((failed + 1))
		report+=("realcode: no build/19 plugin (run stage 19 first)")
		return
	fi
	COAST_BUILD_DIR=$build COAST_JOBS=$jobs "$root/test/realcode/run.sh" --quick |
		tee "$log" || rc=$?
	rp=$(grep -c '^PASS: ' "$log" || :)
	rf=$(grep -c '^FAIL: ' "$log" || :)
	[ "$rc" = 0 ] || [ "$rf" != 0 ] || rf=1 # it failed before any project
	passed=$((passed + rp))
	failed=$((failed + rf))
	report+=("realcode: $rp ok, $rf bad")
}

start=$(date +%s)
for s in "${stages[@]}"; do
	case $s in
	19 | 22) lit_stage "$s" -DCOAST_LLVM_VERSION="$s" ;;
	nested) stage_dir=19 lit_param=coast_nested_parse=1 lit_stage nested -DCOAST_LLVM_VERSION=19 ;;
	tsan) lit_stage tsan -DCOAST_LLVM_VERSION=19 -DCOAST_BUILD_PLUGIN=OFF -DCOAST_SANITIZE=thread ;;
	asan) lit_stage asan -DCOAST_LLVM_VERSION=19 -DCOAST_SANITIZE=address ;;
	install) install_check ;;
	realcode) realcode_check ;;
	esac
done

note "summary ($(($(date +%s) - start)) s)"
printf '  %s\n' "${report[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
