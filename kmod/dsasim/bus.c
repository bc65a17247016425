// SPDX-License-Identifier: GPL-2.0
/*
 * The "dsa" bus and its three drivers, as idxd has them since 5.15:
 * "idxd" binds devices (dsaN), "dmaengine" and "user" bind work queues.
 * Binding runs the enable checks synchronously in probe; a failed probe
 * returns its errno to the writer of drivers/X/bind and leaves the reason
 * in dsaN/cmd_status.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/module.h>
#include <uapi/linux/idxd.h>

#include "dsasim.h"

/**
 * struct dsasim_driver - a driver on the dsa bus
 * @drv: the driver core's part
 * @type: the device type it binds (dsaN or wqX.Y)
 * @probe: enable the device; runs with the device lock held
 * @remove: disable it
 */
struct dsasim_driver {
	struct device_driver drv;
	const struct device_type *type;
	int (*probe)(struct device *dev);
	void (*remove)(struct device *dev);
};

static struct dsasim_driver *to_dsasim_driver(const struct device_driver *drv)
{
	return container_of(drv, struct dsasim_driver, drv);
}

static int dsasim_bus_match(struct device *dev, const struct device_driver *drv)
{
	return dev->type == to_dsasim_driver(drv)->type;
}

static int dsasim_bus_probe(struct device *dev)
{
	return to_dsasim_driver(dev->driver)->probe(dev);
}

static void dsasim_bus_remove(struct device *dev)
{
	to_dsasim_driver(dev->driver)->remove(dev);
}

const struct bus_type dsasim_bus = {
	.name = "dsa",
	.match = dsasim_bus_match,
	.probe = dsasim_bus_probe,
	.remove = dsasim_bus_remove,
};

/* idxd's idxd_wq_driver_name_match(): a prefix match on the driver's name */
static bool dsasim_driver_name_match(struct dsasim_wq *wq, struct device *dev)
{
	const char *drv = dev->driver->name;

	return strncmp(wq->driver_name, drv, strlen(drv)) == 0;
}

static int dsasim_idxd_probe(struct device *dev)
{
	return dsasim_device_enable(to_dsasim_device(dev));
}

static void dsasim_idxd_remove(struct device *dev)
{
	dsasim_device_disable(to_dsasim_device(dev));
}

static int dsasim_dmaengine_probe(struct device *dev)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	struct dsasim_device *sd = wq->sd;
	int rc;

	mutex_lock(&sd->lock);
	if (sd->state != DSASIM_DEV_ENABLED) {
		rc = -ENXIO;
		goto out;
	}
	if (!dsasim_driver_name_match(wq, dev)) {
		sd->cmd_status = IDXD_SCMD_WQ_NO_DRV_NAME;
		rc = -ENODEV;
		goto out;
	}

	wq->type = DSASIM_WQT_KERNEL;
	rc = dsasim_wq_enable(wq);
	if (rc < 0) {
		rc = -ENXIO;
		goto err_type;
	}

	rc = dsasim_chan_create(wq);
	if (rc < 0) {
		sd->cmd_status = IDXD_SCMD_DMA_CHAN_ERR;
		goto err_chan;
	}

	sd->cmd_status = 0;
	mutex_unlock(&sd->lock);
	return 0;

err_chan:
	dsasim_wq_disable(wq);
err_type:
	wq->type = DSASIM_WQT_NONE;
out:
	mutex_unlock(&sd->lock);
	return rc;
}

static void dsasim_dmaengine_remove(struct device *dev)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);

	mutex_lock(&wq->sd->lock);
	dsasim_chan_destroy(wq);
	dsasim_wq_disable(wq);
	mutex_unlock(&wq->sd->lock);
}

static int dsasim_user_probe(struct device *dev)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	struct dsasim_device *sd = wq->sd;
	int rc;

	mutex_lock(&sd->lock);
	if (sd->state != DSASIM_DEV_ENABLED) {
		rc = -ENXIO;
		goto out;
	}
	if (!dsasim_driver_name_match(wq, dev)) {
		sd->cmd_status = IDXD_SCMD_WQ_NO_DRV_NAME;
		rc = -ENODEV;
		goto out;
	}
	/* idxd refuses user WQs without SVA: no way to translate addresses */
	if (!sd->user_pasid) {
		sd->cmd_status = IDXD_SCMD_WQ_USER_NO_IOMMU;
		rc = -EOPNOTSUPP;
		goto out;
	}

	wq->type = DSASIM_WQT_USER;
	rc = dsasim_wq_enable(wq);
	if (rc < 0)
		goto err_type;

	rc = dsasim_cdev_add(wq);
	if (rc < 0) {
		sd->cmd_status = IDXD_SCMD_CDEV_ERR;
		goto err_cdev;
	}

	sd->cmd_status = 0;
	mutex_unlock(&sd->lock);
	return 0;

err_cdev:
	dsasim_wq_disable(wq);
err_type:
	wq->type = DSASIM_WQT_NONE;
out:
	mutex_unlock(&sd->lock);
	return rc;
}

static void dsasim_user_remove(struct device *dev)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);

	mutex_lock(&wq->sd->lock);
	dsasim_cdev_del(wq);
	dsasim_wq_disable(wq);
	wq->type = DSASIM_WQT_NONE;
	mutex_unlock(&wq->sd->lock);
}

static struct dsasim_driver dsasim_drivers[] = {
	{
		.drv = { .name = "idxd" },
		.type = &dsasim_dev_type,
		.probe = dsasim_idxd_probe,
		.remove = dsasim_idxd_remove,
	},
	{
		.drv = { .name = "dmaengine" },
		.type = &dsasim_wq_type,
		.probe = dsasim_dmaengine_probe,
		.remove = dsasim_dmaengine_remove,
	},
	{
		.drv = { .name = "user" },
		.type = &dsasim_wq_type,
		.probe = dsasim_user_probe,
		.remove = dsasim_user_remove,
	},
};

int dsasim_drivers_register(void)
{
	int i, rc;

	for (i = 0; i < ARRAY_SIZE(dsasim_drivers); i++) {
		struct device_driver *drv = &dsasim_drivers[i].drv;

		drv->bus = &dsasim_bus;
		drv->owner = THIS_MODULE;
		drv->mod_name = KBUILD_MODNAME;
		rc = driver_register(drv);
		if (rc)
			goto err;
	}
	return 0;

err:
	while (--i >= 0)
		driver_unregister(&dsasim_drivers[i].drv);
	return rc;
}

/* WQ drivers first, so that no WQ is left bound when its device goes. */
void dsasim_drivers_unregister(void)
{
	int i;

	for (i = ARRAY_SIZE(dsasim_drivers) - 1; i >= 0; i--)
		driver_unregister(&dsasim_drivers[i].drv);
}
