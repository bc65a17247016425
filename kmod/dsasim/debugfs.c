// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/dsasim/dsaN/<counter>, one read-only decimal
 * file per counter of the device's data path, and the facts of its DMA
 * device: name, IOMMU group and domain type (names in
 * kmod/include/dsasim_names.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/iommu.h>
#include <linux/seq_file.h>

#include <dsasim_names.h>
#include "dsasim.h"

static struct dentry *dsasim_debugfs_root;

static int dsasim_stat_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(dsasim_stat_fops, dsasim_stat_get, NULL, "%llu\n");
DEFINE_DEBUGFS_ATTRIBUTE(dsasim_hex_fops, dsasim_stat_get, NULL, "0x%llx\n");

/* What clients map for: the channels' DMA device (dma_device.dev). */
static int dsasim_dma_device_show(struct seq_file *m, void *v)
{
	struct dsasim_device *sd = m->private;

	seq_printf(m, "%s\n", dev_name(sd->dma_dev));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dsasim_dma_device);

static int dsasim_iommu_group_show(struct seq_file *m, void *v)
{
	struct dsasim_device *sd = m->private;
	struct iommu_group *group = iommu_group_get(sd->dma_dev);

	seq_printf(m, "%d\n", group ? iommu_group_id(group) : -1);
	iommu_group_put(group);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dsasim_iommu_group);

/* The names of /sys/kernel/iommu_groups/N/type (iommu_group_show_type()) */
static const char *dsasim_domain_type(struct iommu_domain *dom)
{
	if (!dom)
		return "none";
	switch (dom->type) {
	case IOMMU_DOMAIN_IDENTITY:
		return "identity";
	case IOMMU_DOMAIN_BLOCKED:
		return "blocked";
	case IOMMU_DOMAIN_UNMANAGED:
		return "unmanaged";
	case IOMMU_DOMAIN_DMA:
		return "DMA";
	case IOMMU_DOMAIN_DMA_FQ:
		return "DMA-FQ";
	}
	return "unknown";
}

static int dsasim_iommu_domain_show(struct seq_file *m, void *v)
{
	struct dsasim_device *sd = m->private;

	seq_printf(m, "%s\n", dsasim_domain_type(sd->pdev ?
			iommu_get_domain_for_dev(sd->dma_dev) : NULL));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dsasim_iommu_domain);

void dsasim_debugfs_init(void)
{
	dsasim_debugfs_root = debugfs_create_dir(DSASIM_DEBUGFS_DIR, NULL);
}

void dsasim_debugfs_exit(void)
{
	debugfs_remove_recursive(dsasim_debugfs_root);
	dsasim_debugfs_root = NULL;
}

void dsasim_debugfs_add(struct dsasim_device *sd)
{
	static const struct {
		const char *name;
		size_t offset;
	} stats[] = {
		{ DSASIM_STAT_DESCS, offsetof(struct dsasim_stats, descs) },
		{ DSASIM_STAT_COMPLETED, offsetof(struct dsasim_stats, completed) },
		{ DSASIM_STAT_BYTES, offsetof(struct dsasim_stats, bytes) },
		{ DSASIM_STAT_FAILED, offsetof(struct dsasim_stats, failed) },
		{ DSASIM_STAT_STALLED, offsetof(struct dsasim_stats, stalled) },
		{ DSASIM_STAT_ALLOC_FAILED, offsetof(struct dsasim_stats, alloc_failed) },
		{ DSASIM_STAT_LEAKED, offsetof(struct dsasim_stats, leaked) },
		{ DSASIM_STAT_ABORTED, offsetof(struct dsasim_stats, aborted) },
		{ DSASIM_STAT_REJECTED, offsetof(struct dsasim_stats, rejected) },
		{ DSASIM_STAT_BUSY_NS, offsetof(struct dsasim_stats, busy_ns) },
		{ DSASIM_STAT_SUBMIT_FAILED, offsetof(struct dsasim_stats, submit_failed) },
		{ DSASIM_STAT_FLUSHED, offsetof(struct dsasim_stats, flushed) },
		{ DSASIM_STAT_ERRORS, offsetof(struct dsasim_stats, errors) },
		{ DSASIM_STAT_LAST_STATUS, offsetof(struct dsasim_stats, last_status) },
		{ DSASIM_STAT_IOMMU_TRANSLATED, offsetof(struct dsasim_stats, iommu_translated) },
		{ DSASIM_STAT_IOMMU_FAULTS, offsetof(struct dsasim_stats, iommu_faults) },
	};
	int i;

	sd->debugfs = debugfs_create_dir(dev_name(&sd->dev), dsasim_debugfs_root);
	for (i = 0; i < ARRAY_SIZE(stats); i++)
		debugfs_create_file_unsafe(stats[i].name, 0444, sd->debugfs,
					   (char *)&sd->stats + stats[i].offset,
					   &dsasim_stat_fops);
	debugfs_create_file_unsafe(DSASIM_FAULT_ADDR, 0444, sd->debugfs, &sd->stats.fault_addr,
				   &dsasim_hex_fops);
	debugfs_create_file(DSASIM_DMA_DEVICE, 0444, sd->debugfs, sd, &dsasim_dma_device_fops);
	debugfs_create_file(DSASIM_IOMMU_GROUP, 0444, sd->debugfs, sd, &dsasim_iommu_group_fops);
	debugfs_create_file(DSASIM_IOMMU_DOMAIN, 0444, sd->debugfs, sd, &dsasim_iommu_domain_fops);
	dsasim_fault_debugfs_add(sd);
}
