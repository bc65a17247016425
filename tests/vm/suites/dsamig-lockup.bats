#!/usr/bin/env bats
# vm-matrix: 7.3
# vm-options: --timeout 900
# It runs on the default kernel and on 7.3, not on 6.12-trixie (the same
# series as the default): at about 6 minutes a kernel in TCG, a third run
# would push make check past its 45 minutes.
# A whole process moved between nodes by migrate_pages(2) (migratepages
# PID 0 1, and back), 4096 4 KiB pages and 8 THPs (8192 pages) with two
# writers stamping and checking every page, under each backend: every page
# intact, pages moved (through the backend), and no soft lockup reported by
# the kernel meanwhile (issue #11, item 10). latprobe's largest SCHED_FIFO wake-up
# lateness (the longest stretch a CPU went without a resched point) is
# printed as a TAP comment, never asserted: TCG timing says nothing of
# hardware. The issue's size (20,480 pages) is tests/bench/lockup.sh's: in
# TCG it took this suite 7 minutes a kernel on a loaded host.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash
load dsasim.bash

LATPROBE=$TOP/build/tests/vm/tools/latprobe

setup() {
	mark="dsamig-lockup: start of test $BATS_TEST_NUMBER"
	echo "$mark" > /dev/kmsg
}

teardown() {
	[[ -z ${hung_timeout:-} ]] || echo "$hung_timeout" > /proc/sys/kernel/hung_task_timeout_secs
	[[ -z ${lp_pid:-} ]] || kill -TERM "$lp_pid" 2>/dev/null || true
	[[ -z ${ms_pid:-} ]] || kill -TERM "$ms_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	local d
	if [[ -d /sys/module/dsasim ]]; then
		for d in "$DSA"/wq*; do
			[[ -e $d/driver ]] && echo "${d##*/}" > "$d/driver/unbind"
		done
	fi
	dsamig_unload
	dsasim_unload
}

# The simulated DSA device with one kernel WQ of 32 entries, as dsamig setup makes it.
dsa_device() {
	dsasim_load
	dsasim_kernel_wq wq0.0 32
	dsasim_enable wq0.0
}

# on_node PID NODE: the process's pages on NODE, from its numa_maps.
on_node() {
	awk -v k="N$2" '{ for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) s += a[2] } }
		END { print s + 0 }' "/proc/$1/numa_maps"
}

# soft_lockups: the kernel's soft-lockup reports since this test began.
soft_lockups() {
	dmesg | sed -n "/$mark\$/,\$p" | grep 'soft lockup' || true
}

# move_to FROM TO: migratepages moves the workload; some of it must land on TO.
move_to() {
	local t0 t1 n
	t0=$(date +%s%N)
	migratepages "$ms_pid" "$1" "$2"
	t1=$(date +%s%N)
	n=$(on_node "$ms_pid" "$2")
	echo "to node $2: $(((t1 - t0) / 1000000)) ms, $n pages on node $2"
	# How much moves is the kernel's race with the writers, not the module's:
	# a writer that faults on a page under migration holds a reference, the
	# page fails with -EAGAIN, and after 10 passes it stays. Without the
	# module, 6.12 moved from 2% to all of it in one run, and 7.3 the 4 KiB
	# pages but not the THPs: only "some" is asserted, and the count shows.
	((n > 0))
}

# move_whole_process: the workload on node 0, moved to node 1 and back while
# its writers run; fails unless every page is intact, the process moved
# both ways, and the kernel reported no soft lockup.
move_whole_process() {
	"$MIGSTRESS" --hold --json --pages 4096 --thp 8 --writers 2 > "$BATS_TEST_TMPDIR/ms" &
	ms_pid=$!
	until grep -q ready "$BATS_TEST_TMPDIR/ms"; do sleep 0.2; done
	"$LATPROBE" > "$BATS_TEST_TMPDIR/lp" &
	lp_pid=$!
	until grep -q ready "$BATS_TEST_TMPDIR/lp"; do sleep 0.2; done
	grep AnonHugePages "/proc/$ms_pid/smaps_rollup"

	move_to 0 1
	move_to 1 0

	kill -TERM "$lp_pid"
	wait "$lp_pid"
	lp_pid=
	kill -TERM "$ms_pid"
	wait "$ms_pid"		# 1 on a bad page
	ms_pid=
	cat "$BATS_TEST_TMPDIR/ms"
	grep -q '"bad_pages": 0' "$BATS_TEST_TMPDIR/ms"
	printf '# %s: longest wake-up lateness %s ms\n' "$BATS_TEST_DESCRIPTION" \
		"$(($(tail -n 1 "$BATS_TEST_TMPDIR/lp" | jq .max_us) / 1000))" >&3
	run soft_lockups
	assert_output ''
}

@test "the soft-lockup detector is on: the checks below can see a lockup" {
	[ "$(cat /proc/sys/kernel/watchdog)" = 1 ]
	[ "$(cat /proc/sys/kernel/soft_watchdog)" = 1 ]
	thresh=$(cat /proc/sys/kernel/watchdog_thresh)
	[ "$thresh" -gt 0 ]
	# The CPUs it watches: all of them.
	[ "$(cat /proc/sys/kernel/watchdog_cpumask)" = "$(cat /sys/devices/system/cpu/online)" ]
	printf '# soft lockups are reported after %d s without a resched point\n' \
		$((2 * thresh)) >&3
}

@test "no module: the whole process moves there and back, pages intact, no soft lockup" {
	[ ! -d /sys/module/dsamig ]
	# The reference run is the stock kernel's, and what it is measured for
	# is soft lockups. Its hung-task reports are not asserted: in a fresh
	# make check (2026-12-03, both cores busy) a writer of this run, with no
	# module loaded (kernel not tainted), was reported blocked for more than
	# 92 s, past the 30 s that tests/vm/run sets. The runs with the module
	# keep that check.
	hung_timeout=$(cat /proc/sys/kernel/hung_task_timeout_secs)
	echo 0 > /proc/sys/kernel/hung_task_timeout_secs
	move_whole_process
}

@test "backend=cpu: the whole process moves, pages intact, no soft lockup" {
	dsamig_load backend=cpu
	move_whole_process
	[ "$(counter reasons/syscall_or_cpuset/pages)" -gt 0 ]
	[ "$(counter cpu/pages)" -gt 0 ]
}

@test "backend=mt: the whole process moves, pages intact, no soft lockup" {
	dsamig_load backend=mt
	move_whole_process
	[ "$(counter mt/pages)" -gt 0 ]
}

@test "backend=dsa (dsasim): the whole process moves, pages intact, no soft lockup" {
	dsa_device
	dsamig_load backend=dsa
	move_whole_process
	[ "$(counter dsa/pages)" -gt 0 ]
	[ "$(stat_of leaked)" = 0 ]
}

@test "backend=dsa, an engine error every 7th descriptor: runs fall back, pages intact, no soft lockup" {
	dsa_device
	dsamig_load backend=dsa
	echo 7 > "$PARAMS/fail_every"
	move_whole_process
	[ "$(stat_of injected_failures)" -gt 0 ]
	[ "$(counter fallbacks/engine_error)" -gt 0 ]
	[ "$(counter cpu_path_pages)" -gt 0 ]
}
