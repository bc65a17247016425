# Helpers for the dsamig.ko guest suites.

TOP=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
# The modules built for the running kernel (scripts/kbuild.sh).
KMOD=$TOP/build/kmod/$(uname -r)
DSAMIG_KO=$KMOD/dsamig.ko
MIGSTRESS=$TOP/build/tests/vm/tools/migstress
KNOBS=/sys/module/dsamig/parameters
COUNTERS=/sys/kernel/dsamig
HEADER=$TOP/kmod/include/dsamig.h

dsamig_load() {
	insmod "$DSAMIG_KO" "$@"
}

dsamig_unload() {
	[[ -d /sys/module/dsamig ]] || return 0
	rmmod dsamig
}

# counter PATH: a counter under /sys/kernel/dsamig.
counter() {
	cat "$COUNTERS/$1"
}

# knob_default NAME: the default DSAMIG_KNOBS gives NAME in kmod/include,
# as the knob reads back: a UINT's number, an ENUM's suffix named by the
# list named after the knob (backend DSA: X(DSA, "dsa") of DSAMIG_BACKENDS),
# a LIST's all or none, a STRING's text.
knob_default() {
	local kind def

	read -r kind def < <(sed -n \
		"s/^[[:space:]]*X($1, \([A-Z]*\), [0-9]*, [0-9]*, \([^,]*\),.*/\1 \2/p" "$HEADER")
	case $kind in
	UINT) echo "$def" ;;
	ENUM) sed -n "/^#define DSAMIG_${1^^}S(X)/,/^\$/ s/^[[:space:]]*X($def, \"\([^\"]*\)\").*/\1/p" \
		"$HEADER" ;;
	LIST) echo "${def,,}" ;;
	STRING) def=${def#\"}; echo "${def%\"}" ;;
	esac
}

# json_field JSON KEY: a number from migstress's one-line JSON.
json_field() {
	sed -n "s/.*\"$2\": \([0-9.]*\).*/\1/p" <<<"$1"
}

# migstress_ok ARGS...: run the workload; fail unless every page is intact
# and pages moved. Leaves its JSON in $ms.
migstress_ok() {
	ms=$("$MIGSTRESS" --json "$@")
	echo "$ms"
	[ "$(json_field "$ms" bad_pages)" -eq 0 ]
	[ "$(json_field "$ms" moved)" -gt 0 ]
}

MEMHOLD=$TOP/build/tests/vm/tools/memhold

# memhold_start ARGS...: hold memory in the background until memhold_stop;
# returns once it is set up. Its output goes to $BATS_TEST_TMPDIR/memhold.
memhold_start() {
	"$MEMHOLD" "$@" > "$BATS_TEST_TMPDIR/memhold" &
	memhold_pid=$!
	for _ in $(seq 100); do
		grep -q ready "$BATS_TEST_TMPDIR/memhold" && return 0
		sleep 0.2
	done
	return 1
}

# memhold_stop: stop it and fail unless every page it held is intact.
memhold_stop() {
	kill -TERM "$memhold_pid"
	wait "$memhold_pid"
	tail -n 1 "$BATS_TEST_TMPDIR/memhold"
	grep -q '"bad_pages": 0' "$BATS_TEST_TMPDIR/memhold"
}

# node_range N: "start end" of node N's memory, from its memory blocks.
node_range() {
	local bs ids
	bs=$((16#$(cat /sys/devices/system/memory/block_size_bytes)))
	ids=$(ls -d /sys/devices/system/node/node$1/memory[0-9]* | sed 's/.*memory//' | sort -n)
	echo "$(($(head -n 1 <<<"$ids") * bs)) $((($(tail -n 1 <<<"$ids") + 1) * bs))"
}

DAMON=/sys/kernel/mm/damon/admin/kdamonds

# damon_migrate ACTION FROM TO: one kdamond, paddr over node FROM, one
# scheme ACTION to node TO: migrate_hot takes regions accessed at least once
# per aggregation, migrate_cold those never accessed. (A new scheme's
# ranges are all 0: it would match nothing.)
damon_migrate() {
	local c s range
	range=($(node_range "$2"))
	damon_exclusive_off
	echo 1 > $DAMON/nr_kdamonds
	echo 1 > $DAMON/0/contexts/nr_contexts
	c=$DAMON/0/contexts/0
	echo paddr > $c/operations
	echo 1 > $c/targets/nr_targets
	echo 1 > $c/targets/0/regions/nr_regions
	echo "${range[0]}" > $c/targets/0/regions/0/start
	echo "${range[1]}" > $c/targets/0/regions/0/end
	echo 1 > $c/schemes/nr_schemes
	s=$c/schemes/0
	echo 4096 > $s/access_pattern/sz/min
	echo $((1 << 62)) > $s/access_pattern/sz/max
	if [[ $1 == migrate_hot ]]; then
		echo 1 > $s/access_pattern/nr_accesses/min
		echo 20 > $s/access_pattern/nr_accesses/max
	fi
	echo 0 > $s/access_pattern/age/min
	echo 4294967295 > $s/access_pattern/age/max
	echo "$1" > $s/action
	echo "$3" > $s/target_nid
	echo on > $DAMON/0/state
}

# damon_exclusive_modules: the kernel's DAMON modules that run exclusively,
# as lib/damon.h lists them (DSAMIG_DAMON_EXCLUSIVE_MODULES).
damon_exclusive_modules() {
	sed -n '/^#define DSAMIG_DAMON_EXCLUSIVE_MODULES/,/^$/ s/^[[:space:]]*X(\([a-z_]*\)).*/\1/p' \
		"$TOP/lib/damon.h"
}

# damon_exclusive_off: stop the kernel's DAMON modules that run exclusively
# (Debian's 7.x kernels start damon_stat at boot): with one of them on, the
# sysfs interface cannot start a kdamond (EBUSY).
damon_exclusive_off() {
	local m mods
	mods=$(damon_exclusive_modules)
	[[ -n $mods ]] || { echo "no DAMON module list in lib/damon.h" >&2; return 1; }
	for m in $mods; do
		[[ $(cat /sys/module/$m/parameters/enabled 2>/dev/null) == Y ]] || continue
		echo N > /sys/module/$m/parameters/enabled
	done
}

damon_stop() {
	[[ $(cat $DAMON/nr_kdamonds) -gt 0 ]] || return 0
	echo off > $DAMON/0/state || true
	echo 0 > $DAMON/nr_kdamonds
}

# wait_counter PATH MIN [TRIES]: until a counter reaches MIN (0.5 s apart).
wait_counter() {
	local i
	for ((i = 0; i < ${3:-60}; i++)); do
		(($(counter "$1") >= $2)) && return 0
		sleep 0.5
	done
	echo "$1 stayed at $(counter "$1")"
	return 1
}

# re_quote STRING: STRING as an extended regular expression that matches it
# literally (a kernel release: Debian's have '.' and '+' in them).
re_quote() {
	sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$1"
}
