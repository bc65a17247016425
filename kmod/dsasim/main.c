// SPDX-License-Identifier: GPL-2.0
/*
 * dsasim: a simulated Intel DSA device that behaves, to user space and to
 * dmaengine clients, like the 6.12 idxd driver with DSA devices.
 *
 * Module parameters: the device's capabilities (read at load time, Sapphire
 * Rapids defaults), the timing model and fault injection (run-time writable).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "dsasim.h"

static unsigned int nr_devices = 1;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "number of simulated DSA devices dsa0..dsa(N-1) (default 1)");

unsigned int dsasim_max_groups = 4;
module_param_named(max_groups, dsasim_max_groups, uint, 0444);
MODULE_PARM_DESC(max_groups, "groups per device (default 4, SPR)");

unsigned int dsasim_max_engines = 4;
module_param_named(max_engines, dsasim_max_engines, uint, 0444);
MODULE_PARM_DESC(max_engines, "engines per device (default 4, SPR)");

unsigned int dsasim_max_wqs = 8;
module_param_named(max_work_queues, dsasim_max_wqs, uint, 0444);
MODULE_PARM_DESC(max_work_queues, "work queues per device (default 8, SPR)");

unsigned int dsasim_max_wq_size = 128;
module_param_named(max_work_queues_size, dsasim_max_wq_size, uint, 0444);
MODULE_PARM_DESC(max_work_queues_size, "WQ entries shared by all WQs of a device (default 128, SPR)");

unsigned int dsasim_max_batch = 1024;
module_param_named(max_batch_size, dsasim_max_batch, uint, 0444);
MODULE_PARM_DESC(max_batch_size, "device max batch size, a power of 2 (default 1024, SPR)");

unsigned long dsasim_max_xfer = SZ_2G;
module_param_named(max_transfer_size, dsasim_max_xfer, ulong, 0444);
MODULE_PARM_DESC(max_transfer_size, "device max transfer size in bytes, a power of 2 (default 2 GiB, SPR)");

unsigned int dsasim_version = 0x100;
module_param_named(version, dsasim_version, uint, 0444);
MODULE_PARM_DESC(version, "device version (default 0x100, DSA 1.0 as on SPR)");

unsigned int dsasim_max_rdbufs = 96;
module_param_named(max_read_buffers, dsasim_max_rdbufs, uint, 0444);
MODULE_PARM_DESC(max_read_buffers, "read buffers per device (default 96, SPR)");

bool dsasim_configurable = true;
module_param_named(configurable, dsasim_configurable, bool, 0444);
MODULE_PARM_DESC(configurable, "GENCAP config_en: 0 makes the configuration read-only (default 1)");

bool dsasim_pasid = true;
module_param_named(pasid_enabled, dsasim_pasid, bool, 0444);
MODULE_PARM_DESC(pasid_enabled, "user PASID/SVA available: needed by user and shared WQs (default 1)");

bool dsasim_tc_override;
module_param_named(tc_override, dsasim_tc_override, bool, 0644);
MODULE_PARM_DESC(tc_override, "allow traffic class writes on version <= 2 devices, as idxd's tc_override (default 0)");

/* Timing model: see README.md for the published figures behind the defaults. */
unsigned int dsasim_setup_ns = 1000;
module_param_named(setup_ns, dsasim_setup_ns, uint, 0644);
MODULE_PARM_DESC(setup_ns, "modelled fixed cost per descriptor in ns (default 1000)");

unsigned int dsasim_bw_mbps = 30000;
module_param_named(bandwidth_mbps, dsasim_bw_mbps, uint, 0644);
MODULE_PARM_DESC(bandwidth_mbps, "modelled copy bandwidth per engine in MB/s, 0 = unlimited (default 30000)");

/* Fault injection, counted per device across its channels. */
unsigned int dsasim_fail_every;
module_param_named(fail_every, dsasim_fail_every, uint, 0644);
MODULE_PARM_DESC(fail_every, "every Nth submitted descriptor completes with an error (0 = off)");

unsigned int dsasim_stall_every;
module_param_named(stall_every, dsasim_stall_every, uint, 0644);
MODULE_PARM_DESC(stall_every, "every Nth submitted descriptor never completes (0 = off)");

unsigned int dsasim_alloc_fail_every;
module_param_named(alloc_fail_every, dsasim_alloc_fail_every, uint, 0644);
MODULE_PARM_DESC(alloc_fail_every, "every Nth prep call returns NULL (0 = off)");

/*
 * dsa0..dsa(nr_devices-1). At load, each takes a probed PCI device if one
 * is left (pci.c), else stands alone. A slot emptied by the removal of its
 * PCI device is filled again by the next one probed.
 */
static struct dsasim_device **devices;
DEFINE_MUTEX(dsasim_devices_lock);
static bool dsasim_live;	/* dsa drivers registered: new devices are probed */

static int dsasim_check_params(void)
{
	if (!nr_devices || nr_devices > 64)
		return -EINVAL;
	if (!dsasim_max_groups || dsasim_max_groups > 64 ||
	    !dsasim_max_engines || dsasim_max_engines > 64 ||
	    !dsasim_max_wqs || dsasim_max_wqs > 64)
		return -EINVAL;
	if (!dsasim_max_wq_size || dsasim_max_wq_size > 0xffff)
		return -EINVAL;
	if (!is_power_of_2(dsasim_max_batch) || dsasim_max_batch > (1U << 15))
		return -EINVAL;
	if (!is_power_of_2(dsasim_max_xfer) || dsasim_max_xfer < SZ_4K ||
	    ilog2(dsasim_max_xfer) > 31)
		return -EINVAL;
	if (dsasim_max_rdbufs > 255)
		return -EINVAL;
	return 0;
}

/* The dsa drivers probed a new device against an empty configuration. */
static void dsasim_clear_status(struct dsasim_device *sd)
{
	mutex_lock(&sd->lock);
	sd->cmd_status = 0;
	mutex_unlock(&sd->lock);
}

/* Make dsa@i, on @pdev or on nothing; dsasim_devices_lock held. */
static int dsasim_slot_create(int i, struct pci_dev *pdev)
{
	struct dsasim_device *sd;

	sd = dsasim_device_create(i, pdev);
	if (IS_ERR(sd)) {
		if (pdev)
			dsasim_pci_unclaim(pdev);
		return PTR_ERR(sd);
	}
	dsasim_debugfs_add(sd);
	if (dsasim_live)
		dsasim_clear_status(sd);
	devices[i] = sd;
	return 0;
}

/**
 * dsasim_devices_fill - put the PCI devices left over under empty slots
 *
 * Called when a PCI device is probed after load (a rebind).
 * Context: dsasim_devices_lock held.
 */
void dsasim_devices_fill(void)
{
	struct pci_dev *pdev;
	int i, rc;

	lockdep_assert_held(&dsasim_devices_lock);
	for (i = 0; dsasim_live && i < nr_devices; i++) {
		if (devices[i])
			continue;
		pdev = dsasim_pci_claim();
		if (!pdev)
			return;
		rc = dsasim_slot_create(i, pdev);
		if (rc)
			pci_err(pdev, "cannot make dsa%d on it: %d\n", i, rc);
	}
}

/**
 * dsasim_devices_drop - the PCI device @pdev goes: so does the dsaN on it
 * @pdev: a claimed PCI device
 *
 * As idxd_remove(): the device leaves its driver first (its WQs leave
 * theirs, channels are freed even under clients), then it is unregistered.
 * Context: dsasim_devices_lock held.
 */
void dsasim_devices_drop(struct pci_dev *pdev)
{
	struct dsasim_device *sd;
	int i;

	lockdep_assert_held(&dsasim_devices_lock);
	for (i = 0; i < nr_devices; i++) {
		sd = devices[i];
		if (!sd || sd->pdev != pdev)
			continue;
		devices[i] = NULL;
		dev_info(&sd->dev, "removed with %s\n", pci_name(pdev));
		device_release_driver(&sd->dev);
		dsasim_device_destroy(sd);
	}
}

static void dsasim_destroy_all(void)
{
	int i;

	mutex_lock(&dsasim_devices_lock);
	for (i = nr_devices - 1; i >= 0; i--) {
		if (devices[i])
			dsasim_device_destroy(devices[i]);
		devices[i] = NULL;
	}
	mutex_unlock(&dsasim_devices_lock);
}

static int dsasim_create_all(void)
{
	int i, rc = 0;

	mutex_lock(&dsasim_devices_lock);
	for (i = 0; i < nr_devices && !rc; i++)
		rc = dsasim_slot_create(i, dsasim_pci_claim());
	mutex_unlock(&dsasim_devices_lock);
	return rc;
}

/* Devices appear and go with PCI devices from now on, or stop doing so. */
static void dsasim_set_live(bool live)
{
	mutex_lock(&dsasim_devices_lock);
	dsasim_live = live;
	mutex_unlock(&dsasim_devices_lock);
}

static int __init dsasim_init(void)
{
	int i, rc;

	rc = dsasim_check_params();
	if (rc) {
		pr_err("invalid device parameters (see modinfo dsasim)\n");
		return rc;
	}

	rc = dsasim_dma_init();
	if (rc)
		return rc;

	devices = kcalloc(nr_devices, sizeof(*devices), GFP_KERNEL);
	if (!devices) {
		dsasim_dma_exit();
		return -ENOMEM;
	}

	rc = dsasim_cdev_init();
	if (rc)
		goto err_cdev;

	rc = bus_register(&dsasim_bus);
	if (rc) {
		pr_err("cannot register the dsa bus (is idxd loaded?): %d\n", rc);
		goto err_bus;
	}

	dsasim_debugfs_init();

	rc = dsasim_pci_init();
	if (rc)
		goto err_pci;

	rc = dsasim_create_all();
	if (rc)
		goto err_devices;

	rc = dsasim_drivers_register();
	if (rc)
		goto err_devices;

	/*
	 * Registering the drivers probed every device against an empty
	 * configuration, as idxd does at boot; start with a clean status.
	 */
	mutex_lock(&dsasim_devices_lock);
	for (i = 0; i < nr_devices; i++)
		if (devices[i])
			dsasim_clear_status(devices[i]);
	dsasim_live = true;
	dsasim_devices_fill();
	mutex_unlock(&dsasim_devices_lock);

	pr_info("%u simulated DSA device(s) ready\n", nr_devices);
	return 0;

err_devices:
	dsasim_pci_exit();
	dsasim_destroy_all();
err_pci:
	dsasim_debugfs_exit();
	bus_unregister(&dsasim_bus);
err_bus:
	dsasim_cdev_exit();
err_cdev:
	kfree(devices);
	dsasim_dma_exit();
	return rc;
}

static void __exit dsasim_exit(void)
{
	/*
	 * dmaengine holds a module reference for every channel a client owns,
	 * and every open /dev/dsa node holds one: nothing is in use here.
	 */
	dsasim_drivers_unregister();
	dsasim_set_live(false);
	dsasim_pci_exit();	/* the devices on PCI devices go with them */
	dsasim_destroy_all();
	kfree(devices);
	dsasim_debugfs_exit();
	bus_unregister(&dsasim_bus);
	dsasim_cdev_exit();
	dsasim_dma_exit();
	pr_info("unloaded\n");
}

module_init(dsasim_init);
module_exit(dsasim_exit);
MODULE_DESCRIPTION("simulated Intel DSA device with the idxd sysfs ABI and dmaengine channels");
MODULE_LICENSE("GPL");
