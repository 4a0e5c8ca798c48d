#!/bin/sh
# equiv.sh SRC TMP COAST_CC PLAIN_CC LIBS: builds SRC with the plugin and
# without it, runs both, fails unless they print the same, and prints the
# output for FileCheck. The oracle of SPEC section 1: a program that only
# awaits behaves the same lowered and as plain C.
set -e
src=$1 tmp=$2 coast=$3 plain=$4 libs=$5
$coast "$src" $libs -o "$tmp.coast"
$plain "$src" $libs -o "$tmp.plain"
"$tmp.coast" > "$tmp.coast.out"
"$tmp.plain" > "$tmp.plain.out"
diff -u "$tmp.plain.out" "$tmp.coast.out" >&2
cat "$tmp.coast.out"
