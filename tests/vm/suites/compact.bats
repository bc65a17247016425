#!/usr/bin/env bats
# dsamig compact: it migrates pages of fragmented memory, the count matches
# the kernel's, the score drops, nothing is left behind.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load top.bash
load dsamig.bash
load dsasim.bash

teardown() {
	[[ -z ${memhold_pid:-} ]] || kill -TERM "$memhold_pid" 2>/dev/null || true
	dsamig_unload
	dsasim_unload
	[ -z "$(dsamig_instances)" ]
}

# slow_compaction PERCENT: fragment PERCENT of node 0's free memory, and
# let dsasim copy its compaction at 1 ms a descriptor (a page: the free
# pages are single ones): compacting it all would take a minute or more
slow_compaction() {
	local free_kb
	dsasim_load setup_ns=1000000
	dsasim_kernel_wq wq0.0 128
	dsasim_enable wq0.0
	dsamig_load backend=dsa threshold=1 reasons=compaction wait=irq timeout_ms=20000
	free_kb=$(awk '/MemFree/ { print $4 }' /sys/devices/system/node/node0/meminfo)
	memhold_start --mb $((free_kb * $1 / 100 / 1024)) --node 0 --fragment
}

@test "compact --node 0 --json: pages migrated match pgmigrate_success, score drops" {
	# Hold 80% of node 0's free memory and free one page of every pair of it:
	# most of the node's free memory is then in single pages. memhold picks
	# the page of each pair it frees at random (see held_page() there): with
	# every odd page freed, the kernel's free scanner, once its stride had
	# grown past a pageblock without free pages, only looked at even pfns,
	# skipped all the holes and met the migration scanner after a few hundred
	# pages, the score unchanged.
	free_kb=$(awk '/MemFree/ { print $4 }' /sys/devices/system/node/node0/meminfo)
	memhold_start --mb $((free_kb * 8 / 10 / 1024)) --node 0 --fragment
	before=$(pgmigrate)
	run -0 --separate-stderr "$DSAMIG" compact --node 0 --json
	after=$(pgmigrate)
	echo "$output"; echo "$stderr"
	memhold_stop
	memhold_pid=
	[ "$(jq -c .nodes <<<"$output")" = "[0]" ]
	[ "$(jq .interrupted <<<"$output")" = false ]
	pages=$(jq .pages_migrated <<<"$output")
	[ "$pages" -gt 0 ]
	# nothing else migrates in the guest: the kernel's count is compaction's
	[ "$pages" -eq $((${after% *} - ${before% *})) ]
	[ "$(jq .vmstat.pgmigrate_success <<<"$output")" -eq "$pages" ]
	[ "$(jq '.fragmentation_score["0"] | .after < .before' <<<"$output")" = true ]
	[ "$(jq '.migrate_pages_s > 0 and .pages_per_migrate_s > 0' <<<"$output")" = true ]
	[ "$(jq .module_loaded <<<"$output")" = false ]
	[ "$(jq .lost_events <<<"$output")" -eq 0 ]
}

@test "compact (all nodes, human): aligned report with units" {
	memhold_start --mb 64 --node 1 --fragment
	run -0 "$DSAMIG" compact --quiet
	memhold_stop
	memhold_pid=
	assert_line --regexp '^Compaction \([0-9.]+ s\)$'
	assert_line --regexp '^  migrated +[1-9][0-9]* pages$'
	assert_line --regexp '^  rate +[0-9]+ pages/s$'
	assert_line --regexp '^    node 0 +[0-9]+ +[0-9]+$'
	assert_line --regexp '^    node 1 +[0-9]+ +[0-9]+$'
	assert_output --partial "dsamig.ko is not loaded"
}

@test "compact with dsamig.ko (backend=cpu): the pages went through its cpu backend" {
	dsamig_load backend=cpu
	memhold_start --mb 128 --node 0 --fragment
	run -0 --separate-stderr "$DSAMIG" compact --node 0 --json
	echo "$output"
	memhold_stop
	memhold_pid=
	[ "$(jq .module_loaded <<<"$output")" = true ]
	[ "$(jq .pages_migrated <<<"$output")" -gt 0 ]
	[ "$(jq '.copy.cpu.pages + .copy.cpu.backend_pages' <<<"$output")" -gt 0 ]
	# copy is top's object, with top's keys (cpu: the CPU path and the cpu backend's runs)
	jq -e '(.copy.cpu | has("copies") and has("backend_runs")) and
		(.copy.dsa | has("sg_ns") and has("error_runs")) and (.copy | has("cpu_copy") | not)' \
		<<<"$output"
}

@test "compact: a node without memory is a clear error, nothing changed" {
	before=$(pgmigrate)
	run -1 --separate-stderr "$DSAMIG" compact --node 7
	assert_equal "$stderr" "dsamig compact: node 7 does not exist; see /sys/devices/system/node/online"
	[ "$(pgmigrate)" = "$before" ]
}

@test "compact: the first SIGINT stops the compaction, reports it interrupted, rates over the time spent" {
	slow_compaction 80
	"$DSAMIG" compact --node 0 --json > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_tracing "$pid" || { cat "$BATS_TEST_TMPDIR/err"; false; }
	sleep 1
	kill -INT "$pid"
	sent=$SECONDS
	status=0
	wait "$pid" || status=$?
	took=$((SECONDS - sent))
	cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
	[ "$status" -eq 0 ]
	[ "$took" -le 5 ]
	jq -e '.interrupted == true and .duration_s >= 1' \
		"$BATS_TEST_TMPDIR/out"
	# the rate is over the whole time, to the stop
	jq -e '.pages_per_s * .duration_s - .pages_migrated | . < 1 and . > -1' \
		"$BATS_TEST_TMPDIR/out"
	# the kernel stopped compacting with dsamig
	moved=$(pgmigrate)
	sleep 2
	[ "$(pgmigrate)" = "$moved" ]
	[ -z "$(dsamig_instances)" ]
	memhold_stop
	memhold_pid=
}

@test "compact: SIGTERM interrupts it too, human report says so" {
	slow_compaction 30
	"$DSAMIG" compact --node 0 --quiet > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_tracing "$pid" || { cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"; false; }
	kill -TERM "$pid"
	wait "$pid"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_line --regexp '^Compaction, interrupted \([0-9.]+ s\)$'
	assert_line "  stopped by SIGTERM before the kernel was done: the rest is not compacted"
	[ -z "$(dsamig_instances)" ]
	memhold_stop
	memhold_pid=
}
