#!/usr/bin/env bats
# The guest harness itself, driven from the host: status pass-through,
# failure detection, options. Each test boots a guest (about 9 s).

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

setup_file() {
	export TOP
	TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	# Scratch files live in the tree, where both sides see them.
	export SCRATCH="$TOP/build/tmp/harness"
	rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
}

@test "run -- true exits 0" {
	run "$TOP/tests/vm/run" -- true
	assert_success
}

@test "run -- false exits non-zero" {
	run "$TOP/tests/vm/run" -- false
	assert_failure 1
}

@test "the command runs as root in the caller's directory, output and status pass through" {
	# Even under the host's /tmp, where a CI clone may live.
	dir=$(mktemp -d)
	echo here > "$dir/mark"
	cd "$dir"
	run "$TOP/tests/vm/run" -- bash -c 'echo "uid=$(id -u) pwd=$PWD kernel=$(uname -r) $(cat mark)"; exit 42'
	cd "$TOP"
	rm -rf "$dir"
	assert_failure 42
	assert_output --regexp "uid=0 pwd=$dir kernel=6\.12\.[^ ]* here"
}

@test "arguments keep their quoting" {
	run "$TOP/tests/vm/run" -- printf '<%s>' 'a b' '' "c'd" '$HOME'
	assert_success
	assert_output "<a b><><c'd><\$HOME>"
}

@test "a kernel WARNING fails the run and keeps the console log" {
	run "$TOP/tests/vm/run" -- sh -c 'insmod "$1/build/kmod/$(uname -r)/vmtest.ko" warn=1' sh "$TOP"
	assert_failure 125
	assert_output --partial "WARNING:"
	log=$(sed -n 's/.*console log: \(.*\)$/\1/p' <<<"$output")
	[ -s "$log" ]
	rm -rf "$(dirname "$log")"
}

@test "a command that outlives --timeout is killed with status 124" {
	run "$TOP/tests/vm/run" --timeout 25 -- sleep 600
	assert_failure 124
	assert_output --partial "timed out after 25s"
	rm -rf "$(sed -n 's/.*console log: \(.*\)\/console.log$/\1/p' <<<"$output")"
}

@test "--nodes and --mem shape the guest's NUMA layout" {
	run "$TOP/tests/vm/run" --nodes 3 --mem 1536M -- cat /sys/devices/system/node/online
	assert_success
	assert_output "0-2"
}

@test "--iommu gives the guest a VT-d IOMMU and edu devices in IOMMU groups" {
	run "$TOP/tests/vm/run" --iommu -- sh -c '
		grep -o "intel_iommu=on iommu.strict=0" /proc/cmdline
		ls /sys/class/iommu
		for d in /sys/bus/pci/devices/*; do
			[ "$(cat $d/vendor):$(cat $d/device)" = 0x1234:0x11e8 ] || continue
			echo "edu group=$(basename $(readlink $d/iommu_group))" \
				"type=$(cat $d/iommu_group/type)"
		done'
	assert_success
	assert_line "intel_iommu=on iommu.strict=0"
	assert_line "dmar0"
	assert_line --regexp '^edu group=[0-9]+ type=DMA-FQ$'
	[ "$(grep -c '^edu ' <<<"$output")" = 1 ]
	run "$TOP/tests/vm/run" --iommu --edu 2 -- sh -c 'grep -l 0x11e8 /sys/bus/pci/devices/*/device | wc -l'
	assert_success
	assert_output 2
	# without: neither
	run "$TOP/tests/vm/run" -- sh -c 'ls /sys/class/iommu 2>/dev/null | wc -l
		cat /sys/bus/pci/devices/*/device | grep -c 0x11e8; true'
	assert_success
	assert_output $'0\n0'
}

@test "a failing test in a guest suite fails make check's count" {
	# Not a here-document: bats would take its @test lines for its own.
	printf '%s\n' '@test "passes" { true; }' '@test "fails" { false; }' > "$SCRATCH/failing.bats"
	run "$TOP/tests/check.sh" vm-suite "$SCRATCH/failing.bats"
	assert_failure
	assert_line "check: 1 passed, 1 failed, 0 skipped"
}

@test "check's job queue: suites on two lanes, printed and counted in order; a series that cannot be prepared fails and skips its suites" {
	# A stand-in for tests/vm/run that runs the command on the host, in a
	# random order of finishing: the output must still follow the queue.
	printf '%s\n' '#!/bin/bash' 'while [[ $1 != -- ]]; do shift; done; shift' \
		'sleep 0.$((RANDOM % 10))' 'exec "$@"' > "$SCRATCH/run"
	chmod +x "$SCRATCH/run"
	for i in 1 2 3 4; do
		printf '%s\n' "@test \"s$i\" { [ $i != 3 ]; }" > "$SCRATCH/s$i.bats"
	done
	DSAMIG_VM_RUN=$SCRATCH/run DSAMIG_VM_LANES=2 DSAMIG_KERNELS="6.12 9.9" \
		run "$TOP/tests/check.sh" vm-matrix "$SCRATCH"/s{1,2,3,4}.bats
	assert_failure
	# The preparation first, then the default series' suites, then 9.9's.
	names=$(grep -E '^# (vm|kernels)' <<<"$output" | grep -vE ': [0-9]+ s$' | sed 's|/.*/||')
	assert_equal "$names" "$(printf '# %s\n' 'kernels 9.9: fetch and build modules' \
		vm:\ s{1,2,3,4}.bats vm\[9.9\]:\ s{1,2,3,4}.bats)"
	assert_line "not ok - kernel 9.9: fetch or build failed"
	assert_line "not ok 1 s3"
	assert_line --partial "s4.bats # SKIP kernel 9.9 could not be prepared"
	assert_line "# guest layer: $(sed -n 's/^# guest layer: \([0-9]*\) s.*/\1/p' <<<"$output") s in 2 lane(s)"
	assert_line "check: 3 passed, 2 failed, 4 skipped"
}

@test "bad options are usage errors, before any boot" {
	run "$TOP/tests/vm/run" --nodes 0 -- true
	assert_failure 2
	assert_output --partial "--nodes takes 1 to 8"
	run "$TOP/tests/vm/run" --mem lots -- true
	assert_failure 2
	run "$TOP/tests/vm/run" --frobnicate -- true
	assert_failure 2
	run "$TOP/tests/vm/run" --cpu-node --smp 1 -- true
	assert_failure 2
	assert_output --partial "--cpu-node needs --smp 2 or more"
	run "$TOP/tests/vm/run" --iommu --edu 9 -- true
	assert_failure 2
	assert_output --partial "--edu takes 0 to 8"
	run "$TOP/tests/vm/run"
	assert_failure 2
	assert_output --partial "no command given"
}
