// SPDX-License-Identifier: GPL-2.0
/*
 * Engines (engineX.Y): one attribute, the group they work for. In the data
 * path each engine of a WQ's group is one parallel worker (dma.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>

#include "dsasim.h"

static ssize_t group_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_engine *engine = to_dsasim_engine(dev);
	struct dsasim_group *group = READ_ONCE(engine->group);

	return sysfs_emit(buf, "%d\n", group ? group->id : -1);
}

/* As idxd: needs a configurable device but, unlike WQs, no state check. */
static ssize_t group_id_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct dsasim_engine *engine = to_dsasim_engine(dev);
	struct dsasim_device *sd = engine->sd;
	long id;

	if (kstrtol(buf, 10, &id) < 0)
		return -EINVAL;
	if (!sd->configurable)
		return -EPERM;
	if (id > sd->max_groups - 1 || id < -1)
		return -EINVAL;

	mutex_lock(&sd->lock);
	if (engine->group)
		engine->group->num_engines--;
	if (id == -1) {
		WRITE_ONCE(engine->group, NULL);
	} else {
		WRITE_ONCE(engine->group, sd->groups[id]);
		engine->group->num_engines++;
	}
	mutex_unlock(&sd->lock);
	return count;
}

static struct device_attribute dev_attr_engine_group_id =
	__ATTR(group_id, 0644, group_id_show, group_id_store);

static struct attribute *dsasim_engine_attrs[] = {
	&dev_attr_engine_group_id.attr,
	NULL,
};

static const struct attribute_group dsasim_engine_group = {
	.attrs = dsasim_engine_attrs,
};

const struct attribute_group *dsasim_engine_groups[] = {
	&dsasim_engine_group,
	NULL,
};

const struct device_type dsasim_engine_type = {
	.name = "engine",
	.groups = dsasim_engine_groups,
};
