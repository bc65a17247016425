#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# dsamig top and stat on the host: argument checks and refusals that come
# before any tracing. (Tracing itself is tested in the guest:
# tests/vm/suites/top.bats, stat.bats.)

load helper

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

@test "top: usage errors exit 2 with one line" {
	run -2 --separate-stderr "$DSAMIG" top --json --csv
	assert_equal "$stderr" "dsamig top: --json and --csv exclude each other; see 'dsamig top --help'"
	run -2 --separate-stderr "$DSAMIG" top -d 0.01
	assert_equal "$stderr" "dsamig top: bad delay '0.01' (at least 0.1 s); see 'dsamig top --help'"
	run -2 --separate-stderr "$DSAMIG" top -n 0
	assert_equal "$stderr" "dsamig top: bad iteration count '0'; see 'dsamig top --help'"
	run -2 --separate-stderr "$DSAMIG" top --duration soon
	assert_equal "$stderr" "dsamig top: bad duration 'soon'; see 'dsamig top --help'"
	run -2 --separate-stderr "$DSAMIG" top extra
	assert_equal "$stderr" "dsamig top: unexpected argument 'extra'; see 'dsamig top --help'"
	assert_output ""
}

@test "top: the screen without a terminal says to use --batch" {
	run -1 --separate-stderr "$DSAMIG" top </dev/null
	assert_equal "$stderr" "dsamig top: the screen needs a terminal; use --batch for a pipe"
}

@test "top and stat: not root is refused before tracing" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop to nobody"
	run -1 --separate-stderr as_nobody "$DSAMIG" top --batch -n 1
	assert_equal "$stderr" "dsamig top: must be run as root to trace migrations (tracefs); try 'sudo dsamig top'"
	assert_output ""
	run -1 --separate-stderr as_nobody "$DSAMIG" stat -- touch "$BATS_TEST_TMPDIR/ran"
	assert_equal "$stderr" "dsamig stat: must be run as root to trace migrations (tracefs); try 'sudo dsamig stat'"
	# COMMAND was not run
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "stat: no command is a usage error" {
	run -2 --separate-stderr "$DSAMIG" stat
	assert_equal "$stderr" "dsamig stat: no COMMAND to run; see 'dsamig stat --help'"
	run -2 --separate-stderr "$DSAMIG" stat --json
	assert_equal "${#stderr_lines[@]}" 1
}

@test "bash completion: top and stat options" {
	run -0 bash_complete dsamig top --c
	assert_output --csv
	run -0 bash_complete dsamig top -d ""
	assert_output ""
	run -0 bash_complete dsamig stat --j
	assert_output --json
	run -0 bash_complete dsamig stat -- bat
	assert_line bats
}

@test "dsamig-top(8) and dsamig-stat(8) render without warnings" {
	local page
	for page in dsamig-top dsamig-stat; do
		run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$top/man/$page.8"
		assert_equal "$stderr" ""
	done
}

@test "dsamig-top(8) documents every JSON key the batch output needs" {
	local key
	run -0 man_section "$top/man/dsamig-top.8" OUTPUT
	for key in interval_s migrations succeeded failed dsa runs pages sg_ns map_ns \
		submit_ns wait_ns unmap_ns cpu copy_ns lost_events; do
		assert_output --partial "$key"
	done
}

@test "dsamig-stat(8) documents the keys stat adds to the JSON" {
	local key
	run -0 man_section "$top/man/dsamig-stat.8" OPTIONS
	for key in time command argv exit_status; do
		assert_line --regexp "^ +$key( |$)"
	done
}
