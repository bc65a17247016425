#!/usr/bin/env bats
# dsamig load, unload, set and get against the real module and dsasim:
# parameters reach the module, both verbs are idempotent, a refused value
# changes nothing, and a user who is not root changes nothing.

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash
load dsasim.bash

DSAMIG=$TOP/build/dsamig

setup() {
	dsasim_load
}

teardown() {
	dsamig_unload
	dsasim_unload
}

@test "load without a DSA channel fails, says to run dsamig setup, loads nothing" {
	run -1 --separate-stderr "$DSAMIG" load
	assert_equal "$stderr" \
		"dsamig load: no DSA DMA channel for backend dsa; run 'dsamig setup' first, or use --backend mt"
	[ ! -d /sys/module/dsamig ]
}

@test "load --backend mt passes its parameters; load and unload are idempotent" {
	run -0 "$DSAMIG" load --backend mt --threshold 64 --reasons compaction,damon --channels 2
	# The release as a regular expression: Debian's have a '+' in them.
	release=$(re_quote "$(uname -r)")
	assert_output --regexp "^loaded dsamig.ko $(cat "$TOP/VERSION") from .*/build/kmod/$release/dsamig.ko with backend=mt threshold=64 reasons=compaction,damon channels=2$"
	[ "$(cat $KNOBS/backend)" = mt ]
	[ "$(cat $KNOBS/threshold)" = 64 ]
	[ "$(cat $KNOBS/reasons)" = compaction,damon ]
	run -0 "$DSAMIG" load
	assert_output "dsamig.ko $(cat "$TOP/VERSION") is already loaded; nothing to do (change knobs with 'dsamig set')"
	[ "$(cat $KNOBS/backend)" = mt ]
	run -0 "$DSAMIG" unload
	assert_output "unloaded dsamig.ko"
	[ ! -d /sys/module/dsamig ]
	run -0 "$DSAMIG" unload
	assert_output "dsamig.ko is not loaded; nothing to do"
}

@test "load on a loaded module sets its knob options as set does, all or nothing" {
	"$DSAMIG" load --backend mt
	run -0 --separate-stderr "$DSAMIG" load --threshold 64 --backend mt
	assert_output "dsamig.ko $(cat "$TOP/VERSION") is already loaded; set threshold=64 (was 32), backend=mt (unchanged)"
	[ "$(cat $KNOBS/threshold)" = 64 ]
	# Refused by the module (no channel for dsa): threshold is put back.
	run -1 --separate-stderr "$DSAMIG" load --threshold 100 --backend dsa
	assert_equal "$stderr" \
		"dsamig load: backend=dsa refused: No such device; run 'dsamig setup' first, or use backend=mt"
	assert_output ""
	[ "$(cat $KNOBS/threshold)" = 64 ]
	[ "$(cat $KNOBS/backend)" = mt ]
	# A bad value: a usage error, with set's range, nothing written.
	run -2 --separate-stderr "$DSAMIG" load --threshold 0 --channels 2
	assert_equal "$stderr" \
		"dsamig load: bad threshold '0': want a whole number from 1 to 65536; see 'dsamig load --help'"
	[ "$(cat $KNOBS/channels)" = 0 ]
}

@test "load with a kernel WQ takes the DSA channel (default backend)" {
	dsasim_kernel_wq wq0.0 16
	dsasim_enable wq0.0
	run -0 "$DSAMIG" load --module "$DSAMIG_KO"
	[ "$(cat $KNOBS/backend)" = dsa ]
	[ "$(counter channels)" = 1 ]
}

@test "load --module with a missing file fails clearly" {
	run -1 --separate-stderr "$DSAMIG" load --module /nonexistent/dsamig.ko
	assert_equal "$stderr" \
		"dsamig load: /nonexistent/dsamig.ko: No such file or directory; check the path"
	[ ! -d /sys/module/dsamig ]
}

@test "set and get: values reach the module, a bad or refused one changes nothing" {
	run -1 "$DSAMIG" get
	"$DSAMIG" load --backend mt
	run -0 "$DSAMIG" set threshold=64 wait=poll
	assert_equal "$output" $'threshold=64\nwait=poll'
	run -0 "$DSAMIG" get threshold wait
	assert_equal "$output" $'threshold=64\nwait=poll'
	# A bad value: a usage error, nothing written.
	run -2 "$DSAMIG" set threshold=128 backend=gpu
	[ "$(cat $KNOBS/threshold)" = 64 ]
	# Refused by the module (no channel for dsa): what was written is put back.
	run -1 --separate-stderr "$DSAMIG" set threshold=100 backend=dsa
	assert_equal "$stderr" \
		"dsamig set: backend=dsa refused: No such device; run 'dsamig setup' first, or use backend=mt"
	[ "$(cat $KNOBS/threshold)" = 64 ]
	[ "$(cat $KNOBS/backend)" = mt ]
	run -0 "$DSAMIG" get
	assert_equal "${#lines[@]}" 9
	assert_line "dma_match=dsa"
}

@test "not root: set, load and unload change nothing" {
	"$DSAMIG" load --backend mt
	run -1 setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" set threshold=99
	[ "$(cat $KNOBS/threshold)" = 32 ]
	run -1 setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" unload
	[ -d /sys/module/dsamig ]
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" get threshold
	assert_output threshold=32
}
