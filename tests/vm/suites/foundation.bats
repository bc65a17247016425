#!/usr/bin/env bats
# What every later feature relies on in the test guest: the NUMA layout,
# tracefs, DAMON, and modules built against the guest's headers.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

setup() {
	TOP=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)
	node=/sys/devices/system/node
}

@test "guest runs Debian's 6.12 kernel as root" {
	[ "$(id -u)" -eq 0 ]
	[[ $(uname -r) == 6.12.* ]]
	[ "${DSAMIG_IN_VM:-}" = 1 ]
}

@test "nodes 0 and 1 are online" {
	run cat $node/online
	assert_output "0-1"
}

@test "node 0 has the CPUs and memory" {
	[ -n "$(cat $node/node0/cpulist)" ]
	run awk '/MemTotal/ { print $4 }' $node/node0/meminfo
	[ "$output" -gt 100000 ]
}

@test "node 1 has memory and no CPUs (the slow tier)" {
	run cat $node/node1/cpulist
	assert_output ""
	run awk '/MemTotal/ { print $4 }' $node/node1/meminfo
	[ "$output" -gt 100000 ]
	grep -q '^1$' $node/has_memory || grep -Eq '(^|,)0-1$|(^|,)1$' $node/has_memory
}

@test "tracefs: a private instance can enable migrate and compaction events" {
	t=/sys/kernel/tracing
	[ -d $t/events/migrate/mm_migrate_pages ]
	[ -d $t/events/compaction ]
	mkdir $t/instances/vmtest
	echo 1 > $t/instances/vmtest/events/migrate/mm_migrate_pages/enable
	run cat $t/instances/vmtest/events/migrate/mm_migrate_pages/enable
	assert_output "1"
	echo 0 > $t/instances/vmtest/events/migrate/mm_migrate_pages/enable
	rmdir $t/instances/vmtest
}

@test "debugfs is mounted" {
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts
}

@test "DAMON sysfs is present and offers migrate_hot" {
	d=/sys/kernel/mm/damon/admin/kdamonds
	[ -f $d/nr_kdamonds ]
	run cat $d/nr_kdamonds
	assert_output "0"
	# migrate_hot came in 6.11; the guest kernel must have it.
	echo 1 > $d/nr_kdamonds
	echo 1 > $d/0/contexts/nr_contexts
	echo 1 > $d/0/contexts/0/schemes/nr_schemes
	echo migrate_hot > $d/0/contexts/0/schemes/0/action
	run cat $d/0/contexts/0/schemes/0/action
	assert_output "migrate_hot"
	echo 0 > $d/nr_kdamonds
}

@test "a module built against the guest headers loads, logs and unloads" {
	ko=$TOP/build/kmod/$(uname -r)/vmtest.ko
	[ -f "$ko" ]
	insmod "$ko"
	grep -q '^vmtest ' /proc/modules
	rmmod vmtest
	run dmesg
	assert_output --partial "vmtest: loaded"
	assert_output --partial "vmtest: unloaded"
}

@test "the guest's own modules load with modprobe" {
	modprobe dummy
	grep -q '^dummy ' /proc/modules
	modprobe -r dummy
}

@test "the built dsamig runs in the guest" {
	run "$TOP/build/dsamig" --version
	assert_success
	assert_output --partial "dsamig $(cat "$TOP/VERSION")"
}
