#!/usr/bin/env bats
# dsamig stat -- COMMAND: COMMAND's exit status, its migrations, no leftovers.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load top.bash
load dsamig.bash

teardown() {
	dsamig_unload
	[ -z "$(dsamig_instances)" ]
}

@test "stat --json -- migstress: its status, and its migrations as syscall_or_cpuset" {
	before=$(pgmigrate)
	run -0 --separate-stderr "$DSAMIG" stat --json -- "$MIGSTRESS" --json --pages 512 --rounds 3 --writers 1
	after=$(pgmigrate)
	echo "$output"; echo "$stderr"
	ms=$output
	[ "$(json_field "$ms" bad_pages)" -eq 0 ]
	moved=$(json_field "$ms" moved)
	[ "$moved" -gt 0 ]
	[ "$(jq -r .command <<<"$stderr")" = "$MIGSTRESS" ]
	[ "$(jq -c .argv <<<"$stderr")" = "[\"$MIGSTRESS\",\"--json\",\"--pages\",\"512\",\"--rounds\",\"3\",\"--writers\",\"1\"]" ]
	# the Unix time at COMMAND's end, with milliseconds
	[[ $stderr =~ \"time\":([0-9]{10}\.[0-9]{3})[,}] ]]
	[ "${BASH_REMATCH[1]%.*}" -le "$(date +%s)" ]
	[ "$(jq .exit_status <<<"$stderr")" -eq 0 ]
	[ "$(jq .migrations.syscall_or_cpuset.succeeded <<<"$stderr")" -ge "$moved" ]
	# nothing outside dsamig stat's window is counted
	[ "$(jq .migrations_total.succeeded <<<"$stderr")" -le $((${after% *} - ${before% *})) ]
	[ "$(jq .lost_events <<<"$stderr")" -eq 0 ]
}

@test "stat: human totals per reason, to a file with -o" {
	run -0 "$DSAMIG" stat -o "$BATS_TEST_TMPDIR/out" -- "$MIGSTRESS" --pages 256 --rounds 2 --writers 0
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output --partial "Migration statistics for '$MIGSTRESS'"
	assert_line --regexp '^    syscall_or_cpuset +[1-9][0-9]* +0 +[1-9]'
	assert_line --regexp '^    total +[1-9]'
	assert_output --partial "dsamig.ko is not loaded"
	assert_line --regexp '^  lost events +0 '
}

@test "stat -o FILE that cannot be written: one line, COMMAND not run, no instance" {
	run -1 --separate-stderr "$DSAMIG" stat -o /nonexistent/dir/out -- touch "$BATS_TEST_TMPDIR/ran"
	assert_equal "$stderr" "dsamig stat: cannot write '/nonexistent/dir/out': No such file or directory; check the path"
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	[ -z "$(dsamig_instances)" ]
}

@test "stat exits with COMMAND's status, 128+signal, or 127" {
	run -7 "$DSAMIG" stat -- sh -c 'exit 7'
	run -143 "$DSAMIG" stat -- sh -c 'kill -TERM $$'
	run -127 --separate-stderr "$DSAMIG" stat -- /nonexistent/command
	assert_equal "$stderr" "dsamig stat: cannot run '/nonexistent/command': No such file or directory"
}

@test "stat with dsamig.ko (backend=cpu) reports the CPU copies" {
	dsamig_load backend=cpu
	run -0 --separate-stderr "$DSAMIG" stat --json -- "$MIGSTRESS" --pages 256 --rounds 2 --writers 0
	[ "$(jq .module_loaded <<<"$stderr")" = true ]
	[ "$(jq '.cpu.pages + .cpu.backend_pages' <<<"$stderr")" -gt 0 ]
}
