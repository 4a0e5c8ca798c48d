# test/realcode/expat.sh - Expat (the XML parser) as a real project for
# run.sh (sourced).
# shellcheck shell=bash disable=SC2034,SC2154
# (sourced by run.sh, which sets clang, jobs and quick and reads <name>_deps)
#
# Build: Debian's source, autotools as Debian builds it (the tree is
# upstream's git tree: buildconf.sh makes configure, once; CMake's
# expat_config.h does not fit Debian's patches), configured out of tree:
# the library, xmlwf, examples and the two test runners (`make check
# TESTS=` builds them without running), every C file through $CC;
# runtestspp.cpp goes through clang++ without the plugin (it is C++).
# Tests: upstream's unit tests, tests/runtests and tests/runtestspp, verbose
# (a PASS/FAIL line per test). Quick and full mode run the same: it takes
# seconds.

expat_deps=(autoconf automake libtool)

expat_prepare() {
	[ -x "$1/expat/configure" ] || (cd "$1/expat" && ./buildconf.sh)
}

expat_build() {
	local src=$1
	"$src/expat/configure" --without-docbook CC="$CC" CFLAGS="$CFLAGS" \
		CXX="$clang++" CXXFLAGS="$CFLAGS" || return
	make -j"$jobs" && make -j"$jobs" check TESTS=
}

# expat_test SRC: each runner's PASS/FAIL lines and its closing count.
expat_test() {
	local t
	for t in runtests runtestspp; do
		echo "== $t"
		{ "tests/$t" -v 2>&1 || echo "exit status $?"; } |
			grep -E '^(PASS|FAIL): |^[0-9]+%: Checks: |^exit status'
	done
}

# expat_count RESULTS: prints "TESTS FAILED".
expat_count() {
	awk '/Checks:/ { n += $3; f += $5 } END { print n + 0, f + 0 }' "$1"
}
