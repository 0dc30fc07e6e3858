#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The recorder's overhead, as BENCHMARKS.md reports it. Needs root and `make bench`.
#
#   scripts/bench-record.sh [BUILD_DIR] [ROUNDS]
#
# Per round, in turn (interleaved, so that drift hits every configuration alike):
# untraced; the count-only baseline programs (btf, tracepoint); ior-record recording
# the whole system (--attach=btf, --attach=tracepoint). Under each, record_bench times
# pread 4 KiB from the page cache, openat+close, 64 B write+fdatasync on tmpfs and
# getppid (not recorded). Prints medians over the rounds and the added ns per syscall.
# Then: 1 M events/s for 5 s with the default ring buffer (losses), recorder RSS,
# load+attach time, consumer cost per record and on-disk bytes per event.
set -eu
B=${1:-build}
ROUNDS=${2:-7}
RB="$B/bench/record_bench"
REC="$B/ior-record"
T=$(mktemp -d /tmp/ior-bench-record.XXXXXX)
trap 'rm -rf "$T"' EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench-record: needs root" >&2; exit 1; }
[ -x "$RB" ] && [ -x "$REC" ] || { echo "bench-record: run 'make bench' first" >&2; exit 1; }

CONFIGS="none base-btf ior-btf base-tp ior-tp"
OPS="pread:500000 openclose:200000 writesync:200000 getppid:500000"

start() { # config -> pid of the tracer in $T/pid (none: nothing)
	case $1 in
	none) echo 0 > "$T/pid"; return ;;
	base-btf|base-tp)
		mode=btf; [ "$1" = base-tp ] && mode=tracepoint
		"$RB" baseline "$mode" > "$T/ready" & echo $! > "$T/pid"
		while ! grep -q ready "$T/ready" 2>/dev/null; do sleep 0.05; done ;;
	ior-btf|ior-tp)
		mode=btf; [ "$1" = ior-tp ] && mode=tracepoint
		"$REC" -q --force -o "$T/bench.ior" --attach="$mode" & echo $! > "$T/pid"
		sleep 0.5 ;;
	esac
}

stop() {
	pid=$(cat "$T/pid")
	[ "$pid" -eq 0 ] && return
	kill -INT "$pid"
	wait "$pid" || true
	# tracepoint links are released by a child named ior-release (~18 s): let it finish,
	# or its RCU grace periods run during the next configuration
	while pgrep -x ior-release > /dev/null; do sleep 0.2; done
}

for r in $(seq "$ROUNDS"); do
	for c in $CONFIGS; do
		start "$c"
		for o in $OPS; do
			"$RB" loop "${o%%:*}" "${o#*:}" | sed "s/^/$r $c /" >> "$T/results"
		done
		stop
	done
	echo "round $r/$ROUNDS done" >&2
done

echo "== ns per call, median of $ROUNDS rounds (openclose and writesync: 2 syscalls)"
# Added cost = median over rounds of (configuration - untraced) in the same round: drift
# between rounds (other work on the machine) cancels out.
awk -v configs="$CONFIGS" '
	{ ns[$1, $2, $3] = $4; calls[$3] = $5; ops[$3] = 1; rounds[$1] = 1 }
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function series(c, o, base,   r, s) {
		s = ""
		for (r in rounds) s = s " " (ns[r, c, o] - (base == "" ? 0 : ns[r, base, o]))
		return s
	}
	END {
		nc = split(configs, c, " ")
		printf "%-10s", "op"; for (i = 1; i <= nc; i++) printf " %9s", c[i]; printf "\n"
		for (o in ops) {
			printf "%-10s", o
			for (i = 1; i <= nc; i++) printf " %9.1f", median(series(c[i], o, ""))
			printf "\n"
		}
		print "== added ns per syscall: vs untraced (vs the count-only baseline of the same hook)"
		for (o in ops) {
			k = calls[o]
			printf "%-10s btf %+7.1f (%+7.1f)   tracepoint %+7.1f (%+7.1f)\n", o,
				median(series("ior-btf", o, "none")) / k, median(series("ior-btf", o, "base-btf")) / k,
				median(series("ior-tp", o, "none")) / k, median(series("ior-tp", o, "base-tp")) / k
		}
	}' "$T/results"
cp "$T/results" "${BENCH_RESULTS:-/dev/null}" 2>/dev/null || true

echo "== 1 M events/s for 5 s, default ring buffer (btf mode, recording only the bench)"
"$REC" -v --force -o "$T/rate.ior" -- "$RB" rate 1000000 5 2> "$T/rate.err"
grep -h "rate\|lost\|attach took" "$T/rate.err" || true
echo "== the same in tracepoint mode"
"$REC" -v --force -o "$T/rate.ior" --attach=tracepoint -- "$RB" rate 1000000 5 2> "$T/rate.err"
grep -h "rate\|lost\|attach took" "$T/rate.err" || true

echo "== recorder memory while recording 1 M events/s (whole system)"
"$REC" -q --force -o "$T/rss.ior" & rec=$!
sleep 0.5
"$RB" rate 1000000 3 > /dev/null
grep -E "^(Rss|Anonymous|Shared_Clean|Shared_Dirty)" "/proc/$rec/smaps_rollup" | tr -s ' ' | tr '\n' ' '
echo
grep -E "^VmHWM" "/proc/$rec/status"
kill -INT "$rec"; wait "$rec" || true

echo "== consumer cost per record (drain + writer, no kernel)"
"$RB" drain 3000000

echo "== bytes per event on disk: tar of /usr/include and a find over /usr"
"$REC" -v --force -o "$T/mix.ior" -- sh -c 'tar cf - /usr/include 2>/dev/null | cat > /dev/null; find /usr -name "*.so*" > /dev/null' 2> "$T/mix.err"
events=$(sed -n 's/^ior-record: \([0-9]*\) events.*/\1/p' "$T/mix.err")
size=$(stat -c %s "$T/mix.ior")
echo "$events events, $size bytes: $(awk -v s="$size" -v e="$events" 'BEGIN { printf "%.1f", s / e }') bytes/event"
