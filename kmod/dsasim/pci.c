// SPDX-License-Identifier: GPL-2.0
/*
 * PCI devices for dsasim's devices to sit on: QEMU's "edu" (1234:11e8),
 * which does nothing itself but, behind QEMU's VT-d (tests/vm/run
 * --iommu), has an IOMMU group and a DMA domain. dsaN then hangs under it
 * as idxd's dsaN hangs under its PCI function (idxd_alloc(): conf_dev's
 * parent is &pdev->dev), its dma_device's dev is the PCI device
 * (idxd_register_dma_device()), so clients' mappings are IOVAs from
 * iommu-dma, and the engines translate them (sched.c).
 *
 * Each probed edu waits here until a dsaN claims it (main.c). Removing one
 * (unbind, hot unplug, rmmod) removes the dsaN on it first, as
 * idxd_remove() unregisters the idxd devices.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "dsasim.h"

#define PCI_VENDOR_ID_QEMU_EDU	0x1234
#define PCI_DEVICE_ID_QEMU_EDU	0x11e8

/* A probed edu; on dsasim_pci_devs, under dsasim_devices_lock. */
struct dsasim_pci {
	struct list_head node;
	struct pci_dev *pdev;
	bool claimed;
};

static LIST_HEAD(dsasim_pci_devs);

/**
 * dsasim_pci_claim - a probed PCI device no dsaN sits on yet
 *
 * Context: dsasim_devices_lock held.
 * Return: the first such device in probe order, or NULL.
 */
struct pci_dev *dsasim_pci_claim(void)
{
	struct dsasim_pci *p;

	lockdep_assert_held(&dsasim_devices_lock);
	list_for_each_entry(p, &dsasim_pci_devs, node) {
		if (!p->claimed) {
			p->claimed = true;
			return p->pdev;
		}
	}
	return NULL;
}

/* Give back a claimed device whose dsaN could not be made or went away. */
void dsasim_pci_unclaim(struct pci_dev *pdev)
{
	struct dsasim_pci *p = pci_get_drvdata(pdev);

	lockdep_assert_held(&dsasim_devices_lock);
	p->claimed = false;
}

static int dsasim_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct dsasim_pci *p;
	int rc;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	rc = pci_enable_device(pdev);
	if (rc)
		goto err_free;
	/* as idxd_pci_probe(): 64-bit DMA, bus master */
	rc = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (rc)
		goto err_disable;
	pci_set_master(pdev);
	p->pdev = pdev;
	pci_set_drvdata(pdev, p);

	mutex_lock(&dsasim_devices_lock);
	list_add_tail(&p->node, &dsasim_pci_devs);
	dsasim_devices_fill();
	mutex_unlock(&dsasim_devices_lock);
	return 0;

err_disable:
	pci_disable_device(pdev);
err_free:
	kfree(p);
	return rc;
}

static void dsasim_pci_remove(struct pci_dev *pdev)
{
	struct dsasim_pci *p = pci_get_drvdata(pdev);

	mutex_lock(&dsasim_devices_lock);
	if (p->claimed)
		dsasim_devices_drop(pdev);
	list_del(&p->node);
	mutex_unlock(&dsasim_devices_lock);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	kfree(p);
}

static const struct pci_device_id dsasim_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_QEMU_EDU, PCI_DEVICE_ID_QEMU_EDU) },
	{ }
};
/* no MODULE_DEVICE_TABLE: dsasim is loaded on purpose, never for an edu */

/* named as the module, as idxd's is: dmaengine clients match on it */
static struct pci_driver dsasim_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = dsasim_pci_ids,
	.probe = dsasim_pci_probe,
	.remove = dsasim_pci_remove,
};

int dsasim_pci_init(void)
{
	return pci_register_driver(&dsasim_pci_driver);
}

void dsasim_pci_exit(void)
{
	pci_unregister_driver(&dsasim_pci_driver);
}
