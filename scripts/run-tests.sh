#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run every test tier against a build folder: unit tests (Check), golden CLI tests,
# privileged BPF integration tests, a bounded fuzz run. Usage: scripts/run-tests.sh BUILD_DIR
set -eu
B=${1:-build}
B=$(cd "$B" && pwd)
cd "$(dirname "$0")/.."
export IOR_BUILD="$B"
status=0

tier() {
	echo "== $1"
	shift
	if ! "$@"; then
		echo "== FAILED: $*" >&2
		status=1
	fi
}

tier "unit tests (Check)" "$B/tests/check-runner"
# Real BPF on the real kernel: ior-record on the workloads (needs root; says why if not).
tier "BPF integration: ior-record on tests/workloads" \
	env IOR_BPF_TESTS=1 CK_RUN_SUITE=recorder_bpf "$B/tests/check-runner"
# The binary an SRE copies to a server: no shared library at all, and it records.
tier "static ior-record: fully static, records as root" sh -c "make --no-print-directory -s static O='$B' &&
	! ldd '$B/static/ior-record' >/dev/null 2>&1 &&
	{ [ \$(id -u) -ne 0 ] || '$B/static/ior-record' -q --force -o '$B/static-check.ior' -- /bin/true; }"
tier "fidelity: resolved paths vs strace -f -yy on real programs" sh tests/fidelity/run.sh "$B"
for t in tests/cli/*.sh; do
	[ -e "$t" ] || continue
	tier "cli: $t" sh "$t"
done
tier "deb: make install/uninstall; make deb installed in a clean Debian 12 root" sh tests/deb/run.sh "$B"
tier "browser: flame graph SVGs in headless chromium" sh tests/browser/run.sh "$B"
tier "fuzz: every libFuzzer target, bounded" sh -c "make --no-print-directory -s fuzz O='$B' && scripts/fuzz-run.sh '$B'"
exit $status
