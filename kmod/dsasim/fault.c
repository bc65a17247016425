// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device fault injection, netdevsim style: /sys/kernel/debug/dsasim/
 * dsaN/fault/ holds the knobs of that device only, so one device can fail
 * while another stays healthy. The module parameters of the same names
 * apply to every device whose own knob is 0.
 *
 *   fail_every N         every Nth submitted descriptor completes with
 *                        fail_status (no copy)
 *   fail_status S        a DSA completion status; 0 = page fault, 0x03
 *                        (0x04 when the WQ blocks on fault)
 *   stall_every N        every Nth submitted descriptor never completes
 *   alloc_fail_every N   every Nth prep returns NULL (idxd: a signal)
 *   submit_fail_every N  every Nth submit is rejected as a shared WQ's
 *                        ENQCMDS is when the WQ is full
 *   halt                 write 1: a software error halts the device
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>

#include <dsasim_names.h>

#include "dma.h"

/**
 * dsasim_device_halt - a halt as idxd_misc_thread() meets it
 * @sd: device
 *
 * The device stops (GENSTS halted): engines take nothing more, what they
 * were running never writes its completion, submit gives -EIO and prep
 * NULL (idxd_submit_desc(), idxd_alloc_desc()). The state reads "halted"
 * until the device is disabled (idxd: reset by FLR or, for a software
 * reset type, idxd_device_reinit()).
 */
void dsasim_device_halt(struct dsasim_device *sd)
{
	mutex_lock(&sd->lock);
	if (sd->state == DSASIM_DEV_ENABLED) {
		WRITE_ONCE(sd->state, DSASIM_DEV_HALTED);
		dev_err(&sd->dev, "idxd halted, need FLR.\n");
	}
	mutex_unlock(&sd->lock);
}

static int dsasim_halt_set(void *data, u64 val)
{
	if (val != 1)
		return -EINVAL;
	dsasim_device_halt(data);
	return 0;
}

static int dsasim_halt_get(void *data, u64 *val)
{
	struct dsasim_device *sd = data;

	*val = READ_ONCE(sd->state) == DSASIM_DEV_HALTED;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(dsasim_halt_fops, dsasim_halt_get, dsasim_halt_set, "%llu\n");

void dsasim_fault_debugfs_add(struct dsasim_device *sd)
{
	struct dsasim_faults *f = &sd->faults;
	struct dentry *dir;

	dir = debugfs_create_dir(DSASIM_FAULT_DIR, sd->debugfs);
	debugfs_create_u32("fail_every", 0600, dir, &f->fail_every);
	debugfs_create_x32("fail_status", 0600, dir, &f->fail_status);
	debugfs_create_u32("stall_every", 0600, dir, &f->stall_every);
	debugfs_create_u32("alloc_fail_every", 0600, dir, &f->alloc_fail_every);
	debugfs_create_u32("submit_fail_every", 0600, dir, &f->submit_fail_every);
	debugfs_create_file_unsafe("halt", 0600, dir, sd, &dsasim_halt_fops);
}
