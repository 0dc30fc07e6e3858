#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Installing ior. 'make install' with PREFIX and DESTDIR puts every file in its place and
# 'make uninstall' takes them away again; 'make deb' builds a package that apt-get installs
# in a clean Debian 12 root, with its dependencies, where ior-record --version and
# ior-analyze info on a bundled recording run, and the packaged ior-record records a
# command. The root comes from debootstrap (minbase), cached in $IOR_DEB_BASE (default
# /var/tmp/ior-deb-test/bookworm, lists refreshed daily) and used through an overlay, so
# that every run starts clean. Needs root (chroot, mounts); skips only when not root or
# when debootstrap cannot fetch the archive.
# Usage: tests/deb/run.sh [BUILD_DIR]
set -u
B=$(cd "${1:-${IOR_BUILD:-build}}" && pwd)
BASE=${IOR_DEB_BASE:-/var/tmp/ior-deb-test/bookworm}
MIRROR=${IOR_DEB_MIRROR:-http://deb.debian.org/debian}
cd "$(dirname "$0")/../.." || exit 1
T=$(mktemp -d)
ROOT="$T/root"
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -d "$ROOT" ]; then
		umount -R "$ROOT" 2>/dev/null || umount -R -l "$ROOT" 2>/dev/null
	fi
	mountpoint -q "$T/ovl" && umount "$T/ovl"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
start=$(date +%s)
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
finish() {
	echo "deb: $(($(date +%s) - start)) s"
	[ "$fails" -eq 0 ] || { echo "deb: $fails failure(s)" >&2; exit 1; }
	exit 0
}
mk() { make --no-print-directory -s O="$B" "$@" >"$T/make.log" 2>&1 || { cat "$T/make.log" >&2; return 1; }; }

# ---- make install / uninstall --------------------------------------------------------------
S="$T/stage"
want="./opt/ior/bin/ior-analyze
./opt/ior/sbin/ior-record
./opt/ior/share/bash-completion/completions/ior-analyze
./opt/ior/share/bash-completion/completions/ior-record
./opt/ior/share/man/man1/ior-analyze.1
./opt/ior/share/man/man8/ior-record.8"
if mk install DESTDIR="$S" PREFIX=/opt/ior; then
	got=$(cd "$S" && find . ! -type d | LC_ALL=C sort)
	[ "$got" = "$want" ] || fail "make install PREFIX=/opt/ior DESTDIR=...: installed
$got
want
$want"
	[ "$(readlink "$S/opt/ior/share/bash-completion/completions/ior-record")" = ior-analyze ] ||
		fail "the ior-record completion is not a link to ior-analyze's"
	"$S/opt/ior/sbin/ior-record" --version >/dev/null || fail "the installed ior-record does not run"
	grep -q '^\.TH IOR\\-RECORD 8 .*"ior [0-9]' "$S/opt/ior/share/man/man8/ior-record.8" ||
		fail "the installed ior-record.8 has no version in its .TH line"
	mk uninstall DESTDIR="$S" PREFIX=/opt/ior || fail "make uninstall failed"
	left=$(cd "$S" && find . ! -type d)
	[ -z "$left" ] || fail "make uninstall left: $left"
else
	fail "make install DESTDIR=$S PREFIX=/opt/ior failed"
fi

# ---- make deb ------------------------------------------------------------------------------
version=$(sed -n 's/^VERSION := //p' Makefile)
deb="$B/ior_${version}_$(dpkg --print-architecture).deb"
rm -f "$deb"
mk deb || { fail "make deb failed"; finish; }
[ -f "$deb" ] || { fail "make deb did not make $deb"; finish; }
depends=$(dpkg-deb -f "$deb" Depends)
for p in libbpf1 libzstd1 libc6; do
	echo "$depends" | grep -q "\\b$p\\b" || fail "the package does not depend on $p: $depends"
done
dpkg-deb -c "$deb" >"$T/contents"
for f in ./usr/sbin/ior-record ./usr/bin/ior-analyze ./usr/share/man/man8/ior-record.8.gz \
	./usr/share/man/man1/ior-analyze.1.gz ./usr/share/bash-completion/completions/ior-analyze \
	./usr/share/doc/ior/copyright; do
	grep -q " $f\\( \\|$\\)" "$T/contents" || fail "the package lacks $f"
done

# ---- installed in a clean Debian 12 ------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: installing the package in a clean root needs root (chroot, mounts)"
	finish
fi
command -v debootstrap >/dev/null || { fail "debootstrap is missing: run 'make deps'"; finish; }
fetch_error='Failed getting release|Couldn.t download|Failed to fetch|Temporary failure resolving|Could not resolve|Network is unreachable|Connection (refused|timed out)'
if [ ! -f "$BASE/.ior-base" ]; then
	mkdir -p "$(dirname "$BASE")"
	rm -rf "$BASE.new"
	echo "deb: building a Debian 12 root in $BASE (once; about a minute)"
	if ! debootstrap --variant=minbase bookworm "$BASE.new" "$MIRROR" >"$BASE.log" 2>&1; then
		rm -rf "$BASE.new"
		if grep -qE "$fetch_error" "$BASE.log"; then
			echo "SKIP: debootstrap cannot fetch bookworm from $MIRROR (see $BASE.log);" \
				"the package was built and checked, not installed"
			finish
		fi
		fail "debootstrap failed: $(tail -n 1 "$BASE.log") (see $BASE.log)"
		finish
	fi
	rm -rf "$BASE"
	mv "$BASE.new" "$BASE"
	touch -d '2 days ago' "$BASE/.ior-base"
fi
# apt's lists live in the base, refreshed once a day
in_base() { chroot "$BASE" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C "$@"; }
if [ -n "$(find "$BASE/.ior-base" -mmin +1440)" ]; then
	cp /etc/resolv.conf "$BASE/etc/resolv.conf" 2>/dev/null
	if in_base apt-get update -qq >"$T/update.log" 2>&1; then
		touch "$BASE/.ior-base"
	elif grep -qE "$fetch_error" "$T/update.log"; then
		echo "SKIP: apt-get update cannot reach $MIRROR in the clean root ($(tail -n 1 "$T/update.log"))"
		finish
	else
		fail "apt-get update in $BASE failed: $(tail -n 1 "$T/update.log")"
		finish
	fi
fi

mkdir -p "$T/ovl" "$ROOT"
if ! { mount -t tmpfs tmpfs "$T/ovl" && mkdir "$T/ovl/up" "$T/ovl/work" &&
	mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$T/ovl/up,workdir=$T/ovl/work" "$ROOT"; }; then
	echo "deb: no overlay mount here; copying the base root instead"
	cp -a "$BASE/." "$ROOT/"
fi
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
cp "$deb" "$ROOT/tmp/"
cp tests/fuzz/corpus/reader/plain.ior "$ROOT/tmp/plain.ior"
in_root() {
	chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
		DEBIAN_FRONTEND=noninteractive "$@"
}
in_root dpkg -s libbpf1 >/dev/null 2>&1 && fail "the clean root already has libbpf1"
if ! in_root apt-get install -y -q --no-install-recommends "/tmp/${deb##*/}" >"$T/apt.log" 2>&1; then
	if grep -qE "$fetch_error" "$T/apt.log"; then
		echo "SKIP: apt-get cannot fetch the package's dependencies from $MIRROR" \
			"($(grep -E "$fetch_error" "$T/apt.log" | head -n 1))"
		finish
	fi
	fail "apt-get install ${deb##*/} failed in a clean Debian 12:"
	tail -n 15 "$T/apt.log" | sed 's/^/    /' >&2
	finish
fi
echo "deb: installed ${deb##*/} in a clean Debian 12 root; apt-get pulled in:" \
	"$(sed -n 's/^Unpacking \([^ :]*\).*/\1/p' "$T/apt.log" | grep -vx ior | tr '\n' ' ')"

# expect PATTERN COMMAND...: exit 0 and a line of stdout matching PATTERN
expect() {
	pat=$1
	shift
	if ! in_root "$@" >"$T/out" 2>"$T/err"; then
		fail "in the clean root, '$*' failed: $(head -n 1 "$T/err")"
	elif ! grep -q -- "$pat" "$T/out"; then
		fail "in the clean root, '$*' printed no line matching '$pat':"
		sed 's/^/    /' "$T/out" | head -n 5 >&2
	fi
}
expect "^ior-record $version" ior-record --version
expect "^ior-analyze $version (recording format [0-9]" ior-analyze --version
expect '^status: *closed cleanly' ior-analyze info /tmp/plain.ior
expect '^events: *40 ' ior-analyze info /tmp/plain.ior
expect '^TOTAL ' ior-analyze top /tmp/plain.ior
expect '^/usr/sbin/ior-record$' sh -c 'command -v ior-record'
# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
expect 'install ok installed' dpkg-query -W -f '${Status}\n' libbpf1
expect 'NAME' sh -c 'zcat /usr/share/man/man8/ior-record.8.gz | grep "^\.SH"'
# the packaged recorder with Debian's libbpf1 records a command (real BPF)
if [ -r /sys/kernel/btf/vmlinux ]; then
	mount --rbind /sys "$ROOT/sys" && mount --make-rslave "$ROOT/sys"
	expect '^cat ' sh -c 'ior-record -q -o /tmp/cat.ior -- cat /etc/os-release >/dev/null &&
		ior-analyze top --by comm /tmp/cat.ior'
else
	echo "deb: this kernel has no BTF: the packaged ior-record was not run"
fi
if ! in_root dpkg --verify ior >"$T/verify" 2>&1 || [ -s "$T/verify" ]; then
	fail "dpkg --verify ior: $(cat "$T/verify")"
fi
in_root dpkg --purge ior >/dev/null 2>&1 || fail "dpkg --purge ior failed"
in_root sh -c 'test ! -e /usr/sbin/ior-record && test ! -e /usr/share/man/man1/ior-analyze.1.gz' ||
	fail "files are left after dpkg --purge ior"
finish
