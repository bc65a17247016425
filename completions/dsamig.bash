# bash completion for dsamig(8)                             -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0

# The verbs, as 'dsamig --help' lists them. A new verb goes here, and its
# options and arguments in a function _dsamig_cmd_<verb> below.
_dsamig_verbs=(bench compact demote get help load promote set setup stat status top unload)

_dsamig_verbs+=(calibrate)

_dsamig_global_opts=(--help --usage --version -V)

# _dsamig_reply WORD...: complete the current word from WORDs.
_dsamig_reply()
{
	mapfile -t COMPREPLY < <(compgen -W "$*" -- "${COMP_WORDS[COMP_CWORD]}")
}

# _dsamig_nodes: the NUMA nodes that have memory, one a word: has_memory
# ("0-1,3"), or every node directory when it cannot be read.
_dsamig_nodes()
{
	local n list a b ranges=()

	if read -r list 2>/dev/null </sys/devices/system/node/has_memory && [[ $list ]]; then
		IFS=, read -ra ranges <<<"$list"
		for n in "${ranges[@]}"; do
			a=${n%-*} b=${n#*-}
			[[ $a$b =~ ^[0-9]+$ ]] || continue
			for ((; a <= b; a++)); do
				printf '%s ' "$a"
			done
		done
		return
	fi
	for n in /sys/devices/system/node/node[0-9]*; do
		[[ -e $n ]] && printf '%s ' "${n##*node}"
	done
}

# bench [--level copy|migrate] [--from NODE] [--to NODE] [--sizes LIST]
#       [--repeats N] [--backends LIST] [--svg FILE] [--json] [--quiet]
_dsamig_cmd_bench()
{
	local cur=${COMP_WORDS[COMP_CWORD]}

	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-l | --level)
		_dsamig_reply copy migrate
		return ;;
	-f | --from | -t | --to)
		_dsamig_reply "$(_dsamig_nodes)"
		return ;;
	-b | --backends)
		# a list: complete the word after the last comma
		local pre=${cur%"${cur##*,}"}
		mapfile -t COMPREPLY < <(compgen -P "$pre" -W "cpu mt dsa kernel" -- "${cur##*,}")
		return ;;
	--svg)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-s | --sizes | -r | --repeats)
		return ;;
	esac
	[[ $cur == -* ]] &&
		_dsamig_reply -l --level -f --from -t --to -s --sizes -r --repeats -b --backends \
			--svg --overhead -j --json -q --quiet --help --usage
}

# compact [--node NODES|--all] [--json] [--quiet]: nodes from /sys.
_dsamig_cmd_compact()
{
	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-N | --node)
		_dsamig_reply "$(_dsamig_nodes)"
		return ;;
	esac
	[[ ${COMP_WORDS[COMP_CWORD]} == -* ]] &&
		_dsamig_reply -N --node -a --all -j --json -q --quiet --help --usage
}

# calibrate [--from NODE --to NODE] [--repeats N] [--apply] [--save [FILE]]
# [--input FILE] [--json] [--quiet]: nodes from /sys, files for --save and --input.
_dsamig_cmd_calibrate()
{
	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-f | --from | -t | --to)
		_dsamig_reply "$(_dsamig_nodes)"
		return ;;
	-r | --repeats)
		return ;;
	--input | -s | --save)
		mapfile -t COMPREPLY < <(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")
		return ;;
	esac
	[[ ${COMP_WORDS[COMP_CWORD]} == -* ]] &&
		_dsamig_reply -f --from -t --to -r --repeats -a --apply -s --save --input \
			-j --json -q --quiet --help --usage
}

# promote and demote --from NODE --to NODE [OPTION...]: nodes from /sys.
# $1: the option that says which pages (--hot, --min-age).
_dsamig_move()
{
	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-f | --from | -t | --to)
		_dsamig_reply "$(_dsamig_nodes)"
		return ;;
	-H | --hot | --min-age | -Q | --quota | -d | --duration)
		return ;;
	esac
	[[ ${COMP_WORDS[COMP_CWORD]} == -* ]] &&
		_dsamig_reply -f --from -t --to "$@" -Q --quota -d --duration -j --json \
			-q --quiet --help --usage
}

# promote --from NODE --to NODE [--hot PERCENT] [--quota BYTES] [--duration TIME]
#         [--json] [--quiet]
_dsamig_cmd_promote()
{
	_dsamig_move -H --hot
}

# demote --from NODE --to NODE [--min-age TIME] [--quota BYTES] [--duration TIME]
#        [--json] [--quiet]
_dsamig_cmd_demote()
{
	_dsamig_move --min-age
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

# The knobs of dsamig.ko (DSAMIG_KNOBS in kmod/include/dsamig.h) and their values.
_dsamig_knobs=(backend threshold max_batch reasons channels dma_match wait timeout_ms mt_threads)
_dsamig_backends=(off dsa mt cpu)
_dsamig_reasons=(all none compaction memory_failure memory_hotplug syscall_or_cpuset
	mempolicy_mbind numa_misplaced contig_range longterm_pin demotion damon)

# load [OPTION...]
_dsamig_cmd_load()
{
	local cur=${COMP_WORDS[COMP_CWORD]}

	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-b | --backend)
		_dsamig_reply "${_dsamig_backends[@]}"
		return ;;
	-r | --reasons)
		_dsamig_reply "${_dsamig_reasons[@]}"
		return ;;
	-m | --module)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-t | --threshold | -c | --channels)
		return ;;
	esac
	_dsamig_reply -b --backend -t --threshold -r --reasons -c --channels -m --module \
		--help --usage
}

# setup [OPTION...] [DEVICE...]: options, then the DSA devices there are.
_dsamig_cmd_setup()
{
	local d devs=()

	case ${COMP_WORDS[COMP_CWORD - 1]} in
	-s | --wq-size | -e | --engines | -p | --priority)
		return ;;
	esac
	if [[ ${COMP_WORDS[COMP_CWORD]} == -* ]]; then
		_dsamig_reply -s --wq-size -e --engines -p --priority -n --dry-run -f --force \
			-r --reset -j --json --help --usage
		return
	fi
	for d in /sys/bus/dsa/devices/dsa*; do
		[[ -e $d ]] && devs+=("${d##*/}")
	done
	_dsamig_reply "${devs[@]}"
}

# status [--json]
_dsamig_cmd_status()
{
	_dsamig_reply -j --json --help --usage
}

# unload
_dsamig_cmd_unload()
{
	_dsamig_reply --help --usage
}

# set KEY=VALUE...: knob names, then the values of enumerated knobs.
_dsamig_cmd_set()
{
	local cur=${COMP_WORDS[COMP_CWORD]} k

	if [[ $cur == -* ]]; then
		_dsamig_reply --help --usage
		return
	fi
	# bash splits KEY=VALUE at '=' (COMP_WORDBREAKS): the word before is '='.
	if [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
		k=${COMP_WORDS[COMP_CWORD - 2]}
		case $k in
		backend) _dsamig_reply "${_dsamig_backends[@]}" ;;
		wait) _dsamig_reply poll irq ;;
		reasons) _dsamig_reply "${_dsamig_reasons[@]}" ;;
		dma_match) _dsamig_reply dsa any ;;
		esac
		return
	fi
	mapfile -t COMPREPLY < <(compgen -S = -W "${_dsamig_knobs[*]}" -- "$cur")
	compopt -o nospace 2>/dev/null
}

# get [KEY...]
_dsamig_cmd_get()
{
	if [[ ${COMP_WORDS[COMP_CWORD]} == -* ]]; then
		_dsamig_reply --help --usage
		return
	fi
	_dsamig_reply "${_dsamig_knobs[@]}"
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
