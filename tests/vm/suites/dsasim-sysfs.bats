#!/usr/bin/env bats
# dsasim's sysfs ABI against the 6.12 idxd driver: names, formats, modes,
# store rules and errno; bind/unbind checks and cmd_status codes. A failed
# write must leave the value as it was.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsasim

setup() {
	dsasim_load
}

teardown() {
	dsasim_unload
}

@test "bus, drivers and devices are where libaccel-config looks" {
	[ -d /sys/bus/dsa ]
	for d in idxd dmaengine user; do
		[ -f $DRV/$d/bind ] && [ -f $DRV/$d/unbind ]
	done
	[ "$(readlink -f $DSA/dsa0)" = "$(readlink -f $DSA/dsa0)" ]
	for c in wq0.{0..7} engine0.{0..3} group0.{0..3}; do
		[ -d "$(readlink -f $DSA/dsa0)/$c" ]
		[ -e $DSA/$c ]
	done
}

@test "device attributes: names, modes and Sapphire Rapids values" {
	local a
	for a in version max_groups max_work_queues max_work_queues_size max_engines numa_node \
		max_batch_size max_transfer_size op_cap gen_cap configurable clients pasid_enabled \
		state errors max_tokens max_read_buffers cdev_major; do
		[ "$(stat -c %a $DSA/dsa0/$a)" = 444 ] || { echo "$a"; false; }
	done
	for a in token_limit read_buffer_limit cmd_status; do
		[ "$(stat -c %a $DSA/dsa0/$a)" = 644 ] || { echo "$a"; false; }
	done
	[ ! -e $DSA/dsa0/iaa_cap ] && [ ! -e $DSA/dsa0/event_log_size ]
	[ "$(cat $DSA/dsa0/version)" = 0x100 ]
	[ "$(cat $DSA/dsa0/max_work_queues_size)" = 128 ]
	[ "$(cat $DSA/dsa0/max_batch_size)" = 1024 ]
	[ "$(cat $DSA/dsa0/max_transfer_size)" = 2147483648 ]
	[ "$(cat $DSA/dsa0/max_read_buffers)" = 96 ]
	[ "$(cat $DSA/dsa0/state)" = disabled ]
	[ "$(cat $DSA/dsa0/cmd_status)" = 0x0 ]
	[[ $(cat $DSA/dsa0/op_cap) =~ ^([0-9a-f]{8},){7}[0-9a-f]{8}$ ]]
	[[ $(cat $DSA/dsa0/errors) =~ ^(00000000,){7}00000000$ ]]
	# gen_cap: config_en, max_xfer_shift 31, max_batch_shift 10
	local g=$(($(cat $DSA/dsa0/gen_cap)))
	[ $(((g >> 32) & 1)) = 1 ] && [ $(((g >> 17) & 31)) = 31 ] && [ $(((g >> 22) & 15)) = 10 ]
}

@test "WQ, group and engine attributes: names, modes, defaults" {
	local a
	for a in clients state cdev_minor occupancy; do
		[ "$(stat -c %a $DSA/wq0.0/$a)" = 444 ] || { echo "$a"; false; }
	done
	for a in group_id mode size priority block_on_fault threshold type name max_transfer_size \
		max_batch_size ats_disable enqcmds_retries driver_name; do
		[ "$(stat -c %a $DSA/wq0.0/$a)" = 644 ] || { echo "$a"; false; }
	done
	[ "$(cat $DSA/wq0.0/mode)" = shared ]
	[ "$(cat $DSA/wq0.0/group_id)" = -1 ]
	[ "$(cat $DSA/wq0.0/type)" = none ]
	[ "$(cat $DSA/wq0.0/max_transfer_size)" = 2097152 ]
	[ "$(cat $DSA/wq0.0/max_batch_size)" = 32 ]
	[ "$(cat $DSA/wq0.0/enqcmds_retries)" = 32 ]
	run cat $DSA/wq0.0/cdev_minor
	assert_failure
	for a in work_queues engines read_buffers_reserved read_buffers_allowed use_read_buffer_limit \
		tokens_reserved tokens_allowed use_token_limit traffic_class_a traffic_class_b; do
		[ -e $DSA/group0.0/$a ] || { echo "$a"; false; }
	done
	[ -z "$(cat $DSA/group0.0/work_queues)" ]
	[ "$(cat $DSA/group0.0/read_buffers_allowed)" = 96 ]
	[ "$(cat $DSA/engine0.0/group_id)" = -1 ]
}

@test "WQ size: total bounded by max_work_queues_size, only while the device is disabled" {
	run sysw $DSA/wq0.0/size 100
	assert_success
	run sysw $DSA/wq0.1/size 29
	assert_failure
	assert_output "Invalid argument"
	[ "$(cat $DSA/wq0.1/size)" = 0 ]
	run sysw $DSA/wq0.1/size 28
	assert_success
	echo 0 > $DSA/wq0.1/size
	run sysw $DSA/wq0.0/size abc
	assert_output "Invalid argument"
	dsasim_kernel_wq wq0.0 16
	echo dsa0 > $DRV/idxd/bind
	run sysw $DSA/wq0.0/size 8
	assert_failure
	assert_output "Operation not permitted"
	[ "$(cat $DSA/wq0.0/size)" = 16 ]
}

@test "type change clears the name; name and driver_name are trimmed" {
	echo kernel > $DSA/wq0.0/type
	echo '  mig  ' > $DSA/wq0.0/name
	[ "$(cat $DSA/wq0.0/name)" = mig ]
	echo kernel > $DSA/wq0.0/type
	[ "$(cat $DSA/wq0.0/name)" = mig ]
	echo user > $DSA/wq0.0/type
	[ -z "$(cat $DSA/wq0.0/name)" ]
	run sysw $DSA/wq0.0/type bogus
	assert_output "Invalid argument"
	[ "$(cat $DSA/wq0.0/type)" = user ]
	run sysw $DSA/wq0.0/name "$(head -c 1100 /dev/zero | tr '\0' x)"
	assert_output "Invalid argument"
	echo ' dmaengine ' > $DSA/wq0.0/driver_name
	[ "$(cat $DSA/wq0.0/driver_name)" = dmaengine ]
}

@test "max_transfer_size and max_batch_size round up to a power of two, within the device" {
	echo 3000000 > $DSA/wq0.0/max_transfer_size
	[ "$(cat $DSA/wq0.0/max_transfer_size)" = 4194304 ]
	run sysw $DSA/wq0.0/max_transfer_size 0
	assert_output "Invalid argument"
	run sysw $DSA/wq0.0/max_transfer_size 4294967296
	assert_output "Invalid argument"
	[ "$(cat $DSA/wq0.0/max_transfer_size)" = 4194304 ]
	echo 0x1000 > $DSA/wq0.0/max_transfer_size
	[ "$(cat $DSA/wq0.0/max_transfer_size)" = 4096 ]
	echo 100 > $DSA/wq0.0/max_batch_size
	[ "$(cat $DSA/wq0.0/max_batch_size)" = 128 ]
	run sysw $DSA/wq0.0/max_batch_size 1025
	assert_output "Invalid argument"
	[ "$(cat $DSA/wq0.0/max_batch_size)" = 128 ]
}

@test "priority 0..15, group_id -1..max_groups-1, mode, threshold rules" {
	echo 15 > $DSA/wq0.0/priority
	run sysw $DSA/wq0.0/priority 16
	assert_output "Invalid argument"
	[ "$(cat $DSA/wq0.0/priority)" = 15 ]
	echo 3 > $DSA/wq0.0/group_id
	run sysw $DSA/wq0.0/group_id 4
	assert_output "Invalid argument"
	run sysw $DSA/wq0.0/group_id -2
	assert_output "Invalid argument"
	[ "$(cat $DSA/wq0.0/group_id)" = 3 ]
	[ "$(cat $DSA/group0.3/work_queues)" = wq0.0 ]
	echo 2 > $DSA/engine0.1/group_id
	echo 2 > $DSA/engine0.3/group_id
	[ "$(cat $DSA/group0.2/engines)" = "engine0.1 engine0.3" ]
	run sysw $DSA/engine0.1/group_id 4
	assert_output "Invalid argument"
	run sysw $DSA/wq0.0/mode bogus
	assert_output "Invalid argument"
	# threshold: shared WQs only, 0 < threshold <= size
	echo 8 > $DSA/wq0.0/size
	echo shared > $DSA/wq0.0/mode
	run sysw $DSA/wq0.0/threshold 9
	assert_output "Invalid argument"
	run sysw $DSA/wq0.0/threshold 0
	assert_output "Invalid argument"
	echo 8 > $DSA/wq0.0/threshold
	[ "$(cat $DSA/wq0.0/threshold)" = 8 ]
	echo dedicated > $DSA/wq0.0/mode
	[ "$(cat $DSA/wq0.0/threshold)" = 0 ]
	run sysw $DSA/wq0.0/threshold 4
	assert_output "Invalid argument"
	run cat $DSA/wq0.0/enqcmds_retries
	assert_failure
	echo shared > $DSA/wq0.0/mode
	echo 1000 > $DSA/wq0.0/enqcmds_retries
	[ "$(cat $DSA/wq0.0/enqcmds_retries)" = 64 ]
}

@test "group read buffers and traffic classes follow idxd's rules" {
	echo 2 > $DSA/engine0.0/group_id
	# at least 4 per engine of the group
	run sysw $DSA/group0.2/read_buffers_allowed 3
	assert_output "Invalid argument"
	echo 90 > $DSA/group0.0/read_buffers_reserved
	run sysw $DSA/group0.1/read_buffers_reserved 7
	assert_output "Invalid argument"
	echo 6 > $DSA/group0.1/read_buffers_reserved
	run sysw $DSA/group0.0/use_read_buffer_limit 1
	assert_output "Operation not permitted"
	echo 20 > $DSA/dsa0/read_buffer_limit
	echo 1 > $DSA/group0.0/use_read_buffer_limit
	run sysw $DSA/dsa0/read_buffer_limit 97
	assert_output "Invalid argument"
	# version 0x100 without tc_override: traffic classes are fixed
	run sysw $DSA/group0.0/traffic_class_a 3
	assert_output "Operation not permitted"
	[ "$(cat $DSA/group0.0/traffic_class_a)" = 1 ]
	echo 1 > $PARAMS/tc_override
	echo 3 > $DSA/group0.0/traffic_class_a
	run sysw $DSA/group0.0/traffic_class_b 8
	assert_output "Invalid argument"
}

@test "WQ attributes are frozen while the WQ is enabled" {
	dsasim_kernel_wq
	dsasim_enable
	local a
	for a in group_id:1 mode:dedicated priority:3 type:kernel name:x driver_name:x \
		max_transfer_size:4096 max_batch_size:4 ats_disable:1; do
		run sysw $DSA/wq0.0/${a%%:*} ${a#*:}
		assert_output "Operation not permitted"
	done
	run sysw $DSA/wq0.0/block_on_fault 1
	assert_output "No such device or address"
	[ "$(cat $DSA/wq0.0/priority)" = 10 ]
	[ "$(cat $DSA/wq0.0/name)" = dmaengine ]
	run sysw $DSA/group0.0/read_buffers_allowed 50
	assert_output "Operation not permitted"
}

@test "cmd_status: any write clears it" {
	echo 0 > $DSA/engine0.0/group_id
	run sysw $DRV/idxd/bind dsa0
	assert_output "No such device or address"
	[ "$(cmd_status)" = 0x800d0000 ]
	echo 1 > $DSA/dsa0/cmd_status
	[ "$(cmd_status)" = 0x0 ]
}

@test "device bind: no engine in any group fails and leaves the device disabled" {
	echo 0 > $DSA/wq0.0/group_id
	echo dedicated > $DSA/wq0.0/mode
	run sysw $DRV/idxd/bind dsa0
	assert_failure
	[ "$(cat $DSA/dsa0/state)" = disabled ]
	[ ! -e $DSA/dsa0/driver ]
}

@test "device bind: sum of WQ sizes after the driver's default depth: status 0x14" {
	echo 0 > $DSA/engine0.0/group_id
	echo 120 > $DSA/wq0.0/size
	local w
	for w in wq0.0 wq0.1; do
		echo 0 > $DSA/$w/group_id
		echo dedicated > $DSA/$w/mode
		echo kernel > $DSA/$w/type
	done
	# wq0.1 has a type and no size: the driver gives it 16 (120 + 16 > 128)
	run sysw $DRV/idxd/bind dsa0
	assert_output "No such device or address"
	[ "$(cmd_status)" = 0x14 ]
}

@test "WQ bind checks: group, driver_name match (6.7+), shared threshold" {
	dsasim_kernel_wq wq0.0 16
	echo dsa0 > $DRV/idxd/bind
	echo kernel > $DSA/wq0.1/type
	echo x > $DSA/wq0.1/name
	echo dmaengine > $DSA/wq0.1/driver_name
	run sysw $DRV/dmaengine/bind wq0.1
	assert_output "No such device or address"
	[ "$(cmd_status)" = 0x80030000 ]
	echo 0 > $DSA/wq0.1/group_id
	echo user > $DSA/wq0.1/driver_name
	run sysw $DRV/dmaengine/bind wq0.1
	assert_output "No such device"
	[ "$(cmd_status)" = 0x80200000 ]
	# a shared user WQ (PASID available) needs a threshold
	echo user > $DSA/wq0.1/type
	echo app > $DSA/wq0.1/name
	run sysw $DRV/user/bind wq0.1
	assert_output "No such device or address"
	[ "$(cmd_status)" = 0x80060000 ]
	run sysw $DSA/wq0.1/size 0
	assert_output "Operation not permitted"
	# a shared kernel WQ: no SVM for kernel WQs here
	echo kernel > $DSA/wq0.1/type
	echo k > $DSA/wq0.1/name
	echo dmaengine > $DSA/wq0.1/driver_name
	run sysw $DRV/dmaengine/bind wq0.1
	[ "$(cmd_status)" = 0x80050000 ]
	# binding an enabled WQ again is refused by the driver core
	run sysw $DRV/dmaengine/bind wq0.0
	assert_failure
}

@test "device unbind releases its WQs and resets the configuration" {
	dsasim_kernel_wq
	dsasim_enable
	[ "$(cat $DSA/wq0.0/state)" = enabled ]
	echo dsa0 > $DRV/idxd/unbind
	[ "$(cat $DSA/wq0.0/state)" = disabled ]
	[ ! -e $DSA/wq0.0/driver ]
	[ "$(cat $DSA/dsa0/state)" = disabled ]
	[ "$(cat $DSA/wq0.0/size)" = 0 ]
	[ -z "$(ls /sys/class/dma)" ]
}

@test "configurable=0: configuration writes fail with EPERM" {
	dsasim_unload
	dsasim_load configurable=0
	[ "$(cat $DSA/dsa0/configurable)" = 0 ]
	for a in wq0.0/size:8 wq0.0/group_id:0 wq0.0/mode:dedicated wq0.0/priority:1 \
		wq0.0/max_transfer_size:4096 wq0.0/max_batch_size:4 engine0.0/group_id:0 \
		group0.0/read_buffers_reserved:1 dsa0/read_buffer_limit:1; do
		run sysw $DSA/${a%%:*} ${a#*:}
		assert_output "Operation not permitted"
	done
	# names and types need no configurable device
	echo kernel > $DSA/wq0.0/type
	echo n > $DSA/wq0.0/name
}

@test "several devices with module parameters" {
	dsasim_unload
	dsasim_load nr_devices=2 max_work_queues=4 max_engines=2 max_groups=2 max_work_queues_size=64
	[ -d $DSA/dsa1 ]
	[ "$(ls -d $DSA/wq1.* | wc -l)" = 4 ]
	[ "$(cat $DSA/dsa1/max_work_queues_size)" = 64 ]
	run accelcfg list -i
	assert_output --partial '"dev":"dsa1"'
}
