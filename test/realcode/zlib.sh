# test/realcode/zlib.sh - zlib as a real project for run.sh (sourced).
# shellcheck shell=bash disable=SC2034,SC2154
# (sourced by run.sh, which sets clang, jobs and quick and reads <name>_deps)
#
# Build: Debian's source, its own configure out of tree; static, shared and
# 64-bit-offset libraries with the example and minigzip programs.
# Tests: `make test test64` (upstream's: example and a minigzip round trip,
# each library), then minigzip at levels 1, 6 and 9 over zlib's own sources:
# the compressed stream's hash (gzip headers carry no time here, so the
# bytes are a function of the compiled code) and the round trip. Quick and
# full mode run the same: it takes seconds.

zlib_deps=()
# configure's test files are named after its process id.
zlib_names='s/ztest[0-9]+/ztestPID/g'

zlib_build() {
	local src=$1
	CFLAGS="$CFLAGS" "$src/configure" || return
	make -j"$jobs" all all64
}

# zlib_test SRC: upstream's verdict lines, then one line per level.
zlib_test() {
	local src=$1 level sum back
	make test test64 2>&1 | grep -o 'zlib.* test \(OK\|FAILED\)'
	cat "$src"/*.c "$src"/*.h "$src"/doc/*.txt >input
	for level in 1 6 9; do
		./minigzip -"$level" <input >input.gz
		sum=$(sha1sum <input.gz | cut -c1-16)
		back=differs
		./minigzip -d <input.gz | cmp -s - input && back=same
		echo "level $level: compressed sha1 $sum, round trip $back"
	done
}

# zlib_count RESULTS: prints "TESTS FAILED".
zlib_count() {
	awk '/test OK|round trip same/ { n++ } /FAILED|round trip differs/ { n++; f++ }
		END { print n + 0, f + 0 }' "$1"
}
