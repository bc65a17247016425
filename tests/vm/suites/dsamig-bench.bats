#!/usr/bin/env bats
# vm-matrix: yes
# dsamig.ko's bench interface (debugfs dsamig/bench): the module's own
# backends copy folios it allocates on chosen nodes, every repeat verified,
# nothing counted as a migration.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash
load dsasim.bash

BENCH=/sys/kernel/debug/dsamig/bench
# A result line: every key, in the documented order.
LINE='^repeat=[0-9]+ backend=(cpu|mt|dsa) pages=[0-9]+ order=(0|9) folios=[0-9]+ segments=[0-9]+ channels=[0-9]+ total_ns=[0-9]+ sg_ns=[0-9]+ map_ns=[0-9]+ submit_ns=[0-9]+ wait_ns=[0-9]+ unmap_ns=[0-9]+ copy_ns=[0-9]+ fallback=[01] cause=[a-z_]+$'

setup() {
	dsasim_kernel_wq_up
}

teardown() {
	dsasim_kernel_wq_down
}

# bench REQUEST: one write of REQUEST; prints strerror when it fails.
bench() {
	sysw "$BENCH" "$1"
}

# field LINE KEY: the value of KEY in a result line.
field() {
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}

# results_ok BACKEND N [PAGES ORDER]: N lines, every key, sane values for BACKEND.
results_ok() {
	local l i=0 pages=${3:-} order=${4:-0}
	mapfile -t lines < "$BENCH"
	printf '%s\n' "${lines[@]}"
	[ "${#lines[@]}" -eq "$2" ]
	for l in "${lines[@]}"; do
		[[ $l =~ $LINE ]]
		[ "$(field "$l" repeat)" -eq "$i" ]
		[ "$(field "$l" backend)" = "$1" ]
		[ "$(field "$l" order)" = "$order" ]
		[ -z "$pages" ] || [ "$(field "$l" pages)" -eq "$pages" ]
		[ "$(field "$l" folios)" -eq $(($(field "$l" pages) >> order)) ]
		[ "$(field "$l" total_ns)" -gt 0 ]
		[ "$(field "$l" channels)" -gt 0 ]
		[ "$(field "$l" fallback)" = 0 ]
		[ "$(field "$l" cause)" = none ]
		if [ "$1" = dsa ]; then
			for k in sg_ns map_ns submit_ns wait_ns unmap_ns segments; do
				[ "$(field "$l" $k)" -gt 0 ]
			done
			[ "$(field "$l" copy_ns)" = 0 ]
		else
			for k in sg_ns map_ns submit_ns wait_ns unmap_ns; do
				[ "$(field "$l" $k)" = 0 ]
			done
			[ "$(field "$l" copy_ns)" -gt 0 ]
			[ "$(field "$l" total_ns)" -ge "$(field "$l" copy_ns)" ]
		fi
		i=$((i + 1))
	done
}

# counters_all: every counter file and its value.
counters_all() {
	grep -r . "$COUNTERS" | sort
}

@test "before any request the results are empty; bench is root's only (0600)" {
	dsamig_load backend=cpu
	[ "$(stat -c %a "$BENCH")" = 600 ]
	[ -z "$(cat "$BENCH")" ]
}

@test "backend=cpu: repeats lines, every key, the copy time" {
	dsamig_load backend=cpu
	bench "backend=cpu pages=64 repeats=3"
	results_ok cpu 3 64
}

@test "backend=mt: repeats lines, every key, the copy time" {
	dsamig_load backend=cpu mt_threads=2
	bench "repeats=4 pages=100 backend=mt src=0 dst=1"
	results_ok mt 4 100
}

@test "backend=dsa over dsasim: every phase of the run, no copy time, default 10 repeats" {
	dsamig_load backend=dsa
	bench "backend=dsa pages=32 src=1 dst=0"
	results_ok dsa 10 32
	[ "$(stat_of completed)" -gt 0 ]
}

@test "order=9: 2 MiB folios on both nodes (or -ENOMEM, cleanly, without free 2 MiB blocks)" {
	dsamig_load backend=dsa
	for b in cpu mt dsa; do
		if ! out=$(bench "backend=$b pages=1024 order=9 repeats=2 src=0 dst=1"); then
			[ "$out" = "Cannot allocate memory" ]
			[ -z "$(cat "$BENCH")" ]
			skip "no free 2 MiB blocks on node 0 or 1"
		fi
		results_ok $b 2 1024 9
		[ "$(field "$(head -n 1 "$BENCH")" folios)" = 2 ]
	done
}

@test "bad requests: EINVAL, the write fails" {
	dsamig_load backend=cpu
	for r in "" "pages=8" "backend=off pages=8" "backend=gpu pages=8" "backend=cpu" \
		"backend=cpu pages=0" "backend=cpu pages=65537" "backend=cpu pages=8 order=1" \
		"backend=cpu pages=100 order=9" "backend=cpu pages=8 repeats=0" \
		"backend=cpu pages=8 repeats=1001" "backend=cpu pages=8 src=4096" \
		"backend=cpu pages=8 dst=-1" "backend=cpu pages=8 color=red" "backend=cpu pages=x" \
		"backend=cpu pages"; do
		run bench "$r"
		echo "'$r': $output"
		assert_failure
		assert_output "Invalid argument"
	done
	run bash -c "echo backend=cpu pages=0 > $BENCH"
	assert_failure
}

@test "backend=dsa without a channel: ENODEV" {
	dsamig_load backend=cpu
	[ "$(counter channels)" = 0 ]
	run bench "backend=dsa pages=8"
	assert_failure
	assert_output "No such device"
}

@test "a bench changes no counter and emits no dsamig event" {
	dsamig_load backend=dsa
	t=/sys/kernel/tracing/instances/dsamig-bench
	mkdir $t
	echo 1 > $t/events/dsamig/enable
	before=$(counters_all)
	for b in cpu mt dsa; do
		bench "backend=$b pages=128 repeats=2 dst=1"
	done
	after=$(counters_all)
	echo 0 > $t/events/dsamig/enable
	events=$(grep -c 'dsamig_' $t/trace || true)
	rmdir $t
	[ "$before" = "$after" ]
	[ "$events" = 0 ]
}

@test "dsasim fails every descriptor: each dsa repeat falls back (engine_error), data still verified" {
	dsamig_load backend=dsa
	echo 1 > $PARAMS/fail_every
	bench "backend=dsa pages=64 repeats=3"
	mapfile -t lines < "$BENCH"
	printf '%s\n' "${lines[@]}"
	[ "${#lines[@]}" = 3 ]
	for l in "${lines[@]}"; do
		[[ $l =~ $LINE ]]
		[ "$(field "$l" fallback)" = 1 ]
		[ "$(field "$l" cause)" = engine_error ]
	done
	[ "$(stat_of injected_failures)" -gt 0 ]
	[ "$(counter fallbacks/engine_error)" = 0 ]
}

@test "a descriptor that never completes: bounded; 6.12 quarantines the dst (EIO, freed once the WQ goes), 7.x terminates and falls back" {
	dsamig_load backend=dsa timeout_ms=200
	echo 1 > $PARAMS/stall_every
	if [[ $(uname -r) != 6.* ]]; then
		bench "backend=dsa pages=64 repeats=1"
		l=$(cat "$BENCH")
		echo "$l"
		[ "$(field "$l" fallback)" = 1 ]
		[ "$(field "$l" cause)" = timeout ]
		[ "$(counter quarantined_pages)" = 0 ]
		return 0
	fi
	run bench "backend=dsa pages=64 repeats=3"
	assert_failure
	assert_output "Input/output error"
	[ -z "$(cat "$BENCH")" ]
	[ "$(counter quarantined_pages)" -gt 0 ]
	[ "$(counter channels)" = 0 ]
	# The quarantine holds the dst folios and the module until the DMA is
	# over: disabling the WQ flushes its descriptors.
	run rmmod dsamig
	assert_failure
	echo wq0.0 > $DRV/dmaengine/unbind
	for _ in $(seq 20); do rmmod dsamig 2>/dev/null && break; sleep 0.5; done
	[ ! -d /sys/module/dsamig ]
	run dmesg
	assert_output --partial "a quarantined run's DMA is over"
}

@test "one bench at a time (EBUSY); a signal stops a bench between repeats, its repeats kept" {
	dsamig_load backend=cpu
	bash -c "echo backend=cpu pages=4096 repeats=1000 > $BENCH" &
	pid=$!
	busy=
	for _ in $(seq 100); do
		if ! out=$(bench "backend=cpu pages=1 repeats=1"); then
			busy=$out
			break
		fi
		sleep 0.1
	done
	[ "$busy" = "Device or resource busy" ]
	sleep 1
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -ne 0 ]
	n=$(wc -l < "$BENCH")
	echo "$n repeats done"
	[ "$n" -gt 0 ]
	[ "$n" -lt 1000 ]
	head -n 1 "$BENCH" | grep -qE "$LINE"
}

@test "rmmod after a bench; the debugfs directory goes with the module" {
	dsamig_load backend=dsa
	bench "backend=dsa pages=16 repeats=2"
	bench "backend=cpu pages=16 repeats=2"
	rmmod dsamig
	[ ! -e /sys/kernel/debug/dsamig ]
	dsamig_load backend=cpu
	[ -z "$(cat "$BENCH")" ]
	bench "backend=mt pages=16 repeats=1"
	rmmod dsamig
	[ ! -d /sys/module/dsamig ]
}
