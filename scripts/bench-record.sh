#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The recorder's overhead, as BENCHMARKS.md reports it. Needs root and `make bench`.
#
#   scripts/bench-record.sh [BUILD_DIR] [ROUNDS]
#
# Per round, in turn: the count-only baseline programs (btf, tracepoint) and ior-record
# recording the whole system (--attach=btf, --attach=tracepoint), each measured right
# after an untraced run of the same loops, so that each cost is a difference of two
# adjacent measurements (our machines are shared: load drifts within a minute).
# record_bench times pread 4 KiB from the page cache, openat+close, 64 B write +
# fdatasync on tmpfs, getppid (not recorded), a mostly-not-I/O loop (1 pread, 9 getppid)
# and a small-file loop (openat, fstat, pread, close), in thread CPU time, and the CPU
# time of `tar cf - /usr/include` per file. Prints medians over the rounds of the
# paired differences: per syscall (mixes: per syscall of the mix; tar: per file).
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

CONFIGS="base-btf ior-btf base-tp ior-tp"
OPS="pread:500000 openclose:200000 writesync:200000 getppid:500000 mostlyother:100000 smallfile:100000"

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

loops() { # tag
	for o in $OPS; do
		"$RB" loop "${o%%:*}" "${o#*:}" | sed "s/^/$r $1 /" >> "$T/results"
	done
	# a real I/O-heavy program: tar's CPU time (user + system) in ns per file archived
	"$RB" cputime tar cf - /usr/include |
		awk -v r="$r" -v tag="$1" -v n="$NFILES" '{ printf "%s %s tar %.1f 1\n", r, tag, $1 / n }' \
			>> "$T/results"
}
NFILES=$(find /usr/include | wc -l)

for r in $(seq "$ROUNDS"); do
	for c in $CONFIGS; do
		loops "none-$c"
		start "$c"
		loops "$c"
		stop
	done
	echo "round $r/$ROUNDS done" >&2
done

echo "== ns per call: medians of $ROUNDS rounds (openclose, writesync: 2 syscalls per call)"
awk -v configs="$CONFIGS" '
	{ ns[$1, $2, $3] = $4; calls[$3] = $5; ops[$3] = 1; rounds[$1] = 1 }
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	# config c minus the untraced run just before it, per round
	function added(c, o,   r, s) {
		s = ""
		for (r in rounds) s = s " " (ns[r, c, o] - ns[r, "none-" c, o])
		return s
	}
	function raw(c, o,   r, s) {
		s = ""
		for (r in rounds) s = s " " ns[r, c, o]
		return s
	}
	function cost(c, o,   r, s) { # ior added minus the baseline added, per round
		s = ""
		for (r in rounds) s = s " " (ns[r, "ior-" c, o] - ns[r, "none-ior-" c, o]) - (ns[r, "base-" c, o] - ns[r, "none-base-" c, o])
		return s
	}
	END {
		nc = split(configs, c, " ")
		printf "%-10s %9s", "op", "untraced"; for (i = 1; i <= nc; i++) printf " %9s", c[i]; printf "\n"
		for (o in ops) {
			printf "%-10s %9.1f", o, median(raw("none-ior-btf", o))
			for (i = 1; i <= nc; i++) printf " %9.1f", median(raw(c[i], o))
			printf "\n"
		}
		print "== added ns per syscall over untraced; in brackets: over the count-only program on the same hook"
		printf "%-10s %9s %9s %9s %9s\n", "op", "base-btf", "ior-btf", "base-tp", "ior-tp"
		for (o in ops) {
			k = calls[o]
			printf "%-10s %+9.1f %+9.1f %+9.1f %+9.1f   (btf %+.1f, tracepoint %+.1f)\n", o,
				median(added("base-btf", o)) / k, median(added("ior-btf", o)) / k,
				median(added("base-tp", o)) / k, median(added("ior-tp", o)) / k,
				median(cost("btf", o)) / k, median(cost("tp", o)) / k
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
