#!/usr/bin/env bats
# vm-matrix: yes
# dsasim as strict as idxd: each outcome a dmaengine client meets on real
# hardware with the idxd driver of the kernel it runs, asserted through the
# test client module (tests/vm/dmaclient). See kmod/dsasim/README.md for the
# idxd functions each one follows.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsasim

ABANDONED=/tmp/dsasim-idxd-abandoned

setup() {
	[[ -e $ABANDONED ]] && skip "a channel was freed under a client: dsasim cannot be unloaded"
	dsasim_load "${LOAD_ARGS[@]}"
}

teardown() {
	[[ -e $ABANDONED ]] && return 0
	dsasim_unload
}


kernel_major() {
	uname -r | cut -d. -f1
}

@test "terminate: refused with -EINVAL on 6.x (idxd has no device_terminate_all), done on 7.x" {
	dsasim_kernel_wq
	dsasim_enable
	client count=2 terminate=1
	[ "$(result copied)" = 2 ]
	if [ "$(kernel_major)" -ge 7 ]; then
		[ "$(result terminate_rc)" = 0 ]
	else
		[ "$(result terminate_rc)" = -22 ]
	fi
}

@test "prep sleeps while the pool is empty until a descriptor retires" {
	echo 100000000 > $PARAMS/setup_ns
	echo 0 > $PARAMS/bandwidth_mbps
	dsasim_kernel_wq wq0.0 2
	dsasim_enable
	client count=4 depth=4 timeout_ms=5000
	[ "$(result prep_failures)" = 0 ]
	[ "$(result copied)" = 4 ]
	echo "longest prep: $(result prep_wait_ns) ns"
	[ "$(result prep_wait_ns)" -ge 50000000 ]
}

@test "a pool lost to descriptors without DMA_PREP_INTERRUPT: prep sleeps until a signal" {
	dsasim_kernel_wq wq0.0 4
	dsasim_enable
	run timeout -s INT 3 insmod "$CLIENT_KO" count=6 interrupt=0 timeout_ms=200
	[ "$status" = 124 ]
	[ "$(stat_of leaked)" = 4 ]
	[ "$(result copied)" = 4 ]
	[ "$(result prep_failures)" = 2 ]
	[ "$(result prep_wait_ns)" -ge 2000000000 ]
}

@test "callbacks run in the WQ's own thread, one per WQ" {
	dsasim_kernel_wq
	dsasim_enable
	client count=4
	[ "$(result cb_thread)" = "irq/dsa0-wq0.0" ]
	pgrep -x "irq/dsa0-wq0.0"
}

@test "residue is never written (0xdeadbeef, as idxd leaves it uninitialised)" {
	dsasim_kernel_wq
	dsasim_enable
	echo 3 > $PARAMS/fail_every
	client count=6
	[ "$(result callbacks)" = 6 ]
	[ "$(result residue_written)" = 0 ]
	[ "$(result residue)" = $((0xdeadbeef)) ]
}

@test "a rejected submit (ENQCMDS) calls back once with an error, in submit, and returns -EAGAIN" {
	dsasim_kernel_wq
	dsasim_enable
	dsasim_fault submit_fail_every 3
	client count=6
	[ "$(result submit_failures)" = 2 ]
	[ "$(result submit_callbacks)" = 2 ]
	[ "$(result callbacks_in_submit)" = 2 ]
	[ "$(result submit_rc)" = -11 ]
	[ "$(result callbacks)" = 6 ]
	[ "$(result copied)" = 4 ]
	[ "$(result errors)" = 0 ]
	[ "$(stat_of injected_submit_failures)" = 2 ]
}

@test "the WQ's max_transfer_size is not checked at prep: the descriptor fails with status 0x13" {
	dsasim_kernel_wq
	echo 4096 > $DSA/wq0.0/max_transfer_size
	dsasim_enable
	client count=3 size=8192
	[ "$(result prep_failures)" = 0 ]
	[ "$(result errors)" = 3 ]
	[ "$(stat_of last_status)" = $((0x13)) ]
	[ "$(stat_of bytes)" = 0 ]
	client count=3 size=4096
	[ "$(result copied)" = 3 ]
}

@test "completion statuses: page fault with and without block on fault, invalid flags; all DMA_TRANS_WRITE_FAILED" {
	dsasim_kernel_wq
	dsasim_enable
	dsasim_fault fail_every 1
	client count=2
	[ "$(result errors)" = 2 ]
	[ "$(stat_of last_status)" = 3 ]
	dsasim_fault fail_status 0x11
	client count=2
	[ "$(result errors)" = 2 ]
	[ "$(stat_of last_status)" = $((0x11)) ]
	dsasim_fault fail_status 0
	echo wq0.0 > $DRV/dmaengine/unbind
	# a WQ disable forgets mode, priority, name and flags
	echo dedicated > $DSA/wq0.0/mode
	echo 10 > $DSA/wq0.0/priority
	echo dmaengine > $DSA/wq0.0/name
	echo 1 > $DSA/wq0.0/block_on_fault
	echo wq0.0 > $DRV/dmaengine/bind
	client count=2
	[ "$(result errors)" = 2 ]
	[ "$(stat_of last_status)" = 4 ]
}

@test "the engines of a group are shared by its WQs and serve the higher priority first" {
	echo 50000000 > $PARAMS/setup_ns
	echo 0 > $PARAMS/bandwidth_mbps
	dsasim_kernel_wq wq0.0 8
	dsasim_kernel_wq wq0.1 8
	echo 1 > $DSA/wq0.0/priority
	echo 15 > $DSA/wq0.1/priority
	dsasim_enable wq0.0
	echo wq0.1 > $DRV/dmaengine/bind
	# all four of wq0.0 submitted first; the engine may have started one of
	# them, then it serves wq0.1's four before the rest of wq0.0's
	client chan=dma0chan0 chan2=dma0chan1 count=4 timeout_ms=5000
	[ "$(result copied)" = 8 ]
	local first last
	first=$(result first_rank) last=$(result last_rank)
	echo "completion ranks, first: $first (wq0.0,wq0.1), last: $last"
	[ "${last%,*}" = 8 ]
	[ "${last#*,}" -le 5 ]
	# one engine for both WQs: eight descriptors one after another
	[ "$(result elapsed_ns)" -ge $((8 * 45000000)) ]
}

@test "a halt: outstanding descriptors never complete, submit and prep fail, state halted" {
	echo 300000000 > $PARAMS/setup_ns
	echo 0 > $PARAMS/bandwidth_mbps
	dsasim_kernel_wq
	dsasim_enable
	insmod "$CLIENT_KO" count=2 depth=2 timeout_ms=1000 &
	sleep 0.1
	dsasim_fault halt 1
	wait
	[ "$(result timeouts)" = 2 ]
	[ "$(result callbacks)" = 0 ]
	[ "$(cat $DSA/dsa0/state)" = halted ]
	dmesg | grep -q "idxd halted"
	client count=1
	[ "$(result prep_failures)" = 1 ]
	echo wq0.0 > $DRV/dmaengine/unbind
	[ "$(stat_of flushed)" = 2 ]
	echo dsa0 > $DRV/idxd/unbind
	[ "$(cat $DSA/dsa0/state)" = disabled ]
}

LOAD_ARGS=()

@test "faults are per device: dsa1 fails while dsa0 stays healthy" {
	dsasim_unload
	dsasim_load nr_devices=2
	dsasim_kernel_wq
	dsasim_enable
	echo 0 > $DSA/engine1.0/group_id
	echo 0 > $DSA/wq1.0/group_id
	echo dedicated > $DSA/wq1.0/mode
	echo 16 > $DSA/wq1.0/size
	echo 10 > $DSA/wq1.0/priority
	echo kernel > $DSA/wq1.0/type
	echo dmaengine > $DSA/wq1.0/name
	echo dmaengine > $DSA/wq1.0/driver_name
	echo dsa1 > $DRV/idxd/bind
	echo wq1.0 > $DRV/dmaengine/bind
	dsasim_fault fail_every 1 dsa1
	client dev=dsa1 count=3
	[ "$(result errors)" = 3 ]
	client dev=dsa0 count=3
	[ "$(result copied)" = 3 ]
	[ "$(cat /sys/kernel/debug/dsasim/dsa1/injected_failures)" = 3 ]
	[ "$(stat_of injected_failures)" = 0 ]
}

# Last: it leaves dsasim loaded for good, as idxd would leave a dangling channel.
@test "unbinding the WQ frees the channel under its client, with idxd's warning" {
	dsasim_kernel_wq
	dsasim_enable
	client count=2 hold=1
	local chan
	chan=$(result chan_name)
	[ -e /sys/class/dma/$chan ]
	echo wq0.0 > $DRV/dmaengine/unbind
	dmesg | grep -q "Clients has claim on wq 0: 1"
	[ ! -e /sys/class/dma/$chan ]
	[ "$(cat $DSA/wq0.0/state)" = disabled ]
	# the client's channel pointer now points at freed (poisoned) memory
	echo 1 > $CLIENT/forget
	rmmod dsasim_client
	touch $ABANDONED
	run rmmod dsasim
	assert_failure
}
