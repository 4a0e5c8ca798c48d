#!/usr/bin/env bash
# test/install/consumers.sh PREFIX - coast as its users consume it, against
# an installed prefix: examples/cmake-project through find_package, the
# wrong-compiler message, the runtime alone under gcc (CMake and
# pkg-config), and every snippet of docs/ci.md (CMake, Makefile, the GitHub
# Actions workflow's steps, clang-tidy, pre-commit and the git hook).
#
# Prints `PASS: name` or `FAIL: name` per check (with the failing output),
# exits 1 when any failed. The snippets are read from docs/ci.md
# (test/install/snippet.py) with /opt/coast replaced by PREFIX and clang-N
# by the clang coast.pc names.
set -uo pipefail

prefix=$(cd "$1" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
doc=$root/docs/ci.md
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
clang=$(pkg-config --variable=clang coast)
bin=$(dirname "$clang")
major=$(basename "$(dirname "$bin")" | sed 's/^llvm-//')
work=$(mktemp -d "${TMPDIR:-/tmp}/coast-consumers.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0

# run NAME: runs the function t_NAME in its own directory, output logged.
run() {
	local dir=$work/$1
	mkdir -p "$dir"
	# Not in a condition, where bash would ignore set -e.
	(cd "$dir" || exit 1; set -e; "t_$1") >"$dir.log" 2>&1
	if [ $? = 0 ]; then
		echo "PASS: $1"
	else
		echo "FAIL: $1"
		sed 's/^/    /' "$dir.log"
		failed=1
	fi
}

# snippet NAME: the snippet of docs/ci.md, with this prefix and clang.
snippet() {
	python3 "$root/test/install/snippet.py" "$doc" "$1" |
		sed "s|/opt/coast|$prefix|g; s|clang-$major\\b|$clang|g;
		     s|run-clang-tidy-$major|$bin/run-clang-tidy|g"
}

# project: examples/cmake-project's files here.
project() { cp "$root/examples/cmake-project/CMakeLists.txt" "$root/examples/cmake-project/main.c" .; }
# break_main: an error coast reports (coast-sync-call) in main.c.
break_main() { echo 'int sync_fetch(void) { return fetch(9, 1); }' >>main.c; }
# await_only_main: main.c awaiting only, no spawn: what the runtime without
# the plugin runs (async functions as plain functions), same output.
await_only_main() {
	cat >main.c <<'C'
#include <coast.h>
#include <stdio.h>

async int fetch(int id, int ms)
{
	await(coast_sleep_ms(ms));
	return id * 100;
}

async int fetch_all(void)
{
	int total = 0;

	for (int i = 1; i <= 3; i++)
		total += await(fetch(i, 10));
	return total;
}

int main(void)
{
	printf("fetched %d bytes\n", coast_block_on(fetch_all()));
	return 0;
}
C
}
expect_run() { # expect_run PROGRAM: runs it, wants the example's output
	"$1" >out.txt
	cat out.txt
	grep -qx 'fetched 600 bytes' out.txt
}

t_cmake_example() {
	project
	cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$clang"
	cmake --build build -v | tee build.log
	grep -q -- "-fplugin=$prefix/lib/coast/coast-plugin.so" build.log
	expect_run build/fetch-all
}

t_cmake_wrong_compiler() {
	project
	if cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER=gcc >out.txt 2>&1; then
		cat out.txt
		return 1
	fi
	cat out.txt
	# CMake indents and wraps the reason: compare it with spaces squeezed.
	tr -s ' \n' '  ' <out.txt >flat.txt
	grep -qF "coast's plugin was built for clang $major and loads into no other compiler, but this project's C compiler is GNU" flat.txt
	grep -qF -- "-DCMAKE_C_COMPILER=$clang" flat.txt
	grep -qF "find_package(coast COMPONENTS runtime)" flat.txt
}

t_cmake_version() {
	project
	sed -i 's/find_package(coast 0.1 REQUIRED)/find_package(coast 1.0 REQUIRED)/' CMakeLists.txt
	if cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$clang" >out.txt 2>&1; then
		cat out.txt
		return 1
	fi
	cat out.txt
	grep -q 'with requested version "1.0"' out.txt
	grep -q 'coast-config.cmake, version: 0.1.0' out.txt
}

t_cmake_runtime_gcc() {
	snippet cmake-runtime >CMakeLists.txt
	await_only_main
	cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER=gcc
	cmake --build build -v | tee build.log
	if grep -q -- -fplugin build.log; then return 1; fi
	expect_run build/app
}

t_pkgconfig_runtime_gcc() {
	await_only_main
	if pkg-config --cflags coast-runtime | grep -q -- -fplugin; then return 1; fi
	gcc -Wall -Wextra -Werror $(pkg-config --cflags coast-runtime) main.c \
		$(pkg-config --libs coast-runtime) -o app
	expect_run ./app
}

t_doc_cmake() {
	snippet cmake >CMakeLists.txt
	cp "$root/examples/cmake-project/main.c" .
	snippet cmake-configure >configure.sh
	cat configure.sh
	sh -e configure.sh
	expect_run build/app
}

t_doc_makefile() {
	snippet makefile >Makefile
	cp "$root/examples/cmake-project/main.c" .
	make V=1 | tee make.log
	grep -q -- -fplugin= make.log
	expect_run ./app
}

# The workflow: valid YAML of the expected shape; its steps, but the one
# installing coast, run here on the example (clean, then with an error).
t_doc_github_actions() {
	snippet github-actions >coast.yml
	python3 - coast.yml >steps.sh <<'PY'
import shlex, sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
job = wf["jobs"]["coast-check"]
assert job["permissions"]["security-events"] == "write"
steps = job["steps"]
up = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
assert len(up) == 1 and up[0]["if"] == "always()", up
sarif = up[0]["with"]["sarif_file"]
check = [s for s in steps if "coast-check" in s.get("run", "")]
assert len(check) == 1 and ("--sarif=" + sarif) in check[0]["run"], check
env = {k: v for k, v in job["env"].items() if k != "COAST_PREFIX"}
for k, v in env.items():
    print("export %s=%s" % (k, shlex.quote(str(v))))
for s in steps:
    if "run" in s and s["name"] != "Install coast":
        print("echo '=== step: %s'" % s["name"])
        print(s["run"])
PY
	cat steps.sh
	project
	COAST_PREFIX=$prefix sh -e steps.sh
	python3 -c 'import json,sys; assert json.load(open("coast.sarif"))["runs"][0]["results"] == []'
	break_main
	rm -rf build coast.sarif
	if COAST_PREFIX=$prefix sh -e steps.sh >bad.txt 2>&1; then
		cat bad.txt
		return 1
	fi
	cat bad.txt
	python3 -c 'import json,sys; r = json.load(open("coast.sarif"))["runs"][0]["results"]; assert [x["ruleId"] for x in r] == ["coast-sync-call"], r'
}

t_doc_clang_tidy() {
	if [ ! -x "$bin/run-clang-tidy" ]; then
		echo "no $bin/run-clang-tidy: skipped"
		return 0
	fi
	project
	cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$clang" \
		-DCMAKE_EXPORT_COMPILE_COMMANDS=ON
	snippet clang-tidy >tidy.sh
	cat tidy.sh
	sh -e tidy.sh
	break_main
	if sh -e tidy.sh >bad.txt 2>&1; then
		cat bad.txt
		return 1
	fi
	cat bad.txt
	grep -q 'error: async function .fetch. called from a synchronous function.*\[coast-sync-call\]' bad.txt
}

# A git repository of the example with a configured build/, coast-check on
# PATH; commit_clean_then_broken HOOK-SETUP: the clean commit goes in, the
# broken one is refused with coast's error.
git_repo() {
	project
	printf 'build/\n' >.gitignore
	cmake -S . -B build -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$clang" \
		-DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	git init -q .
	git config user.email t@example.com
	git config user.name t
	export PATH=$prefix/bin:$PATH
}
commit_clean_then_broken() {
	git add -A
	git commit -q -m clean
	break_main
	git add main.c
	if git commit -q -m broken >bad.txt 2>&1; then
		cat bad.txt
		return 1
	fi
	cat bad.txt
	grep -q '\[coast-sync-call\]' bad.txt
	[ "$(git rev-list --count HEAD)" = 1 ]
}

t_doc_git_hook() {
	git_repo
	snippet git-hook >.git/hooks/pre-commit
	chmod +x .git/hooks/pre-commit
	commit_clean_then_broken
}

t_doc_pre_commit() {
	if ! command -v pre-commit >/dev/null; then
		echo "pre-commit not installed: skipped"
		return 0
	fi
	git_repo
	snippet pre-commit-config >.pre-commit-config.yaml
	export PRE_COMMIT_HOME=$PWD/.pre-commit-home
	printf '.pre-commit-home/\n' >>.gitignore
	pre-commit install
	commit_clean_then_broken
}

for t in cmake_example cmake_wrong_compiler cmake_version cmake_runtime_gcc \
	pkgconfig_runtime_gcc doc_cmake doc_makefile doc_github_actions \
	doc_clang_tidy doc_git_hook doc_pre_commit; do
	run "$t"
done
exit $failed
