#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install every Debian package the build, the demo and the tests need. Idempotent: when all
# packages are present it changes nothing and needs no network. Run as root (or via sudo).
set -eu

PACKAGES="
build-essential pkg-config clang llvm libclang-rt-14-dev bpftool
libbpf-dev libelf-dev zlib1g-dev libzstd-dev libcbor-dev check libsubunit-dev
zstd strace procps libxml2-utils
"
# Extra packages only the tests and the demo use are listed in scripts/test-packages.txt.
here=$(dirname "$0")
if [ -r "$here/test-packages.txt" ]; then
	PACKAGES="$PACKAGES $(grep -v "^#" "$here/test-packages.txt" || true)"
fi

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-deps: missing packages:$missing; run this script as root" >&2
		exit 1
	fi
else
	SUDO=
fi
echo "install-deps: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
