# bash completion for dsamig(8)                             -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0

# The verbs, as 'dsamig --help' lists them. A new verb goes here, and its
# options and arguments in a function _dsamig_cmd_<verb> below.
_dsamig_verbs=(help stat top)

_dsamig_global_opts=(--help --usage --version -V)

# _dsamig_reply WORD...: complete the current word from WORDs.
_dsamig_reply()
{
	mapfile -t COMPREPLY < <(compgen -W "$*" -- "${COMP_WORDS[COMP_CWORD]}")
}

# help [COMMAND]. $1: the index of the verb in COMP_WORDS.
_dsamig_cmd_help()
{
	local i args=0

	if [[ ${COMP_WORDS[COMP_CWORD]} == -* ]]; then
		_dsamig_reply --help --usage
		return
	fi
	for ((i = $1 + 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -* ]] || ((args++))
	done
	((args == 0)) && _dsamig_reply "${_dsamig_verbs[@]}"
}

# top [OPTION...]
_dsamig_cmd_top()
{
	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-d | --delay | -n | --iterations | --duration)
		return ;;
	esac
	[[ ${COMP_WORDS[COMP_CWORD]} == -* ]] &&
		_dsamig_reply -d --delay -b --batch -j --json --csv -n --iterations \
			--duration --help --usage
}

# stat [OPTION...] -- COMMAND [ARG...]: after --, what the command takes.
_dsamig_cmd_stat()
{
	local i

	for ((i = $1 + 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			if ((i + 1 == COMP_CWORD)); then
				mapfile -t COMPREPLY < <(compgen -c -- "${COMP_WORDS[COMP_CWORD]}")
			else
				mapfile -t COMPREPLY < <(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")
			fi
			return
		fi
	done
	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-o | --output)
		mapfile -t COMPREPLY < <(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")
		return ;;
	esac
	_dsamig_reply -j --json -o --output -- --help --usage
}

_dsamig()
{
	local i=1 opts=1

	COMPREPLY=()
	# Skip the global options up to the verb; '--' ends them.
	while ((i < COMP_CWORD)) && [[ ${COMP_WORDS[i]} == -* ]]; do
		if [[ ${COMP_WORDS[i++]} == -- ]]; then
			opts=0
			break
		fi
	done
	if ((i == COMP_CWORD)); then
		if ((opts)) && [[ ${COMP_WORDS[i]} == -* ]]; then
			_dsamig_reply "${_dsamig_global_opts[@]}"
		else
			_dsamig_reply "${_dsamig_verbs[@]}"
		fi
	elif declare -F "_dsamig_cmd_${COMP_WORDS[i]}" >/dev/null; then
		"_dsamig_cmd_${COMP_WORDS[i]}" "$i"
	fi
	return 0
}

complete -F _dsamig dsamig
