#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# ior-analyze's throughput on a real recording, against `zstd -dc FILE > /dev/null` on
# the same file as the floor. Interleaved rounds, medians; wall-clock and CPU time.
#
#   scripts/bench-analyze.sh [BUILD_DIR] [ROUNDS] [FILE.ior]
#
# Without FILE (root needed) it records the demo workload for 4 s first.
set -eu
B=${1:-build}
ROUNDS=${2:-5}
FILE=${3:-}
A="$B/ior-analyze"
T=$(mktemp -d /tmp/ior-bench-analyze.XXXXXX)
trap 'rm -rf "$T"' EXIT
if [ -z "$FILE" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "bench-analyze: give a recording, or run as root" >&2; exit 1; }
	FILE="$T/bench.ior"
	"$B/ior-record" -q -o "$FILE" -- "$B/workloads/minidb" -d "$T/db" -t 4 -r 2 >/dev/null
fi
EVENTS=$("$A" info "$FILE" | awk '/^events:/ { print $2 }')

# name <tab> command, run with the file as last argument
cat >"$T/cases" <<CASES
zstd -dc (floor)	zstd -dc
info	$A info
top --by syscall	$A top --by syscall
top, one thread	env IOR_ANALYZE_THREADS=1 $A top --by syscall
collapse, 4 fields	$A collapse --fields comm,pid,syscall,path
flamegraph	$A flamegraph -o $T/x.svg
dump --json	$A dump --json
CASES

timed() { # command... -> "wall_s cpu_s"
	/usr/bin/time -f "%e %U %S" "$@" >/dev/null 2>"$T/time" || true
	tail -1 "$T/time" | awk '{ printf "%s %.2f\n", $1, $2 + $3 }'
}

for r in $(seq "$ROUNDS"); do
	while IFS='	' read -r name cmd; do
		# shellcheck disable=SC2086 # cmd is words
		echo "$(timed $cmd "$FILE")" >>"$T/$(echo "$name" | tr -c 'a-z0-9\n' _)"
	done <"$T/cases"
done

median() { sort -n | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }
printf '%s events, %s bytes, %s rounds; medians\n' "$EVENTS" "$(wc -c <"$FILE")" "$ROUNDS"
printf '%-22s %8s %8s %12s %14s\n' command wall_s cpu_s "M events/s" "M ev/s per core"
while IFS='	' read -r name cmd; do
	f="$T/$(echo "$name" | tr -c 'a-z0-9\n' _)"
	wall=$(awk '{ print $1 }' "$f" | median)
	cpu=$(awk '{ print $2 }' "$f" | median)
	awk -v n="$name" -v w="$wall" -v c="$cpu" -v e="$EVENTS" 'BEGIN {
		printf "%-22s %8.2f %8.2f %12.1f %14.1f\n", n, w, c, e / w / 1e6, e / c / 1e6 }'
done <"$T/cases"
