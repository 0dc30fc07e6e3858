#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Browser tier of the flame graph tests. Draws SVGs from small known stacks with
# make_svg (through analyzer/flamegraph.h), checks they are well-formed XML (xmllint),
# then drives them in Debian's headless chromium (flamegraph_test.py): script errors,
# hover, zoom, reset, search. SVGs and screenshots stay in $IOR_BUILD/test-artifacts.
# Fails on any failed check. Skips (exit 0, a "SKIP:" line saying why) only when chromium,
# its driver or python3-selenium is not installed or chromium cannot start.
# Usage: tests/browser/run.sh [BUILD_DIR]   (default $IOR_BUILD, else build)
set -eu
B=${1:-${IOR_BUILD:-build}}
here=$(dirname "$0")
out=$B/test-artifacts
tool=$B/tests/browser/make_svg
[ -x "$tool" ] || { echo "browser: $tool is missing: run 'make all' first" >&2; exit 1; }
mkdir -p "$out"

sub="host test-host, 2026-11-26 10:00:00 + 60 s, weight: duration"
"$tool" --unit ns --subtitle "$sub" <"$here/flame.folded" >"$out/flamegraph-plain.svg"
"$tool" --diff --unit ns --subtitle "$sub" <"$here/flame-diff.folded" >"$out/flamegraph-diff.svg"
"$tool" --inverted --unit ns <"$here/flame.folded" >"$out/flamegraph-icicle.svg"
for f in plain diff icicle; do
	xmllint --noout "$out/flamegraph-$f.svg"
done
echo "  ok    xmllint: the three SVGs are well-formed"

py=/usr/bin/python3 # Debian's, where python3-selenium lives (not a pyenv or venv one)
[ -x "$py" ] || py=python3
missing=""
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing="$missing chromium"
[ -x "${CHROMEDRIVER:-/usr/bin/chromedriver}" ] || missing="$missing chromium-driver"
"$py" -c 'import selenium' 2>/dev/null || missing="$missing python3-selenium"
if [ -n "$missing" ]; then
	echo "SKIP: browser test: not installed:$missing (scripts/install-deps.sh installs them)"
	exit 0
fi
rc=0
timeout 300 "$py" "$here/flamegraph_test.py" "$out" "$out/flamegraph-plain.svg" \
	"$out/flamegraph-diff.svg" "$out/flamegraph-icicle.svg" || rc=$?
if [ "$rc" -eq 77 ]; then
	echo "SKIP: browser test: chromium cannot start (reason above)"
	exit 0
fi
exit "$rc"
