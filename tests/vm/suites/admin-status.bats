#!/usr/bin/env bats
# dsamig status against dsasim and the real module: devices, WQs and their
# channel, the module's knobs and counters, and a remedy per missing piece.

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

@test "fresh device, no module: status lists dsa0, says what to run, exits 3 (not ready)" {
	run -3 "$DSAMIG" status --json
	st=$output
	[ "$(jq -r '.devices[0].name' <<<"$st")" = dsa0 ]
	[ "$(jq -r '.devices[0].state' <<<"$st")" = disabled ]
	[ "$(jq -r '.devices[0].wqs | length' <<<"$st")" -ge 1 ]
	[ "$(jq -r '.dma_channels' <<<"$st")" = 0 ]
	[ "$(jq -r '.module.loaded' <<<"$st")" = false ]
	[ "$(jq -r '.module.knobs' <<<"$st")" = null ]
	[ "$(jq -r '.kernel.release' <<<"$st")" = "$(uname -r)" ]
	# Every guest kernel is of a series the project tests.
	series=$(jq -r '.kernel.tested_series' <<<"$st")
	[[ $(uname -r) == "$series".* ]]
	[ "$(jq '[.problems[] | select(.id == "kernel_not_tested")] | length' <<<"$st")" = 0 ]
	# Every function dsamig.ko hooks is in the guest's kernel.
	[ "$(jq '.kernel.missing_hook_targets | length' <<<"$st")" = 0 ]
	[ "$(jq '[.problems[] | select(.id == "hook_target_missing")] | length' <<<"$st")" = 0 ]
	[ "$(jq -r '.kernel.tracefs' <<<"$st")" = true ]
	jq -e '.problems[] | select(.id == "no_dma_channel" and .remedy == "run '\''dsamig setup'\''")' <<<"$st"
	jq -e '.problems[] | select(.id == "module_not_loaded")' <<<"$st"
	jq -e '.ready == false and .readiness == "dsamig.ko is not loaded"' <<<"$st"
	run -3 "$DSAMIG" status
	assert_line --regexp '^  dsa0 +disabled '
	assert_line "DSA          1 device, 0 DMA channels"
	assert_line "not ready    dsamig.ko is not loaded"
	assert_line --regexp "^kernel +$(re_quote "$(uname -r)") +tested series $series "
	assert_line "dsamig.ko    not loaded"
	assert_line "missing      dsamig.ko is not loaded: run 'dsamig load'"
}

@test "kernel WQ and module loaded: the WQ's channel, knobs, counters, no problem left" {
	dsasim_kernel_wq wq0.0 16
	dsasim_enable wq0.0
	dsamig_load backend=dsa threshold=64
	chan=$(ls /sys/class/dma)
	run -0 "$DSAMIG" status --json
	st=$output
	[ "$(jq -r '.devices[0].state' <<<"$st")" = enabled ]
	w='.devices[0].wqs[] | select(.name == "wq0.0")'
	[ "$(jq -r "$w | .type" <<<"$st")" = kernel ]
	[ "$(jq -r "$w | .mode" <<<"$st")" = dedicated ]
	[ "$(jq -r "$w | .size" <<<"$st")" = 16 ]
	[ "$(jq -r "$w | .driver" <<<"$st")" = dmaengine ]
	[ "$(jq -r "$w | .state" <<<"$st")" = enabled ]
	[ "$(jq -r "$w | .clients" <<<"$st")" = 1 ]
	[ "$(jq -r "$w | .dma_channel" <<<"$st")" = "$chan" ]
	[ "$(jq -r '.devices[0].groups[0].engines[0]' <<<"$st")" = engine0.0 ]
	[ "$(jq -r '.module.version' <<<"$st")" = "$(cat "$TOP/VERSION")" ]
	[ "$(jq -r '.module.knobs.threshold' <<<"$st")" = 64 ]
	# Whole-number knobs are JSON numbers, the others strings.
	jq -e '.module.knobs | .threshold == 64 and
		([.threshold, .max_batch, .channels, .timeout_ms, .mt_threads] | all(type == "number")) and
		([.backend, .reasons, .dma_match, .wait] | all(type == "string"))' <<<"$st"
	jq -e '.module.knobs | length == 9' <<<"$st"
	[ "$(jq -r '.module.counters.channels' <<<"$st")" = 1 ]
	[ "$(jq -r '.module.counters.dsa.runs' <<<"$st")" -ge 0 ]
	[ "$(jq -r '.kernel.hooks_armed' <<<"$st")" = true ]
	[ "$(jq -r '[.problems[].id] | map(select(. == "no_dma_channel" or . == "module_not_loaded")) | length' <<<"$st")" = 0 ]
	jq -e '.ready == true and .readiness == "migrations use dsamig.ko (backend dsa, 1 DMA channel)"' \
		<<<"$st"
	run -0 "$DSAMIG" status
	assert_line --regexp "^    wq0.0 +kernel +dedicated +size 16 .* enabled +clients 1 +$chan\$"
	assert_line --regexp '^dsamig.ko +[0-9.]+ .*threshold=64'
	assert_line "DSA          1 device, 1 DMA channel"
	assert_line "ready        migrations use dsamig.ko (backend dsa, 1 DMA channel)"
	# backend off: loaded, but nothing offloads
	echo off > "$KNOBS/backend"
	run -3 "$DSAMIG" status
	assert_line "not ready    dsamig.ko's backend is off: the kernel copies every page itself"
	echo mt > "$KNOBS/backend"
	run -0 "$DSAMIG" status --json
	jq -e '.ready == true' <<<"$output"
}

@test "backend dsa whose WQ went away: status exits 3 and says why" {
	dsasim_kernel_wq wq0.0 16
	dsasim_enable wq0.0
	dsamig_load backend=dsa
	# unbinding the WQ drops dsamig.ko's channel
	echo wq0.0 > "$DRV/dmaengine/unbind"
	run -3 "$DSAMIG" status --json
	jq -e '.ready == false and .readiness == "dsamig.ko'\''s backend is dsa but it has no DMA channel: every copy falls back to the CPU"' <<<"$output"
}

@test "status works for a user who is not root: tracefs is not readable (not: not mounted)" {
	run -3 setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" status --json
	[ "$(jq -r '.devices[0].name' <<<"$output")" = dsa0 ]
	jq -e '.kernel.tracefs == false and .kernel.tracefs_state == "not_readable"' <<<"$output"
	jq -e '.problems[] | select(.id == "tracefs_unreadable")' <<<"$output"
	[ "$(jq '[.problems[] | select(.id == "no_tracefs")] | length' <<<"$output")" = 0 ]
	run -3 setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" status
	assert_line --regexp '  tracefs not readable  '
	refute_output --partial "not mounted"
}
