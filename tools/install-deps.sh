#!/usr/bin/env bash
# tools/install-deps.sh - installs, from Debian 12's own archive, the
# packages coast's build needs that are not installed yet (nothing when all
# are). clang-19 comes from bookworm, clang-22 from bookworm-security.
#
# Usage: tools/install-deps.sh [--update] [--all]
#   (default)  what building, installing and the demo need: Clang 19
#   --all      also Clang 22, gdb, gcc, pre-commit, csmith: everything
#              test/run-all.sh uses
#   --update   run `apt-get update` even when nothing is missing
# Runs apt-get through sudo unless already root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

update=0
all=0
for arg in "$@"; do
	case $arg in
	--update) update=1 ;;
	--all) all=1 ;;
	*) echo "install-deps.sh: unknown argument '$arg'" >&2; exit 2 ;;
	esac
done

packages=(cmake ninja-build python3 pkg-config
	clang-19 libclang-19-dev llvm-19-dev llvm-19-tools libclang-rt-19-dev
	clang-tidy-19)
if [ $all = 1 ]; then
	# gcc, make, git, python3-yaml and pre-commit: the consumers of
	# test/install/consumers.sh (runtime without the plugin, docs/ci.md).
	# csmith and libcsmith-dev (its runtime headers): test/difftest.
	packages+=(gdb gcc make git python3-yaml pre-commit csmith libcsmith-dev
		clang-22 libclang-22-dev llvm-22-dev llvm-22-tools libclang-rt-22-dev
		clang-tidy-22)
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null |
		grep -qx installed; then
		missing+=("$p")
	fi
done

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
if [ $update = 1 ] || [ ${#missing[@]} -gt 0 ]; then
	echo "=== apt-get update" >&2
	$sudo apt-get update
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "=== apt-get install ${missing[*]}" >&2
	$sudo apt-get install -y "${missing[@]}"
else
	echo "=== all ${#packages[@]} packages present" >&2
fi
