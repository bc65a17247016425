#!/usr/bin/env bats
# dsasim's dmaengine channel, driven by the test client module
# (tests/vm/dmaclient): real copies verified byte by byte, each injected
# fault, idxd's never-retired descriptors without DMA_PREP_INTERRUPT, unload
# safety and the timing model. idxd's harsher outcomes: dsasim-idxd.bats.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsasim

setup() {
	dsasim_load
}

teardown() {
	dsasim_unload
}


@test "the channel has idxd's capabilities" {
	dsasim_kernel_wq
	dsasim_enable
	local chan
	chan=$(ls /sys/class/dma)
	[ "$(echo "$chan" | wc -l)" = 1 ]
	# private: no public memcpy channel is handed out
	[ "$(cat /sys/class/dma/$chan/in_use)" = 0 ]
	client count=1
	[ "$(result chan_name)" = "$chan" ]
}

@test "copies move every byte, one at a time and four in flight" {
	dsasim_kernel_wq
	dsasim_enable
	client count=64 size=4096
	[ "$(result copied)" = 64 ]
	[ "$(result mismatches)" = 0 ] && [ "$(result errors)" = 0 ] && [ "$(result timeouts)" = 0 ]
	client count=16 size=1048576 depth=4
	[ "$(result copied)" = 16 ]
	[ "$(result mismatches)" = 0 ]
	[ "$(stat_of bytes)" = $((64 * 4096 + 16 * 1048576)) ]
	[ "$(stat_of descriptors)" = 80 ]
	[ "$(stat_of completed)" = 80 ]
}

@test "fail_every: every Nth descriptor completes with an error result" {
	dsasim_kernel_wq
	dsasim_enable
	echo 5 > $PARAMS/fail_every
	client count=20
	[ "$(result errors)" = 4 ]
	[ "$(result copied)" = 16 ]
	[ "$(result mismatches)" = 0 ]
	[ "$(stat_of injected_failures)" = 4 ]
	echo 0 > $PARAMS/fail_every
	client count=20
	[ "$(result copied)" = 20 ]
}

@test "stall_every: the client times out; the stalls stay outstanding until the WQ is disabled" {
	dsasim_kernel_wq
	dsasim_enable
	echo 7 > $PARAMS/stall_every
	client count=20 timeout_ms=300
	[ "$(result timeouts)" = 2 ]
	[ "$(result copied)" = 18 ]
	[ "$(stat_of injected_stalls)" = 2 ]
	# idxd_dma_free_chan_resources() only drops the reference
	[ "$(result aborted)" = 0 ]
	[ "$(stat_of flushed)" = 0 ]
	echo wq0.0 > $DRV/dmaengine/unbind
	[ "$(stat_of flushed)" = 2 ]
	[ "$(stat_of aborted)" = 2 ]
}

@test "alloc_fail_every: every Nth prep returns NULL" {
	dsasim_kernel_wq
	dsasim_enable
	echo 4 > $PARAMS/alloc_fail_every
	client count=20
	[ "$(result prep_failures)" = 5 ]
	[ "$(result copied)" = 15 ]
	[ "$(stat_of injected_alloc_failures)" = 5 ]
}

@test "without DMA_PREP_INTERRUPT descriptors copy but are never retired: leaked" {
	dsasim_kernel_wq
	dsasim_enable
	client count=5 interrupt=0
	[ "$(result copied)" = 5 ]
	[ "$(stat_of leaked)" = 5 ]
	[ "$(stat_of completed)" = 0 ]
}

@test "unload is refused while a client holds a channel" {
	dsasim_kernel_wq
	dsasim_enable
	client count=2 hold=1
	run rmmod dsasim
	assert_failure
	[ -d /sys/module/dsasim ]
	rmmod dsasim_client
	rmmod dsasim
	[ ! -d /sys/module/dsasim ]
}

@test "the channel works again after a WQ disable/enable cycle" {
	dsasim_kernel_wq
	dsasim_enable
	client count=4
	rmmod dsasim_client
	echo wq0.0 > $DRV/dmaengine/unbind
	echo 10 > $DSA/wq0.0/priority
	echo dmaengine > $DSA/wq0.0/name
	echo dedicated > $DSA/wq0.0/mode
	echo wq0.0 > $DRV/dmaengine/bind
	client count=4
	[ "$(result copied)" = 4 ]
}

# ratio A B: A / B as a decimal
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a / b }'
}

@test "timing model: time per descriptor grows with size as configured" {
	dsasim_kernel_wq
	dsasim_enable
	# slow enough that the guest's timer and wakeup latency (TCG) stay small
	local setup=20000000 bw=10 small=4096 big=1048576 t_small t_big want got
	echo $setup > $PARAMS/setup_ns
	echo $bw > $PARAMS/bandwidth_mbps
	# warm up: the engine's first descriptor also pays for a new kworker
	client count=2 size=$small
	client count=4 size=$small
	t_small=$(result elapsed_ns)
	client count=4 size=$big
	t_big=$(result elapsed_ns)
	[ "$(result copied)" = 4 ]
	echo "4 x $small: $t_small ns, 4 x $big: $t_big ns"
	# modelled: setup + size * 1000 / bw ns
	want=$(ratio $((setup + big * 1000 / bw)) $((setup + small * 1000 / bw)))
	got=$(ratio "$t_big" "$t_small")
	echo "ratio wanted $want, measured $got"
	awk -v w="$want" -v g="$got" 'BEGIN { exit !(g > 0.75 * w && g < 1.33 * w) }'
	# a small transfer costs more per byte than a big one
	awk -v s="$t_small" -v b="$t_big" -v ss=$small -v bs=$big 'BEGIN { exit !(s / ss > b / bs) }'
	# and busy time was accounted
	[ "$(stat_of busy_ns)" -ge $((10 * setup)) ]
}

@test "engines of the WQ's group work in parallel" {
	local one four
	echo 50000000 > $PARAMS/setup_ns
	echo 0 > $PARAMS/bandwidth_mbps
	dsasim_kernel_wq
	dsasim_enable
	client count=4 depth=4
	client count=8 depth=4
	one=$(result elapsed_ns)
	dsasim_unload
	dsasim_load
	echo 50000000 > $PARAMS/setup_ns
	echo 0 > $PARAMS/bandwidth_mbps
	dsasim_kernel_wq
	local e
	for e in 1 2 3; do echo 0 > $DSA/engine0.$e/group_id; done
	dsasim_enable
	client count=4 depth=4
	client count=8 depth=4
	four=$(result elapsed_ns)
	[ "$(result copied)" = 8 ]
	echo "1 engine: $one ns, 4 engines: $four ns"
	awk -v a="$one" -v b="$four" 'BEGIN { exit !(a / b > 2) }'
}
