#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Cross-check on real recordings: the counts and byte totals of `top` (aggregated) agree
# with `dump` (every event), per syscall and in total, with and without filters.
set -u
B=${IOR_BUILD:-build}
A="$B/ior-analyze"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

# per syscall "name count bytes" from dump --json, sorted
from_dump() {
	"$A" dump --json "$@" | awk '
		{ match($0, /"syscall":"[^"]*"/); s = substr($0, RSTART + 11, RLENGTH - 12)
		  match($0, /"bytes":[0-9]+/); b = substr($0, RSTART + 8, RLENGTH - 8)
		  n[s]++; by[s] += b }
		END { for (s in n) printf "%s %d %.0f\n", s, n[s], by[s] }' | sort
}

# the same from top --csv (columns: syscall,count,errors,bytes,...)
from_top() {
	"$A" top --by syscall -n 0 --csv "$@" | awk -F, 'NR > 1 { printf "%s %s %s\n", $1, $2, $4 }' |
		sort
}

compare() {
	from_dump "$@" >"$T/dump"
	from_top "$@" >"$T/top"
	if [ ! -s "$T/dump" ] || ! cmp -s "$T/dump" "$T/top"; then
		echo "FAIL: top and dump disagree on: $*" >&2
		diff "$T/dump" "$T/top" | head >&2
		fails=$((fails + 1))
	fi
}

# Numeric fields read chunks on every core (IOR_ANALYZE_THREADS): the same output, to
# the byte, as one thread, on a recording of several chunks.
same_on_every_core() {
	chunks=$("$A" info "$1" | sed -n 's/^file: .* \([0-9][0-9]*\) chunks.*/\1/p')
	if [ "${chunks:-0}" -lt 2 ]; then
		echo "FAIL: $1 has ${chunks:-no} chunks: too few to share" >&2
		fails=$((fails + 1))
		return
	fi
	for args in "top --by syscall,errno -n 0" "top --by pid,fd,flags -n 0 --json" \
		"collapse --fields tid,class --weight bytes" "diff $1 --by syscall"; do
		# shellcheck disable=SC2086 # args is words
		"$A" $args "$1" >"$T/cores.out" 2>&1
		# shellcheck disable=SC2086
		IOR_ANALYZE_THREADS=1 "$A" $args "$1" >"$T/one.out" 2>&1
		if ! [ -s "$T/one.out" ] || ! cmp -s "$T/cores.out" "$T/one.out"; then
			echo "FAIL: $args differs on one thread and on every core" >&2
			diff "$T/one.out" "$T/cores.out" | head >&2
			fails=$((fails + 1))
		fi
	done
}

for f in tests/golden/a.ior tests/golden/b.ior; do
	compare "$f"
	compare --class read,write "$f"
	compare --comm 'reader-*' --from 0.2 "$f"
done
# '-' reads standard input: a pipe gives the same report as the file
for f in tests/golden/a.ior tests/golden/b.ior; do
	"$A" top --by comm,syscall -n 0 "$f" >"$T/file.out"
	"$A" top --by comm,syscall -n 0 - <"$f" >"$T/pipe.out"
	cat "$f" | "$A" top --by comm,syscall -n 0 - >"$T/pipe2.out"
	if ! cmp -s "$T/file.out" "$T/pipe.out" || ! cmp -s "$T/file.out" "$T/pipe2.out"; then
		echo "FAIL: top of $f differs when read from standard input" >&2
		fails=$((fails + 1))
	fi
done
# a fresh recording of this machine, when we may record
if [ "$(id -u)" -eq 0 ] && [ -x "$B/ior-record" ] && [ -x "$B/workloads/minidb" ]; then
	if "$B/ior-record" -q -o "$T/live.ior" -- "$B/workloads/minidb" -d "$T/db" -t 1.5 -r 2 \
		2>"$T/rec.err"; then
		compare "$T/live.ior"
		# and straight through a pipe: ior-record -o - | ior-analyze top -
		"$B/ior-record" -q -o - -- "$B/workloads/minidb" -d "$T/db2" -t 0.3 -r 1 -p 500 |
			"$A" top - >"$T/live-pipe.out" 2>"$T/live-pipe.err"
		grep -q "^pread64 " "$T/live-pipe.out" && ! [ -s "$T/live-pipe.err" ] ||
			{ echo "FAIL: ior-record -o - | ior-analyze top -" >&2; fails=$((fails + 1)); }
		same_on_every_core "$T/live.ior"
	else
		echo "crosscheck: no live recording: $(head -1 "$T/rec.err")" >&2
		fails=$((fails + 1))
	fi
fi
[ "$fails" -eq 0 ] && echo "crosscheck: top agrees with dump"
exit "$fails"
