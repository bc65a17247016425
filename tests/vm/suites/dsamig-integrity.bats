#!/usr/bin/env bats
# Pages hold the same bytes after migration, with writers running, on every
# offload path: migstress stamps every page and checks each one.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash

teardown() {
	dsamig_unload
}

@test "without the module: the workload is intact (the reference)" {
	migstress_ok --pages 1024 --thp 2 --rounds 4
}

@test "backend=cpu: runs pre-copy batches, the kernel's copies are skipped, pages intact" {
	dsamig_load backend=cpu
	migstress_ok --pages 1024 --thp 2 --rounds 4
	[ "$(counter cpu/runs)" -gt 0 ]
	[ "$(counter cpu/pages)" -ge 4096 ]
	[ "$(counter skipped_copies)" -gt 0 ]
	[ "$(counter reasons/syscall_or_cpuset/pages)" -gt 0 ]
}

@test "backend=mt: worker threads copy the runs, pages intact" {
	dsamig_load backend=mt mt_threads=2
	migstress_ok --pages 1024 --thp 2 --rounds 4
	[ "$(counter mt/runs)" -gt 0 ]
	[ "$(counter mt/pages)" -ge 4096 ]
	[ "$(counter cpu/runs)" = 0 ]
	# Its workqueue serves demotion from reclaim (kswapd): WQ_MEM_RECLAIM,
	# so it has a rescuer thread (issue #11, item 9).
	grep -qx 'kworker/R-dsamig_mt' /proc/[0-9]*/comm
}

@test "backend=off: hooks stay out of the way, pages intact" {
	dsamig_load backend=cpu
	echo off > $KNOBS/backend
	migstress_ok --pages 1024 --rounds 2
	for b in cpu mt dsa; do
		[ "$(counter $b/runs)" = 0 ]
	done
	[ "$(counter skipped_copies)" = 0 ]
}

@test "small max_batch splits runs; THPs offload on their own" {
	dsamig_load backend=cpu max_batch=64 threshold=32
	# No writers: a writer waiting on a page makes its pair ineligible.
	migstress_ok --pages 1024 --thp 2 --rounds 2 --writers 0
	# 1024 pages in runs of at most 64 pages, twice, and each THP alone.
	[ "$(counter cpu/runs)" -ge 36 ]
	[ "$(counter cpu/pages)" -ge 4096 ]
}

@test "load and unload in a loop while migrations and writers run: no lost or stale page" {
	"$MIGSTRESS" --json --pages 1024 --thp 2 --seconds 25 > "$BATS_TEST_TMPDIR/ms" &
	pid=$!
	for i in 1 2 3 4 5 6; do
		if ((i % 2)); then b=cpu; else b=mt; fi
		dsamig_load backend=$b
		sleep 1
		rmmod dsamig
	done
	wait $pid
	ms=$(cat "$BATS_TEST_TMPDIR/ms")
	echo "$ms"
	[ "$(json_field "$ms" bad_pages)" -eq 0 ]
	[ "$(json_field "$ms" moved)" -gt 0 ]
	run dmesg
	refute_output --partial "BUG"
}
