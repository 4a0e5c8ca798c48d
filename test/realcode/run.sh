#!/usr/bin/env bash
# test/realcode/run.sh - real C projects built with the plugin loaded: no
# diagnostics, no crash, the same test results.
#
# Each project comes from its Debian source package (tools/debian-source.sh)
# and is built three times with the same clang and flags, through
# cc-wrapper.sh as CC: plain; with -fplugin=<build>/<llvm>/plugin/coast-plugin.so
# on every compiler invocation (configure's checks included); and with
# -fplugin-arg-coast-no-fast-path added, so that every file goes through the
# plugin's nested parse and lowering. Then:
#   - compare.py: every invocation of a plugin build has the exit status and
#     the stderr of the same invocation in the plain build (same warnings,
#     nothing added), and none crashed;
#   - the project's own test suite runs on each build: the same counts and
#     the same failing tests (each project's <name>.sh says which tests).
# Projects: sqlite3 (SQLite's TCL suite), expat (its unit tests), zlib (its
# tests and compressed-output hashes). Lua's Debian source has no test
# suite, hence expat.
#
# Prints `PASS: <project> ...` or `FAIL: <project> ...` per project with build
# times and test counts, and ends with `N passed, M failed`; exits 1 on any
# failure, including a source package that cannot be had (no deb-src entry
# and not root, no network): that is a failure, never a skip.
#
# Usage: test/realcode/run.sh [--quick] [--llvm 19|22] [--projects "..."]
#   --quick     bounded subset of the tests and targets (CI: a few minutes)
# Environment: COAST_BUILD_DIR (default <repo>/build; the plugin must be
# built in $COAST_BUILD_DIR/<llvm>), COAST_JOBS (default: number of cores).
# Sources, builds and logs go to $COAST_BUILD_DIR/realcode/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/test/realcode
build=${COAST_BUILD_DIR:-$root/build}
jobs=${COAST_JOBS:-$(nproc)}
quick=0
llvm=19
projects="sqlite3 expat zlib"
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--llvm) llvm=$2; shift 2 ;;
	--projects) projects=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

clang=/usr/lib/llvm-$llvm/bin/clang
plugin=$build/$llvm/plugin/coast-plugin.so
work=$build/realcode
CFLAGS="-O1 -g0"
[ "$quick" = 1 ] || CFLAGS="-O2 -g"
for f in "$clang" "$plugin"; do
	[ -e "$f" ] || { echo "run.sh: no $f (build coast for clang $llvm first)" >&2; exit 1; }
done
for p in $projects; do
	[ -f "$here/$p.sh" ] || { echo "run.sh: no project '$p'" >&2; exit 2; }
	# shellcheck source=/dev/null
	. "$here/$p.sh"
done

log() { printf '\n=== %s\n' "$*"; }

# install_deps PROJECT: the packages its build and tests need, when missing.
install_deps() {
	local -n want=${1}_deps
	local missing=() p
	for p in dpkg-dev make "${want[@]}"; do
		dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return
	log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# The builds: plain, the plugin as users load it, and the plugin sending
# every file through the nested parse and the lowering (files without a
# coast name normally skip them: its fast path).
variants="plain plugin no-fast-path"
declare -A flags=([plain]="" [plugin]="-fplugin=$plugin"
	[no-fast-path]="-fplugin=$plugin -fplugin-arg-coast-no-fast-path")

# build_variant PROJECT SRC VARIANT: one build in $work/PROJECT/VARIANT;
# prints its wall and CPU time (user + system, compilers included: the
# figure that other load on the machine does not change much).
build_variant() {
	local p=$1 src=$2 v=$3 dir=$work/$1/$3 TIMEFORMAT='%R %U %S' r u s
	rm -rf "$dir" && mkdir -p "$dir/bld" "$dir/cc-log"
	export COAST_RC_CC=$clang COAST_RC_LOG=$dir/cc-log COAST_RC_BUILD=$dir/bld
	export COAST_RC_FLAGS=${flags[$v]}
	local -n sed_script=${p}_names
	export COAST_RC_SED=${sed_script:-}
	# time's report goes to the group's stderr only when it times a group.
	if ! { time { (cd "$dir/bld" && CC=$here/cc-wrapper.sh "${p}_build" "$src") \
		>"$dir/build.log" 2>&1; }; } 2>"$dir/build.time"; then
		echo "run.sh: $p $v build failed; the end of $dir/build.log:" >&2
		tail -30 "$dir/build.log" >&2
		return 1
	fi
	read -r r u s <"$dir/build.time"
	awk -v r="$r" -v u="$u" -v s="$s" 'BEGIN { printf "%.0fs (cpu %.0fs)", r, u + s }'
}

# project NAME: fetch, build each variant, compare the compiler output with
# the plain build's, run the tests on each, compare the results.
project() {
	local p=$1 src dir=$work/$1 v t n e compare
	log "$p: source"
	install_deps "$p" || { why+=("its dependencies could not be installed"); return 1; }
	src=$("$root/tools/debian-source.sh" "$p" "$work/debian") ||
		{ why+=("no source package"); return 1; }
	mkdir -p "$dir"
	if declare -F "${p}_prepare" >/dev/null; then
		"${p}_prepare" "$src" >"$dir/prepare.log" 2>&1 ||
			{ why+=("preparing the source failed: $dir/prepare.log"); return 1; }
	fi
	for v in $variants; do
		log "$p: $v build (CFLAGS=$CFLAGS${flags[$v]:+ ${flags[$v]}})"
		t=$(build_variant "$p" "$src" "$v") || { why+=("$v build failed"); return 1; }
		stats+="$v build $t"
		if [ "$v" != plain ]; then
			compare=$(python3 "$here/compare.py" "$dir/plain/cc-log" "$dir/$v/cc-log") ||
				why+=("$v: compiler output differs")
			echo "$compare"
			stats+=" ($(tail -1 <<<"$compare" | sed 's/^compiles: //'))"
		fi
		stats+=", "
	done
	for v in $variants; do
		log "$p: tests, $v build"
		t=$(date +%s)
		(cd "$dir/$v/bld" && "${p}_test" "$src") >"$dir/$v/tests.txt" 2>&1 ||
			why+=("$v: tests did not run")
		grep -v '^PASS: ' "$dir/$v/tests.txt" | sed 's/^/  /' || :
		stats+="$v tests $(($(date +%s) - t))s, "
		[ "$v" = plain ] ||
			diff -u "$dir/plain/tests.txt" "$dir/$v/tests.txt" ||
			why+=("$v: test results differ")
	done
	read -r n e < <("${p}_count" "$dir/plain/tests.txt")
	[ "$n" != 0 ] || why+=("no test ran")
	stats+="$n tests, $e failing in every build"
	[ ${#why[@]} = 0 ]
}

passed=0
failed=0
summary=()
start=$(date +%s)
for p in $projects; do
	stats=""
	why=()
	if project "$p"; then
		summary+=("PASS: $p: $stats")
		passed=$((passed + 1))
	else
		summary+=("FAIL: $p: $(IFS=';'; echo "${why[*]}"): $stats")
		failed=$((failed + 1))
	fi
done

log "summary ($(($(date +%s) - start)) s, clang $llvm, CFLAGS=$CFLAGS)"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
