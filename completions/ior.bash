# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Bash completion for ior-record(8) and ior-analyze(1): commands, options, field names,
# weights, metrics, classes, syscall names, .ior files. 'make install' puts it in
# $(PREFIX)/share/bash-completion/completions/ as ior-analyze, with ior-record a link to
# it; it needs none of the bash-completion package's helpers (and uses _command_offset
# after 'ior-record --' when that package is there). Try it: . build/completions/ior
# (made by 'make completion', which fills in the syscall names from common/syscalls.c).

_ior_fields="comm pid tid path dir dir:1 dir:2 dir:3 syscall class fd flags errno"
_ior_weights="count duration bytes gap"
_ior_metrics="count errors bytes total mean p50 p90 p99 p99.9 max"
_ior_classes="open close read write transfer seek sync stat meta xattr dir name dup mmap async
lock ioctl fdnew other"
_ior_syscalls="@IOR_SYSCALLS@"
[[ $_ior_syscalls == @* ]] && _ior_syscalls="" # the source file, not made by make

_ior_filter_opts="--pid --tid --comm --path --syscall --class --from --to --min-duration --failed"
# ior-analyze's options per command (those its --help lists) and those that take a value
_ior_analyze_opts_info="--salvage"
_ior_analyze_opts_dump="--json --salvage"
_ior_analyze_opts_top="--by --fields --sort -n --json --csv --salvage"
_ior_analyze_opts_collapse="--fields --by --weight --path-frames --salvage"
_ior_analyze_opts_flamegraph="-o --output --fields --by --weight --path-frames --inverted --title
--width --salvage"
_ior_analyze_opts_diff="--by --fields --normalize -n --json --csv --collapsed --svg --negate
--weight --path-frames --salvage"
_ior_analyze_value_opts="--by --fields --weight --sort -n -o --output --svg --title --width
--pid --tid --comm --path --syscall --class --from --to --min-duration"
_ior_record_opts="-o --output -d --duration -p --pid -t --tid -c --comm --path -e --syscalls
-x --exclude --ringbuf-size --flush-interval --max-size --attach --force -q --quiet
-v --verbose -h --help -V --version"
_ior_record_value_opts="-o --output -d --duration -p --pid -t --tid -c --comm --path -e
--syscalls -x --exclude --ringbuf-size --flush-interval --max-size --attach"

# Sets _ior_w (the words up to the cursor) and _ior_cur (the word being completed) with the
# words bash split at ':' and '=' joined again ("dir", ":", "2" is "dir:2"; "--by", "=" is
# "--by="), and _ior_rl, the part of _ior_cur that bash replaces (after the last : or =).
_ior_words()
{
	local i w
	_ior_w=()
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((i > 0)) && [[ $w == [:=] || ${COMP_WORDS[i - 1]} == [:=] ]]; then
			_ior_w[-1]+=$w
		else
			_ior_w+=("$w")
		fi
	done
	_ior_cur=${_ior_w[-1]}
	_ior_rl=${_ior_cur##*[:=]}
}

# _ior_add WORDS TEXT [PREFIX]: add the WORDS starting with TEXT, each written PREFIX+WORD.
_ior_add()
{
	local IFS=$' \t\n' w
	for w in $1; do
		[[ $w == "$2"* ]] && COMPREPLY+=("${3-}$w")
	done
}

# _ior_list WORDS TEXT [PREFIX]: complete the last item of a comma list.
_ior_list()
{
	local pre=${3-}
	[[ $2 == *,* ]] && pre+=${2%,*},
	_ior_add "$1" "${2##*,}" "$pre"
	compopt -o nospace 2>/dev/null
}

# _ior_files PATTERN TEXT: files matching PATTERN (a glob; "" for all) and directories.
_ior_files()
{
	local f
	if [[ -z $1 ]]; then
		while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -f -- "$2")
	else
		while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -d -- "$2")
		while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -f -X "!$1" -- "$2")
	fi
	compopt -o filenames 2>/dev/null
}

# Bash replaces only what follows the last ':' or '=': cut the rest off every reply.
_ior_finish()
{
	local i cut=$((${#_ior_cur} - ${#_ior_rl}))
	((cut > 0)) || return 0
	for i in "${!COMPREPLY[@]}"; do
		COMPREPLY[i]=${COMPREPLY[i]:cut}
	done
}

# _ior_analyze_value OPT TEXT PREFIX: the value of an ior-analyze option.
_ior_analyze_value()
{
	case $1 in
	--by | --fields) _ior_list "$_ior_fields" "$2" "$3" ;;
	--weight) _ior_add "$_ior_weights" "$2" "$3" ;;
	--sort) _ior_add "$_ior_metrics" "$2" "$3" ;;
	--class) _ior_list "$_ior_classes" "$2" "$3" ;;
	--syscall) _ior_list "$_ior_syscalls" "$2" "$3" ;;
	-o | --output | --svg) [[ $3 ]] || _ior_files '*.svg' "$2" ;;
	--path) [[ $3 ]] || _ior_files "" "$2" ;;
	esac
}

# _ior_value_of FUNCTION VALUE_OPTIONS: when the word being completed is an option's value
# (--opt=TEXT, or TEXT after one of VALUE_OPTIONS), FUNCTION OPT TEXT PREFIX completes it.
_ior_value_of()
{
	if [[ $_ior_cur == --*=* ]]; then
		"$1" "${_ior_cur%%=*}" "${_ior_cur#*=}" "${_ior_cur%%=*}="
	elif ((${#_ior_w[@]} > 1)) && _ior_is_in "${_ior_w[-2]}" "$2"; then
		"$1" "${_ior_w[-2]}" "$_ior_cur" ""
	else
		return 1
	fi
	return 0
}

_ior_is_in() # WORD LIST
{
	local IFS=$' \t\n' w
	for w in $2; do
		[[ $w == "$1" ]] && return 0
	done
	return 1
}

_ior_analyze()
{
	local cmd="" i opts
	COMPREPLY=()
	_ior_words
	# the command: the first word after the program that is not an option
	for ((i = 1; i < ${#_ior_w[@]} - 1; i++)); do
		[[ ${_ior_w[i]} == -* ]] || { cmd=${_ior_w[i]}; break; }
	done
	if [[ -z $cmd ]]; then
		if [[ $_ior_cur == -* ]]; then
			_ior_add "--help --version -h" "$_ior_cur"
		else
			_ior_add "info dump top collapse flamegraph diff help" "$_ior_cur"
		fi
		_ior_finish
		return 0
	fi
	if _ior_value_of _ior_analyze_value "$_ior_analyze_value_opts"; then
		:
	elif [[ $_ior_cur == -* ]]; then
		opts="_ior_analyze_opts_$cmd"
		[[ -v $opts ]] || return 0
		_ior_add "${!opts} $_ior_filter_opts -h --help" "$_ior_cur"
	else
		_ior_files '*.ior' "$_ior_cur"
	fi
	_ior_finish
	return 0
}

_ior_record_value()
{
	local f
	case $1 in
	-o | --output) [[ $3 ]] || _ior_files '*.ior' "$2" ;;
	-p | --pid)
		for f in /proc/[0-9]*; do
			[[ ${f#/proc/} == "$2"* ]] && COMPREPLY+=("$3${f#/proc/}")
		done
		;;
	-t | --tid)
		for f in /proc/[0-9]*/task/[0-9]*; do
			[[ ${f##*/} == "$2"* ]] && COMPREPLY+=("$3${f##*/}")
		done
		;;
	-c | --comm)
		while IFS= read -r f; do
			[[ $f == "$2"* ]] && COMPREPLY+=("$3$f")
		done < <(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)
		;;
	--path) [[ $3 ]] || _ior_dirs "$2" ;;
	-e | --syscalls | -x | --exclude) _ior_list "$_ior_syscalls" "$2" "$3" ;;
	--attach) _ior_add "btf tracepoint" "$2" "$3" ;;
	--ringbuf-size) _ior_add "4M 8M 16M 32M 64M 128M 256M 512M 1G" "$2" "$3" ;;
	esac
}

_ior_dirs()
{
	local f
	while IFS= read -r f; do
		COMPREPLY+=("$f")
	done < <(compgen -d -- "$1")
	compopt -o filenames 2>/dev/null
}

_ior_record()
{
	local i w
	COMPREPLY=()
	_ior_words
	# after --: the command and its own completion
	for ((i = 1; i < ${#_ior_w[@]} - 1; i++)); do
		[[ ${_ior_w[i]} == -- ]] || continue
		if ((i == ${#_ior_w[@]} - 2)); then
			while IFS= read -r w; do
				COMPREPLY+=("$w")
			done < <(compgen -c -- "$_ior_cur" | sort -u)
		elif declare -F _command_offset >/dev/null && ((${#_ior_w[@]} == COMP_CWORD + 1)); then
			_command_offset $((i + 1))
		else
			_ior_files "" "$_ior_cur"
		fi
		return 0
	done
	if ! _ior_value_of _ior_record_value "$_ior_record_value_opts" && [[ $_ior_cur == -* ]]; then
		_ior_add "$_ior_record_opts --" "$_ior_cur"
	fi
	_ior_finish
	return 0
}

complete -F _ior_analyze ior-analyze
complete -F _ior_record ior-record
