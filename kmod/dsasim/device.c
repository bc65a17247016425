// SPDX-License-Identifier: GPL-2.0
/*
 * The device (dsaN): its sysfs attributes, creation with its groups, WQs
 * and engines, and enable/disable as the idxd driver does them, including
 * the checks the hardware's Enable Device command makes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/log2.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <uapi/linux/idxd.h>

#include "dsasim.h"

/*
 * GENCAP bits (DSA spec 1.0, drivers/dma/idxd/registers.h): block on fault,
 * overlapping copy, cache control (memory), destination readback; then the
 * max transfer and batch shifts and config_en.
 */
#define GENCAP_BOF		BIT_ULL(0)
#define GENCAP_OVERLAP_COPY	BIT_ULL(1)
#define GENCAP_CACHE_MEM	BIT_ULL(2)
#define GENCAP_DEST_READBACK	BIT_ULL(8)
#define GENCAP_XFER_SHIFT	17
#define GENCAP_BATCH_SHIFT	22
#define GENCAP_CONFIG_EN	BIT_ULL(32)

/* OPCAP low 64 bits of an SPR DSA as 6.12 prints it (BATCH hidden, INTEL-SA-01084) */
#define DSASIM_OPCAP0		0x0000007b00bf07fdULL
#define DSA_OPCODE_MEMMOVE	3

static void dsasim_print_bitmap(const unsigned long *bmap, char *buf, ssize_t *pos)
{
	int i;

	for (i = DSASIM_OPCAP_BITS / 64 - 1; i >= 0; i--) {
		unsigned long val = bmap[i];

		*pos += sysfs_emit_at(buf, *pos, "%*pb", 64, &val);
		*pos += sysfs_emit_at(buf, *pos, "%c", i == 0 ? '\n' : ',');
	}
}

#define DSASIM_DEV_SHOW(field, fmt)						\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{										\
	return sysfs_emit(buf, fmt "\n", to_dsasim_device(dev)->field);	\
}										\
static DEVICE_ATTR_RO(field)

#define DSASIM_DEV_SHOW_AS(name, field, fmt)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{										\
	return sysfs_emit(buf, fmt "\n", to_dsasim_device(dev)->field);	\
}										\
static DEVICE_ATTR_RO(name)

DSASIM_DEV_SHOW(version, "%#x");
DSASIM_DEV_SHOW(max_groups, "%u");
DSASIM_DEV_SHOW_AS(max_work_queues, max_wqs, "%u");
DSASIM_DEV_SHOW_AS(max_work_queues_size, max_wq_size, "%u");
DSASIM_DEV_SHOW(max_engines, "%u");
DSASIM_DEV_SHOW(max_batch_size, "%u");
DSASIM_DEV_SHOW_AS(max_transfer_size, max_xfer_bytes, "%llu");
DSASIM_DEV_SHOW(gen_cap, "%#llx");
DSASIM_DEV_SHOW(configurable, "%u");
DSASIM_DEV_SHOW_AS(pasid_enabled, user_pasid, "%u");
DSASIM_DEV_SHOW_AS(max_read_buffers, max_rdbufs, "%u");

static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_node(dev));
}
static DEVICE_ATTR_RO(numa_node);

static ssize_t max_tokens_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	dev_warn_once(dev, "attribute deprecated, see max_read_buffers.\n");
	return max_read_buffers_show(dev, attr, buf);
}
static DEVICE_ATTR_RO(max_tokens);

static ssize_t op_cap_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	ssize_t pos = 0;

	dsasim_print_bitmap(to_dsasim_device(dev)->opcap, buf, &pos);
	return pos;
}
static DEVICE_ATTR_RO(op_cap);

static ssize_t errors_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	DECLARE_BITMAP(swerr, 256);

	/* The simulated device never reports a software error (SWERR). */
	bitmap_zero(swerr, 256);
	return sysfs_emit(buf, "%*pb\n", 256, swerr);
}
static DEVICE_ATTR_RO(errors);

static ssize_t clients_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_device *sd = to_dsasim_device(dev);
	int i, count = 0;

	for (i = 0; i < sd->max_wqs; i++)
		count += atomic_read(&sd->wqs[i]->clients);
	return sysfs_emit(buf, "%d\n", count);
}
static DEVICE_ATTR_RO(clients);

static ssize_t state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct dsasim_device *sd = to_dsasim_device(dev);

	static const char * const names[] = {
		[DSASIM_DEV_DISABLED] = "disabled",
		[DSASIM_DEV_ENABLED] = "enabled",
		[DSASIM_DEV_HALTED] = "halted",
	};

	return sysfs_emit(buf, "%s\n", names[READ_ONCE(sd->state)]);
}
static DEVICE_ATTR_RO(state);

static ssize_t read_buffer_limit_show(struct device *dev, struct device_attribute *attr,
				      char *buf)
{
	return sysfs_emit(buf, "%u\n", to_dsasim_device(dev)->rdbuf_limit);
}

static ssize_t read_buffer_limit_store(struct device *dev, struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct dsasim_device *sd = to_dsasim_device(dev);
	unsigned long val;
	ssize_t rc = count;

	if (kstrtoul(buf, 10, &val) < 0)
		return -EINVAL;

	mutex_lock(&sd->lock);
	if (sd->state == DSASIM_DEV_ENABLED || !sd->configurable)
		rc = -EPERM;
	else if (val > sd->max_rdbufs)
		rc = -EINVAL;
	else
		sd->rdbuf_limit = val;
	mutex_unlock(&sd->lock);
	return rc;
}
static DEVICE_ATTR_RW(read_buffer_limit);

static ssize_t token_limit_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	dev_warn_once(dev, "attribute deprecated, see read_buffer_limit.\n");
	return read_buffer_limit_show(dev, attr, buf);
}

static ssize_t token_limit_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	dev_warn_once(dev, "attribute deprecated, see read_buffer_limit\n");
	return read_buffer_limit_store(dev, attr, buf, count);
}
static DEVICE_ATTR_RW(token_limit);

static ssize_t cdev_major_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dsasim_cdev_major());
}
static DEVICE_ATTR_RO(cdev_major);

static ssize_t cmd_status_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#x\n", READ_ONCE(to_dsasim_device(dev)->cmd_status));
}

static ssize_t cmd_status_store(struct device *dev, struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct dsasim_device *sd = to_dsasim_device(dev);

	/* Any write clears it. */
	mutex_lock(&sd->lock);
	sd->cmd_status = 0;
	mutex_unlock(&sd->lock);
	return count;
}
static DEVICE_ATTR_RW(cmd_status);

/*
 * iaa_cap (IAA only) and event_log_size (DSA 2.0 event log) are invisible on
 * a DSA 1.0 device, as in idxd: not listed.
 */
static struct attribute *dsasim_dev_attrs[] = {
	&dev_attr_version.attr,
	&dev_attr_max_groups.attr,
	&dev_attr_max_work_queues.attr,
	&dev_attr_max_work_queues_size.attr,
	&dev_attr_max_engines.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_max_batch_size.attr,
	&dev_attr_max_transfer_size.attr,
	&dev_attr_op_cap.attr,
	&dev_attr_gen_cap.attr,
	&dev_attr_configurable.attr,
	&dev_attr_clients.attr,
	&dev_attr_pasid_enabled.attr,
	&dev_attr_state.attr,
	&dev_attr_errors.attr,
	&dev_attr_max_tokens.attr,
	&dev_attr_max_read_buffers.attr,
	&dev_attr_token_limit.attr,
	&dev_attr_read_buffer_limit.attr,
	&dev_attr_cdev_major.attr,
	&dev_attr_cmd_status.attr,
	NULL,
};

static const struct attribute_group dsasim_dev_group = {
	.attrs = dsasim_dev_attrs,
};

const struct attribute_group *dsasim_dev_groups[] = {
	&dsasim_dev_group,
	NULL,
};

unsigned int dsasim_total_wq_size(struct dsasim_device *sd)
{
	unsigned int i, total = 0;

	for (i = 0; i < sd->max_wqs; i++)
		total += sd->wqs[i]->size;
	return total;
}

/**
 * __dsasim_device_config - the driver's idxd_device_config()
 * @sd: device, lock held
 *
 * Checks the software configuration before it is written to the device:
 * at least one WQ in a group, no shared WQ without PASID support, at least
 * one engine in a group. A grouped WQ with a type but no size gets the
 * driver's default depth. Sets cmd_status for the WQ failures only, as the
 * driver does.
 *
 * Return: 0 or -EINVAL.
 */
static int __dsasim_device_config(struct dsasim_device *sd)
{
	int i, configured = 0, engines = 0;

	for (i = 0; i < sd->max_wqs; i++) {
		struct dsasim_wq *wq = sd->wqs[i];

		if (!wq->group)
			continue;
		if (!dsasim_wq_dedicated(wq) && !dsasim_wq_shared_supported(wq)) {
			sd->cmd_status = IDXD_SCMD_WQ_NO_SWQ_SUPPORT;
			dev_warn(&sd->dev, "No shared wq support but configured.\n");
			return -EINVAL;
		}
		configured++;
	}
	if (!configured) {
		sd->cmd_status = IDXD_SCMD_WQ_NONE_CONFIGURED;
		return -EINVAL;
	}

	for (i = 0; i < sd->max_engines; i++)
		if (sd->engines[i]->group)
			engines++;
	if (!engines)
		return -EINVAL;

	for (i = 0; i < sd->max_wqs; i++) {
		struct dsasim_wq *wq = sd->wqs[i];

		if (wq->group && !wq->size && wq->type != DSASIM_WQT_NONE)
			wq->size = DSASIM_WQ_DEFAULT_QUEUE_DEPTH;
	}
	return 0;
}

/* Write the configuration, if the device takes one; sd->lock held. */
int dsasim_device_config(struct dsasim_device *sd)
{
	return sd->configurable ? __dsasim_device_config(sd) : 0;
}

/*
 * The hardware's Enable Device command: the sum of WQ sizes must fit, and
 * every group must have both WQs and engines or neither.
 */
static u32 dsasim_hw_enable_device(struct dsasim_device *sd)
{
	int i;

	if (dsasim_total_wq_size(sd) > sd->max_wq_size)
		return DSASIM_CMDSTS_ERR_WQ_SIZE_ERANGE;

	for (i = 0; i < sd->max_groups; i++) {
		struct dsasim_group *g = sd->groups[i];

		if (!g->num_wqs != !g->num_engines)
			return DSASIM_CMDSTS_ERR_GRP_CONFIG;
	}
	return 0;
}

/**
 * dsasim_device_enable - probe of the idxd driver
 * @sd: device
 *
 * Return: 0, or -ENXIO with the reason in cmd_status (or -errno of the
 * dmaengine registration).
 */
int dsasim_device_enable(struct dsasim_device *sd)
{
	u32 status;
	int rc;

	mutex_lock(&sd->lock);
	if (sd->state != DSASIM_DEV_DISABLED) {
		sd->cmd_status = IDXD_SCMD_DEV_ENABLED;
		rc = -ENXIO;
		goto out;
	}

	if (dsasim_device_config(sd) < 0) {
		rc = -ENXIO;
		goto out;
	}

	status = dsasim_hw_enable_device(sd);
	sd->cmd_status = status;
	if (status) {
		dev_dbg(&sd->dev, "enable device failed: %#x\n", status);
		rc = -ENXIO;
		goto out;
	}
	sd->state = DSASIM_DEV_ENABLED;

	rc = dsasim_dma_register(sd);
	if (rc < 0) {
		sd->state = DSASIM_DEV_DISABLED;
		sd->cmd_status = IDXD_SCMD_DEV_DMA_ERR;
		goto out;
	}
	sd->cmd_status = 0;
out:
	mutex_unlock(&sd->lock);
	return rc;
}

/* idxd_device_clear_state(): a reset of a configurable device forgets its configuration */
static void dsasim_device_clear_state(struct dsasim_device *sd)
{
	int i;

	if (!sd->configurable)
		return;

	for (i = 0; i < sd->max_wqs; i++) {
		struct dsasim_wq *wq = sd->wqs[i];

		dsasim_wq_reset_config(wq);
		wq->size = 0;
		wq->group = NULL;
	}
	for (i = 0; i < sd->max_groups; i++)
		dsasim_group_reset(sd->groups[i]);
	for (i = 0; i < sd->max_engines; i++)
		sd->engines[i]->group = NULL;
	sd->nr_rdbufs = sd->max_rdbufs;
}

/**
 * dsasim_device_disable - remove of the idxd driver
 * @sd: device
 *
 * Releases every enabled WQ from its driver first, as idxd does.
 */
void dsasim_device_disable(struct dsasim_device *sd)
{
	int i;

	for (i = 0; i < sd->max_wqs; i++) {
		struct dsasim_wq *wq = sd->wqs[i];

		if (!wq->dev.driver)
			continue;
		dev_warn(&sd->dev, "Active wq %d on disable %s.\n", i, dev_name(&wq->dev));
		device_release_driver(&wq->dev);
	}

	mutex_lock(&sd->lock);
	dsasim_dma_unregister(sd);
	sd->state = DSASIM_DEV_DISABLED;
	dsasim_device_clear_state(sd);
	sd->cmd_status = 0;
	mutex_unlock(&sd->lock);
}

static void dsasim_dev_release(struct device *dev)
{
	struct dsasim_device *sd = to_dsasim_device(dev);

	kfree(sd->groups);
	kfree(sd->engines);
	kfree(sd->wqs);
	kfree(sd);
}

const struct device_type dsasim_dev_type = {
	.name = "dsa",
	.release = dsasim_dev_release,
	.groups = dsasim_dev_groups,
};

static void dsasim_child_release(struct device *dev)
{
	if (dev->type == &dsasim_wq_type)
		kfree(to_dsasim_wq(dev));
	else if (dev->type == &dsasim_group_type)
		kfree(to_dsasim_group(dev));
	else
		kfree(to_dsasim_engine(dev));
}

static void dsasim_child_init(struct dsasim_device *sd, struct device *dev,
			      const struct device_type *type)
{
	device_initialize(dev);
	dev->parent = &sd->dev;
	dev->bus = &dsasim_bus;
	dev->type = type;
	dev->release = dsasim_child_release;
}

/* Allocate and initialise (not add) the children, so that unwinding is put_device. */
static int dsasim_children_alloc(struct dsasim_device *sd)
{
	int i, rc;

	for (i = 0; i < sd->max_wqs; i++) {
		struct dsasim_wq *wq = kzalloc(sizeof(*wq), GFP_KERNEL);

		if (!wq)
			return -ENOMEM;
		wq->sd = sd;
		wq->id = i;
		atomic_set(&wq->clients, 0);
		dsasim_wq_reset_config(wq);
		dsasim_child_init(sd, &wq->dev, &dsasim_wq_type);
		sd->wqs[i] = wq;
		rc = dev_set_name(&wq->dev, "wq%d.%d", sd->id, i);
		if (rc)
			return rc;
	}
	for (i = 0; i < sd->max_engines; i++) {
		struct dsasim_engine *engine = kzalloc(sizeof(*engine), GFP_KERNEL);

		if (!engine)
			return -ENOMEM;
		engine->sd = sd;
		engine->id = i;
		dsasim_child_init(sd, &engine->dev, &dsasim_engine_type);
		sd->engines[i] = engine;
		rc = dev_set_name(&engine->dev, "engine%d.%d", sd->id, i);
		if (rc)
			return rc;
	}
	for (i = 0; i < sd->max_groups; i++) {
		struct dsasim_group *group = kzalloc(sizeof(*group), GFP_KERNEL);

		if (!group)
			return -ENOMEM;
		group->sd = sd;
		group->id = i;
		dsasim_group_reset(group);
		dsasim_child_init(sd, &group->dev, &dsasim_group_type);
		sd->groups[i] = group;
		rc = dev_set_name(&group->dev, "group%d.%d", sd->id, i);
		if (rc)
			return rc;
	}
	return 0;
}

/* Drop children: unregister those added, put those only initialised. */
static void dsasim_children_put(struct dsasim_device *sd)
{
	int i;

	for (i = 0; i < sd->max_groups; i++)
		if (sd->groups[i]) {
			if (device_is_registered(&sd->groups[i]->dev))
				device_unregister(&sd->groups[i]->dev);
			else
				put_device(&sd->groups[i]->dev);
		}
	for (i = 0; i < sd->max_engines; i++)
		if (sd->engines[i]) {
			if (device_is_registered(&sd->engines[i]->dev))
				device_unregister(&sd->engines[i]->dev);
			else
				put_device(&sd->engines[i]->dev);
		}
	for (i = 0; i < sd->max_wqs; i++)
		if (sd->wqs[i]) {
			if (device_is_registered(&sd->wqs[i]->dev))
				device_unregister(&sd->wqs[i]->dev);
			else
				put_device(&sd->wqs[i]->dev);
		}
}

static int dsasim_children_add(struct dsasim_device *sd)
{
	int i, rc;

	for (i = 0; i < sd->max_wqs; i++) {
		rc = device_add(&sd->wqs[i]->dev);
		if (rc)
			return rc;
	}
	for (i = 0; i < sd->max_engines; i++) {
		rc = device_add(&sd->engines[i]->dev);
		if (rc)
			return rc;
	}
	for (i = 0; i < sd->max_groups; i++) {
		rc = device_add(&sd->groups[i]->dev);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * dsasim_device_create - make and register dsaN with its children
 * @id: N
 * @pdev: the PCI device it sits on (pci.c), or NULL
 *
 * On a PCI device, dsaN is its child and the PCI device is the DMA device
 * of its channels, as in idxd; clients map for it, through its IOMMU
 * domain if it has one. dsaN itself then has no DMA mask (idxd's conf_dev
 * has none). Without one, dsaN is its own DMA device: dma-direct, 64 bit.
 *
 * Return: the device or an ERR_PTR.
 */
struct dsasim_device *dsasim_device_create(int id, struct pci_dev *pdev)
{
	struct dsasim_device *sd;
	int rc;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return ERR_PTR(-ENOMEM);

	sd->id = id;
	mutex_init(&sd->lock);
	sd->state = DSASIM_DEV_DISABLED;
	sd->configurable = dsasim_configurable;
	sd->user_pasid = dsasim_pasid;
	sd->version = dsasim_version;
	sd->max_groups = dsasim_max_groups;
	sd->max_engines = dsasim_max_engines;
	sd->max_wqs = dsasim_max_wqs;
	sd->max_wq_size = dsasim_max_wq_size;
	sd->max_batch_size = dsasim_max_batch;
	sd->max_xfer_bytes = dsasim_max_xfer;
	sd->max_rdbufs = dsasim_max_rdbufs;
	sd->nr_rdbufs = sd->max_rdbufs;
	sd->gen_cap = GENCAP_BOF | GENCAP_OVERLAP_COPY | GENCAP_CACHE_MEM |
		      GENCAP_DEST_READBACK |
		      ((u64)ilog2(sd->max_xfer_bytes) << GENCAP_XFER_SHIFT) |
		      ((u64)ilog2(sd->max_batch_size) << GENCAP_BATCH_SHIFT) |
		      (sd->configurable ? GENCAP_CONFIG_EN : 0);
	bitmap_from_u64(sd->opcap, DSASIM_OPCAP0);

	device_initialize(&sd->dev);
	sd->dev.bus = &dsasim_bus;
	sd->dev.type = &dsasim_dev_type;
	/* A PCI device sits on a socket: the first node, where the guest's CPUs are */
	set_dev_node(&sd->dev, first_online_node);
	if (pdev) {
		sd->pdev = pdev;
		sd->dma_dev = &pdev->dev;
		sd->dev.parent = &pdev->dev;
		if (dev_to_node(&pdev->dev) != NUMA_NO_NODE)
			set_dev_node(&sd->dev, dev_to_node(&pdev->dev));
	} else {
		/* dmaengine clients map buffers for this device: direct mapping, 64 bit */
		sd->dma_dev = &sd->dev;
		sd->dev.dma_mask = &sd->dev.coherent_dma_mask;
		rc = dma_set_mask_and_coherent(&sd->dev, DMA_BIT_MASK(64));
		if (rc)
			goto err_put;
	}
	rc = dev_set_name(&sd->dev, "dsa%d", id);
	if (rc)
		goto err_put;

	sd->groups = kcalloc(sd->max_groups, sizeof(*sd->groups), GFP_KERNEL);
	sd->engines = kcalloc(sd->max_engines, sizeof(*sd->engines), GFP_KERNEL);
	sd->wqs = kcalloc(sd->max_wqs, sizeof(*sd->wqs), GFP_KERNEL);
	if (!sd->groups || !sd->engines || !sd->wqs) {
		rc = -ENOMEM;
		goto err_put;
	}

	rc = dsasim_children_alloc(sd);
	if (rc)
		goto err_children;

	rc = device_add(&sd->dev);
	if (rc)
		goto err_children;

	rc = dsasim_children_add(sd);
	if (rc)
		goto err_del;
	return sd;

err_del:
	dsasim_children_put(sd);
	device_del(&sd->dev);
	put_device(&sd->dev);
	return ERR_PTR(rc);
err_children:
	dsasim_children_put(sd);
err_put:
	put_device(&sd->dev);
	return ERR_PTR(rc);
}

void dsasim_device_destroy(struct dsasim_device *sd)
{
	debugfs_remove_recursive(sd->debugfs);
	sd->debugfs = NULL;
	dsasim_children_put(sd);
	device_unregister(&sd->dev);
}
