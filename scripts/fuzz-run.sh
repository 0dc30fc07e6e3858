#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run every libFuzzer target for a bounded time on a scratch copy of its seed corpus
# (tests/fuzz/corpus/NAME), under ASan/UBSan. Usage: scripts/fuzz-run.sh BUILD_DIR [SECONDS]
set -eu
B=$(cd "$1" && pwd)
SECS=${2:-${IOR_FUZZ_SECONDS:-30}}
cd "$(dirname "$0")/.."
status=0
for f in "$B"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=${f##*/fuzz_}
	work=$(mktemp -d)
	cp -r tests/fuzz/corpus/"$name"/. "$work"/ 2>/dev/null || true
	echo "fuzz: $name for ${SECS}s"
	if ! (cd "$work" && "$f" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=0 . >"$work/log" 2>&1); then
		echo "fuzz: $name FAILED; crash input and log kept in $work" >&2
		tail -30 "$work/log" >&2
		status=1
		continue
	fi
	tail -1 "$work/log"
	rm -rf "$work"
done
exit $status
