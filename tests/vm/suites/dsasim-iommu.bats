#!/usr/bin/env bats
# vm-options: --iommu
# vm-matrix: yes
# dsasim behind QEMU's VT-d: dsa0 sits on an "edu" PCI device, as idxd's
# dsaN on its PCI function; that device is its channels' DMA device, so
# clients' mappings are IOVAs from iommu-dma and the engines translate
# them through its IOMMU domain. A missing translation is a page fault.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash
load dsasim.bash

PCIDRV=/sys/bus/pci/drivers/dsasim

setup() {
	dsasim_load "${LOAD_ARGS[@]}"
}

teardown() {
	dsamig_unload
	dsasim_unload
}

# pci_of DEV: the PCI device dsaN sits on (its sysfs directory).
pci_of() {
	dirname "$(readlink -f "$DSA/$1")"
}

# hex VALUE: a number in the form the debugfs hex files print.
hex() {
	printf '0x%x\n' "$1"
}

@test "dsa0 sits under the edu PCI device, its channels' DMA device, in an IOMMU group with a DMA domain" {
	local pci group chan
	pci=$(pci_of dsa0)
	[ "$(cat "$pci/vendor"):$(cat "$pci/device")" = 0x1234:0x11e8 ]
	[ "$(basename "$(readlink "$pci/driver")")" = dsasim ]
	[ -e "$pci/iommu_group" ]
	group=$(basename "$(readlink "$pci/iommu_group")")
	[ "$(stat_of dma_device)" = "$(basename "$pci")" ]
	[ "$(stat_of iommu_group)" = "$group" ]
	# the kernel's own name for the domain type; lazy flush: DMA-FQ
	[ "$(stat_of iommu_domain)" = "$(cat /sys/kernel/iommu_groups/$group/type)" ]
	[ "$(stat_of iommu_domain)" = DMA-FQ ]
	# the WQs are still dsa0's children and the bus lists them
	[ "$(dirname "$(readlink -f "$DSA/wq0.0")")" = "$pci/dsa0" ]
	dsasim_kernel_wq
	dsasim_enable
	# the channel hangs under the PCI device too (dma_device.dev)
	chan=$(ls /sys/class/dma)
	run readlink -f "/sys/class/dma/$chan"
	assert_output "$pci/dma/$chan"
}

@test "client copies go through the IOMMU: IOVAs, not physical addresses; every byte right" {
	dsasim_kernel_wq wq0.0 32
	dsasim_enable
	client count=64 depth=8
	[ "$(result copied)" = 64 ]
	[ "$(result errors)" = 0 ]
	[ "$(result mismatches)" = 0 ]
	[ "$(result identity_maps)" = 0 ]
	[ "$(stat_of iommu_translated)" = 64 ]
	[ "$(stat_of iommu_faults)" = 0 ]
	[ "$(stat_of bytes)" = $((64 * 4096)) ]
	# descriptors over many pages, each page translated
	client count=8 depth=4 size=$((256 * 1024 + 4))
	[ "$(result copied)" = 8 ]
	[ "$(stat_of iommu_translated)" = 72 ]
}

@test "a stale IOVA (unmapped before submit) fails with a write page fault at it, nothing copied" {
	dsasim_kernel_wq
	dsasim_enable
	client count=1 unmap_early=1
	[ "$(result errors)" = 1 ]
	[ "$(result copied)" = 0 ]
	[ "$(result timeouts)" = 0 ]
	# DSA_COMP_PAGE_FAULT_NOBOF with DSA_COMP_STATUS_WRITE: DMA_TRANS_WRITE_FAILED
	[ "$(stat_of last_status)" = $((0x83)) ]
	[ "$(stat_of iommu_faults)" = 1 ]
	[ "$(stat_of iommu_translated)" = 0 ]
	[ "$(stat_of fault_addr)" = "$(hex "$(result dst_addr)")" ]
	[ "$(stat_of bytes)" = 0 ]
	# the channel goes on
	client count=4
	[ "$(result copied)" = 4 ]
	[ "$(stat_of iommu_translated)" = 4 ]
}

@test "a never-mapped address faults, 0x84 when the WQ blocks on fault, nothing copied" {
	dsasim_kernel_wq
	echo 1 > $DSA/wq0.0/block_on_fault
	dsasim_enable
	# 0x1000 is RAM: dma-direct would have written there
	client count=2 raw_dst=0x1000
	[ "$(result errors)" = 2 ]
	[ "$(stat_of last_status)" = $((0x84)) ]
	[ "$(stat_of iommu_faults)" = 2 ]
	[ "$(stat_of fault_addr)" = 0x1000 ]
	[ "$(stat_of bytes)" = 0 ]
}

@test "dsamig.ko backend=dsa over the IOMMU: pages intact, its copies translated, no fault" {
	dsasim_kernel_wq wq0.0 32
	dsasim_enable wq0.0
	dsamig_load backend=dsa
	[ "$(counter channels)" = 1 ]
	migstress_ok --pages 1024 --thp 2 --rounds 4
	[ "$(counter dsa/pages)" -ge 4096 ]
	[ "$(stat_of iommu_translated)" -gt 0 ]
	[ "$(stat_of errors)" = 0 ]
	[ "$(stat_of iommu_faults)" = 0 ]
	[ "$(stat_of leaked)" = 0 ]
	[ "$(counter fallbacks/engine_error)" = 0 ]
	echo wq0.0 > $DRV/dmaengine/unbind
}

@test "dsamig.ko with rejected submits (ENQCMDS) over the IOMMU: each counted once, nothing unmapped under a descriptor" {
	dsasim_kernel_wq wq0.0 32
	dsasim_enable wq0.0
	dsamig_load backend=dsa
	echo 5 > /sys/kernel/debug/dsasim/dsa0/fault/submit_fail_every
	migstress_ok --pages 1024 --thp 2 --rounds 4
	[ "$(stat_of injected_submit_failures)" -gt 0 ]
	[ "$(counter fallbacks/submit)" -gt 0 ]
	# Counted twice, a rejected descriptor would end the wait early and
	# the run's IOVAs would go while others still ran: they would fault.
	[ "$(stat_of iommu_faults)" = 0 ]
	[ "$(counter fallbacks/engine_error)" = 0 ]
	[ "$(stat_of leaked)" = 0 ]
	echo wq0.0 > $DRV/dmaengine/unbind
}

@test "unbinding the edu device removes dsa0 (its WQ leaves dmaengine), binding it again brings it back" {
	local pci bdf
	pci=$(pci_of dsa0)
	bdf=$(basename "$pci")
	dsasim_kernel_wq
	dsasim_enable
	echo "$bdf" > $PCIDRV/unbind
	[ ! -e $DSA/dsa0 ]
	[ -z "$(ls /sys/class/dma)" ]
	[ ! -e /sys/kernel/debug/dsasim/dsa0 ]
	echo "$bdf" > $PCIDRV/bind
	[ "$(pci_of dsa0)" = "$pci" ]
	[ "$(cmd_status)" = 0x0 ]
	dsasim_kernel_wq
	dsasim_enable
	client count=4
	[ "$(result copied)" = 4 ]
	[ "$(stat_of iommu_translated)" = 4 ]
}

@test "a device without a PCI device left stands alone: dma-direct, physical addresses" {
	dsasim_unload
	dsasim_load nr_devices=2
	[ "$(basename "$(pci_of dsa0)")" = "$(cat /sys/kernel/debug/dsasim/dsa0/dma_device)" ]
	[ "$(cat /sys/kernel/debug/dsasim/dsa1/dma_device)" = dsa1 ]
	[ "$(cat /sys/kernel/debug/dsasim/dsa1/iommu_group)" = -1 ]
	[ "$(cat /sys/kernel/debug/dsasim/dsa1/iommu_domain)" = none ]
	dsasim_kernel_wq wq1.0
	dsasim_enable wq1.0
	client dev=dsa1 count=4
	[ "$(result copied)" = 4 ]
	[ "$(result identity_maps)" = 8 ]
	[ "$(cat /sys/kernel/debug/dsasim/dsa1/iommu_translated)" = 0 ]
}

@test "the unmodified accel-config configures dsa0 on its PCI device as on hardware" {
	run accelcfg_kernel_wq
	assert_success
	assert_output --partial "enabled 1 wq(s) out of 1"
	run accelcfg list
	assert_success
	assert_output --partial '"dev":"dsa0"'
	assert_output --partial '"state":"enabled"'
	client count=4
	[ "$(result copied)" = 4 ]
	[ "$(stat_of iommu_translated)" = 4 ]
}
