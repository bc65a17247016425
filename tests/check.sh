#!/bin/bash
# Run dsamig's test layers and print one summary line.
#   tests/check.sh [unit] [cli] [vm]      (default: all three)
#   tests/check.sh vm-suite FILE...       (just these guest suites)
#   tests/check.sh vm-matrix FILE...      (these suites on every kernel series)
# Every layer speaks TAP; a layer that exits non-zero without a failing test
# line counts as one failure, so a crash is never a pass.
#
# The guest layer runs every suite on the default kernel series
# ($DSAMIG_KERNEL, else 6.12), and the module suites (MATRIX below, and any
# suite with a line '# vm-matrix: yes', or '# vm-matrix: SERIES...' for
# those) on each other series of $DSAMIG_KERNELS (default: 6.12 6.12-trixie
# 7.3), after fetching those kernels and building the modules for them. The
# suites run as a queue of jobs taken by one worker per host core
# (DSAMIG_VM_LANES; 1 runs one guest at a time), each job's output printed in
# the queue's order, with the seconds it took and the guest time per series.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export DSAMIG="$top/build/dsamig"
layers=("$@")
[[ ${#layers[@]} -gt 0 ]] || layers=(unit cli vm)
default_kernel=${DSAMIG_KERNEL:-6.12}
read -ra kernels <<<"${DSAMIG_KERNELS:-6.12 6.12-trixie 7.3}"
lanes=${DSAMIG_VM_LANES:-$(nproc)}
# Guest options per series: Debian 13's own 6.12 runs its suites behind the
# emulated VT-d (tests/vm/run --iommu), as a server with Debian's defaults
# does (iommu-dma, lazy flush), so the module meets iommu-dma there and
# dma-direct on the default series and 7.3.
series_opts() {
	case $1 in
	6.12-trixie) echo --iommu ;;
	esac
}
# The guest runner (a test of this script may replace it).
vm_run=${DSAMIG_VM_RUN:-tests/vm/run}
# The suites that prove the modules on every kernel series.
MATRIX=(dsamig-module dsamig-integrity dsamig-dsa dsamig-reasons dsasim-dma)

pass=0 fail=0 skip=0
log=$(mktemp)
jobs_dir='' worker_pids=()
trap 'rm -f "$log"; ((${#worker_pids[@]} == 0)) || kill "${worker_pids[@]}" 2>/dev/null
	[[ -z ${jobs_dir:-} ]] || rm -rf "$jobs_dir"' EXIT

# count NAME LOG RC: print a test program's output, count its TAP lines.
count() {
	local name=$1 log=$2 rc=$3 p f s
	s=$(grep -cE '^ok .*# (skip|SKIP)' "$log")
	p=$(($(grep -cE '^ok ' "$log") - s))
	f=$(grep -cE '^not ok ' "$log")
	if ((rc != 0 && f == 0)); then
		printf 'not ok - %s exited with status %d\n' "$name" "$rc"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

# run NAME COMMAND...: run one test program, stream its output, count its TAP.
run() {
	local name=$1 rc
	shift
	printf '# %s\n' "$name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	count "$name" "$log" "$rc"
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

# The guest layer is a queue of jobs that $lanes workers take in turn, one
# guest each (TCG runs a guest on one host thread): the host harness, the
# preparation of the other series (fetch, build the modules: one job, so
# that two builds never share the tree), and one job per suite and series.
# A worker takes the next job as soon as it is free, so the lanes end
# together; a suite of another series waits for its preparation. Each job
# writes a log of its own, and the logs are printed (and counted) in the
# queue's order, as each job ends in turn: the output reads as a serial run.
job_kind=() job_kernel=() job_file=() job_name=()

# job KIND SERIES FILE: add a job (harness, prepare, suite) to the queue.
job() {
	local n=${#job_kind[@]} name
	case $1 in
	harness) name="vm: $3" ;;
	prepare) name="kernels $2: fetch and build modules" ;;
	suite)
		name="vm: $3"
		[[ $2 == "$default_kernel" ]] || name="vm[$2$(series_opts "$2" | sed 's/^--/+/')]: $3"
		;;
	esac
	job_kind[n]=$1 job_kernel[n]=$2 job_file[n]=$3 job_name[n]=$name
}

# prepare_series SERIES...: fetch each kernel and build the modules for it;
# a marker per series says whether its suites can run.
prepare_series() {
	local k rc=0
	for k in "$@"; do
		if make -s --no-print-directory KERNEL="$k" kernel &&
			make -s --no-print-directory KERNEL="$k" modules vm-modules; then
			echo "ok - kernel $k: $(sed -n "s/^KVER=//p" \
				"$(tests/vm/kernel.sh --kernel "$k" --print)"), modules built"
			: > "$jobs_dir/ready.$k"
		else
			echo "not ok - kernel $k: fetch or build failed"
			rc=1
		fi
		: > "$jobs_dir/tried.$k"
	done
	return $rc
}

# run_job N: run job N, its output to its log; its status and seconds after.
run_job() {
	local n=$1 k=${job_kernel[$1]} f=${job_file[$1]} opts=() rc t0=$SECONDS
	local out=$jobs_dir/$n.log
	case ${job_kind[n]} in
	harness)
		bats --tap "$f" >"$out" 2>&1
		rc=$?
		;;
	prepare)
		# shellcheck disable=SC2086
		prepare_series $k >"$out" 2>&1
		rc=$?
		;;
	suite)
		until [[ $k == "$default_kernel" || -e $jobs_dir/tried.$k ]]; do
			sleep 2
		done
		if [[ $k != "$default_kernel" && ! -e $jobs_dir/ready.$k ]]; then
			echo "ok 1 $f # SKIP kernel $k could not be prepared" >"$out"
			rc=0
		else
			read -ra opts < <(sed -n 's/^# vm-options: //p' "$f" | head -n 1)
			# shellcheck disable=SC2207 # options are words
			opts+=($(series_opts "$k"))
			"$vm_run" --kernel "$k" "${opts[@]}" -- bats --tap "$f" >"$out" 2>&1
			rc=$?
		fi
		;;
	esac
	echo "$((SECONDS - t0))" >"$jobs_dir/$n.time"
	# Renamed into place: the reader waits for the file and must never
	# see it empty (an empty status would count as a pass).
	echo "$rc" >"$jobs_dir/$n.rc.tmp" && mv "$jobs_dir/$n.rc.tmp" "$jobs_dir/$n.rc"
}

# worker: take the next job from the queue until none is left.
worker() {
	local n
	while :; do
		# shellcheck disable=SC2016 # sh expands it
		n=$(flock "$jobs_dir/next" sh -c 'n=$(cat "$1"); echo $((n + 1)) >"$1"; echo "$n"' \
			sh "$jobs_dir/next")
		((n < ${#job_kind[@]})) || return 0
		run_job "$n"
	done
}

# run_jobs: run the queue with $lanes workers; print and count each job in
# order; print the guest time each series took and the layer's wall time.
run_jobs() {
	local n w t0=$SECONDS k secs
	local -A series_time=()
	jobs_dir=$(mktemp -d)
	echo 0 >"$jobs_dir/next"
	worker_pids=()
	for ((w = 0; w < lanes; w++)); do
		worker &
		worker_pids+=($!)
	done
	for ((n = 0; n < ${#job_kind[@]}; n++)); do
		until [[ -e $jobs_dir/$n.rc ]]; do
			sleep 1
		done
		printf '# %s\n' "${job_name[n]}"
		cat "$jobs_dir/$n.log"
		count "${job_name[n]}" "$jobs_dir/$n.log" "$(cat "$jobs_dir/$n.rc")"
		secs=$(cat "$jobs_dir/$n.time")
		printf '# %s: %d s\n' "${job_name[n]}" "$secs"
		k=${job_kernel[n]}
		[[ ${job_kind[n]} != suite ]] || series_time[$k]=$((${series_time[$k]:-0} + secs))
	done
	wait "${worker_pids[@]}" 2>/dev/null
	worker_pids=()
	for k in "${kernels[@]}"; do
		[[ -z ${series_time[$k]:-} ]] || timing+=("$k ${series_time[$k]} s")
	done
	printf '# guest layer: %d s in %d lane(s)\n' $((SECONDS - t0)) "$lanes"
	rm -rf "$jobs_dir"
	jobs_dir=
}
timing=()

# queue_suites MODE FILE...: the suites as jobs. MODE all: every suite on
# the default series, the matrix suites on each other series (after one job
# that prepares those series); matrix: every suite on every series it names;
# default: the default series only.
queue_suites() {
	local mode=$1 k s others=()
	shift
	other_series() {
		[[ $mode != default ]] || return 1
		[[ $mode == matrix ]] || in_matrix "$1" || return 1
		on_series "$1" "$2"
	}
	for k in "${kernels[@]}"; do
		[[ $k == "$default_kernel" ]] && continue
		for s in "$@"; do
			if other_series "$s" "$k"; then
				others+=("$k")
				break
			fi
		done
	done
	((${#others[@]} == 0)) || job prepare "${others[*]}" ""
	for s in "$@"; do
		job suite "$default_kernel" "$s"
	done
	for k in "${others[@]}"; do
		for s in "$@"; do
			if other_series "$s" "$k"; then
				job suite "$k" "$s"
			fi
		done
	done
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
		job harness "" tests/vm/harness.bats
		suites=()
		for s in tests/vm/suites/*.bats; do
			[[ -f $s ]] && suites+=("$s")
		done
		queue_suites all "${suites[@]}"
		run_jobs
		;;
	vm-suite | vm-matrix)
		# The guest suites named after it, on the default kernel (and every other series).
		mode=default
		[[ $layer == vm-suite ]] || mode=matrix
		queue_suites $mode "${layers[@]:1}"
		layers=()
		run_jobs
		break
		;;
	*)
		echo "check: unknown layer '$layer' (unit, cli, vm, vm-suite, vm-matrix)" >&2
		exit 2
		;;
	esac
done

echo
[[ ${#timing[@]} -eq 0 ]] || printf '# time per kernel: %s\n' "$(IFS=,; echo "${timing[*]}" | sed 's/,/, /g')"
echo "check: $pass passed, $fail failed, $skip skipped"
((fail == 0 && pass > 0))
