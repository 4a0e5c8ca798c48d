#!/usr/bin/env bash
# demo.sh - from a clone to a running coast program: installs the Debian
# packages that are missing (Clang 19; via sudo unless root), builds coast in
# build/19, installs it into ./install, then builds examples/countdown.c the
# way a user would, with pkg-config, and runs it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

tools/install-deps.sh

echo "=== build (build/19) and install (./install)"
cmake -S . -B build/19 -G Ninja -DCOAST_LLVM_VERSION=19 \
	-DCMAKE_INSTALL_PREFIX="$root/install"
cmake --build build/19
cmake --install build/19 --prefix "$root/install"

echo "=== examples/countdown.c, built with pkg-config"
export PKG_CONFIG_PATH=$root/install/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
cc=$(pkg-config --variable=clang coast)
set -x
"$cc" $(pkg-config --cflags coast) examples/countdown.c \
	$(pkg-config --libs coast) -o build/countdown
build/countdown
