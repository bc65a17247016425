#!/bin/bash
# Run dsamig's test layers and print one summary line.
#   tests/check.sh [unit] [cli] [vm]      (default: all three)
#   tests/check.sh vm-suite FILE...       (just these guest suites)
#   tests/check.sh vm-matrix FILE...      (these suites on every kernel series)
#   tests/check.sh vm-others FILE...      (these suites on every series but the default)
# Every layer speaks TAP; a layer that exits non-zero without a failing test
# line counts as one failure, so a crash is never a pass.
#
# The guest layer runs every suite on the default kernel series
# ($DSAMIG_KERNEL, else 6.12), then the module suites (MATRIX below, and any
# suite with a line '# vm-matrix: yes', or '# vm-matrix: SERIES...' for those) on each other series of
# $DSAMIG_KERNELS (default: 6.12 6.12-trixie 7.3), after fetching that kernel
# and building the modules for it, and prints the time each kernel took.
# With two host cores or more the other series run in a second lane, a guest
# of their own beside the default kernel's (TCG runs a guest on one host
# thread); their output follows the default kernel's. DSAMIG_VM_LANES=1 runs
# everything one guest at a time.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export DSAMIG="$top/build/dsamig"
layers=("$@")
[[ ${#layers[@]} -gt 0 ]] || layers=(unit cli vm)
default_kernel=${DSAMIG_KERNEL:-6.12}
read -ra kernels <<<"${DSAMIG_KERNELS:-6.12 6.12-trixie 7.3}"
lanes=${DSAMIG_VM_LANES:-$(nproc)}
# The suites that prove the modules on every kernel series.
MATRIX=(dsamig-module dsamig-integrity dsamig-dsa dsamig-reasons dsasim-dma)

pass=0 fail=0 skip=0
log=$(mktemp)
trap 'rm -f "$log"; [[ -z ${lane_pid:-} ]] || kill "$lane_pid" 2>/dev/null' EXIT

# run NAME COMMAND...: run one test program, stream its output, count its TAP.
run() {
	local name=$1 rc p f s
	shift
	printf '# %s\n' "$name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	s=$(grep -cE '^ok .*# (skip|SKIP)' "$log")
	p=$(($(grep -cE '^ok ' "$log") - s))
	f=$(grep -cE '^not ok ' "$log")
	if ((rc != 0 && f == 0)); then
		printf 'not ok - %s exited with status %d\n' "$name" "$rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

# run_suite FILE [SERIES]: one guest suite in a guest of its own, on the
# default kernel or SERIES. A suite may ask for guest options on a line
# '# vm-options: ...'.
run_suite() {
	local opts=() k=${2:-$default_kernel}
	read -ra opts < <(sed -n 's/^# vm-options: //p' "$1" | head -n 1)
	local name="vm: $1"
	[[ -z ${2:-} ]] || name="vm[$k]: $1"
	run "$name" tests/vm/run --kernel "$k" "${opts[@]}" -- bats --tap "$1"
}

# in_matrix FILE: whether the suite runs on the other kernel series: the
# module suites, and those with a line '# vm-matrix: yes' (every series) or
# '# vm-matrix: SERIES...' (those series).
in_matrix() {
	local n
	n=$(basename "$1" .bats)
	grep -qE '^# vm-matrix: *[^ ]' "$1" && return 0
	for m in "${MATRIX[@]}"; do
		[[ $n == "$m" ]] && return 0
	done
	return 1
}

# on_series FILE SERIES: whether a matrix suite runs on SERIES.
on_series() {
	local want
	want=$(sed -n 's/^# vm-matrix: *//p' "$1" | head -n 1)
	[[ -z $want || $want == yes || " $want " == *" $2 "* ]]
}

# prepare SERIES: fetch the kernel, build the modules for it (one TAP line).
prepare() {
	run "kernel $1: fetch and build modules" bash -c '
		make -s --no-print-directory KERNEL="$1" kernel &&
			make -s --no-print-directory KERNEL="$1" modules vm-modules &&
			echo "ok - kernel $1: $(sed -n "s/^KVER=//p" \
				"$(tests/vm/kernel.sh --kernel "$1" --print)"), modules built"
	' prepare "$1"
}

# kernel_matrix FILE...: the suites on each series but the default one, timed.
kernel_matrix() {
	local k t0 t1 f=$fail
	for k in "${kernels[@]}"; do
		[[ $k == "$default_kernel" ]] && continue
		t0=$SECONDS
		prepare "$k"
		t1=$SECONDS
		for s in "$@"; do
			on_series "$s" "$k" && run_suite "$s" "$k"
		done
		printf '# kernel %s: %d s (fetch and build %d s, suites %d s), %d failed\n' \
			"$k" $((SECONDS - t0)) $((t1 - t0)) $((SECONDS - t1)) $((fail - f))
		timing+=("$k $((SECONDS - t0)) s")
		f=$fail
	done
}
timing=()

# lane_start FILE...: the other series' suites in a second lane, in the background.
lane_log= lane_pid=
lane_start() {
	lane_log=$(mktemp)
	"$0" vm-others "$@" >"$lane_log" 2>&1 &
	lane_pid=$!
}

# lane_end: wait for the second lane, print its output, count its tests.
lane_end() {
	local rc p=0 f=0 s=0 line
	wait "$lane_pid"
	rc=$? lane_pid=
	while IFS= read -r line; do
		case $line in
		'# time per kernel: '*) timing+=("${line#'# time per kernel: '}") ;;
		'check: '*) read -r p f s < <(sed -E 's/^check: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/' <<<"$line") ;;
		'') ;;
		*) printf '%s\n' "$line" ;;
		esac
	done <"$lane_log"
	rm -f "$lane_log"
	if ((rc != 0 && f == 0)); then
		printf 'not ok - the lane of the other kernels exited with status %d\n' "$rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

for layer in "${layers[@]}"; do
	case $layer in
	unit)
		for t in build/tests/unit/test_*; do
			[[ -x $t ]] && run "unit: ${t##*/}" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
		done
		;;
	cli)
		run "cli: tests/cli" bats --tap tests/cli
		;;
	vm)
		# The harness itself, from the host; then each guest suite in a guest of its own.
		t0=$SECONDS
		matrix=()
		for s in tests/vm/suites/*.bats; do
			[[ -f $s ]] && in_matrix "$s" && matrix+=("$s")
		done
		((lanes < 2)) || lane_start "${matrix[@]}"
		run "vm: tests/vm/harness.bats" bats --tap tests/vm/harness.bats
		for s in tests/vm/suites/*.bats; do
			[[ -f $s ]] || continue
			run_suite "$s"
		done
		printf '# kernel %s: %d s, every suite\n' "$default_kernel" $((SECONDS - t0))
		timing+=("$default_kernel $((SECONDS - t0)) s")
		if [[ -n $lane_pid ]]; then
			printf '# the other kernels, run beside it:\n'
			lane_end
		else
			kernel_matrix "${matrix[@]}"
		fi
		;;
	vm-others)
		# The second lane of the vm layer: the suites named after it on the other series.
		suites=("${layers[@]:1}")
		layers=()
		kernel_matrix "${suites[@]}"
		break
		;;
	vm-suite)
		# The guest suites named after it, as the vm layer runs them.
		suites=("${layers[@]:1}")
		layers=()
		for s in "${suites[@]}"; do
			run_suite "$s"
		done
		break
		;;
	vm-matrix)
		# The guest suites named after it, on the default kernel and every other series.
		suites=("${layers[@]:1}")
		layers=()
		t0=$SECONDS
		for s in "${suites[@]}"; do
			run_suite "$s"
		done
		timing+=("$default_kernel $((SECONDS - t0)) s")
		kernel_matrix "${suites[@]}"
		break
		;;
	*)
		echo "check: unknown layer '$layer' (unit, cli, vm, vm-suite, vm-matrix, vm-others)" >&2
		exit 2
		;;
	esac
done

echo
[[ ${#timing[@]} -eq 0 ]] || printf '# time per kernel: %s\n' "$(IFS=,; echo "${timing[*]}" | sed 's/,/, /g')"
echo "check: $pass passed, $fail failed, $skip skipped"
((fail == 0 && pass > 0))
