#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# ior-analyze's contract for bad input: a clear one-line error on stderr, exit 2 for
# usage errors, 1 for runtime failures, 0 with a warning for a damaged but readable file.
set -u
B=${IOR_BUILD:-build}
A="$B/ior-analyze"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
GOOD=tests/fuzz/corpus/reader/chunks.ior
fails=0

# expect STATUS STDERR_PATTERN COMMAND...: the exit status, and a line matching the pattern
expect() {
	want=$1 pat=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -ne "$want" ] || ! grep -q -- "$pat" "$T/err"; then
		echo "FAIL: $* -> exit $got (want $want), stderr:" >&2
		sed 's/^/    /' "$T/err" >&2
		fails=$((fails + 1))
	fi
}

expect 2 "Usage: ior-analyze" "$A"
expect 2 "unknown command 'frobnicate'" "$A" frobnicate x.ior
expect 2 "unrecognized option" "$A" top --no-such-flag "$GOOD"
expect 2 "unknown field 'paht'" "$A" top --by paht "$GOOD"
expect 2 "unknown weight 'size'" "$A" collapse --weight size "$GOOD"
expect 2 "unknown metric 'p42'" "$A" top --sort p42 "$GOOD"
expect 2 "invalid -n" "$A" top -n 10abc "$GOOD"
expect 2 "takes one recording" "$A" dump
expect 2 "takes two recordings" "$A" diff "$GOOD"
expect 2 "frobnicate" "$A" dump --syscall frobnicate "$GOOD"
expect 2 "min-duration" "$A" dump --min-duration 5parsecs "$GOOD"
expect 1 "cannot open 'missing.ior': No such file or directory" "$A" info missing.ior
printf 'hello\n' >"$T/text.ior"
expect 1 "not an ior recording" "$A" info "$T/text.ior"
: >"$T/empty.ior"
expect 1 "not an ior recording" "$A" top "$T/empty.ior"
# a major version this ior does not read: byte 12 of the magic frame
{ head -c 12 "$GOOD"; printf '\003'; tail -c +14 "$GOOD"; } >"$T/v3.ior"
expect 1 "format version 3.0 is not supported" "$A" info "$T/v3.ior"
# truncated: exit 0, a warning, and the readable part
size=$(wc -c <"$GOOD")
head -c $((size - 700)) "$GOOD" >"$T/cut.ior"
expect 0 "warning: .*no end record" "$A" top "$T/cut.ior"
grep -q TOTAL "$T/out" || { echo "FAIL: no table from a truncated file" >&2; fails=$((fails + 1)); }
# a full disk for the output
if [ -w /dev/full ]; then
	"$A" dump "$GOOD" >/dev/full 2>"$T/err"
	[ $? -eq 1 ] && grep -q "cannot write the output: No space left" "$T/err" ||
		{ echo "FAIL: dump to /dev/full did not fail clearly" >&2; fails=$((fails + 1)); }
	expect 1 "cannot write '/dev/full'" "$A" flamegraph -o /dev/full "$GOOD"
fi
# help and version exit 0 on stdout
for c in info dump top collapse flamegraph diff; do
	"$A" "$c" --help >"$T/out" 2>&1 && grep -q "Usage: ior-analyze $c" "$T/out" ||
		{ echo "FAIL: $c --help" >&2; fails=$((fails + 1)); }
done
"$A" --version | grep -q "recording format 2\." || { echo "FAIL: --version" >&2; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "cli errors: all passed"
exit "$fails"
