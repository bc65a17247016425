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

# dsamig promote and demote on the host: the same, before anything is
# touched. (DAMON itself runs in the guest.) Never run them here as root
# with good arguments: that would migrate this machine's memory.

@test "promote, demote: usage errors exit 2 with one line" {
	local verb
	for verb in promote demote; do
		run -2 --separate-stderr "$DSAMIG" $verb --from 0
		assert_equal "$stderr" "dsamig $verb: --from and --to are required; see 'dsamig $verb --help'"
		run -2 --separate-stderr "$DSAMIG" $verb --from 1 --to 1
		assert_equal "$stderr" "dsamig $verb: --from and --to are the same node (1); see 'dsamig $verb --help'"
		run -2 --separate-stderr "$DSAMIG" $verb --from x --to 1
		assert_equal "$stderr" "dsamig $verb: bad node 'x' for --from: a node number; see 'dsamig $verb --help'"
		run -2 --separate-stderr "$DSAMIG" $verb --from 0 --to 1 --quota 0
		assert_equal "$stderr" "dsamig $verb: bad --quota '0': bytes per second such as 64M; see 'dsamig $verb --help'"
		run -2 --separate-stderr "$DSAMIG" $verb --from 0 --to 1 --duration 50ms
		assert_equal "$stderr" "dsamig $verb: bad --duration '50ms': a time of at least 100ms such as 10s or 2m; see 'dsamig $verb --help'"
		run -2 --separate-stderr "$DSAMIG" $verb --from 0 --to 1 0
		assert_equal "$stderr" "dsamig $verb: unexpected argument '0'; see 'dsamig $verb --help'"
		assert_output ""
	done
	run -2 --separate-stderr "$DSAMIG" promote --from 0 --to 1 --hot 0
	assert_equal "$stderr" "dsamig promote: bad --hot '0': a percentage from 1 to 100; see 'dsamig promote --help'"
	run -2 --separate-stderr "$DSAMIG" demote --from 0 --to 1 --min-age x
	assert_equal "$stderr" "dsamig demote: bad --min-age 'x': a time such as 1s or 500ms; see 'dsamig demote --help'"
	run -2 "$DSAMIG" promote --from 0 --to 1 --min-age 1s
	run -2 "$DSAMIG" demote --from 0 --to 1 --hot 5
}

@test "promote, demote: not root is refused before anything is read or written" {
	[ "$(id -u)" -eq 0 ] || skip "needs root to drop to nobody"
	run -1 --separate-stderr as_nobody "$DSAMIG" promote --from 1 --to 0 --json
	assert_equal "$stderr" "dsamig promote: must be run as root to promote pages with DAMON; try 'sudo dsamig promote'"
	assert_output ""
	run -1 --separate-stderr as_nobody "$DSAMIG" demote --from 0 --to 1 --json
	assert_equal "$stderr" "dsamig demote: must be run as root to demote pages with DAMON; try 'sudo dsamig demote'"
	assert_output ""
}

@test "promote --help and demote --help name every option" {
	local opt
	run -0 "$DSAMIG" promote --help
	for opt in --from --to --hot --quota --duration --json --quiet; do
		assert_output --partial -- "$opt"
	done
	run -0 "$DSAMIG" demote --help
	for opt in --from --to --min-age --quota --duration --json --quiet; do
		assert_output --partial -- "$opt"
	done
}

@test "dsamig-promote(8) renders without warnings and documents the JSON keys" {
	local key opt
	run -0 --separate-stderr env MANWIDTH=80 man --warnings -l "$top/man/dsamig-promote.8"
	assert_equal "$stderr" ""
	assert_line --partial 'dsamig-promote, dsamig-demote - '
	for key in action from to ranges start end hot_percent min_age_s quota_bytes_per_s \
		duration_s interrupted kdamond_died kdamond_left regions_tried bytes_tried regions_applied \
		bytes_applied quota_exceeded pages_applied pages_per_s pages_migrated pages_failed \
		vmstat pgmigrate_success pgmigrate_fail module_loaded copy lost_events; do
		run -0 man_section "$top/man/dsamig-promote.8" OUTPUT
		assert_output --partial "$key"
	done
	for opt in --from --to --hot --min-age --quota --duration --json --quiet; do
		run -0 man_section "$top/man/dsamig-promote.8" OPTIONS
		assert_output --partial -- "$opt"
	done
}

@test "bash completion: promote's and demote's options, and node numbers from /sys" {
	run -0 bash_complete dsamig promote --h
	assert_line --hot
	run -0 bash_complete dsamig demote --m
	assert_output --min-age
	run -0 bash_complete dsamig promote --from ""
	assert_line "0"
	run -0 bash_complete dsamig demote --to ""
	assert_line "0"
	run -0 bash_complete dsamig promote --duration ""
	assert_output ""
}

@test "zsh completion: promote --from and demote --to complete node numbers" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run -0 zsh_complete 'dsamig promote --from '
	assert_line "0"
	run -0 zsh_complete 'dsamig demote --to '
	assert_line "0"
	run -0 zsh_complete 'dsamig demote --m'
	assert_output --min-age
}
