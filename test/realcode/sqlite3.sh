# test/realcode/sqlite3.sh - SQLite as a real project for run.sh (sourced).
#
# Build: Debian's source, configured out of tree with Tcl; `make testfixture`
# (the amalgamation sqlite3.c, made by tclsh, with TCL test harness sources),
# plus the library and shell (`make all`) in full mode.
# Tests: SQLite's TCL suite run by testfixture. Quick mode: the files in
# quick_tests, one testfixture each (about a minute); full mode: the
# "extraquick" permutation (test/extraquick.test: veryquick without its
# slowest files), one process.

sqlite3_deps=(tcl tcl-dev)

# A bounded cross-section of the engine: parsing, expressions, functions,
# joins, the planner, triggers, transactions, indexes, schema changes.
quick_tests="select1 select4 expr func join where insert update delete
	trigger1 trans index alter"

sqlite3_build() {
	local src=$1
	"$src/configure" --with-tcl=/usr/lib/tcl8.6 --disable-readline \
		--disable-shared CC="$CC" CFLAGS="$CFLAGS" || return
	make -j"$jobs" testfixture || return
	[ "$quick" = 1 ] || make -j"$jobs" all
}

# sqlite3_test SRC: one line per test file, `FILE: E errors out of N tests`
# and the names of the failing tests.
sqlite3_test() {
	local src=$1 f files out r
	if [ "$quick" = 1 ]; then
		files=$quick_tests
	else
		files=extraquick
	fi
	for f in $files; do
		out=$(./testfixture "$src/test/$f.test" 2>&1)
		r=$(grep -o '[0-9]* errors out of [0-9]* tests' <<<"$out" | tail -1)
		echo "$f: ${r:-no result line}"
		sed -n 's/^Failures on these tests: */  failed: /p' <<<"$out"
	done
}

# sqlite3_count RESULTS: prints "TESTS ERRORS".
sqlite3_count() {
	awk '/errors out of/ { e += $2; n += $6 } END { print n + 0, e + 0 }' "$1"
}
