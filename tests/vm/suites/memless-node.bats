#!/usr/bin/env bats
# vm-options: --cpu-node
# A guest with a node that has a CPU and no memory: compact, promote and
# demote refuse it by name, and nothing is created.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load top.bash
load dsamig.bash

setup() {
	# the node that is online but has no memory (the kernel numbers it)
	memless=$(comm -23 <(list_nodes online) <(list_nodes has_memory))
	with_memory=$(list_nodes has_memory | head -n 1)
	[[ -n $memless && -n $with_memory ]]
}

# list_nodes FILE: the ids in /sys/devices/system/node/FILE, one a line, sorted as text
list_nodes() {
	local part
	IFS=, read -ra parts < "/sys/devices/system/node/$1"
	for part in "${parts[@]}"; do
		seq "${part%-*}" "${part#*-}"
	done | sort
}

@test "the guest has a node without memory" {
	[ -d /sys/devices/system/node/node$memless ]
	[ -n "$(cat /sys/devices/system/node/node$memless/cpulist)" ]
}

@test "promote to a node without memory: one line, nothing created" {
	run -1 --separate-stderr "$DSAMIG" promote --from "$with_memory" --to "$memless"
	assert_equal "$stderr" "dsamig promote: target node $memless has no memory; see /sys/devices/system/node/has_memory"
	[ "$(cat $DAMON/nr_kdamonds)" = 0 ]
	[ -z "$(dsamig_instances)" ]
}

@test "demote from a node without memory: one line, nothing created" {
	run -1 --separate-stderr "$DSAMIG" demote --from "$memless" --to "$with_memory"
	assert_equal "$stderr" "dsamig demote: source node $memless has no memory; see /sys/devices/system/node/has_memory"
	[ "$(cat $DAMON/nr_kdamonds)" = 0 ]
}

@test "compact of a node without memory: one line, nothing compacted" {
	before=$(pgmigrate)
	run -1 --separate-stderr "$DSAMIG" compact --node "$memless"
	assert_equal "$stderr" "dsamig compact: node $memless has no memory; see /sys/devices/system/node/has_memory"
	[ "$(pgmigrate)" = "$before" ]
	[ -z "$(dsamig_instances)" ]
}
