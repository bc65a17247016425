#!/usr/bin/env bats
# dsasim seen through the unmodified accel-config (Debian's 3.5.3): the
# documented kernel-WQ setup for dmaengine, list -i, a user WQ, and the
# invalid configurations the idxd driver rejects, with its cmd_status codes.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsasim

setup() {
	dsasim_load
}

teardown() {
	dsasim_unload
}

@test "list -i shows dsa0 with Sapphire Rapids capabilities, all idle" {
	run accelcfg list -i
	assert_success
	assert_output --partial '"dev":"dsa0"'
	assert_output --partial '"max_groups":4'
	assert_output --partial '"max_work_queues":8'
	assert_output --partial '"max_engines":4'
	assert_output --partial '"work_queue_size":128'
	assert_output --partial '"max_batch_size":1024'
	assert_output --partial '"max_transfer_size":2147483648'
	assert_output --partial '"version":"0x100"'
	assert_output --partial '"configurable":1'
	assert_output --partial '"state":"disabled"'
	[ "$(grep -c '"dev":"wq0\.' <<< "$output")" -eq 8 ]
	[ "$(grep -c '"dev":"engine0\.' <<< "$output")" -eq 4 ]
	[ "$(grep -c '"dev":"group0\.' <<< "$output")" -eq 4 ]
	# plain list hides disabled devices, as on hardware
	run accelcfg list
	refute_output --partial '"dev":"dsa0"'
}

@test "documented kernel WQ setup: config, enable, list, disable" {
	run accelcfg config-engine dsa0/engine0.0 --group-id=0
	assert_success
	run accelcfg config-wq dsa0/wq0.0 --group-id=0 --mode=dedicated --wq-size=16 \
		--priority=10 --type=kernel --name=dmaengine --driver-name=dmaengine
	assert_success
	run accelcfg enable-device dsa0
	assert_success
	assert_output --partial "enabled 1 device(s) out of 1"
	[ "$(cat $DSA/dsa0/state)" = enabled ]
	[ "$(readlink -f $DSA/dsa0/driver)" = "$(readlink -f $DRV/idxd)" ]

	run accelcfg enable-wq dsa0/wq0.0
	assert_success
	assert_output --partial "enabled 1 wq(s) out of 1"
	[ "$(cat $DSA/wq0.0/state)" = enabled ]
	[ "$(readlink -f $DSA/wq0.0/driver)" = "$(readlink -f $DRV/dmaengine)" ]
	ls /sys/class/dma | grep -q '^dma[0-9]*chan0$'
	[ "$(cmd_status)" = 0x0 ]

	run accelcfg list
	assert_success
	assert_output --partial '"state":"enabled"'
	assert_output --partial '"name":"dmaengine"'
	assert_output --partial '"driver_name":"dmaengine"'
	assert_output --partial '"grouped_engines"'

	run accelcfg list -i
	assert_success
	assert_output --partial '"size":16'

	run accelcfg disable-wq dsa0/wq0.0
	assert_success
	[ "$(cat $DSA/wq0.0/state)" = disabled ]
	[ ! -e $DSA/wq0.0/driver ]
	run accelcfg disable-device dsa0
	assert_success
	[ "$(cat $DSA/dsa0/state)" = disabled ]
	[ ! -e $DSA/dsa0/driver ]
	# a reset forgets the configuration, as idxd's device reset does
	[ "$(cat $DSA/wq0.0/size)" = 0 ]
	[ "$(cat $DSA/wq0.0/group_id)" = -1 ]
	[ "$(cat $DSA/engine0.0/group_id)" = -1 ]
}

@test "save-config and load-config round-trip an enabled configuration" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.2 --group-id=0 --mode=dedicated --wq-size=32 \
		--priority=5 --type=kernel --name=mig --driver-name=dmaengine --max-transfer-size=4194304
	accelcfg enable-device dsa0
	accelcfg enable-wq dsa0/wq0.2
	run accelcfg save-config -s "$BATS_TEST_TMPDIR/cfg.json"
	assert_success
	grep -q '"max_transfer_size":4194304' "$BATS_TEST_TMPDIR/cfg.json"
	accelcfg disable-device dsa0 --force
	[ "$(cat $DSA/wq0.2/size)" = 0 ]
	run accelcfg load-config -c "$BATS_TEST_TMPDIR/cfg.json" -e
	assert_success
	[ "$(cat $DSA/dsa0/state)" = enabled ]
	[ "$(cat $DSA/wq0.2/state)" = enabled ]
	[ "$(cat $DSA/wq0.2/size)" = 32 ]
	[ "$(cat $DSA/wq0.2/max_transfer_size)" = 4194304 ]
}

@test "enable-device without any grouped WQ: cmd_status WQ_NONE_CONFIGURED" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	run accelcfg enable-device dsa0
	assert_output --partial "enabled 0 device(s) out of 1"
	[ "$(cat $DSA/dsa0/state)" = disabled ]
	[ "$(cmd_status)" = 0x800d0000 ]
}

@test "enable-device with a group lacking engines: hardware status 0x15" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.0 --group-id=1 --mode=dedicated --wq-size=16 \
		--priority=10 --type=kernel --name=dmaengine --driver-name=dmaengine
	run accelcfg enable-device dsa0
	[ "$(cat $DSA/dsa0/state)" = disabled ]
	[ "$(cmd_status)" = 0x15 ]
}

@test "a shared kernel WQ without system PASID: cmd_status WQ_NO_SWQ_SUPPORT" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.0 --group-id=0 --mode=shared --wq-size=16 --threshold=15 \
		--priority=10 --type=kernel --name=dmaengine --driver-name=dmaengine
	run accelcfg enable-device dsa0
	[ "$(cat $DSA/dsa0/state)" = disabled ]
	[ "$(cmd_status)" = 0x800c0000 ]
}

@test "enable-wq without a name: WQ_NO_NAME, the WQ stays disabled" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.0 --group-id=0 --mode=dedicated --wq-size=16 \
		--priority=10 --type=kernel --driver-name=dmaengine
	accelcfg enable-device dsa0
	run accelcfg enable-wq dsa0/wq0.0
	assert_failure
	assert_output --partial "Error[0x80040000]"
	[ "$(cmd_status)" = 0x80040000 ]
	[ "$(cat $DSA/wq0.0/state)" = disabled ]
	# idxd's dmaengine probe resets the type it set on failure
	[ "$(cat $DSA/wq0.0/type)" = none ]
}

@test "enable-wq with priority 0: hardware status 0x23" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.0 --group-id=0 --mode=dedicated --wq-size=16 \
		--priority=0 --type=kernel --name=dmaengine --driver-name=dmaengine
	accelcfg enable-device dsa0
	run accelcfg enable-wq dsa0/wq0.0
	assert_failure
	[ "$(cmd_status)" = 0x23 ]
	[ "$(cat $DSA/wq0.0/state)" = disabled ]
}

@test "enable-wq on a disabled device fails and changes nothing" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.0 --group-id=0 --mode=dedicated --wq-size=16 \
		--priority=10 --type=kernel --name=dmaengine --driver-name=dmaengine
	run accelcfg enable-wq dsa0/wq0.0
	assert_failure
	[ "$(cat $DSA/wq0.0/state)" = disabled ]
	[ "$(cat $DSA/wq0.0/name)" = dmaengine ]
}

@test "enable-device twice is refused by accel-config" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.0 --group-id=0 --mode=dedicated --wq-size=16 \
		--priority=10 --type=kernel --name=dmaengine --driver-name=dmaengine
	accelcfg enable-device dsa0
	run accelcfg enable-device dsa0
	assert_failure
	assert_output --partial "enabled state already"
}

@test "threshold on a dedicated WQ and an oversized WQ are rejected" {
	run accelcfg config-wq dsa0/wq0.0 --mode=dedicated --threshold=4
	assert_failure
	assert_output --partial "Invalid argument"
	[ "$(cat $DSA/wq0.0/threshold)" = 0 ]
	run accelcfg config-wq dsa0/wq0.0 --wq-size=129
	assert_failure
	[ "$(cat $DSA/wq0.0/size)" = 0 ]
}

@test "a user WQ binds and gets /dev/dsa/wq0.1; submission through it fails clearly" {
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.1 --group-id=0 --mode=dedicated --wq-size=8 \
		--priority=10 --type=user --name=app --driver-name=user
	accelcfg enable-device dsa0
	run accelcfg enable-wq dsa0/wq0.1
	assert_success
	[ -c /dev/dsa/wq0.1 ]
	[ "$(cat $DSA/wq0.1/cdev_minor)" -ge 0 ]
	[ "$(stat -c %t /dev/dsa/wq0.1)" = "$(printf %x "$(cat $DSA/dsa0/cdev_major)")" ]
	run accelcfg list
	assert_output --partial '"type":"user"'
	run bash -c 'echo x > /dev/dsa/wq0.1'
	assert_failure
	assert_output --partial "Operation not supported"
	run accelcfg disable-wq dsa0/wq0.1
	assert_success
	[ ! -e /dev/dsa/wq0.1 ]
	[ "$(cat $DSA/wq0.1/type)" = none ]
}

@test "a user WQ without PASID: WQ_USER_NO_IOMMU and EOPNOTSUPP" {
	dsasim_unload
	dsasim_load pasid_enabled=0
	accelcfg config-engine dsa0/engine0.0 --group-id=0
	accelcfg config-wq dsa0/wq0.1 --group-id=0 --mode=dedicated --wq-size=8 \
		--priority=10 --type=user --name=app --driver-name=user
	accelcfg enable-device dsa0
	run sysw $DRV/user/bind wq0.1
	assert_failure
	assert_output "Operation not supported"
	[ "$(cmd_status)" = 0x80110000 ]
}

@test "disable-wq refuses a WQ with clients unless forced" {
	dsasim_kernel_wq
	dsasim_enable
	insmod "$CLIENT_KO" count=1 hold=1
	[ "$(cat $DSA/wq0.0/clients)" = 1 ]
	[ "$(cat $DSA/dsa0/clients)" = 1 ]
	run accelcfg disable-wq dsa0/wq0.0
	assert_failure
	[ "$(cat $DSA/wq0.0/state)" = enabled ]
	rmmod dsasim_client
	[ "$(cat $DSA/wq0.0/clients)" = 0 ]
	run accelcfg disable-wq dsa0/wq0.0
	assert_success
}
