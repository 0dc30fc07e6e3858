#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Turn a staged 'make install DESTDIR=DIR/debian/ior PREFIX=/usr' into a Debian package
# with dpkg-deb: man pages compressed, /usr/share/doc/ior (copyright, changelog), md5sums,
# Depends computed by dpkg-shlibdeps, files owned by root. Called by 'make deb'.
# Usage: scripts/mkdeb.sh DIR VERSION OUTPUT.deb   (DIR holds debian/ior)
set -eu
die() {
	echo "mkdeb: $*" >&2
	exit 1
}
[ $# -eq 3 ] || die "usage: scripts/mkdeb.sh DIR VERSION OUTPUT.deb"
dir=$1 version=$2 out=$3
src=$(cd "$(dirname "$0")/.." && pwd)
root="$dir/debian/ior"
{ [ -x "$root/usr/bin/ior-analyze" ] && [ -x "$root/usr/sbin/ior-record" ]; } ||
	die "'$root' holds no staged install (make install DESTDIR=$root PREFIX=/usr)"
for t in dpkg-deb dpkg-shlibdeps gzip; do
	command -v "$t" >/dev/null || die "'$t' not found: install dpkg-dev (apt-get install dpkg-dev)"
done
arch=$(dpkg --print-architecture)
# reproducible: every date is the last commit's (or SOURCE_DATE_EPOCH's)
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

# Debian policy: compressed manual pages, copyright and changelog in /usr/share/doc/ior
find "$root/usr/share/man" -type f -name '*.[1-8]' -exec gzip -9nf {} +
doc="$root/usr/share/doc/ior"
mkdir -p "$doc"
cp "$src/packaging/copyright" "$doc/copyright"
maint=$(sed -n 's/^Maintainer: //p' "$src/packaging/control.in")
{
	printf 'ior (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * Built from the ior source tree (make deb).\n\n'
	printf ' -- %s  %s\n' "$maint" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"

# Depends: what the binaries link, with the versions Debian's shlibs files give (it finds
# the package's root by its DEBIAN folder)
rm -rf "$root/DEBIAN"
mkdir -p "$dir/debian" "$root/DEBIAN"
printf 'Source: ior\n\nPackage: ior\nArchitecture: any\n' >"$dir/debian/control"
depends=$(cd "$dir" && dpkg-shlibdeps -O -edebian/ior/usr/sbin/ior-record \
	-edebian/ior/usr/bin/ior-analyze | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || die "dpkg-shlibdeps found no dependencies"

find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod go-w,a+r {} +
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
	xargs -0 md5sum) >"$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	-e "s/@DEPENDS@/$depends/" "$src/packaging/control.in" >"$root/DEBIAN/control"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
