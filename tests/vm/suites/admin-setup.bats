#!/usr/bin/env bats
# dsamig setup on dsasim, end to end: the plan, --dry-run changing nothing,
# idempotence, --reset restoring, refusals that leave others' WQs alone, and
# dsamig load working on what setup made.

bats_require_minimum_version 1.5.0
load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash
load dsasim.bash

DSAMIG=$TOP/build/dsamig
SAVED=/run/dsamig/dsa0.json

setup() {
	rm -f "$SAVED"
	dsasim_load
}

teardown() {
	dsamig_unload
	dsasim_unload
	rm -f "$SAVED"
}

# snap: every device, group and WQ attribute dsamig status reports.
snap() {
	"$DSAMIG" status --json | jq -S '.devices'
}

# A user WQ of someone else's: wq0.1 in group 0 with engine0.0, enabled.
others_user_wq() {
	echo 0 > "$DSA/engine0.0/group_id"
	echo 0 > "$DSA/wq0.1/group_id"
	echo dedicated > "$DSA/wq0.1/mode"
	echo 16 > "$DSA/wq0.1/size"
	echo 10 > "$DSA/wq0.1/priority"
	echo user > "$DSA/wq0.1/type"
	echo app > "$DSA/wq0.1/name"
	echo user > "$DSA/wq0.1/driver_name"
	echo dsa0 > "$DRV/idxd/bind"
	echo wq0.1 > "$DRV/user/bind"
}

@test "--dry-run prints the plan and changes nothing" {
	before=$(snap)
	run -0 "$DSAMIG" setup --dry-run
	assert_line "dsa0: plan: wq0.0 as a dedicated kernel WQ 'dmaengine', size 32, priority 10, in group0.0 with engine0.0"
	assert_line "dsa0: plan: enable the device, then wq0.0 (driver dmaengine)"
	[ "$(snap)" = "$before" ]
	[ ! -e "$SAVED" ]
	# Reading is all it does: no root needed.
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" setup --dry-run dsa0
	[ "$(snap)" = "$before" ]
}

@test "setup gives a dmaengine channel, a second run changes nothing, load works on it" {
	run -0 "$DSAMIG" setup --wq-size 16 --engines 2 --priority 5
	chan=$(ls /sys/class/dma)
	assert_line "dsa0: set up: wq0.0 gives $chan"
	# no dsamig.ko yet: not ready (3)
	st=$("$DSAMIG" status --json) || [ $? -eq 3 ]
	w='.devices[0].wqs[0]'
	[ "$(jq -r "$w.type, $w.mode, $w.size, $w.priority, $w.driver, $w.state" <<<"$st" | xargs)" = \
		"kernel dedicated 16 5 dmaengine enabled" ]
	[ "$(jq -r '.devices[0].groups[0].engines | length' <<<"$st")" = 2 ]
	after=$(snap)
	run -0 "$DSAMIG" setup
	assert_output "dsa0: already set up: wq0.0 gives $chan"
	[ "$(snap)" = "$after" ]
	run -0 "$DSAMIG" load
	[ "$(counter channels)" = 1 ]
}

@test "--reset restores the configuration from before setup" {
	before=$(snap)
	run -0 "$DSAMIG" setup
	[ -e "$SAVED" ]
	run -0 "$DSAMIG" setup --reset --dry-run
	assert_output "dsa0: plan: restore the configuration saved by dsamig setup"
	[ -e "$SAVED" ]
	run -0 "$DSAMIG" setup --reset
	assert_output "dsa0: restored the configuration from before dsamig setup"
	[ "$(snap)" = "$before" ]
	[ ! -e "$SAVED" ]
	run -0 "$DSAMIG" setup --reset
	assert_output "dsa0: nothing to reset: dsamig setup did not change it"
}

@test "a second setup keeps the configuration saved by the first, --reset goes back to it" {
	before=$(snap)
	run -0 "$DSAMIG" setup
	first=$(cat "$SAVED")
	# someone takes the device down and changes a WQ: setup applies again,
	# and must not save this state over the one from before any setup
	echo dsa0 > "$DRV/idxd/unbind"
	echo 5 > "$DSA/wq0.3/priority"
	run -0 "$DSAMIG" setup
	assert_line --regexp '^dsa0: set up: wq0\.[0-9] gives dma'
	[ "$(cat "$SAVED")" = "$first" ]
	run -0 "$DSAMIG" setup --reset
	[ "$(snap)" = "$before" ]
	[ ! -e "$SAVED" ]
}

@test "--reset refuses while dsamig.ko holds the channel, unless --force" {
	"$DSAMIG" setup
	"$DSAMIG" load
	after=$(snap)
	run -1 --separate-stderr "$DSAMIG" setup --reset
	assert_equal "$stderr" \
		"dsamig setup: dsa0: 1 client uses it; run 'dsamig unload' first, or rerun with --force"
	[ "$(snap)" = "$after" ]
	"$DSAMIG" unload
	run -0 "$DSAMIG" setup --reset
}

@test "others' enabled user WQ: refused without --force, kept and re-enabled with it" {
	others_user_wq
	before=$(snap)
	run -1 --separate-stderr "$DSAMIG" setup
	assert_equal "$stderr" \
		"dsamig setup: dsa0: the device is enabled with 0 clients and 1 enabled WQ, and a new WQ needs it disabled; rerun with --force"
	[ "$(snap)" = "$before" ]
	run -0 "$DSAMIG" setup --force
	assert_line "dsa0: plan: disable dsa0 first, enable again after: wq0.1"
	assert_line --partial "wq0.0 as a dedicated kernel WQ 'dmaengine', size 32, priority 10, in group0.1 with engine0.1"
	st=$("$DSAMIG" status --json) || [ $? -eq 3 ]
	[ "$(jq -r '.devices[0].wqs[1] | .type, .state, .group, .wq_name' <<<"$st" | xargs)" = \
		"user enabled 0 app" ]
	[ "$(jq -r '.devices[0].wqs[0].dma_channel' <<<"$st")" != null ]
	run -0 "$DSAMIG" setup --reset
	[ "$(snap)" = "$before" ]
}

@test "refusals change nothing: too large a WQ, unknown device, not root" {
	before=$(snap)
	run -1 --separate-stderr "$DSAMIG" setup --wq-size 200
	assert_equal "$stderr" \
		"dsamig setup: dsa0: --wq-size 200 is more than the device's 128 WQ entries; ask for at most 128"
	run -1 --separate-stderr "$DSAMIG" setup dsa9
	assert_equal "$stderr" "dsamig setup: dsa9: no such DSA device; see 'dsamig status'"
	run -1 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" setup
	assert_equal "$stderr" \
		"dsamig setup: must be run as root to configure DSA devices; try 'sudo dsamig setup'"
	run -1 setpriv --reuid=nobody --regid=nogroup --clear-groups "$DSAMIG" setup --reset
	[ "$(snap)" = "$before" ]
	[ ! -e "$SAVED" ]
}

@test "too large a WQ beside others' says how many entries are free" {
	others_user_wq
	before=$(snap)
	run -1 --separate-stderr "$DSAMIG" setup --wq-size 120
	assert_equal "$stderr" \
		"dsamig setup: dsa0: --wq-size 120 is more than the 112 free WQ entries (other WQs hold 16 of 128); ask for at most 112"
	[ "$(snap)" = "$before" ]
}

@test "a driver failure names the device, attribute and reason, and changes nothing" {
	# A reusable kernel WQ, but another grouped WQ is shared: no SWQ support,
	# so enabling the device fails in the driver.
	echo 0 > "$DSA/engine0.0/group_id"
	echo 0 > "$DSA/wq0.0/group_id"
	echo dedicated > "$DSA/wq0.0/mode"
	echo 16 > "$DSA/wq0.0/size"
	echo 10 > "$DSA/wq0.0/priority"
	echo kernel > "$DSA/wq0.0/type"
	echo dmaengine > "$DSA/wq0.0/name"
	echo 1 > "$DSA/wq0.1/group_id"
	before=$(snap)
	run -1 --separate-stderr "$DSAMIG" setup
	assert_output --partial "dsa0: plan: reuse wq0.0"
	assert_equal "$stderr" \
		"dsamig setup: dsa0: device enable: wq error - no shared wq support (platform configuration error) (cmd_status 0x800c0000); the device was left as it was (see dmesg)"
	[ "$(snap)" = "$before" ]
	[ ! -e "$SAVED" ]
}

@test "--json: the plan and the outcome" {
	run -0 "$DSAMIG" setup --json
	[ "$(jq -r '.dry_run' <<<"$output")" = false ]
	[ "$(jq -r '.devices[0] | .device, .action, .wq, .size' <<<"$output" | xargs)" = \
		"dsa0 configure wq0.0 32" ]
	[ "$(jq -r '.devices[0].channel' <<<"$output")" = "$(ls /sys/class/dma)" ]
	run -0 "$DSAMIG" setup --json
	[ "$(jq -r '.devices[0].action' <<<"$output")" = done ]
}
