#!/usr/bin/env bats
# vm-matrix: yes
# dsamig.ko with page-cache and shared memory: ext4 on a loop device and the
# block device's own page cache (folios with buffer heads: only the kernel's
# copy point, after it has locked every buffer, may copy them), shmem and
# anonymous mTHPs (copied early), on every backend, with writers verifying
# every page.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash
load dsamig.bash
load dsasim.bash

BACKENDS=(cpu mt dsa)
MTHP=/sys/kernel/mm/transparent_hugepage

setup() {
	modprobe loop
	modprobe ext4
	dsasim_load
	dsasim_kernel_wq wq0.0 32
	dsasim_enable wq0.0
}

teardown() {
	dsamig_unload
	dsasim_unload
	mountpoint -q /mnt/dsamig-ext4 && umount /mnt/dsamig-ext4
	losetup -D
	rm -f /dev/shm/dsamig-*
	[ ! -e $MTHP/hugepages-64kB/enabled ] || echo never > $MTHP/hugepages-64kB/enabled
}

# loop_dev MB: a loop device over MB MiB of /dev/shm; prints its path.
loop_dev() {
	local img
	img=$(mktemp /dev/shm/dsamig-XXXXXX.img)
	truncate -s "${1}M" "$img"
	losetup -f --show "$img"
}

# kept_content: pages kept from the early copy for what protects their
# contents (buffer heads, or a mapping that migrates with buffer_migrate_*).
kept_content() {
	echo $(($(counter kept/buffers) + $(counter kept/mapping)))
}

# each_backend ARGS...: migstress ARGS under every backend; counts in $kept
# (kept_content) and $skipped (copies the kernel's copy point skipped
# because a run had made them).
each_backend() {
	local b k0 s0
	for b in "${BACKENDS[@]}"; do
		dsamig_load backend=$b threshold=32
		k0=$(kept_content) s0=$(counter skipped_copies)
		migstress_ok "$@" --thp 0 --rounds 4
		kept[$b]=$(($(kept_content) - k0))
		skipped[$b]=$(($(counter skipped_copies) - s0))
		echo "backend=$b: kept +${kept[$b]}, skipped_copies +${skipped[$b]}"
		rmmod dsamig
	done
}

@test "ext4 on a loop device: folios with buffers are never copied early, on any backend; pages intact" {
	dev=$(loop_dev 64)
	mkfs.ext4 -q "$dev"
	mkdir -p /mnt/dsamig-ext4
	mount "$dev" /mnt/dsamig-ext4
	declare -A kept skipped
	each_backend --file /mnt/dsamig-ext4/data --pages 2048
	for b in "${BACKENDS[@]}"; do
		[ "${kept[$b]}" -gt 0 ]
		[ "${skipped[$b]}" = 0 ]
	done
}

@test "the block device's own page cache (buffer_migrate_folio_norefs): never copied early, on any backend; pages intact" {
	dev=$(loop_dev 16)
	declare -A kept skipped
	each_backend --file "$dev" --pages 2048
	for b in "${BACKENDS[@]}"; do
		[ "${kept[$b]}" -gt 0 ]
		[ "${skipped[$b]}" = 0 ]
	done
}

@test "shmem: copied early on every backend, pages intact" {
	declare -A kept skipped
	each_backend --file /dev/shm/dsamig-shmem --pages 2048
	for b in "${BACKENDS[@]}"; do
		[ "${kept[$b]}" = 0 ]
		[ "${skipped[$b]}" -gt 0 ]
	done
}

@test "anonymous 64 KiB mTHPs: copied early on every backend, pages intact" {
	[ -e $MTHP/hugepages-64kB/enabled ]
	echo always > $MTHP/hugepages-64kB/enabled
	a0=$(cat $MTHP/hugepages-64kB/stats/anon_fault_alloc)
	declare -A kept skipped
	each_backend --mthp --pages 2048
	# The workload's pages were mTHPs.
	[ "$(($(cat $MTHP/hugepages-64kB/stats/anon_fault_alloc) - a0))" -gt 0 ]
	for b in "${BACKENDS[@]}"; do
		[ "${skipped[$b]}" -gt 0 ]
	done
}
