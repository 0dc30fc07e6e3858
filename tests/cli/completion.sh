#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The bash completion (completions/ior.bash, as 'make completion' fills it in): driven
# through COMP_WORDS/COMP_CWORD as bash splits a line, it completes commands, options per
# command, field lists, weights, metrics, classes, syscalls, .ior files and ior-record's
# values; its lists agree with what the binaries accept (read through tests/cli/optdump.c)
# and document (--help).
# shellcheck disable=SC2154 # the _ior_* lists come from the sourced completion
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
export LC_ALL=C
B=$(cd "${IOR_BUILD:-build}" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

make --no-print-directory -s O="$B" completion >/dev/null ||
	{ echo "completion.sh: 'make completion' failed" >&2; exit 1; }
# shellcheck source=/dev/null
. "$B/completions/ior" || { echo "completion.sh: cannot source $B/completions/ior" >&2; exit 1; }

# replies FUNCTION WORD...: what FUNCTION offers for the last WORD, sorted, on one line.
# The words are given as bash splits them: 'dir:2' is three words, 'dir' ':' '2'.
replies() {
	local fn=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# expect "WANT" FUNCTION WORD...: the replies are exactly WANT (sorted, space-separated)
expect() {
	local want=$1 got
	shift
	got=$(replies "$@")
	[ "$got" = "$want" ] || fail "${*:2} <TAB>: got '$got', want '$want'"
}

# has "WORD..." FUNCTION WORD...: the replies include every WORD
has() {
	local want=$1 got w
	shift
	got=" $(replies "$@") "
	for w in $want; do
		[[ $got == *" $w "* ]] || fail "${*:2} <TAB>: no '$w' in '$got'"
	done
}

A=_ior_analyze
R=_ior_record
expect "collapse diff dump flamegraph help info top" $A ior-analyze ""
expect "flamegraph" $A ior-analyze fl
expect "--help --version" $A ior-analyze --
expect "--salvage --sort --syscall" $A ior-analyze top --s
has "--by --json --csv -n --pid --min-duration --failed --help" $A ior-analyze top -
expect "--inverted" $A ior-analyze flamegraph --in
expect "--negate --normalize" $A ior-analyze diff --n
# field lists, with the words bash splits at ':' and '='
expect "comm,path comm,pid" $A ior-analyze top --by comm,p
expect "comm,path,class comm,path,comm" $A ior-analyze collapse --fields comm,path,c
expect "1 2 3" $A ior-analyze top --by comm,dir :
expect "2" $A ior-analyze top --by comm,dir : 2
expect "comm" $A ior-analyze top --by = co
expect "dir dir:1 dir:2 dir:3" $A ior-analyze top --by = di
expect "bytes count duration gap" $A ior-analyze collapse --weight ""
expect "p50 p90 p99 p99.9" $A ior-analyze top --sort p
expect "p90 p99 p99.9" $A ior-analyze top --sort = p9
expect "read,read read,readahead read,readlink read,readlinkat read,readv" \
	$A ior-analyze dump --syscall read,rea
expect "fsync" $A ior-analyze dump --syscall fsy
expect "open,fdnew" $A ior-analyze dump --class open,fd
# files: .ior recordings and directories; an option's value is not a file
mkdir -p "$T/d/sub"
touch "$T/d/a.ior" "$T/d/b.ior" "$T/d/notes.txt"
(cd "$T/d" && expect "a.ior b.ior sub" $A ior-analyze info "")
(cd "$T/d" && expect "a.ior b.ior sub" $A ior-analyze diff a.ior "")
(cd "$T/d" && expect "a.ior" $A ior-analyze top --by path a)
(cd "$T/d" && expect "" $A ior-analyze top --comm "")
# ior-record
expect "--flush-interval --force" $R ior-record --f
has "-o --output -d -p --pid -e -x --attach --ringbuf-size --max-size -q -V --" $R ior-record -
expect "btf tracepoint" $R ior-record --attach ""
expect "tracepoint" $R ior-record --attach = t
expect "fdatasync" $R ior-record -e fdat
expect "openat,fsetxattr openat,fstat openat,fstatfs openat,fsync" $R ior-record -x openat,fs
has "$$" $R ior-record -p "$$"
has "$(cat /proc/$$/comm)" $R ior-record --comm "$(cut -c1-3 /proc/$$/comm)"
(cd "$T/d" && expect "a.ior b.ior sub" $R ior-record -o "")
(cd "$T/d" && expect "sub" $R ior-record --path s)
has "bash basename" $R ior-record -q -- bas
(cd "$T/d" && expect "notes.txt" $R ior-record -- cat n)

# ---- the lists agree with the binaries ------------------------------------------------------
# what the help documents must be offered; what is offered must be accepted; the options
# that take a value are those the completion treats so (getopt_long tables via the shim)
${CC:-cc} -shared -fPIC -o "$T/optdump.so" tests/cli/optdump.c ||
	{ echo "completion.sh: cannot build the getopt_long shim" >&2; exit 1; }
# accepted BINARY [COMMAND]: "--name ARG" lines (ARG 0 or 1) and "-x ARG" lines
accepted() {
	LD_PRELOAD="$T/optdump.so" "$@" </dev/null 2>/dev/null | awk '
		$1 == "long" { print "--" $2, $3 }
		$1 == "short" {
			s = $2; gsub(/^[+:]+/, "", s)
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c != ":") print "-" c, (substr(s, i + 1, 1) == ":")
			}
		}' | sort -u
}
# documented BINARY [COMMAND]: the options its --help lists (lines starting with -)
documented() {
	"$@" --help | grep -E '^ +-' | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z0-9-]*' |
		sed 's/^[ ,]*//' | sort -u
}
# flat TEXT: the words of TEXT on one line, one space apart
flat() { printf '%s\n' "$1" | tr -s '[:space:]' ' ' | sed -e 's/^ //' -e 's/ $//'; }
# check NAME OFFERED VALUE_OPTS BINARY [COMMAND]
check() {
	local name=$1 offered valopts o arg
	offered=$(flat "$2") valopts=$(flat "$3")
	shift 3
	accepted "$@" >"$T/acc"
	[ -s "$T/acc" ] || { fail "$name: cannot read the options it accepts"; return; }
	documented "$@" >"$T/doc"
	while read -r o; do
		[[ " $offered " == *" $o "* ]] || fail "$name: --help lists $o; completions/ior.bash does not offer it"
	done <"$T/doc"
	for o in $offered; do
		grep -q -- "^$o " "$T/acc" || fail "$name: completions/ior.bash offers $o, which it does not accept"
	done
	while read -r o arg; do
		[[ " $offered " == *" $o "* ]] || continue
		if [ "$arg" = 1 ] && [[ " $valopts " != *" $o "* ]]; then
			fail "$name: $o takes a value; add it to the value options in completions/ior.bash"
		elif [ "$arg" = 0 ] && [[ " $valopts " == *" $o "* ]]; then
			fail "$name: $o takes no value, but completions/ior.bash treats it as one"
		fi
	done <"$T/acc"
}
cmds=$("$B/ior-analyze" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
[ "$(flat "$cmds")" = "info dump top collapse flamegraph diff" ] ||
	fail "ior-analyze's commands are now '$(flat "$cmds")': update completions/ior.bash"
for c in $cmds; do
	v="_ior_analyze_opts_$c"
	check "ior-analyze $c" "${!v} $_ior_filter_opts -h --help" "$_ior_analyze_value_opts" \
		"$B/ior-analyze" "$c"
done
check ior-record "$_ior_record_opts" "$_ior_record_value_opts" "$B/ior-record"

# the value lists against the help texts
words() { tr -s ' ,' '\n' | grep -v '^$' | sort -u; }
# same NAME LIST HELP_WORDS
same() {
	[ "$(printf '%s\n' "$2" | words)" = "$(printf '%s\n' "$3" | words)" ] ||
		fail "$1 in completions/ior.bash: '$(flat "$2")'; the help says '$(flat "$3")'"
}
help_top=$("$B/ior-analyze" top --help)
help_collapse=$("$B/ior-analyze" collapse --help)
same fields "$_ior_fields" "$(echo "$help_top" | sed -n 's/.*from: //p' | sed 's/dir:N/dir:1 dir:2 dir:3/')"
same metrics "$_ior_metrics" "$(echo "$help_top" | sed -n '/^  --sort/,/largest first/p' |
	sed -e 's/.*METRIC//' -e 's/(default)//' -e 's/; largest first//' -e 's/ or / /')"
same weights "$_ior_weights" "$(echo "$help_collapse" | sed -n 's/.*--weight W//p' |
	sed -e 's/([^)]*)//g' -e 's/(.*//' -e 's/ or / /')"
same classes "$_ior_classes" "$(echo "$help_top" | sed -n '/^  --class/,/other/p' | sed 's/.*CLASS\]//')"
for s in read openat newfstatat fsync pread64 statx io_uring_enter; do
	[[ " $_ior_syscalls " == *" $s "* ]] || fail "syscalls: no '$s' in the completion's list"
done
for a in btf tracepoint; do
	"$B/ior-record" --attach "$a" --help >/dev/null 2>&1 || fail "ior-record rejects --attach $a"
done

[ "$fails" -eq 0 ] || { echo "completion.sh: $fails failure(s)" >&2; exit 1; }
echo "completion.sh: completions for both commands, in step with the binaries"
