#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The demo: record the bundled minidb workload twice (a WAL synced every 16 commits,
# then on every commit), and show what ior-analyze answers about them. Leaves
# demo.svg, demo-diff.svg and report.txt in BUILD/demo/. Usage: scripts/demo.sh BUILD
set -eu
B=$(cd "${1:-build}" && pwd)
D="$B/demo"
REC="$B/ior-record"
ANA="$B/ior-analyze"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: ior-record needs root (BPF); run 'sudo make demo'" >&2
	exit 1
fi
rm -rf "$D"
mkdir -p "$D"
cd "$D"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "Recording the minidb workload for 2 s, WAL synced every 16 commits (before)..."
"$REC" -q -o before.ior -- "$B/workloads/minidb" -d data -t 2 -s 16
echo "Recording it again, WAL synced on every commit (after)..."
"$REC" -q -o after.ior -- "$B/workloads/minidb" -d data -t 2 -s 1
rm -rf data

{
	step "$ANA" info before.ior
	step "$ANA" top before.ior
	step "$ANA" top --by comm,syscall -n 8 before.ior
	step "$ANA" top --by path --sort p99 -n 5 --class read,write,sync before.ior
	step "$ANA" dump --failed --syscall access before.ior | head -n 5
	step "$ANA" dump --min-duration 5ms before.ior | head -n 5
	step "$ANA" collapse --fields comm,syscall --weight duration before.ior
	step "$ANA" diff --by comm,syscall -n 6 before.ior after.ior
} 2>&1 | tee report.txt
"$ANA" flamegraph -o demo.svg before.ior
"$ANA" diff --svg demo-diff.svg --fields comm,syscall,path before.ior after.ior
printf '\nThe demo left in %s:\n' "$D"
ls -l "$D" | sed 1d
echo "Open demo.svg and demo-diff.svg in a browser: hover, click to zoom, Ctrl-F to search."
