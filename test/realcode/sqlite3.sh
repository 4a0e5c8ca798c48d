# test/realcode/sqlite3.sh - SQLite as a real project for run.sh (sourced).
# shellcheck shell=bash disable=SC2034,SC2154
# (sourced by run.sh, which sets clang, jobs and quick and reads <name>_deps)
#
# Build: Debian's source, configured out of tree with Tcl; `make testfixture`
# (the amalgamation sqlite3.c, made by tclsh, with TCL test harness sources),
# plus the library and shell (`make all`) in full mode.
# Tests: SQLite's TCL suite run by testfixture in test-run/ of the build
# directory; as root, without the capabilities that bypass file permissions
# (its permission tests fail for root, and attach.test stops the run). Quick mode: the files in quick_tests,
# one testfixture each (seconds); full mode: the "extraquick" permutation
# (test/extraquick.test: veryquick without its slowest files), one process.

sqlite3_deps=(tcl tcl-dev)

# A bounded cross-section of the engine: queries, expressions, functions,
# joins, the planner, DML, triggers, views, foreign keys, window functions,
# CTEs, JSON, transactions, indexes, schema changes, attached databases.
quick_tests="select1 select2 select3 select4 select5 select6 select7 select9
	expr func func2 join join2 where where2 where7 insert update delete
	delete2 trigger1 trigger2 view subquery in cast date printf like collate1
	fkey1 fkey2 window1 with1 autoinc json101 e_select trans savepoint index
	analyze vacuum alter attach"

sqlite3_build() {
	local src=$1
	"$src/configure" --with-tcl=/usr/lib/tcl8.6 --disable-readline \
		--disable-shared CC="$CC" CFLAGS="$CFLAGS" || return
	make -j"$jobs" testfixture || return
	[ "$quick" = 1 ] || make -j"$jobs" all
}

# sqlite3_test SRC: one line per test file, `FILE: E errors out of N tests`
# and the names of the failing tests (test-run/FILE.log: the whole output).
sqlite3_test() {
	local src=$1 f files out r as=()
	if [ "$quick" = 1 ]; then
		files=$quick_tests
	else
		files=extraquick
	fi
	rm -rf test-run && mkdir test-run
	if [ "$(id -u)" = 0 ]; then
		as=(setpriv --bounding-set=-dac_override,-dac_read_search
			--inh-caps=-dac_override,-dac_read_search)
	fi
	for f in $files; do
		out=$(cd test-run && "${as[@]}" ../testfixture "$src/test/$f.test" 2>&1 |
			tee "$f.log")
		r=$(grep -o '[0-9]* errors out of [0-9]* tests' <<<"$out" | tail -1)
		echo "$f: ${r:-no result line}"
		sed -n 's/^!\{0,1\}Failures on these tests: */  failed: /p' <<<"$out"
	done
}

# sqlite3_count RESULTS: prints "TESTS ERRORS".
sqlite3_count() {
	awk '/errors out of/ { e += $2; n += $6 } END { print n + 0, e + 0 }' "$1"
}
