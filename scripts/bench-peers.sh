#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# ior-record against its peers on the same loops, wall-clock (ptrace-based tracers cost
# the traced program waiting, which CPU time would not show). Needs root and `make bench`.
#
#   scripts/bench-peers.sh [BUILD_DIR] [ROUNDS] [CALLS]
#
# Each round runs, in turn, the loop untraced and under each tracer recording to a file
# (the loop's own wall-clock time per call, median of 9 blocks, so that the tracers'
# start and stop are not counted):
#   ior-record -- LOOP            (default attach mode)
#   perf trace record -- LOOP     (linux-perf; syscall tracepoints into perf.data)
#   strace -f -o FILE -- LOOP     (ptrace)
# and prints, per tracer, the median over the rounds of traced - untraced, in ns added
# per syscall. Loops: pread 4 KiB from the page cache, and getppid (a syscall
# ior does not record; the others do).
set -eu
B=${1:-build}
ROUNDS=${2:-5}
N=${3:-50000}
RB="$B/bench/record_bench"
REC="$B/ior-record"
T=$(mktemp -d /tmp/ior-bench-peers.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-peers: needs root" >&2; exit 1; }
[ -x "$RB" ] && [ -x "$REC" ] || { echo "bench-peers: run 'make bench' first" >&2; exit 1; }
command -v strace >/dev/null || { echo "bench-peers: needs strace" >&2; exit 1; }
PERF=$(command -v perf || true)
[ -n "$PERF" ] || echo "bench-peers: perf not installed (apt-get install linux-perf); skipping it" >&2

# The loop times itself in wall-clock time (tracers' start and stop are not counted)
# and prints "OP NS_PER_ITERATION CALLS"; its output goes to a file, as the tracers'
# own output may share the terminal.
export IOR_BENCH_WALL=1
loop() { # command prefix... -> ns per call on stdout
	"$@" "$RB" loop "$op" "$N" >"$T/loop.out" 2>/dev/null
	awk '{ print int($2 / $3) }' "$T/loop.out"
}

run() { # tracer -> ns per call
	case $1 in
	none) loop ;;
	ior) loop "$REC" -q --force -o "$T/x.ior" -- ;;
	perf) loop "$PERF" trace record -q -o "$T/perf.data" -- ;;
	strace) loop strace -f -o "$T/strace.log" -- ;;
	esac
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

TRACERS="ior strace"
[ -n "$PERF" ] && TRACERS="ior perf strace"
for op in pread getppid; do
	for r in $(seq "$ROUNDS"); do
		for tr in $TRACERS; do
			base=$(run none)
			traced=$(run "$tr")
			echo $((traced - base)) >>"$T/$op.$tr"
		done
	done
	for tr in $TRACERS; do
		printf '%-8s %-8s +%s ns per syscall (median of %s rounds)\n' "$op" "$tr" \
			"$(median <"$T/$op.$tr")" "$ROUNDS"
	done
done
