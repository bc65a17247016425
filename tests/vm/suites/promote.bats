#!/usr/bin/env bats
# dsamig promote and demote: DAMON moves a hot buffer of node 1 to node 0
# and a cold one of node 0 to node 1 (checked with move_pages status
# queries), the report matches the kernel's counts, bad input is refused
# before anything changes, and nothing is left behind on any exit.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load top.bash
load dsamig.bash
load dsasim.bash

teardown() {
	[[ -z ${memhold_pid:-} ]] || kill -TERM "$memhold_pid" 2>/dev/null || true
	[[ -z ${dsamig_pid:-} ]] || kill -KILL "$dsamig_pid" 2>/dev/null || true
	damon_stop
	damon_exclusive_off
	dsamig_unload
	dsasim_unload
}

# no_leftovers: no kdamond, no tracing instance of dsamig's
no_leftovers() {
	[ "$(cat $DAMON/nr_kdamonds)" = 0 ]
	[ -z "$(dsamig_instances)" ]
}

# damon_on: until kdamond 0 runs (a promote started in the background)
damon_on() {
	for _ in $(seq 100); do
		[[ $(cat $DAMON/0/state 2>/dev/null) == on ]] && return 0
		sleep 0.2
	done
	return 1
}

# moved NODE: how many of memhold's pages ended on NODE (after memhold_stop)
moved() {
	tail -n 1 "$BATS_TEST_TMPDIR/memhold" | jq ".nodes[\"$1\"] // 0"
}

@test "promote --from 1 --to 0 --json: the hot buffer moves, bytes match the kernel's count" {
	memhold_start --mb 64 --node 1 --hot
	before=$(pgmigrate)
	run -0 --separate-stderr "$DSAMIG" promote --from 1 --to 0 --duration 6s --json
	after=$(pgmigrate)
	echo "$output"
	memhold_stop
	memhold_pid=
	# at least 90% of the 16384 hot pages are on node 0 now
	[ "$(moved 0)" -ge 14746 ]
	jq -e '.action == "migrate_hot" and .from == 1 and .to == 0 and .interrupted == false' \
		<<<"$output"
	applied=$(jq .bytes_applied <<<"$output")
	pages=$(jq .pages_migrated <<<"$output")
	# DAMON's sz_applied, the traced migrations and the kernel's counter agree
	[ "$applied" -eq $((pages * 4096)) ]
	[ "$pages" -eq $((${after% *} - ${before% *})) ]
	[ "$(jq .pages_applied <<<"$output")" -eq "$pages" ]
	[ "$pages" -ge "$(moved 0)" ]
	[ "$(jq '.bytes_tried >= .bytes_applied' <<<"$output")" = true ]
	# the pages moved faster than the run's average: DAMON also watches
	[ "$(jq '.migrate_pages_s > 0 and .pages_per_migrate_s > .pages_per_s' <<<"$output")" = true ]
	[ "$(jq '.ranges | length' <<<"$output")" -ge 1 ]
	[ "$(jq .module_loaded <<<"$output")" = false ]
	[ "$(jq .lost_events <<<"$output")" -eq 0 ]
	# vmstat is compact's object, every counter; the kdamond was removed
	jq -e '(.vmstat | has("compact_isolated") and has("pgmigrate_fail")) and
		.kdamond_left == false' <<<"$output"
	no_leftovers
}

@test "demote --from 0 --to 1: a cold buffer moves to node 1, human report" {
	memhold_start --mb 32 --node 0
	run -0 "$DSAMIG" demote --from 0 --to 1 --duration 6s --quiet
	memhold_stop
	memhold_pid=
	[ "$(moved 1)" -ge 7372 ]
	assert_line --regexp '^Demotion node 0 -> node 1 \([0-9.]+ s\)$'
	assert_line --regexp '^  cold +1\.000 s not accessed$'
	assert_line --regexp '^  migrated +[0-9.]+ [KMG]iB +[1-9][0-9]* pages$'
	assert_line --regexp '^  rate +[0-9]+ pages/s$'
	assert_line --regexp '^  traced \(damon\) +[1-9][0-9]* pages +0 failed$'
	assert_output --partial "dsamig.ko is not loaded"
	no_leftovers
}

@test "promote --quota: DAMON moves no more than the quota per second" {
	memhold_start --mb 64 --node 1 --hot
	# Every run stays within the quota.  Whether a short run applies any of
	# it depends on DAMON's regions: the quota cuts the hottest region at
	# its start, and until the boundaries close in on memhold's 64 MiB in
	# node 1's 1 GiB the first MiB tried may be free pages (seen in CI:
	# bytes_tried 2 MiB, bytes_applied 0).  So up to three runs, each
	# checked, and one of them must apply something.
	applied=0
	for _ in 1 2 3; do
		run -0 --separate-stderr "$DSAMIG" promote --from 1 --to 0 --duration 4s \
			--quota 1M --json
		echo "$output"
		secs=$(jq '.duration_s | ceil' <<<"$output")
		[ "$(jq .quota_bytes_per_s <<<"$output")" -eq $((1 << 20)) ]
		[ "$(jq .bytes_tried <<<"$output")" -le $(((secs + 1) << 20)) ]
		[ "$(jq '.bytes_applied <= .bytes_tried' <<<"$output")" = true ]
		[ "$(jq .quota_exceeded <<<"$output")" -gt 0 ]
		no_leftovers
		applied=$(jq .bytes_applied <<<"$output")
		[ "$applied" -eq 0 ] || break
	done
	memhold_stop
	memhold_pid=
	[ "$applied" -gt 0 ]
}

@test "promote with dsamig.ko (backend=dsa over dsasim): the report shows DSA pages" {
	dsasim_load
	dsasim_kernel_wq wq0.0 32
	dsasim_enable wq0.0
	# wait=irq: under single-threaded TCG a polling vCPU spins until the
	# other one gets its time slice, and threshold=1 makes many small runs;
	# with poll, folios stayed locked long enough to trip the hung-task check
	dsamig_load backend=dsa threshold=1 reasons=damon wait=irq
	memhold_start --mb 32 --node 1 --hot
	run -0 --separate-stderr "$DSAMIG" promote --from 1 --to 0 --duration 6s --json
	echo "$output"
	memhold_stop
	memhold_pid=
	[ "$(jq .module_loaded <<<"$output")" = true ]
	[ "$(jq .copy.dsa.pages <<<"$output")" -gt 0 ]
	[ "$(jq '.copy.dsa.setup_ns > 0 and .copy.dsa.transfer_ns > 0' <<<"$output")" = true ]
	# how much moves in the time depends on the host's load (dsasim copies
	# under TCG); test 1 checks the amount, this one that DSA copied it
	[ "$(moved 0)" -gt 0 ]
	[ "$(jq .pages_migrated <<<"$output")" -ge "$(moved 0)" ]
}

@test "promote: SIGINT stops it early, it still reports, the kdamond is removed" {
	memhold_start --mb 32 --node 1 --hot
	"$DSAMIG" promote --from 1 --to 0 --duration 600s --json > "$BATS_TEST_TMPDIR/out" &
	dsamig_pid=$!
	for _ in $(seq 100); do
		[[ $(cat $DAMON/0/state 2>/dev/null) == on ]] && break
		sleep 0.2
	done
	[ "$(cat $DAMON/0/state)" = on ]
	sleep 1
	kill -INT "$dsamig_pid"
	status=0
	wait "$dsamig_pid" || status=$?
	dsamig_pid=
	cat "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	jq -e '.interrupted == true and .duration_s < 600' "$BATS_TEST_TMPDIR/out"
	no_leftovers
	memhold_stop
	memhold_pid=
}

@test "promote: SIGTERM during the run removes the kdamond too" {
	"$DSAMIG" promote --from 1 --to 0 --duration 600s --quiet > /dev/null &
	dsamig_pid=$!
	damon_on || true
	kill -TERM "$dsamig_pid"
	wait "$dsamig_pid"
	dsamig_pid=
	no_leftovers
}

@test "promote refuses to run next to a kdamond it did not create, and leaves it alone" {
	damon_migrate migrate_hot 1 0
	run -1 --separate-stderr "$DSAMIG" promote --from 1 --to 0 --duration 1s
	assert_equal "$stderr" "dsamig promote: 1 DAMON kdamond is already configured (1 running); adding one would reset it, and dsamig does not touch kdamonds it did not create; if nothing uses it, remove it with 'echo off > $DAMON/0/state; echo 0 > $DAMON/nr_kdamonds'"
	# status names it too, as someone else's
	run -3 "$DSAMIG" status --json
	jq -e '.problems[] | select(.id == "kdamond_in_use")' <<<"$output"
	[ "$(cat $DAMON/nr_kdamonds)" = 1 ]
	[ "$(cat $DAMON/0/state)" = on ]
	[ "$(cat $DAMON/0/contexts/0/schemes/0/action)" = migrate_hot ]
	[ -z "$(dsamig_instances)" ]
}

@test "a promote killed by SIGKILL leaves its kdamond: status shows it with the remedy, so does promote" {
	"$DSAMIG" promote --from 1 --to 0 --duration 600s --quiet > /dev/null &
	dsamig_pid=$!
	damon_on
	# SIGKILL runs no cleanup: the kdamond runs on
	kill -KILL "$dsamig_pid"
	wait "$dsamig_pid" || true
	pid=$dsamig_pid
	dsamig_pid=
	[ "$(cat $DAMON/0/state)" = on ]
	remedy="echo off > $DAMON/0/state; echo 0 > $DAMON/nr_kdamonds"
	run -3 "$DSAMIG" status --json
	jq -e --arg r "$remedy" '.problems[] | select(.id == "kdamond_left" and .remedy == $r)' \
		<<<"$output"
	run -3 "$DSAMIG" status
	assert_line "missing      a DAMON kdamond that dsamig promote (pid $pid) left when it was killed: dsamig promote and demote refuse to run beside it: $remedy"
	run -1 --separate-stderr "$DSAMIG" demote --from 0 --to 1 --duration 1s
	assert_equal "$stderr" "dsamig demote: 1 DAMON kdamond is already configured (1 running); adding one would reset it, and dsamig does not touch kdamonds it did not create; dsamig promote (pid $pid) left it when it was killed: remove it with '$remedy'"
	[ "$(cat $DAMON/0/state)" = on ]
	# the remedy works, and then promote runs
	bash -c "$remedy"
	run -3 "$DSAMIG" status --json
	[ "$(jq '[.problems[] | select(.id | startswith("kdamond_"))] | length' <<<"$output")" = 0 ]
	run -0 "$DSAMIG" promote --from 1 --to 0 --duration 1s --quiet
	no_leftovers
	[ ! -e /run/dsamig/kdamond ]
}

@test "promote next to the kernel's exclusive DAMON module names it and how to stop it, creates nothing" {
	# Debian's 7.x kernels start damon_stat at boot; 6.12 has damon_reclaim.
	m=damon_stat
	[ -e /sys/module/$m/parameters/enabled ] || m=damon_reclaim
	damon_exclusive_off
	echo Y > /sys/module/$m/parameters/enabled
	run -3 "$DSAMIG" status --json
	jq -e ".problems[] | select(.id == \"damon_exclusive\" and .remedy == \"echo N > /sys/module/$m/parameters/enabled\")" <<<"$output"
	run -1 --separate-stderr "$DSAMIG" promote --from 1 --to 0 --duration 1s
	echo N > /sys/module/$m/parameters/enabled
	assert_equal "$stderr" "dsamig promote: DAMON is busy: the kernel's $m runs exclusively; stop it with 'echo N > /sys/module/$m/parameters/enabled'"
	no_leftovers
}

@test "promote and demote: bad nodes are one-line errors, nothing is created" {
	run -2 --separate-stderr "$DSAMIG" promote --from 1 --to 1
	assert_equal "$stderr" "dsamig promote: --from and --to are the same node (1); see 'dsamig promote --help'"
	run -2 --separate-stderr "$DSAMIG" demote --from one --to 0
	assert_equal "$stderr" "dsamig demote: bad node 'one' for --from: a node number; see 'dsamig demote --help'"
	run -2 --separate-stderr "$DSAMIG" promote --to 0
	assert_equal "$stderr" "dsamig promote: --from and --to are required; see 'dsamig promote --help'"
	run -1 --separate-stderr "$DSAMIG" promote --from 7 --to 0
	assert_equal "$stderr" "dsamig promote: source node 7 does not exist; see /sys/devices/system/node/online"
	run -1 --separate-stderr "$DSAMIG" demote --from 0 --to 5
	assert_equal "$stderr" "dsamig demote: target node 5 does not exist; see /sys/devices/system/node/online"
	run -2 --separate-stderr "$DSAMIG" promote --from 1 --to 0 --hot 101
	assert_equal "$stderr" "dsamig promote: bad --hot '101': a percentage from 1 to 100; see 'dsamig promote --help'"
	no_leftovers
}
