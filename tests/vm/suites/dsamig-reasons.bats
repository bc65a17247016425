#!/usr/bin/env bats
# Migrations the kernel starts on its own go through dsamig.ko too:
# compaction (reason compaction) and DAMON promotion (reason damon).

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash

teardown() {
	damon_stop
	[[ -n ${memhold_pid:-} ]] && kill "$memhold_pid" 2>/dev/null
	dsamig_unload
}

@test "compaction of fragmented memory runs through dsamig, pages intact" {
	# Compaction isolates at most 32 pages at a time: runs are small.
	dsamig_load backend=cpu threshold=8
	memhold_start --mb 128 --fragment
	before=$(awk '/^compact_migrate_scanned/ { print $2 }' /proc/vmstat)
	echo 1 > /proc/sys/vm/compact_memory
	memhold_stop
	[ "$(counter reasons/compaction/pages)" -gt 0 ]
	[ "$(counter reasons/compaction/runs)" -gt 0 ]
	[ "$(awk '/^compact_migrate_scanned/ { print $2 }' /proc/vmstat)" -gt "$before" ]
}

@test "DAMON migrate_hot from node 1 to node 0 runs through dsamig, pages intact" {
	dsamig_load backend=mt threshold=8
	memhold_start --mb 64 --node 1 --hot
	damon_migrate migrate_hot 1 0
	wait_counter reasons/damon/pages 1
	damon_stop
	memhold_stop
	[ "$(counter mt/pages)" -gt 0 ]
}
