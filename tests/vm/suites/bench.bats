#!/usr/bin/env bats
# vm-options: --cpu-node
# dsamig bench in the guest: the copy level over dsasim (table, JSON, dsa's
# setup + transfer against its total, the SVG), the migrate level with and
# without dsamig.ko (knobs put back), Ctrl-C (exit 0, interrupted, the
# points so far, knobs put back), and the refusals: bad nodes, no module,
# dsa without a channel. (--cpu-node: a node without memory to refuse.)

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load top.bash
load dsamig.bash
load dsasim.bash

# node_ids FILE: the ids in /sys/devices/system/node/FILE ("0-2,4"), one a line, sorted as text
node_ids() {
	local part
	tr ',' '\n' <"/sys/devices/system/node/$1" | while read -r part; do
		seq "${part%-*}" "${part#*-}"
	done | sort
}

# near, far: the first two nodes with memory (with --cpu-node the node
# without memory may be numbered between them)
setup() {
	local mem
	mem=$(node_ids has_memory | sort -n)
	near=$(sed -n 1p <<<"$mem")
	far=$(sed -n 2p <<<"$mem")
	[[ -n $near && -n $far ]]
}

teardown() {
	[[ -z ${bench_pid:-} ]] || kill -KILL "$bench_pid" 2>/dev/null || true
	dsamig_unload
	dsasim_unload
}

# with_dsa [KNOB=VALUE...]: dsasim with a kernel WQ, and dsamig.ko holding its channel
with_dsa() {
	dsasim_load
	dsasim_kernel_wq wq0.0 32
	dsasim_enable wq0.0
	# wait=irq: a polling vCPU under TCG starves the other one
	dsamig_load backend=dsa wait=irq "$@"
	[ "$(counter channels)" -ge 1 ]
}

# knobs: backend, threshold and reasons as one line
knobs() {
	echo "$(cat $KNOBS/backend) $(cat $KNOBS/threshold) $(cat $KNOBS/reasons)"
}

@test "bench --json over dsasim: every backend and size, the keys, dsa's phases add up" {
	with_dsa
	run -0 --separate-stderr "$DSAMIG" bench --from "$near" --to "$far" --sizes 1,8,64,2M --repeats 9 --json
	echo "$output"
	assert_equal "$stderr" ""
	jq -e --argjson near "$near" --argjson far "$far" \
		'.level == "copy" and .from == $near and .to == $far and .repeats == 9 and
		.interrupted == false and .duration_s > 0 and
		.backends == ["cpu", "mt", "dsa"] and (.sizes | length) == 4 and
		.sizes[3] == {"pages": 512, "order": 9} and (.points | length) == 12' <<<"$output"
	# every point: its keys, 9 samples, an ordered spread
	jq -e 'all(.points[]; (keys | sort) == ["backend", "bytes", "copy_ns", "fallbacks",
		"folios", "ns_per_page", "order", "pages", "phases", "samples", "segments",
		"setup_ns", "total_ns", "transfer_ns"] and .samples == 9 and .fallbacks == 0 and
		.bytes == .pages * 4096 and .total_ns.min <= .total_ns.p25 and
		.total_ns.p25 <= .total_ns.median and .total_ns.median <= .total_ns.p75 and
		.total_ns.p75 <= .total_ns.max and .total_ns.min > 0 and
		(.phases | keys | sort) == ["map_ns", "sg_ns", "submit_ns", "unmap_ns", "wait_ns"])' \
		<<<"$output"
	# cpu and mt time their copy, dsa its phases
	jq -e 'all(.points[] | select(.backend != "dsa"); .copy_ns > 0 and .setup_ns == 0 and
		.copy_ns <= .total_ns.max)' <<<"$output"
	# dsa: setup and transfer both measured, and together close to the total
	# (the rest is the call's own bookkeeping): within 20% of the median from
	# 8 pages; at 1 page, where TCG's noise is as large as the copy (a guest
	# run: 473 us of 614 us, p25 526 us, p75 6.8 ms), at least 60%
	jq -e 'all(.points[] | select(.backend == "dsa"); .setup_ns > 0 and .transfer_ns > 0 and
		.copy_ns == 0 and .segments >= 1 and
		(.setup_ns + .transfer_ns) <= 1.05 * .total_ns.max and
		(.setup_ns + .transfer_ns) >= 0.6 * .total_ns.median)' <<<"$output"
	jq -e 'all(.points[] | select(.backend == "dsa" and .pages >= 8);
		(.setup_ns + .transfer_ns) >= 0.8 * .total_ns.median and
		(.setup_ns + .transfer_ns) <= 1.2 * .total_ns.median)' <<<"$output"
	# a 2 MiB folio is one folio; 64 pages are 64
	jq -e '[.points[] | select(.pages == 512) | .folios] == [1, 1, 1] and
		[.points[] | select(.pages == 64) | .folios] == [64, 64, 64]' <<<"$output"
}

@test "bench: the table has a row per size, each backend's median and spread, dsa's split" {
	with_dsa
	run -0 --separate-stderr "$DSAMIG" bench --sizes 1,16,2M --repeats 3
	echo "$output"
	assert_line --index 0 --regexp "^Copy path of dsamig.ko, node $near -> $far, 3 repeats per point \\([0-9.]+ s\\)\$"
	assert_line --index 2 --regexp '^  SIZE +cpu +mt +dsa +dsa setup +transfer$'
	# a cell: "12.5 us (11.0-13.1)"
	cell='[0-9.]+ (ns|us|ms|s) \([0-9.]+-[0-9.]+\)'
	unit='[0-9.]+ (ns|us|ms|s)'
	assert_line --index 3 --regexp "^  1 page +$cell +$cell +$cell +$unit +$unit$"
	assert_line --index 4 --regexp "^  16 pages +$cell +$cell +$cell +$unit +$unit$"
	assert_line --index 5 --regexp "^  2 MiB folio +$cell +$cell +$cell +$unit +$unit$"
	# not a terminal: no chart, no progress line
	refute_output --partial "log scale"
	assert_equal "$stderr" ""
	# on a terminal: the chart, a bar per backend and size
	run -0 script -qec "$DSAMIG bench --sizes 1,16 --repeats 2 --quiet" /dev/null
	echo "$output"
	assert_output --partial "Time per batch, log scale"
	assert_line --regexp '^  1 page +cpu +#+ +[0-9.]+ (ns|us|ms|s).?$'
	assert_line --regexp '^ +dsa +#+ +[0-9.]+ (ns|us|ms|s).?$'
}

@test "bench --svg: the figure is valid XML with the series" {
	command -v xmllint >/dev/null || skip "xmllint is not installed"
	with_dsa
	run -0 "$DSAMIG" bench --sizes 1,4,16,64,2M --repeats 3 --quiet --svg "$BATS_TEST_TMPDIR/b.svg"
	xmllint --noout "$BATS_TEST_TMPDIR/b.svg"
	grep -q '<svg' "$BATS_TEST_TMPDIR/b.svg"
	for b in cpu mt dsa; do
		grep -q "$b" "$BATS_TEST_TMPDIR/b.svg"
	done
}

@test "bench --level migrate with dsamig.ko: each backend, dsa's phases, the knobs put back" {
	with_dsa threshold=32 reasons=damon
	before=$(knobs)
	run -0 --separate-stderr "$DSAMIG" bench --level migrate --sizes 1,64,2M --repeats 2 --json
	echo "$output"
	assert_equal "$(knobs)" "$before"
	jq -e --argjson near "$near" --argjson far "$far" \
		'.level == "migrate" and .from == $near and .to == $far and .interrupted == false and
		.backends == ["cpu", "mt", "dsa"] and (.points | length) == 9 and
		all(.points[]; .samples == 4 and .total_ns.median > 0)' <<<"$output"
	# threshold=1 and reasons with syscall_or_cpuset during the run: dsa copied,
	# every size, its phases traced (a run of 1 page too)
	jq -e 'all(.points[] | select(.backend == "dsa"); .setup_ns > 0 and .transfer_ns > 0 and
		.segments >= 1) and all(.points[] | select(.backend != "dsa"); .copy_ns > 0)' \
		<<<"$output"
	# the move's own work on top of the copy: dsa's phases are within its total
	jq -e 'all(.points[] | select(.backend == "dsa"); .setup_ns + .transfer_ns <= .total_ns.max)' \
		<<<"$output"
	# the pages moved through the module: its counters count them
	[ "$(counter dsa/pages)" -gt 0 ]
}

@test "bench --level migrate without dsamig.ko: the kernel's series, no phases" {
	run -0 --separate-stderr "$DSAMIG" bench --level migrate --sizes 1,2M --repeats 2 --json
	echo "$output"
	jq -e '.backends == ["kernel"] and (.points | length) == 2 and
		all(.points[]; .backend == "kernel" and .samples == 4 and .total_ns.median > 0 and
		.setup_ns == 0 and .copy_ns == 0)' <<<"$output"
	run -0 "$DSAMIG" bench --level migrate --sizes 4 --repeats 1
	assert_line --index 0 --regexp "^Migration with move_pages\\(\\), node $near -> $far and back, 2 calls per point"
	assert_line --index 2 --regexp '^  SIZE +kernel$'
	# its backends need it
	run -1 --separate-stderr "$DSAMIG" bench --level migrate --backends cpu
	assert_equal "$stderr" "dsamig bench: dsamig.ko is not loaded (backends cpu, mt and dsa are its; without it only --backends kernel); load it with 'dsamig load'"
}

# bench_stop LEVEL: a long bench stopped by SIGINT once it has measured a
# point; its JSON in $out, its status in $status
bench_stop() {
	"$DSAMIG" bench --level "$1" --repeats 1000 --json \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	bench_pid=$!
	sleep 3
	kill -INT "$bench_pid"
	status=0
	wait "$bench_pid" || status=$?
	bench_pid=
	out=$(cat "$BATS_TEST_TMPDIR/out")
	echo "$out"
	cat "$BATS_TEST_TMPDIR/err"
}

@test "bench: SIGINT stops the copy level after the current repeat, with the points so far" {
	with_dsa
	bench_stop copy
	[ "$status" -eq 0 ]
	jq -e '.interrupted == true and .signal == "SIGINT" and
		(.points | length) >= 1 and (.points | length) < 33 and
		all(.points[]; .samples >= 1 and .samples <= 1000)' <<<"$out"
	# stopped inside a point: the module's request kept the repeats done
	jq -e '.points[-1].samples < 1000' <<<"$out"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	# the module is free for the next one
	run -0 "$DSAMIG" bench --sizes 1 --repeats 1 --backends cpu --json
}

@test "bench: SIGINT stops the migrate level, the knobs are put back" {
	with_dsa threshold=32 reasons=damon
	before=$(knobs)
	bench_stop migrate
	[ "$status" -eq 0 ]
	assert_equal "$(knobs)" "$before"
	jq -e '.interrupted == true and (.points | length) >= 1 and (.points | length) < 33 and
		.points[-1].samples < 2000' <<<"$out"
	[ -z "$(dsamig_instances)" ]
}

@test "bench: SIGTERM during the migrate level puts the knobs back too" {
	with_dsa threshold=32
	before=$(knobs)
	"$DSAMIG" bench --level migrate --repeats 1000 --quiet > /dev/null &
	bench_pid=$!
	sleep 3
	kill -TERM "$bench_pid"
	wait "$bench_pid"
	bench_pid=
	assert_equal "$(knobs)" "$before"
}

@test "bench refuses bad nodes by name, before anything runs" {
	with_dsa
	run -1 --separate-stderr "$DSAMIG" bench --from 7
	assert_equal "$stderr" "dsamig bench: source node 7 does not exist; see /sys/devices/system/node/online"
	run -1 --separate-stderr "$DSAMIG" bench --to 7 --level migrate
	assert_equal "$stderr" "dsamig bench: destination node 7 does not exist; see /sys/devices/system/node/online"
	memless=$(comm -23 <(node_ids online) <(node_ids has_memory) | head -n 1)
	[[ $memless =~ ^[0-9]+$ ]] || skip "no node without memory (tests/vm/run --cpu-node)"
	run -1 --separate-stderr "$DSAMIG" bench --to "$memless"
	assert_equal "$stderr" "dsamig bench: destination node $memless has no memory; see /sys/devices/system/node/has_memory"
	assert_output ""
}

@test "bench refuses without dsamig.ko, and dsa without a channel names dsamig setup" {
	run -1 --separate-stderr "$DSAMIG" bench
	assert_equal "$stderr" "dsamig bench: dsamig.ko is not loaded (the copy level measures its backends); load it with 'dsamig load'"
	dsamig_load backend=cpu
	[ "$(counter channels)" -eq 0 ]
	run -1 --separate-stderr "$DSAMIG" bench --backends cpu,dsa
	assert_equal "$stderr" "dsamig bench: backend dsa: dsamig.ko holds no DMA channel; give the kernel a DSA work queue with 'dsamig setup' (then 'dsamig unload; dsamig load'), or leave dsa out of --backends"
	# without a channel the default is cpu and mt
	run -0 "$DSAMIG" bench --sizes 1 --repeats 1 --json
	jq -e '.backends == ["cpu", "mt"]' <<<"$output"
}
