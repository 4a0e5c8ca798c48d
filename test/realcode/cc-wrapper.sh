#!/usr/bin/env bash
# test/realcode/cc-wrapper.sh - the CC of every build of a real project: runs
# $COAST_RC_CC with $COAST_RC_FLAGS first (-fplugin=... in the plugin builds:
# every compiler invocation loads it, configure's included), passes stderr
# through, and records each invocation in $COAST_RC_LOG as one file: the
# command, its exit status, its stderr.
#
# Records are named by a hash of the working directory, the arguments and the
# contents of the C files named in them, with $COAST_RC_BUILD (the build
# directory, different for each build) replaced by <build> and files in
# temporary directories (configure's, named at random) by <tmp>/NAME, then
# $COAST_RC_SED (a sed -E script: a project's own temporary names) applied:
# the same compile in the plain and a plugin build gets the same name,
# whatever order a parallel make ran them in. compare.py matches them up.
set -uo pipefail

: "${COAST_RC_CC:?}" "${COAST_RC_LOG:?}" "${COAST_RC_BUILD:?}"

read -ra flags <<<"${COAST_RC_FLAGS:-}"

err=$(mktemp "$COAST_RC_LOG/.err.XXXXXX")
"$COAST_RC_CC" "${flags[@]}" "$@" 2>"$err"
rc=$?
cat "$err" >&2

cmd="cd ${PWD/#"$COAST_RC_BUILD"/<build>} && cc"
tmp=${TMPDIR:-/tmp}
inputs=()
for a in "$@"; do
	case $a in
	"$tmp"/*) cmd+=" <tmp>/${a##*/}" ;;
	*) cmd+=" ${a//"$COAST_RC_BUILD"/<build>}" ;;
	esac
	case $a in
	*.c) [ ! -f "$a" ] || inputs+=("$a") ;;
	esac
done
[ -z "${COAST_RC_SED:-}" ] || cmd=$(sed -E "$COAST_RC_SED" <<<"$cmd")
key=$({
	echo "$cmd"
	[ ${#inputs[@]} = 0 ] || cat "${inputs[@]}"
} | sha1sum | cut -c1-16)
text=$(<"$err")
rm -f "$err"
rec=$(mktemp "$COAST_RC_LOG/$key.XXXXXX")
text=${text//"$COAST_RC_BUILD"/<build>}
[ -z "${COAST_RC_SED:-}" ] || text=$(sed -E "$COAST_RC_SED" <<<"$text")
printf '%s\nexit %s\n%s\n' "$cmd" "$rc" "$text" >"$rec"
exit $rc
