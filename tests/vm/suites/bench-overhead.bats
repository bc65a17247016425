#!/usr/bin/env bats
# dsamig bench --overhead: dsamig.ko backend=cpu against no module, in
# ABBA pairs; the JSON's keys, the interval around the ratio, the pairs
# asked for, and the module's state given back: unloaded when it was, loaded
# with the same knobs when it was, after a Ctrl-C too. (A one-node guest is
# refused: bench-overhead-one-node.bats.)

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash

DSAMIG=$TOP/build/dsamig

teardown() {
	[[ -z ${bench_pid:-} ]] || kill -KILL "$bench_pid" 2>/dev/null || true
	dsamig_unload
}

# knobs: every knob of the loaded module as NAME=VALUE, one a line
knobs() {
	local f
	for f in "$KNOBS"/*; do
		printf '%s=%s\n' "${f##*/}" "$(cat "$f")"
	done
}

# check_json FILE PAIRS: the keys, lo <= ratio <= hi, the pairs done
check_json() {
	jq -e --argjson n "$2" '
		(["pairs", "pairs_requested", "pages", "rounds", "src", "dst", "order",
		  "interval", "confidence", "ratio", "lo", "hi", "resolves_2pct", "cpu",
		  "wall", "cpu_min", "pages_failed", "module_file", "module_loaded_before",
		  "module_knobs_before", "loaded_with", "interrupted", "duration_s"]
		 - keys) == [] and
		([.cpu, .wall][] | (["ratio", "lo", "hi", "width", "median_ratio", "log_sd",
		  "module_ns_per_page", "no_module_ns_per_page"] - keys) == [] and
		  .lo <= .ratio and .ratio <= .hi and
		  .module_ns_per_page.median > 0 and .no_module_ns_per_page.median > 0) and
		(.cpu_min | (["ratio", "lo", "hi", "width", "median_ratio", "log_sd"] - keys) == [] and
		  .lo <= .ratio and .ratio <= .hi) and
		.lo == .cpu.lo and .hi == .cpu.hi and .ratio == .cpu.ratio and
		.pairs == $n and .pairs_requested == $n and .order == "ABBA" and
		.loaded_with == "backend=cpu" and .pages_failed == 0 and
		.src != .dst' "$1"
}

@test "bench --overhead --json, module not loaded: the interval holds the ratio, left unloaded" {
	[ ! -d /sys/module/dsamig ]
	run -0 --separate-stderr "$DSAMIG" bench --overhead --repeats 3 --json
	echo "$output" > "$BATS_TEST_TMPDIR/out"
	cat "$BATS_TEST_TMPDIR/out"
	check_json "$BATS_TEST_TMPDIR/out" 3
	jq -e '.module_loaded_before == false and .module_knobs_before == null and
		.interrupted == false' "$BATS_TEST_TMPDIR/out"
	assert_equal "$stderr" ""
	[ ! -d /sys/module/dsamig ]
}

@test "bench --overhead, module loaded with knobs: loaded after with the same knobs" {
	dsamig_load backend=mt threshold=64 reasons=compaction,damon mt_threads=2
	knobs > "$BATS_TEST_TMPDIR/before"
	run -0 --separate-stderr "$DSAMIG" bench --overhead --repeats 2 --json
	echo "$output" > "$BATS_TEST_TMPDIR/out"
	cat "$BATS_TEST_TMPDIR/out"
	check_json "$BATS_TEST_TMPDIR/out" 2
	jq -e '.module_loaded_before == true and
		(.module_knobs_before | test("backend=mt .*threshold=64"))' "$BATS_TEST_TMPDIR/out"
	[ -d /sys/module/dsamig ]
	knobs > "$BATS_TEST_TMPDIR/after"
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "bench --overhead, human: ratio, interval, pairs, medians, the module given back" {
	run -0 "$DSAMIG" bench --overhead --repeats 2
	assert_line --regexp '^dsamig.ko overhead on migration: 2 pairs \(ABBA\) of 256 pages x 4 rounds, node [0-9]+ <-> [0-9]+'
	assert_line --regexp '^  CPU time \(migrating task\) +[0-9.]+   95% CI [0-9.]+ \.\. [0-9.]+ \([0-9.]+% wide\)$'
	assert_line --regexp '^  CPU, fastest call a side +[0-9.]+   95% CI [0-9.]+ \.\. [0-9.]+ \([0-9.]+% wide\)$'
	assert_line --regexp '^  median ns per page +module +none$'
	assert_line --regexp '^  resolves 2%: (yes|no)'
	assert_line '  dsamig.ko left unloaded, as it was'
}

# interrupt_mid_run: start a long bench, SIGINT it while it runs, check the report
interrupt_mid_run() {
	"$DSAMIG" bench --overhead --repeats 500 --json > "$BATS_TEST_TMPDIR/out" \
		2> "$BATS_TEST_TMPDIR/err" &
	bench_pid=$!
	# well into the pairs: the module has been loaded and unloaded by then
	sleep 8
	kill -INT "$bench_pid"
	status=0
	wait "$bench_pid" || status=$?
	bench_pid=
	cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
	[ "$status" -eq 0 ]
	jq -e '.interrupted == true and .pairs >= 1 and .pairs < 500 and
		.pairs_requested == 500' "$BATS_TEST_TMPDIR/out"
}

@test "bench --overhead: Ctrl-C mid-run reports the pairs done and leaves the module unloaded" {
	interrupt_mid_run
	[ ! -d /sys/module/dsamig ]
}

@test "bench --overhead: Ctrl-C mid-run gives the loaded module back with its knobs" {
	dsamig_load backend=mt threshold=128 timeout_ms=500
	knobs > "$BATS_TEST_TMPDIR/before"
	interrupt_mid_run
	[ -d /sys/module/dsamig ]
	knobs > "$BATS_TEST_TMPDIR/after"
	diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "bench --overhead refuses a user who is not root, and changes nothing" {
	run -1 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$DSAMIG" bench --overhead --repeats 2
	assert_output ""
	[[ $stderr == *root* ]]
	[ ! -d /sys/module/dsamig ]
}
