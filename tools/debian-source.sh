#!/usr/bin/env bash
# tools/debian-source.sh - unpacks a Debian source package (Debian's patches
# applied) into a cache directory and prints the unpacked tree's path.
# Shared by bench/compile-time/run.sh and test/realcode/run.sh.
#
# Usage: tools/debian-source.sh PACKAGE CACHE-DIR
#
# The tree is CACHE-DIR/PACKAGE/src; a second call reuses it. When apt has no
# deb-src entry yet (`apt-get source` fails), one is added for the mirror of
# the machine's own `deb` entry (/etc/apt/sources.list.d/debian.sources) and
# its suite, then `apt-get update` runs. Needs root for that, and
# dpkg-source (dpkg-dev) to unpack. Exits non-zero, saying why, when the
# package cannot be had: callers must not take that as a skip.
set -euo pipefail

[ $# = 2 ] || {
	echo "usage: debian-source.sh PACKAGE CACHE-DIR" >&2
	exit 2
}
pkg=$1
dir=$2/$1
src=$dir/src
list=/etc/apt/sources.list.d/coast-deb-src.sources

log() { printf '== debian-source: %s\n' "$*" >&2; }

if [ -f "$dir/.unpacked" ] && [ -d "$src" ]; then
	echo "$src"
	exit 0
fi
command -v dpkg-source >/dev/null || {
	log "no dpkg-source: install dpkg-dev"
	exit 1
}

download() { (cd "$dir/dl" && apt-get source --download-only "$pkg" >&2); }

rm -rf "$dir" && mkdir -p "$dir/dl"
if ! download; then
	if [ "$(id -u)" != 0 ] || [ -e "$list" ] ||
		[ ! -d /etc/apt/sources.list.d ]; then
		log "apt-get source $pkg failed (no deb-src entry and not root," \
			"or no network)"
		exit 1
	fi
	mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\/*\)$/\1/p' \
		/etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
	mirror=${mirror:-http://deb.debian.org/debian}
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
	log "adding deb-src $mirror $suite to $list"
	printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
		"$mirror" "$suite" /usr/share/keyrings/debian-archive-keyring.gpg >"$list"
	apt-get update >&2
	download
fi
log "unpacking $(cd "$dir/dl" && echo ./*.dsc)"
dpkg-source -x "$dir"/dl/*.dsc "$src" >&2
rm -rf "$dir/dl"
touch "$dir/.unpacked"
echo "$src"
