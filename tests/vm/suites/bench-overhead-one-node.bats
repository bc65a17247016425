#!/usr/bin/env bats
# vm-options: --nodes 1
# dsamig bench --overhead on a guest with one node with memory: refused in
# one line, before the module is touched (move_pages needs two nodes).

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash

DSAMIG=$TOP/build/dsamig

teardown() {
	dsamig_unload
}

@test "bench --overhead refuses a machine with one node with memory (one node guest)" {
	[[ $(cat /sys/devices/system/node/has_memory) =~ ^[0-9]+$ ]]
	run -1 --separate-stderr "$DSAMIG" bench --overhead --repeats 2
	assert_output ""
	assert_equal "$stderr" "dsamig bench: only node 0 has memory: the overhead bench migrates pages between two nodes (move_pages), and this machine has one"
	[ ! -d /sys/module/dsamig ]
}
