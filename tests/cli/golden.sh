#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Golden tests: every case of tests/golden/cases.txt runs ior-analyze on the committed
# recordings and must reproduce expected/NAME.out (stdout), .err (stderr), .status and,
# for cases writing a file, .file. With --update, rewrites the expectations instead.
set -u
B=${IOR_BUILD:-build}
A=$(cd "$B" && pwd)/ior-analyze
cd "$(dirname "$0")/../golden" || exit 1
update=0
[ "${1:-}" = "--update" ] && update=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TZ=UTC LC_ALL=C
fails=0 n=0

check() { # NAME KIND FILE
	want="expected/$1.$2"
	if [ "$update" -eq 1 ]; then
		if [ -s "$3" ] || [ "$2" = out ]; then cp "$3" "$want"; else rm -f "$want"; fi
		return
	fi
	[ -e "$want" ] || want=/dev/null
	if ! cmp -s "$want" "$3"; then
		echo "FAIL: $1: $2 differs from expected/$1.$2:" >&2
		diff "$want" "$3" | head -20 >&2
		fails=$((fails + 1))
	fi
}

while IFS='	' read -r name args; do
	case "$name" in '#'* | '') continue ;; esac
	n=$((n + 1))
	rm -f "$T/file"
	# shellcheck disable=SC2086 # ARGUMENTS are words; globs inside are quoted in the file
	eval "set -- $(printf '%s' "$args" | sed "s|{out}|$T/file|g")"
	"$A" "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/status"
	check "$name" out "$T/out"
	check "$name" err "$T/err"
	check "$name" status "$T/status"
	[ -e "$T/file" ] && check "$name" file "$T/file"
done <cases.txt

[ "$update" -eq 1 ] && { echo "golden: $n cases updated"; exit 0; }
[ "$fails" -eq 0 ] && echo "golden: $n cases passed"
exit "$fails"
