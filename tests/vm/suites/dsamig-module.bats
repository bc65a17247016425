#!/usr/bin/env bats
# dsamig.ko: loading, knobs, counters, tracepoints (no DMA device needed).

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash

teardown() {
	dsamig_unload
}

@test "backend=dsa without a DMA channel refuses to load and says to run dsamig setup" {
	run insmod "$DSAMIG_KO" backend=dsa
	assert_failure
	assert_output --partial "No such device"
	[ ! -d /sys/module/dsamig ]
	run dmesg
	assert_output --partial "run \`dsamig setup\` first"
}

@test "every knob starts at the default kmod/include/dsamig.h gives it" {
	local knobs k want got
	knobs=$(sed -n 's/^[[:space:]]*X(\([a-z_]*\), [A-Z]*, [0-9]*, [0-9]*, .*/\1/p' "$HEADER")
	[[ $knobs == *backend* && $knobs == *wait* ]]
	dsamig_load backend=cpu
	for k in $knobs; do
		[ "$k" != backend ] || continue
		want=$(knob_default "$k")
		[ -n "$want" ]
		got=$(cat "$KNOBS/$k")
		[ "$got" = "$want" ] || { echo "$k: $got, header says $want"; false; }
	done
	# backend: a load without backend= takes it; dsa needs a channel there is none of
	dsamig_unload
	want=$(knob_default backend)
	if [ "$want" = dsa ]; then
		run insmod "$DSAMIG_KO"
		assert_failure
		assert_output --partial "No such device"
	else
		dsamig_load
		[ "$(cat $KNOBS/backend)" = "$want" ]
	fi
}

@test "bad knob values are refused with EINVAL and change nothing" {
	dsamig_load backend=cpu threshold=64 reasons=compaction,damon
	for bad in threshold=0 threshold=65537 threshold=abc max_batch=0 channels=65 \
		   timeout_ms=0 mt_threads=17 backend=gpu wait=spin reasons=compaction,bogus \
		   reasons= dma_match=, 'dma_match=a b'; do
		k=${bad%%=*} v=${bad#*=}
		before=$(cat $KNOBS/$k)
		run bash -c "echo '$v' > $KNOBS/$k"
		assert_failure
		assert_output --partial "Invalid argument"
		[ "$(cat $KNOBS/$k)" = "$before" ] || { echo "$k changed by '$v'"; false; }
	done
	[ "$(cat $KNOBS/threshold)" = 64 ]
	[ "$(cat $KNOBS/reasons)" = compaction,damon ]
}

@test "knobs change at run time; backend=dsa without channels is refused" {
	dsamig_load backend=cpu
	echo 128 > $KNOBS/threshold
	echo mt > $KNOBS/backend
	echo poll > $KNOBS/wait
	echo syscall_or_cpuset > $KNOBS/reasons
	[ "$(cat $KNOBS/threshold)" = 128 ]
	[ "$(cat $KNOBS/backend)" = mt ]
	[ "$(cat $KNOBS/wait)" = poll ]
	[ "$(cat $KNOBS/reasons)" = syscall_or_cpuset ]
	run bash -c "echo dsa > $KNOBS/backend"
	assert_failure
	assert_output --partial "No such device"
	[ "$(cat $KNOBS/backend)" = mt ]
}

@test "counters: one file per value, documented layout" {
	dsamig_load backend=cpu
	for b in off dsa mt cpu; do
		for f in runs pages bytes; do
			[ "$(counter $b/$f)" = 0 ]
		done
	done
	for c in engine_error timeout map_mismatch map_error no_channel desc_alloc no_memory submit; do
		[ -f $COUNTERS/fallbacks/$c ]
	done
	[ -f $COUNTERS/reasons/compaction/pages ]
	[ -f $COUNTERS/reasons/damon/runs ]
	[ "$(counter channels)" = 0 ]
	[ -f $COUNTERS/cpu_path_pages ]
	[ -f $COUNTERS/skipped_copies ]
}

@test "tracepoints: dsamig_run and dsamig_cpu_copy carry the contract's fields" {
	dsamig_load backend=cpu threshold=8
	t=/sys/kernel/tracing/instances/dsamig-test
	mkdir $t
	for f in reason backend result nr_folios nr_pages nr_segments nr_channels \
		 sg_ns map_ns submit_ns wait_ns unmap_ns; do
		grep -q "field:.* $f;" $t/events/dsamig/dsamig_run/format
	done
	grep -q 'field:.* copy_ns;' $t/events/dsamig/dsamig_cpu_copy/format
	grep -q 'field:.* cause;' $t/events/dsamig/dsamig_fallback/format
	echo 1 > $t/events/dsamig/enable
	migstress_ok --pages 256 --rounds 2 --writers 1
	echo 0 > $t/events/dsamig/enable
	run cat $t/trace
	rmdir $t
	assert_output --regexp 'dsamig_run: reason=syscall_or_cpuset backend=cpu result=ok folios=[0-9]+ pages=[0-9]+'
}

@test "runs below the threshold stay on the CPU path" {
	dsamig_load backend=cpu threshold=65536
	migstress_ok --pages 512 --rounds 2 --writers 1
	[ "$(counter cpu/runs)" = 0 ]
	[ "$(counter cpu_path_pages)" -ge 1024 ]
}

@test "reasons not selected stay on the CPU path" {
	dsamig_load backend=cpu reasons=compaction
	migstress_ok --pages 512 --rounds 2 --writers 1
	[ "$(counter reasons/syscall_or_cpuset/runs)" = 0 ]
	[ "$(counter cpu_path_pages)" -ge 1024 ]
}

# The bytes ENDBR64 is made of, as ktext prints them.
ENDBR64=f30f1efa

@test "IBT: every function the module hooks begins with ENDBR64; a static one makes the load refuse" {
	ktext=$TOP/build/tests/vm/tools/ktext
	# The kernel is built for IBT: its exported functions carry the landing pad.
	run -0 "$ktext" folio_mc_copy
	[[ ${lines[0]##* } == "$ENDBR64"* ]]
	dsamig_load backend=cpu
	# Everything ftrace patches belongs to the module (kprobes go through ftrace).
	mapfile -t hooked < <(awk '{ print $1 }' /sys/kernel/tracing/enabled_functions)
	echo "hooked: ${hooked[*]}"
	run -0 "$ktext" "${hooked[@]}"
	for l in "${lines[@]}"; do
		[[ ${l##* } == "$ENDBR64"* ]] || { echo "no ENDBR64: $l"; false; }
	done
	printf '%s\n' "${hooked[@]}" | grep -qx folio_mc_copy
	printf '%s\n' "${hooked[@]}" | grep -qx compaction_alloc
	dsamig_unload
	# migrate_folio_move is static: on 6.12 it has no ENDBR64, on 7.x it is
	# inlined away. Either way the load must refuse, with one line naming it.
	dmesg -C
	run insmod "$DSAMIG_KO" backend=cpu check_symbol=migrate_folio_move
	assert_failure
	[ ! -d /sys/module/dsamig ]
	run dmesg
	if "$ktext" migrate_folio_move; then
		assert_line --regexp "dsamig: migrate_folio_move does not begin with ENDBR64 on $(re_quote "$(uname -r)"): .*not loading$"
	else
		assert_line --regexp "dsamig: migrate_folio_move is missing or cannot be probed on $(re_quote "$(uname -r)") \(-?[0-9]+\); not loading$"
	fi
	[ "$(dmesg | grep -c 'not loading')" = 1 ]
}
