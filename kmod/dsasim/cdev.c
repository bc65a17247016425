// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/dsa/wqX.Y for WQs bound to the "user" driver, so that configuration
 * tools see what they see on hardware. Submitting work through it (portal
 * mmap or write()) is not simulated: those calls fail with EOPNOTSUPP.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "dsasim.h"

static dev_t dsasim_devt;
static DEFINE_IDA(dsasim_minor_ida);

unsigned int dsasim_cdev_major(void)
{
	return MAJOR(dsasim_devt);
}

static struct dsasim_cdev *to_dsasim_cdev(struct inode *inode)
{
	return container_of(inode->i_cdev, struct dsasim_cdev, cdev);
}

static int dsasim_cdev_open(struct inode *inode, struct file *filp)
{
	struct dsasim_cdev *uc = to_dsasim_cdev(inode);
	int rc = 0;

	spin_lock(&uc->lock);
	if (uc->live)
		atomic_inc(&uc->wq->clients);
	else
		rc = -ENXIO;
	spin_unlock(&uc->lock);
	if (!rc)
		filp->private_data = uc;
	return rc;
}

static int dsasim_cdev_release(struct inode *inode, struct file *filp)
{
	struct dsasim_cdev *uc = filp->private_data;

	spin_lock(&uc->lock);
	if (uc->live)
		atomic_dec(&uc->wq->clients);
	spin_unlock(&uc->lock);
	return 0;
}

static int dsasim_cdev_unsupported(struct dsasim_cdev *uc)
{
	dev_warn_ratelimited(&uc->dev,
			     "dsasim does not simulate user-space submission; use a kernel WQ\n");
	return -EOPNOTSUPP;
}

static int dsasim_cdev_mmap(struct file *filp, struct vm_area_struct *vma)
{
	return dsasim_cdev_unsupported(filp->private_data);
}

static ssize_t dsasim_cdev_write(struct file *filp, const char __user *buf, size_t len,
				 loff_t *pos)
{
	return dsasim_cdev_unsupported(filp->private_data);
}

static const struct file_operations dsasim_cdev_fops = {
	.owner = THIS_MODULE,
	.open = dsasim_cdev_open,
	.release = dsasim_cdev_release,
	.mmap = dsasim_cdev_mmap,
	.write = dsasim_cdev_write,
};

static void dsasim_cdev_dev_release(struct device *dev)
{
	struct dsasim_cdev *uc = container_of(dev, struct dsasim_cdev, dev);

	ida_free(&dsasim_minor_ida, uc->minor);
	kfree(uc);
}

const struct device_type dsasim_cdev_type = {
	.name = "idxd_cdev",
	.release = dsasim_cdev_dev_release,
};

/**
 * dsasim_cdev_add - create /dev/dsa/wqX.Y for a user WQ being enabled
 * @wq: the WQ, sd->lock held
 *
 * Return: 0 or -errno.
 */
int dsasim_cdev_add(struct dsasim_wq *wq)
{
	struct dsasim_cdev *uc;
	int minor, rc;

	uc = kzalloc(sizeof(*uc), GFP_KERNEL);
	if (!uc)
		return -ENOMEM;
	minor = ida_alloc_max(&dsasim_minor_ida, MINORMASK, GFP_KERNEL);
	if (minor < 0) {
		kfree(uc);
		return minor;
	}
	uc->minor = minor;
	uc->wq = wq;
	spin_lock_init(&uc->lock);
	uc->live = true;

	device_initialize(&uc->dev);
	uc->dev.parent = &wq->dev;
	uc->dev.bus = &dsasim_bus;
	uc->dev.type = &dsasim_cdev_type;
	uc->dev.devt = MKDEV(MAJOR(dsasim_devt), minor);
	rc = dev_set_name(&uc->dev, "dsa/wq%d.%d", wq->sd->id, wq->id);
	if (rc)
		goto err;

	cdev_init(&uc->cdev, &dsasim_cdev_fops);
	rc = cdev_device_add(&uc->cdev, &uc->dev);
	if (rc)
		goto err;
	wq->ucdev = uc;
	return 0;

err:
	put_device(&uc->dev);
	return rc;
}

/* sd->lock held */
void dsasim_cdev_del(struct dsasim_wq *wq)
{
	struct dsasim_cdev *uc = wq->ucdev;

	if (!uc)
		return;
	wq->ucdev = NULL;
	spin_lock(&uc->lock);
	uc->live = false;
	spin_unlock(&uc->lock);
	cdev_device_del(&uc->cdev, &uc->dev);
	put_device(&uc->dev);
}

int dsasim_cdev_init(void)
{
	return alloc_chrdev_region(&dsasim_devt, 0, MINORMASK, "dsa");
}

void dsasim_cdev_exit(void)
{
	unregister_chrdev_region(dsasim_devt, MINORMASK);
	ida_destroy(&dsasim_minor_ida);
}
