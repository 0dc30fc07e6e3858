#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The manual pages (man/): they render with groff warnings as errors; every option the
# binaries accept has an entry (a .TP tag) in its command's section (or, for ior-analyze's
# filters, in FILTERS), and every entry names an option that exists. The accepted options
# are read from the binaries themselves: tests/cli/optdump.c, preloaded, prints the table
# each one hands to getopt_long. The examples of both pages parse.
set -u
LC_ALL=C
export LC_ALL
B=$(cd "${IOR_BUILD:-build}" && pwd)
REC="$B/ior-record"
ANA="$B/ior-analyze"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

command -v groff >/dev/null ||
	{ echo "man.sh: groff is missing: run 'make deps' (Debian package groff-base)" >&2; exit 1; }
for page in man/ior-record.8 man/ior-analyze.1; do
	for dev in ps utf8; do
		groff -ww -z -man -T"$dev" "$page" 2>"$T/warn"
		[ -s "$T/warn" ] && fail "$page: groff -T$dev warns:" && sed 's/^/    /' "$T/warn" >&2
	done
done

# ---- the options the binaries accept -------------------------------------------------------
${CC:-cc} -shared -fPIC -o "$T/optdump.so" tests/cli/optdump.c ||
	{ echo "man.sh: cannot build the getopt_long shim" >&2; exit 1; }

# accepted OUT BINARY [COMMAND]: "--name" and "-x" lines, sorted, from the preloaded shim
accepted() {
	out=$1
	shift
	LD_PRELOAD="$T/optdump.so" "$@" </dev/null >"$T/dump" 2>/dev/null
	if ! grep -q '^short ' "$T/dump"; then
		fail "$* never called getopt_long: cannot read its options"
		: >"$out"
		return
	fi
	{
		sed -n 's/^long \([^ ]*\) .*/--\1/p' "$T/dump"
		sed -n 's/^short //p' "$T/dump" | tr -d '+:' | fold -w1 | sed 's/^/-/'
	} | sort -u >"$out"
}

# ---- the entries of a page's section ----------------------------------------------------------
# tags PAGE SECTION: the options named in the .TP tags of the .SH/.SS section whose title
# starts with SECTION ("OPTIONS", "FILTERS", "ior-analyze top "), one per line, sorted.
tags() {
	awk -v want="$2" '
		/^\.S[HS] / {
			t = $0; sub(/^\.S[HS] +/, "", t); gsub(/"/, "", t); gsub(/\\-/, "-", t)
			on = index(t, want) == 1; prev = ""; next
		}
		on && prev == ".TP" { print }
		{ prev = $0 }' "$1" |
		sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' |
		grep -oE -- '(^|[ "])--?[A-Za-z0-9][A-Za-z0-9-]*' | sed 's/^[ "]*//' | sort -u
}

# covered WHAT ACCEPTED DOCUMENTED...: every accepted option is in one of the documented lists
covered() {
	what=$1 acc=$2
	shift 2
	sort -u "$@" >"$T/doc"
	for o in $(comm -23 "$acc" "$T/doc"); do
		fail "$what accepts $o, but its manual page section has no .TP entry for it"
	done
}

# exists WHAT ACCEPTED DOCUMENTED: every documented option is accepted
exists() {
	for o in $(comm -13 "$2" "$3"); do
		fail "$1: the manual page documents $o, which it does not accept"
	done
}

# ior-record(8)
accepted "$T/rec.acc" "$REC"
tags man/ior-record.8 OPTIONS >"$T/rec.doc"
covered "ior-record (man/ior-record.8, OPTIONS)" "$T/rec.acc" "$T/rec.doc"
exists ior-record "$T/rec.acc" "$T/rec.doc"

# the default --attach mode, once --help names it, is the page's
help_mode=$("$REC" --help | sed -n '/--attach/,/^ *-[^ ]/p' | tr '\n' ' ' |
	sed -n 's/.*[ (]\([a-z]*\) ([^)]*the default).*/\1/p')
page_mode=$(groff -man -Tascii -P-cbou -rLL=300n man/ior-record.8 2>/dev/null |
	sed -n 's/.* \([a-z]*\) (the default).*/\1/p' | head -n 1)
if [ -n "$help_mode" ] && [ "$help_mode" != "$page_mode" ]; then
	fail "ior-record --help names '$help_mode' the default --attach mode, man/ior-record.8 '$page_mode'"
fi

# ior-analyze(1): its commands, each in a section "ior-analyze CMD ..."; FILTERS shared
P=man/ior-analyze.1
cmds=$("$ANA" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
[ -n "$cmds" ] || fail "no commands in 'ior-analyze --help'"
tags "$P" FILTERS >"$T/filters.doc"
[ -s "$T/filters.doc" ] || fail "$P: no FILTERS section with entries"
for c in $cmds; do
	grep -q "^\.SS \"ior\\\\-analyze $c " "$P" || fail "$P: no section for the command '$c'"
	accepted "$T/$c.acc" "$ANA" "$c"
	tags "$P" "ior-analyze $c " >"$T/$c.doc"
	covered "ior-analyze $c ($P, section 'ior-analyze $c' or FILTERS)" "$T/$c.acc" \
		"$T/$c.doc" "$T/filters.doc"
	exists "ior-analyze $c" "$T/$c.acc" "$T/$c.doc"
	exists "ior-analyze $c (FILTERS)" "$T/$c.acc" "$T/filters.doc"
done
sed -n 's/^\.SS "ior\\-analyze \([a-z]*\) .*/\1/p' "$P" | while IFS= read -r s; do
	echo "$cmds" | grep -qx "$s" || { echo "FAIL: $P: a section for '$s', not a command" >&2; exit 1; }
done || fails=$((fails + 1))
# without a command, main() itself takes -h/--help and --version (no getopt_long)
printf '%s\n' --help --version -h | sort >"$T/top.acc"
tags "$P" OPTIONS >"$T/top.doc"
covered "ior-analyze ($P, OPTIONS)" "$T/top.acc" "$T/top.doc"
exists ior-analyze "$T/top.acc" "$T/top.doc"
for o in --help -h --version; do
	"$ANA" "$o" >/dev/null 2>&1 || fail "ior-analyze $o does not exit 0"
done

# ---- the examples parse ----------------------------------------------------------------------
# ior-analyze's run on bundled recordings (pipes and redirections cut off); ior-record's are
# parsed only: -h after the options makes it check them all, then print its help.
cp tests/fuzz/corpus/reader/chunks.ior "$T/prod.ior"
cp tests/fuzz/corpus/reader/chunks.ior "$T/before.ior"
cp tests/fuzz/corpus/reader/plain.ior "$T/after.ior"
cp tests/fuzz/corpus/reader/plain.ior "$T/mysqld.ior"
examples() {
	groff -man -Tascii -P-cbou -rLL=300n "$1" 2>/dev/null |
		awk '/^EXAMPLES/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		sed -n "s/^ *[a-z]*[#\$] *\\($2\\( .*\\)\\{0,1\\}\\)\$/\\1/p" |
		sed -e 's/ *# .*//' -e 's/ [|>] .*//'
}
n=0
examples "$P" ior-analyze >"$T/ex"
while IFS= read -r line; do
	n=$((n + 1))
	(cd "$T" && eval "\"$ANA\" ${line#ior-analyze }") >/dev/null 2>"$T/err" ||
		fail "example '$line' fails: $(head -n 1 "$T/err")"
done <"$T/ex"
[ "$n" -ge 5 ] || fail "$P: only $n ior-analyze examples found"
n=0
examples man/ior-record.8 ior-record >"$T/ex"
while IFS= read -r line; do
	n=$((n + 1))
	# shellcheck disable=SC2016 # a literal $(...) of the page
	args=$(echo "${line#ior-record}" | sed -e 's/\$([^)]*)/1/g' -e 's/ -- .*//')
	eval "\"$REC\" $args -h" >/dev/null 2>"$T/err" ||
		fail "example '$line' does not parse: $(head -n 1 "$T/err")"
done <"$T/ex"
[ "$n" -ge 4 ] || fail "man/ior-record.8: only $n ior-record examples found"

[ "$fails" -eq 0 ] || { echo "man.sh: $fails failure(s)" >&2; exit 1; }
echo "man.sh: both pages render cleanly and document every option the binaries accept"
