#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Path fidelity of the offline replay, checked against strace on the same execution.
#
# Real programs (a shell pipeline, tar, cp -r, git, sqlite3, tests/workloads/iomix) run
# under `ior-record -- strace -f -yy -o LOG CMD`: one execution, seen live by strace
# (which reads /proc/PID/fd at each call) and recorded by ior. compare.py pairs each of
# ior's events with strace's call and checks the file ior-analyze resolved offline against
# strace's annotation. Then two processes already running when the recording starts (a
# shell with open fds and a cwd, sqlite3 with its database open), traced by strace from
# their start and recorded by `ior-record -p PID`: they rely on the /proc snapshot.
#
# Prints one line per program and the two figures; fails when the first is below 99.9 %
# or the second below 99 %. Needs root, BPF and strace (scripts/test-packages.txt); when
# the kernel has no BPF (no BTF) or we are not root, says so and skips.
#
# Usage: tests/fidelity/run.sh [BUILD_DIR]     (IOR_FIDELITY_KEEP=1 keeps the scratch dir)
set -eu
B=${1:-${IOR_BUILD:-build}}
B=$(cd "$B" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
REC=$B/ior-record
ANA=$B/ior-analyze

if [ "$(id -u)" != 0 ]; then
	echo "fidelity: skipped: ior-record needs root (run as root, as CI does)"
	exit 0
fi
if [ ! -r /sys/kernel/btf/vmlinux ]; then
	echo "fidelity: skipped: this kernel has no BTF (/sys/kernel/btf/vmlinux), so no BPF recorder"
	exit 0
fi
for tool in strace python3 tar git sqlite3 gzip; do
	command -v $tool >/dev/null 2>&1 || {
		echo "fidelity: '$tool' is missing: install scripts/test-packages.txt" >&2
		exit 1
	}
done
[ -x "$REC" ] && [ -x "$ANA" ] || { echo "fidelity: build first: make" >&2; exit 1; }

W=$(mktemp -d /tmp/ior-fidelity.XXXXXX)
BG="" # background processes this script started, ended on the way out
cleanup() {
	for p in $BG; do
		kill "$p" 2>/dev/null || true
	done
	[ -n "${IOR_FIDELITY_KEEP:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
: >"$W/start.json"
: >"$W/running.json"

# compare NAME KIND: the recording and the strace log of NAME against each other
compare() {
	"$ANA" dump --json "$W/$1.ior" >"$W/$1.ndjson"
	python3 "$HERE/compare.py" --label "$1" "$W/$1.ndjson" "$W/$1.strace"
	python3 "$HERE/compare.py" --json --label "$1" "$W/$1.ndjson" "$W/$1.strace" >>"$W/$2.json"
}

# from_start NAME CMD...: record CMD from its first instruction, strace alongside
from_start() {
	name=$1
	shift
	"$REC" -q -o "$W/$name.ior" -- strace -f -yy -qq -o "$W/$name.strace" "$@" \
		>"$W/$name.out" 2>&1 || { echo "fidelity: $name failed:" >&2; tail -5 "$W/$name.out" >&2; exit 1; }
	compare "$name" start
}

# ---- programs recorded from their start -----------------------------------------------
mkdir -p "$W/src" "$W/pipe"
cp -r /usr/share/doc/git /usr/share/doc/tar /usr/share/doc/sqlite3 "$W/src/" 2>/dev/null ||
	cp -r /usr/share/doc "$W/src/"
cd "$W/pipe"
from_start pipeline sh -c '
	cat /etc/services | grep -v "^#" | sort | uniq -c | sort -rn | head -20 > top.txt
	wc -l < top.txt > count.txt; mkdir -p d/e; cd d/e; ls -la ../.. > ../../ls.txt
	cd ../..; find ../src -type f -name "*.gz" | xargs -r cat | gzip -dc | wc -c >> count.txt
	exec 3>fd3.txt; echo via3 >&3; exec 3>&-; (cd /usr/share && cat dict/README* 2>/dev/null) | wc -l'
cd "$W"
from_start tar sh -c 'tar -C "$0" -czf doc.tgz src && mkdir -p x && tar -C x -xzf doc.tgz &&
	tar -tzvf doc.tgz > list.txt' "$W"
from_start cp sh -c 'cp -r src copy && cp -a src/. copy2 && rm -r copy'
mkdir -p "$W/repo"
cd "$W/repo"
from_start git sh -c 'git init -q . && cp -r ../src/* . && git add -A &&
	git -c user.name=t -c user.email=t@e commit -qm one && echo more >> new.txt && git add new.txt &&
	git -c user.name=t -c user.email=t@e commit -qm two && git log --stat > ../log.txt &&
	git status --short && git gc -q && git show HEAD~1 > /dev/null && git checkout -q -b topic &&
	git mv new.txt renamed.txt && git diff --cached --stat > /dev/null'
cd "$W"
from_start sqlite3 sqlite3 "$W/t.db" "
	PRAGMA journal_mode=DELETE; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
	WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM n WHERE x<3000)
	INSERT INTO t(b) SELECT hex(randomblob(40)) FROM n;
	CREATE INDEX tb ON t(b); SELECT count(*) FROM t; PRAGMA journal_mode=WAL;
	BEGIN; UPDATE t SET b = upper(b) WHERE a % 7 = 0; COMMIT; VACUUM; PRAGMA integrity_check;"
if [ -x "$B/workloads/iomix" ]; then
	mkdir -p "$W/iomix"
	from_start iomix "$B/workloads/iomix" "$W/iomix" "$W/iomix.manifest"
fi

# ---- processes already running when the recording starts -------------------------------
# attached PID NAME: record PID from now until it exits; then compare with its strace log
attached_start() {
	# 7>&-: not a writer of sqlite3's command fifo, or sqlite3 would never see its end
	"$REC" -q --flush-interval 50 -o "$W/$2.ior" -p "$1" >"$W/$2.rec.out" 2>&1 7>&- &
	echo $! >"$W/$2.rec.pid"
	BG="$BG $!"
	n=0
	# the header is written before the BPF programs attach; attaching and the snapshot
	# take some 50 ms here and are flushed within --flush-interval: give them 0.5 s
	until [ -s "$W/$2.ior" ]; do
		n=$((n + 1))
		[ $n -lt 200 ] || { echo "fidelity: ior-record -p $1 did not start" >&2; exit 1; }
		sleep 0.05
	done
	sleep 0.5
}

attached_stop() {
	kill -INT "$(cat "$W/$1.rec.pid")"
	wait "$(cat "$W/$1.rec.pid")" || true
}

mkdir -p "$W/live/sub" "$W/live/db"
mkfifo "$W/live/go" "$W/live/sql"
cd "$W/live/sub"
strace -f -yy -qq -o "$W/shell.strace" sh -c '
	exec 3</etc/services 4>>../log.txt 5<>../rw.dat
	read go < ../go
	i=0
	while read -r line <&3; do echo "$line" >&4; i=$((i+1)); [ $i -ge 300 ] && break; done
	cat <&3 | wc -l >&4
	ls -la . >&5
	for f in a b c; do echo $f > $f.txt; cat $f.txt >&4; done
	cd .. && cat log.txt | sort -u > sorted.txt && cd sub && ls >&4' &
shell=$!
BG="$BG $shell"
sleep 0.5
shell_pid=$(pgrep -P $shell -x sh || true)
[ -n "$shell_pid" ] || { echo "fidelity: the traced shell did not start" >&2; exit 1; }
BG="$BG $shell_pid"
attached_start "$shell_pid" shell
echo go >"$W/live/go"
wait $shell
attached_stop shell
compare shell running

cd "$W/live/db"
strace -f -yy -qq -o "$W/sqlite.strace" sqlite3 "$W/live/db/r.db" <"$W/live/sql" \
	>"$W/sqlite.out" 2>&1 &
sq=$!
BG="$BG $sq"
exec 7>"$W/live/sql"
echo "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT); INSERT INTO t(b) VALUES('x');" >&7
sleep 0.5
sq_pid=$(pgrep -P $sq -x sqlite3 || true)
[ -n "$sq_pid" ] || { echo "fidelity: the traced sqlite3 did not start" >&2; exit 1; }
BG="$BG $sq_pid"
attached_start "$sq_pid" sqlite
i=0
while [ $i -lt 40 ]; do
	echo "BEGIN; INSERT INTO t(b) SELECT hex(randomblob(30)) FROM t LIMIT 50; COMMIT;"
	echo "SELECT count(*), max(a) FROM t;"
	i=$((i + 1))
done >&7
echo "CREATE INDEX tb ON t(b); PRAGMA integrity_check;" >&7
exec 7>&-
wait $sq
attached_stop sqlite
compare sqlite running

# ---- the figures ----------------------------------------------------------------------
python3 - "$W/start.json" "$W/running.json" <<'EOF'
import json, sys
fail = False
for path, what, floor in ((sys.argv[1], "recorded from start", 99.9),
                          (sys.argv[2], "already running (snapshot)", 99.0)):
    rows = [json.loads(l) for l in open(path)]
    ok = sum(r["fd_ok"] for r in rows)
    total = sum(r["fd_total"] for r in rows)
    share = 100.0 * ok / total if total else 0.0
    verdict = "ok" if share >= floor and total > 0 else "BELOW %.1f %%" % floor
    print("fidelity, %s: %d of %d fd-bearing events resolved to strace's file: %.3f %% (%s)"
          % (what, ok, total, share, verdict))
    fail |= verdict != "ok"
sys.exit(1 if fail else 0)
EOF
