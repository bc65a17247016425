// SPDX-License-Identifier: GPL-2.0
/*
 * Groups (groupX.Y): which WQs and engines belong together, and their read
 * buffer and traffic class settings, with idxd's store rules.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>

#include "dsasim.h"

/* idxd_groups_clear_state() for one group */
void dsasim_group_reset(struct dsasim_group *group)
{
	struct dsasim_device *sd = group->sd;

	group->num_wqs = 0;
	group->num_engines = 0;
	group->use_rdbuf_limit = false;
	group->rdbufs_allowed = sd->max_rdbufs;
	group->rdbufs_reserved = 0;
	if (sd->version <= 0x200 && !dsasim_tc_override) {
		group->tc_a = 1;
		group->tc_b = 1;
	} else {
		group->tc_a = -1;
		group->tc_b = -1;
	}
}

/* sd->lock held */
static void dsasim_set_free_rdbufs(struct dsasim_device *sd)
{
	unsigned int i, reserved = 0;

	for (i = 0; i < sd->max_groups; i++)
		reserved += sd->groups[i]->rdbufs_reserved;
	sd->nr_rdbufs = sd->max_rdbufs - reserved;
}

/* Common gate of the group stores: configurable, device disabled. */
static int dsasim_group_writable(struct dsasim_device *sd)
{
	if (!sd->configurable || sd->state == DSASIM_DEV_ENABLED)
		return -EPERM;
	return 0;
}

static ssize_t read_buffers_reserved_show(struct device *dev, struct device_attribute *attr,
					  char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsasim_group(dev)->rdbufs_reserved);
}

static ssize_t read_buffers_reserved_store(struct device *dev, struct device_attribute *attr,
					   const char *buf, size_t count)
{
	struct dsasim_group *group = to_dsasim_group(dev);
	struct dsasim_device *sd = group->sd;
	unsigned long val;
	ssize_t rc;

	if (kstrtoul(buf, 10, &val) < 0)
		return -EINVAL;

	mutex_lock(&sd->lock);
	rc = dsasim_group_writable(sd);
	if (rc)
		goto out;
	if (val > sd->max_rdbufs || val > sd->nr_rdbufs + group->rdbufs_reserved) {
		rc = -EINVAL;
		goto out;
	}
	group->rdbufs_reserved = val;
	dsasim_set_free_rdbufs(sd);
	rc = count;
out:
	mutex_unlock(&sd->lock);
	return rc;
}
static DEVICE_ATTR_RW(read_buffers_reserved);

static ssize_t read_buffers_allowed_show(struct device *dev, struct device_attribute *attr,
					 char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsasim_group(dev)->rdbufs_allowed);
}

static ssize_t read_buffers_allowed_store(struct device *dev, struct device_attribute *attr,
					  const char *buf, size_t count)
{
	struct dsasim_group *group = to_dsasim_group(dev);
	struct dsasim_device *sd = group->sd;
	unsigned long val;
	ssize_t rc;

	if (kstrtoul(buf, 10, &val) < 0)
		return -EINVAL;

	mutex_lock(&sd->lock);
	rc = dsasim_group_writable(sd);
	if (rc)
		goto out;
	if (val < 4 * group->num_engines ||
	    val > group->rdbufs_reserved + sd->nr_rdbufs) {
		rc = -EINVAL;
		goto out;
	}
	group->rdbufs_allowed = val;
	rc = count;
out:
	mutex_unlock(&sd->lock);
	return rc;
}
static DEVICE_ATTR_RW(read_buffers_allowed);

static ssize_t use_read_buffer_limit_show(struct device *dev, struct device_attribute *attr,
					  char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsasim_group(dev)->use_rdbuf_limit);
}

static ssize_t use_read_buffer_limit_store(struct device *dev, struct device_attribute *attr,
					   const char *buf, size_t count)
{
	struct dsasim_group *group = to_dsasim_group(dev);
	struct dsasim_device *sd = group->sd;
	unsigned long val;
	ssize_t rc;

	if (kstrtoul(buf, 10, &val) < 0)
		return -EINVAL;

	mutex_lock(&sd->lock);
	rc = dsasim_group_writable(sd);
	if (!rc && sd->rdbuf_limit == 0)
		rc = -EPERM;
	if (!rc) {
		group->use_rdbuf_limit = !!val;
		rc = count;
	}
	mutex_unlock(&sd->lock);
	return rc;
}
static DEVICE_ATTR_RW(use_read_buffer_limit);

/* The deprecated token names of the three above. */
#define DSASIM_GROUP_DEPRECATED(old, new)					\
static ssize_t old##_show(struct device *dev, struct device_attribute *attr,	\
			  char *buf)						\
{										\
	dev_warn_once(dev, "attribute deprecated, see " #new ".\n");		\
	return new##_show(dev, attr, buf);					\
}										\
static ssize_t old##_store(struct device *dev, struct device_attribute *attr,	\
			   const char *buf, size_t count)			\
{										\
	dev_warn_once(dev, "attribute deprecated, see " #new ".\n");		\
	return new##_store(dev, attr, buf, count);				\
}										\
static DEVICE_ATTR_RW(old)

DSASIM_GROUP_DEPRECATED(tokens_reserved, read_buffers_reserved);
DSASIM_GROUP_DEPRECATED(tokens_allowed, read_buffers_allowed);
DSASIM_GROUP_DEPRECATED(use_token_limit, use_read_buffer_limit);

static ssize_t engines_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_group *group = to_dsasim_group(dev);
	struct dsasim_device *sd = group->sd;
	int i, rc = 0;

	mutex_lock(&sd->lock);
	for (i = 0; i < sd->max_engines; i++)
		if (sd->engines[i]->group == group)
			rc += sysfs_emit_at(buf, rc, "engine%d.%d ", sd->id, i);
	mutex_unlock(&sd->lock);
	if (!rc)
		return 0;
	rc--;
	return rc + sysfs_emit_at(buf, rc, "\n");
}
static DEVICE_ATTR_RO(engines);

static ssize_t work_queues_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_group *group = to_dsasim_group(dev);
	struct dsasim_device *sd = group->sd;
	int i, rc = 0;

	mutex_lock(&sd->lock);
	for (i = 0; i < sd->max_wqs; i++)
		if (sd->wqs[i]->group == group)
			rc += sysfs_emit_at(buf, rc, "wq%d.%d ", sd->id, i);
	mutex_unlock(&sd->lock);
	if (!rc)
		return 0;
	rc--;
	return rc + sysfs_emit_at(buf, rc, "\n");
}
static DEVICE_ATTR_RO(work_queues);

static ssize_t dsasim_tc_store(struct dsasim_group *group, int *tc, const char *buf,
			       size_t count)
{
	struct dsasim_device *sd = group->sd;
	long val;
	ssize_t rc;

	if (kstrtol(buf, 10, &val) < 0)
		return -EINVAL;

	mutex_lock(&sd->lock);
	rc = dsasim_group_writable(sd);
	if (!rc && sd->version <= 0x200 && !dsasim_tc_override)
		rc = -EPERM;
	if (!rc && (val < 0 || val > 7))
		rc = -EINVAL;
	if (!rc) {
		*tc = val;
		rc = count;
	}
	mutex_unlock(&sd->lock);
	return rc;
}

static ssize_t traffic_class_a_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_dsasim_group(dev)->tc_a);
}

static ssize_t traffic_class_a_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct dsasim_group *group = to_dsasim_group(dev);

	return dsasim_tc_store(group, &group->tc_a, buf, count);
}
static DEVICE_ATTR_RW(traffic_class_a);

static ssize_t traffic_class_b_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_dsasim_group(dev)->tc_b);
}

static ssize_t traffic_class_b_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct dsasim_group *group = to_dsasim_group(dev);

	return dsasim_tc_store(group, &group->tc_b, buf, count);
}
static DEVICE_ATTR_RW(traffic_class_b);

/* desc_progress_limit and batch_progress_limit need GRPCAP progress_limit (DSA 2.0). */
static struct attribute *dsasim_group_attrs[] = {
	&dev_attr_work_queues.attr,
	&dev_attr_engines.attr,
	&dev_attr_use_token_limit.attr,
	&dev_attr_use_read_buffer_limit.attr,
	&dev_attr_tokens_allowed.attr,
	&dev_attr_read_buffers_allowed.attr,
	&dev_attr_tokens_reserved.attr,
	&dev_attr_read_buffers_reserved.attr,
	&dev_attr_traffic_class_a.attr,
	&dev_attr_traffic_class_b.attr,
	NULL,
};

static const struct attribute_group dsasim_group_group = {
	.attrs = dsasim_group_attrs,
};

const struct attribute_group *dsasim_group_groups[] = {
	&dsasim_group_group,
	NULL,
};

const struct device_type dsasim_group_type = {
	.name = "group",
	.groups = dsasim_group_groups,
};
