#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# dsamig compact on the host: usage errors and the refusal of non-root
# users, all before anything is touched. (Compaction itself runs in the
# guest: tests/vm/suites/compact.bats.) Never run it here as root with
# good arguments: that would compact this machine's memory.

load helper

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

@test "compact: usage errors exit 2 with one line" {
	run -2 --separate-stderr "$DSAMIG" compact --node x
	assert_equal "$stderr" "dsamig compact: bad node list 'x'; see 'dsamig compact --help'"
	run -2 --separate-stderr "$DSAMIG" compact --node 0-
	assert_equal "$stderr" "dsamig compact: bad node list '0-'; see 'dsamig compact --help'"
	run -2 --separate-stderr "$DSAMIG" compact --node 0 --all
	assert_equal "$stderr" "dsamig compact: --node and --all exclude each other; see 'dsamig compact --help'"
	run -2 --separate-stderr "$DSAMIG" compact 0
	assert_equal "$stderr" "dsamig compact: unexpected argument '0'; see 'dsamig compact --help'"
	assert_output ""
}

@test "compact: not root is refused before anything is read or written" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop to nobody"
	run -1 --separate-stderr as_nobody "$DSAMIG" compact --node 0 --json
	assert_equal "$stderr" "dsamig compact: must be run as root to compact memory and trace it; try 'sudo dsamig compact'"
	assert_output ""
}

@test "compact --help names every option" {
	local opt
	run -0 "$DSAMIG" compact --help
	for opt in --node --all --json --quiet; do
		assert_output --partial -- "$opt"
	done
}

@test "dsamig-compact(8) renders without warnings and documents the JSON keys" {
	local key
	run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$top/man/dsamig-compact.8"
	assert_equal "$stderr" ""
	for key in nodes duration_s interrupted pages_migrated pages_failed pages_per_s \
		fragmentation_score vmstat module_loaded copy lost_events; do
		assert_output --partial "$key"
	done
}

@test "bash completion: compact's options, and node numbers from /sys" {
	run -0 bash_complete dsamig compact --n
	assert_output --partial -- --node
	run -0 bash_complete dsamig compact --node ""
	assert_line "0"
}
