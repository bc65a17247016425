#!/usr/bin/env bats
# dsamig compact: it migrates pages of fragmented memory, the count matches
# the kernel's, the score drops, nothing is left behind.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load top.bash
load dsamig.bash

teardown() {
	[[ -z ${memhold_pid:-} ]] || kill -TERM "$memhold_pid" 2>/dev/null || true
	dsamig_unload
	[ -z "$(dsamig_instances)" ]
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
	[ "$(jq '.copy.cpu.pages + .copy.cpu_copy.pages' <<<"$output")" -gt 0 ]
}

@test "compact: a node without memory is a clear error, nothing changed" {
	before=$(pgmigrate)
	run -1 --separate-stderr "$DSAMIG" compact --node 7
	assert_equal "$stderr" "dsamig compact: node 7 does not exist; see /sys/devices/system/node/online"
	[ "$(pgmigrate)" = "$before" ]
}

@test "compact: SIGINT stops waiting and still reports, the instance is removed" {
	memhold_start --mb 512 --node 0 --fragment
	"$DSAMIG" compact --node 0 --json > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	# it may have finished already: either way a report and status 0
	wait_tracing "$pid" || true
	kill -INT "$pid" || true
	status=0
	wait "$pid" || status=$?
	cat "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	jq -e '.pages_migrated >= 0 and (.interrupted | type) == "boolean"' "$BATS_TEST_TMPDIR/out"
	[ -z "$(dsamig_instances)" ]
	memhold_stop
	memhold_pid=
}
