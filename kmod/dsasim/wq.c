// SPDX-License-Identifier: GPL-2.0
/*
 * Work queues (wqX.Y): the configuration attributes with idxd's store rules
 * and errno, and the common part of enabling a WQ (idxd_drv_enable_wq()),
 * including the checks of the hardware's Enable WQ command.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/log2.h>
#include <linux/string.h>
#include <uapi/linux/idxd.h>

#include "dsasim.h"

static const char * const dsasim_wq_type_names[] = {
	[DSASIM_WQT_NONE] = "none",
	[DSASIM_WQT_KERNEL] = "kernel",
	[DSASIM_WQT_USER] = "user",
};

/**
 * dsasim_wq_reset_config - idxd_wq_disable_cleanup(): what a WQ forgets when disabled
 * @wq: the WQ, sd->lock held (or not yet visible)
 *
 * Size, group, type and driver_name survive; mode, priority, threshold,
 * name and the limits go back to their defaults.
 */
void dsasim_wq_reset_config(struct dsasim_wq *wq)
{
	struct dsasim_device *sd = wq->sd;

	wq->state = DSASIM_WQ_DISABLED;
	wq->threshold = 0;
	wq->priority = 0;
	wq->enqcmds_retries = DSASIM_ENQCMDS_RETRIES;
	wq->flags = 0;
	memset(wq->name, 0, sizeof(wq->name));
	wq->max_xfer_bytes = min_t(u64, DSASIM_WQ_DEFAULT_MAX_XFER, sd->max_xfer_bytes);
	wq->max_batch_size = min_t(u32, DSASIM_WQ_DEFAULT_MAX_BATCH, sd->max_batch_size);
	bitmap_copy(wq->opcap, sd->opcap, DSASIM_OPCAP_BITS);
}

/* The hardware's Enable WQ command. Return: 0 or its status code. */
static u32 dsasim_hw_enable_wq(struct dsasim_wq *wq)
{
	if (!wq->size || dsasim_total_wq_size(wq->sd) > wq->sd->max_wq_size)
		return DSASIM_CMDSTS_ERR_WQ_SIZE;
	if (!wq->priority)
		return DSASIM_CMDSTS_ERR_WQ_PRIOR;
	return 0;
}

/**
 * dsasim_wq_enable - the checks and state change common to the WQ drivers
 * @wq: the WQ, with wq->type already set by the driver; sd->lock held
 *
 * Return: 0, -EBUSY if already enabled, else -ENXIO; cmd_status says why.
 */
int dsasim_wq_enable(struct dsasim_wq *wq)
{
	struct dsasim_device *sd = wq->sd;
	u32 status;

	lockdep_assert_held(&sd->lock);

	if (sd->state != DSASIM_DEV_ENABLED) {
		sd->cmd_status = IDXD_SCMD_DEV_NOT_ENABLED;
		return -ENXIO;
	}
	if (wq->state != DSASIM_WQ_DISABLED) {
		sd->cmd_status = IDXD_SCMD_WQ_ENABLED;
		return -EBUSY;
	}
	if (!wq->group) {
		sd->cmd_status = IDXD_SCMD_WQ_NO_GRP;
		return -ENXIO;
	}
	if (!wq->name[0]) {
		sd->cmd_status = IDXD_SCMD_WQ_NO_NAME;
		return -ENXIO;
	}
	if (!dsasim_wq_dedicated(wq)) {
		if (!dsasim_wq_shared_supported(wq)) {
			sd->cmd_status = IDXD_SCMD_WQ_NO_SVM;
			return -ENXIO;
		}
		/* 0 would disable a shared WQ; sysfs cannot set it */
		if (!wq->threshold) {
			sd->cmd_status = IDXD_SCMD_WQ_NO_THRESH;
			return -ENXIO;
		}
	}

	if (dsasim_device_config(sd) < 0)
		return -ENXIO;

	status = dsasim_hw_enable_wq(wq);
	sd->cmd_status = status;
	if (status) {
		dev_dbg(&sd->dev, "wq %d enabling failed: %#x\n", wq->id, status);
		return -ENXIO;
	}

	wq->state = DSASIM_WQ_ENABLED;
	atomic_set(&wq->clients, 0);
	return 0;
}

/* idxd_drv_disable_wq(): sd->lock held */
void dsasim_wq_disable(struct dsasim_wq *wq)
{
	lockdep_assert_held(&wq->sd->lock);

	if (atomic_read(&wq->clients))
		dev_warn(&wq->sd->dev, "Clients has claim on wq %d: %d\n",
			 wq->id, atomic_read(&wq->clients));
	dsasim_wq_reset_config(wq);
	atomic_set(&wq->clients, 0);
}

/* Most stores: parse, then under the lock check and apply. */
#define DSASIM_WQ_LOCK(wq)	mutex_lock(&(wq)->sd->lock)
#define DSASIM_WQ_UNLOCK(wq)	mutex_unlock(&(wq)->sd->lock)

static ssize_t clients_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&to_dsasim_wq(dev)->clients));
}
static DEVICE_ATTR_RO(clients);

static ssize_t state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);

	return sysfs_emit(buf, "%s\n",
			  wq->state == DSASIM_WQ_ENABLED ? "enabled" : "disabled");
}
static DEVICE_ATTR_RO(state);

static ssize_t group_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_group *group = READ_ONCE(to_dsasim_wq(dev)->group);

	if (group)
		return sysfs_emit(buf, "%u\n", group->id);
	return sysfs_emit(buf, "-1\n");
}

static ssize_t group_id_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	struct dsasim_device *sd = wq->sd;
	ssize_t rc = count;
	long id;

	if (kstrtol(buf, 10, &id) < 0)
		return -EINVAL;

	DSASIM_WQ_LOCK(wq);
	if (!sd->configurable || wq->state != DSASIM_WQ_DISABLED) {
		rc = -EPERM;
	} else if (id > sd->max_groups - 1 || id < -1) {
		rc = -EINVAL;
	} else {
		if (wq->group)
			wq->group->num_wqs--;
		WRITE_ONCE(wq->group, id == -1 ? NULL : sd->groups[id]);
		if (wq->group)
			wq->group->num_wqs++;
	}
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(group_id);

static ssize_t mode_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  dsasim_wq_dedicated(to_dsasim_wq(dev)) ? "dedicated" : "shared");
}

static ssize_t mode_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc = count;

	DSASIM_WQ_LOCK(wq);
	if (!wq->sd->configurable || wq->state != DSASIM_WQ_DISABLED) {
		rc = -EPERM;
	} else if (sysfs_streq(buf, "dedicated")) {
		set_bit(DSASIM_WQ_DEDICATED, &wq->flags);
		wq->threshold = 0;
	} else if (sysfs_streq(buf, "shared")) {
		clear_bit(DSASIM_WQ_DEDICATED, &wq->flags);
	} else {
		rc = -EINVAL;
	}
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(mode);

static ssize_t size_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_dsasim_wq(dev)->size));
}

static ssize_t size_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	struct dsasim_device *sd = wq->sd;
	unsigned long size;
	ssize_t rc = count;

	if (kstrtoul(buf, 10, &size) < 0)
		return -EINVAL;

	DSASIM_WQ_LOCK(wq);
	if (!sd->configurable || sd->state == DSASIM_DEV_ENABLED)
		rc = -EPERM;
	else if (size + dsasim_total_wq_size(sd) - wq->size > sd->max_wq_size)
		rc = -EINVAL;
	else
		wq->size = size;
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(size);

static ssize_t priority_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsasim_wq(dev)->priority);
}

static ssize_t priority_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	unsigned long prio;
	ssize_t rc = count;

	if (kstrtoul(buf, 10, &prio) < 0)
		return -EINVAL;

	DSASIM_WQ_LOCK(wq);
	if (!wq->sd->configurable || wq->state != DSASIM_WQ_DISABLED)
		rc = -EPERM;
	else if (prio > DSASIM_MAX_PRIORITY)
		rc = -EINVAL;
	else
		wq->priority = prio;
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(priority);

static ssize_t block_on_fault_show(struct device *dev, struct device_attribute *attr,
				   char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  test_bit(DSASIM_WQ_BLOCK_ON_FAULT, &to_dsasim_wq(dev)->flags));
}

/* GENCAP has block on fault; the device supports it. */
static ssize_t block_on_fault_store(struct device *dev, struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc = count;
	bool bof;

	DSASIM_WQ_LOCK(wq);
	if (!wq->sd->configurable) {
		rc = -EPERM;
		goto out;
	}
	if (wq->state != DSASIM_WQ_DISABLED) {
		rc = -ENXIO;
		goto out;
	}
	rc = kstrtobool(buf, &bof);
	if (rc < 0)
		goto out;
	rc = count;
	if (!bof)
		clear_bit(DSASIM_WQ_BLOCK_ON_FAULT, &wq->flags);
	else if (test_bit(DSASIM_WQ_PRS_DISABLE, &wq->flags))
		rc = -EOPNOTSUPP;
	else
		set_bit(DSASIM_WQ_BLOCK_ON_FAULT, &wq->flags);
out:
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(block_on_fault);

static ssize_t threshold_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsasim_wq(dev)->threshold);
}

static ssize_t threshold_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc = count;
	unsigned int val;

	if (kstrtouint(buf, 0, &val) < 0)
		return -EINVAL;

	DSASIM_WQ_LOCK(wq);
	if (val > wq->size || val == 0)
		rc = -EINVAL;
	else if (!wq->sd->configurable)
		rc = -EPERM;
	else if (wq->state != DSASIM_WQ_DISABLED)
		rc = -ENXIO;
	else if (dsasim_wq_dedicated(wq))
		rc = -EINVAL;
	else
		wq->threshold = val;
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(threshold);

static ssize_t type_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", dsasim_wq_type_names[to_dsasim_wq(dev)->type]);
}

static ssize_t type_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc = -EINVAL;
	int i;

	DSASIM_WQ_LOCK(wq);
	if (wq->state != DSASIM_WQ_DISABLED) {
		rc = -EPERM;
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(dsasim_wq_type_names); i++) {
		if (!sysfs_streq(buf, dsasim_wq_type_names[i]))
			continue;
		/* changing the type clears the name */
		if (wq->type != i)
			memset(wq->name, 0, sizeof(wq->name));
		wq->type = i;
		rc = count;
		break;
	}
out:
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(type);

/* name and driver_name: 1..max bytes as written (newline included), stored trimmed */
static ssize_t dsasim_wq_str_store(struct dsasim_wq *wq, char *dst, size_t max,
				   const char *buf, size_t count)
{
	char *input;
	ssize_t rc = count;

	DSASIM_WQ_LOCK(wq);
	if (wq->state != DSASIM_WQ_DISABLED) {
		rc = -EPERM;
		goto out;
	}
	if (strlen(buf) > max || strlen(buf) == 0) {
		rc = -EINVAL;
		goto out;
	}
	input = kstrndup(buf, count, GFP_KERNEL);
	if (!input) {
		rc = -ENOMEM;
		goto out;
	}
	memset(dst, 0, max + 1);
	strscpy(dst, strim(input), max + 1);
	kfree(input);
out:
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}

static ssize_t name_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc;

	DSASIM_WQ_LOCK(wq);
	rc = sysfs_emit(buf, "%s\n", wq->name);
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}

static ssize_t name_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);

	return dsasim_wq_str_store(wq, wq->name, DSASIM_WQ_NAME_SIZE, buf, count);
}
static DEVICE_ATTR_RW(name);

static ssize_t driver_name_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc;

	DSASIM_WQ_LOCK(wq);
	rc = sysfs_emit(buf, "%s\n", wq->driver_name);
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}

static ssize_t driver_name_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);

	return dsasim_wq_str_store(wq, wq->driver_name, DSASIM_DRIVER_NAME_SIZE, buf, count);
}
static DEVICE_ATTR_RW(driver_name);

static ssize_t cdev_minor_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	int minor;

	DSASIM_WQ_LOCK(wq);
	minor = wq->ucdev ? wq->ucdev->minor : -1;
	DSASIM_WQ_UNLOCK(wq);
	if (minor == -1)
		return -ENXIO;
	return sysfs_emit(buf, "%d\n", minor);
}
static DEVICE_ATTR_RO(cdev_minor);

/* max_transfer_size and max_batch_size: nonzero, rounded up to a power of two */
static int dsasim_parse_pow2(const char *buf, u64 *val)
{
	if (kstrtou64(buf, 0, val) < 0 || *val == 0 || *val > (1ULL << 63))
		return -EINVAL;
	*val = roundup_pow_of_two(*val);
	return 0;
}

static ssize_t max_transfer_size_show(struct device *dev, struct device_attribute *attr,
				      char *buf)
{
	return sysfs_emit(buf, "%llu\n", to_dsasim_wq(dev)->max_xfer_bytes);
}

static ssize_t max_transfer_size_store(struct device *dev, struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc = count;
	u64 val;

	DSASIM_WQ_LOCK(wq);
	if (!wq->sd->configurable || wq->state != DSASIM_WQ_DISABLED)
		rc = -EPERM;
	else if (dsasim_parse_pow2(buf, &val) < 0 || val > wq->sd->max_xfer_bytes)
		rc = -EINVAL;
	else
		wq->max_xfer_bytes = val;
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(max_transfer_size);

static ssize_t max_batch_size_show(struct device *dev, struct device_attribute *attr,
				   char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsasim_wq(dev)->max_batch_size);
}

static ssize_t max_batch_size_store(struct device *dev, struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc = count;
	u64 val;

	DSASIM_WQ_LOCK(wq);
	if (!wq->sd->configurable || wq->state != DSASIM_WQ_DISABLED)
		rc = -EPERM;
	else if (dsasim_parse_pow2(buf, &val) < 0 || val > wq->sd->max_batch_size)
		rc = -EINVAL;
	else
		wq->max_batch_size = val;
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(max_batch_size);

static ssize_t ats_disable_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  test_bit(DSASIM_WQ_ATS_DISABLE, &to_dsasim_wq(dev)->flags));
}

static ssize_t ats_disable_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	ssize_t rc = count;
	bool dis;

	DSASIM_WQ_LOCK(wq);
	if (wq->state != DSASIM_WQ_DISABLED || !wq->sd->configurable) {
		rc = -EPERM;
		goto out;
	}
	rc = kstrtobool(buf, &dis);
	if (rc < 0)
		goto out;
	assign_bit(DSASIM_WQ_ATS_DISABLE, &wq->flags, dis);
	rc = count;
out:
	DSASIM_WQ_UNLOCK(wq);
	return rc;
}
static DEVICE_ATTR_RW(ats_disable);

/* WQCAP occupancy is a DSA 2.0 feature. */
static ssize_t occupancy_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return -EOPNOTSUPP;
}
static DEVICE_ATTR_RO(occupancy);

static ssize_t enqcmds_retries_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);

	if (dsasim_wq_dedicated(wq))
		return -EOPNOTSUPP;
	return sysfs_emit(buf, "%u\n", wq->enqcmds_retries);
}

static ssize_t enqcmds_retries_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct dsasim_wq *wq = to_dsasim_wq(dev);
	unsigned int retries;
	ssize_t rc;

	if (dsasim_wq_dedicated(wq))
		return -EOPNOTSUPP;
	rc = kstrtouint(buf, 10, &retries);
	if (rc < 0)
		return rc;
	DSASIM_WQ_LOCK(wq);
	wq->enqcmds_retries = min_t(unsigned int, retries, DSASIM_ENQCMDS_MAX_RETRIES);
	DSASIM_WQ_UNLOCK(wq);
	return count;
}
static DEVICE_ATTR_RW(enqcmds_retries);

/*
 * op_config (WQCAP op_config) and prs_disable (WQCAP PRS support) are DSA 2.0
 * features: invisible on this DSA 1.0 device, as in idxd.
 */
static struct attribute *dsasim_wq_attrs[] = {
	&dev_attr_clients.attr,
	&dev_attr_state.attr,
	&dev_attr_group_id.attr,
	&dev_attr_mode.attr,
	&dev_attr_size.attr,
	&dev_attr_priority.attr,
	&dev_attr_block_on_fault.attr,
	&dev_attr_threshold.attr,
	&dev_attr_type.attr,
	&dev_attr_name.attr,
	&dev_attr_cdev_minor.attr,
	&dev_attr_max_transfer_size.attr,
	&dev_attr_max_batch_size.attr,
	&dev_attr_ats_disable.attr,
	&dev_attr_occupancy.attr,
	&dev_attr_enqcmds_retries.attr,
	&dev_attr_driver_name.attr,
	NULL,
};

static const struct attribute_group dsasim_wq_group = {
	.attrs = dsasim_wq_attrs,
};

const struct attribute_group *dsasim_wq_groups[] = {
	&dsasim_wq_group,
	NULL,
};

const struct device_type dsasim_wq_type = {
	.name = "wq",
	.groups = dsasim_wq_groups,
};
