#!/usr/bin/env bats
# dsamig.ko's dsa backend over dsasim: runs through dmaengine channels,
# every injected fault sent back to the CPU, no lost or stale page.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash
load dsasim.bash

setup() {
	dsasim_kernel_wq_up
}

teardown() {
	dsasim_kernel_wq_down
}

@test "backend=dsa copies runs through the DSA channel, pages intact, no leaked descriptor" {
	dsamig_load backend=dsa
	[ "$(counter channels)" = 1 ]
	migstress_ok --pages 1024 --thp 2 --rounds 4
	[ "$(counter dsa/runs)" -gt 0 ]
	[ "$(counter dsa/pages)" -ge 4096 ]
	[ "$(stat_of bytes)" -ge $((4096 * 4096)) ]
	[ "$(stat_of leaked)" = 0 ]
	[ "$(stat_of descriptors)" = "$(stat_of completed)" ]
	for c in engine_error timeout map_mismatch desc_alloc; do
		[ "$(counter fallbacks/$c)" = 0 ]
	done
	# Behind an IOMMU (make check runs this suite with --iommu on 6.12-trixie)
	# every copy went through its translation of the IOVAs, and none faulted.
	if [ "$(stat_of iommu_group)" != -1 ]; then
		printf '# behind the IOMMU (group %s): %d descriptors translated\n' \
			"$(stat_of iommu_group)" "$(stat_of iommu_translated)" >&3
		[ "$(stat_of iommu_translated)" -gt 0 ]
		[ "$(stat_of iommu_faults)" = 0 ]
	fi
}

@test "dsamig_run events of the dsa backend carry every phase" {
	dsamig_load backend=dsa
	t=/sys/kernel/tracing/instances/dsamig-dsa
	mkdir $t
	echo 1 > $t/events/dsamig/dsamig_run/enable
	migstress_ok --pages 512 --rounds 2 --writers 1
	echo 0 > $t/events/dsamig/dsamig_run/enable
	run grep -m 1 'backend=dsa result=ok' $t/trace
	rmdir $t
	assert_success
	assert_output --regexp 'segments=[1-9][0-9]* channels=1 sg_ns=[1-9][0-9]* map_ns=[1-9][0-9]* submit_ns=[1-9][0-9]* wait_ns=[1-9][0-9]* unmap_ns=[1-9][0-9]*'
}

@test "engine errors (fail_every) fall back to the CPU, pages intact" {
	dsamig_load backend=dsa
	echo 7 > $PARAMS/fail_every
	migstress_ok --pages 1024 --thp 2 --rounds 4
	[ "$(stat_of injected_failures)" -gt 0 ]
	[ "$(counter fallbacks/engine_error)" -gt 0 ]
	[ "$(counter cpu_path_pages)" -gt 0 ]
}

@test "descriptor allocation failures (alloc_fail_every) fall back, pages intact" {
	dsamig_load backend=dsa
	echo 5 > $PARAMS/alloc_fail_every
	migstress_ok --pages 1024 --thp 2 --rounds 4
	[ "$(stat_of injected_alloc_failures)" -gt 0 ]
	[ "$(counter fallbacks/desc_alloc)" -gt 0 ]
}

@test "a descriptor that never completes (stall_every): the run ends in bounded time (terminated on 7.x, its dst quarantined on 6.12), pages intact" {
	dsamig_load backend=dsa timeout_ms=200
	echo 9 > $PARAMS/stall_every
	migstress_ok --pages 512 --thp 1 --rounds 4
	[ "$(stat_of injected_stalls)" -gt 0 ]
	[ "$(counter fallbacks/timeout)" -gt 0 ]
	# Either way the channel is given back (its pool lost descriptors, or
	# 7.x terminated it and invalidated its interrupt handle).
	[ "$(counter channels)" = 0 ]
	if [[ $(uname -r) != 6.* ]]; then
		# 7.x terminates: the DMA is over, nothing is held.
		[ "$(counter quarantined_pages)" = 0 ]
		rmmod dsamig
		return 0
	fi
	# 6.12 idxd cannot terminate: the run's dst folios are held and so is
	# the module.
	[ "$(counter quarantined_pages)" -gt 0 ]
	run rmmod dsamig
	[ "$status" -ne 0 ]
	# Disabling the WQ flushes its descriptors: the quarantine ends.
	echo wq0.0 > $DRV/dmaengine/unbind
	for _ in $(seq 20); do rmmod dsamig 2>/dev/null && break; sleep 0.5; done
	[ ! -d /sys/module/dsamig ]
}

@test "wait=poll (not the default) busy-waits for the completions, pages intact" {
	dsamig_load backend=dsa wait=poll
	[ "$(cat $KNOBS/wait)" = poll ]
	migstress_ok --pages 1024 --thp 2 --rounds 2
	[ "$(counter dsa/runs)" -gt 0 ]
}

@test "a WQ with a 64 KiB max_transfer_size: no descriptor exceeds it (the engine would fail it), THPs intact" {
	dsasim_unload
	dsasim_load
	dsasim_kernel_wq wq0.0 32
	echo 65536 > $DSA/wq0.0/max_transfer_size
	dsasim_enable wq0.0
	dsamig_load backend=dsa
	migstress_ok --pages 256 --thp 2 --rounds 4
	[ "$(counter dsa/pages)" -gt 0 ]
	[ "$(stat_of errors)" = 0 ]
	[ "$(counter fallbacks/engine_error)" = 0 ]
}

@test "two work queues: runs and THPs spread over both channels" {
	dsasim_unload
	dsasim_load
	dsasim_kernel_wq wq0.0 16
	dsasim_kernel_wq wq0.1 16
	dsasim_enable wq0.0
	echo wq0.1 > $DRV/dmaengine/bind
	dsamig_load backend=dsa
	[ "$(counter channels)" = 2 ]
	t=/sys/kernel/tracing/instances/dsamig-dsa2
	mkdir $t
	echo 1 > $t/events/dsamig/dsamig_run/enable
	migstress_ok --thp 2 --pages 1 --rounds 2 --writers 1
	echo 0 > $t/events/dsamig/dsamig_run/enable
	run grep -c 'backend=dsa result=ok folios=1 pages=512 segments=[0-9]* channels=2' $t/trace
	rmdir $t
	[ "$output" -ge 1 ]
	echo 1 > $KNOBS/channels
	[ "$(counter channels)" = 1 ]
}

@test "load and unload in a loop while dsa migrations run: no lost or stale page" {
	"$MIGSTRESS" --json --pages 1024 --thp 2 --seconds 20 > "$BATS_TEST_TMPDIR/ms" &
	pid=$!
	for i in 1 2 3 4 5; do
		dsamig_load backend=dsa
		sleep 1
		rmmod dsamig
	done
	wait $pid
	ms=$(cat "$BATS_TEST_TMPDIR/ms")
	echo "$ms"
	[ "$(json_field "$ms" bad_pages)" -eq 0 ]
	[ "$(stat_of leaked)" = 0 ]
}

# stall_then ACTION: migrations with a stalled descriptor, ACTION run while
# they do; every page stays intact and the runs end in bounded time.
stall_then() {
	dsamig_load backend=dsa timeout_ms=200
	echo 9 > $PARAMS/stall_every
	"$MIGSTRESS" --json --pages 512 --thp 1 --rounds 6 > "$BATS_TEST_TMPDIR/ms" &
	pid=$!
	for _ in $(seq 100); do
		(($(stat_of injected_stalls) > 0)) && break
		sleep 0.1
	done
	[ "$(stat_of injected_stalls)" -gt 0 ]
	"$@"
	wait $pid
	ms=$(cat "$BATS_TEST_TMPDIR/ms")
	echo "$ms"
	[ "$(json_field "$ms" bad_pages)" -eq 0 ]
	[ "$(counter fallbacks/timeout)" -gt 0 ]
}

# unloads_after ACTION: on 6.12 a quarantine holds the module until ACTION
# (the WQs go, their descriptors with them); on 7.x terminate held nothing.
unloads_after() {
	if [[ $(uname -r) == 6.* ]]; then
		[ "$(counter quarantined_pages)" -gt 0 ]
		run rmmod dsamig
		[ "$status" -ne 0 ]
	fi
	"$@"
	for _ in $(seq 20); do rmmod dsamig 2>/dev/null && break; sleep 0.5; done
	[ ! -d /sys/module/dsamig ]
}

@test "a stall, then the WQ's device is unbound under running migrations: channels dropped first, pages intact, module unloads" {
	stall_then sh -c "echo dsa0 > $DRV/idxd/unbind"
	[ "$(counter channels)" = 0 ]
	# idxd would have warned of a channel freed under its client.
	run dmesg
	refute_output --partial "Clients has claim on wq"
	# Any quarantine (6.12) ended with the WQs: the module unloads.
	rmmod dsamig
}

@test "a stall, then a device halt: runs fall back in bounded time, pages intact; the quarantine lasts until the device is unbound" {
	stall_then dsasim_fault halt 1
	[ "$(cat $DSA/dsa0/state)" = halted ]
	unloads_after sh -c "echo dsa0 > $DRV/idxd/unbind"
}

@test "shared WQ: rejected submits (ENQCMDS) fall back once each, no timeout, no leaked descriptor, pages intact" {
	dsamig_load backend=dsa timeout_ms=2000
	dsasim_fault submit_fail_every 5
	migstress_ok --pages 1024 --thp 2 --rounds 4
	[ "$(stat_of injected_submit_failures)" -gt 0 ]
	[ "$(counter fallbacks/submit)" -gt 0 ]
	[ "$(counter fallbacks/timeout)" = 0 ]
	[ "$(stat_of leaked)" = 0 ]
	rmmod dsamig
}

@test "residue is poisoned (idxd never writes it): copies still succeed, pages intact" {
	dsamig_load backend=dsa
	migstress_ok --pages 1024 --thp 2 --rounds 2
	[ "$(counter dsa/runs)" -gt 0 ]
	[ "$(counter fallbacks/engine_error)" = 0 ]
	[ "$(counter fallbacks/timeout)" = 0 ]
}
