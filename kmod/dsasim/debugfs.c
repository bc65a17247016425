// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/dsasim/dsaN/<counter>, one read-only decimal
 * file per counter of the device's data path (names in kmod/include/dsasim_names.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>

#include <dsasim_names.h>
#include "dsasim.h"

static struct dentry *dsasim_debugfs_root;

static int dsasim_stat_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(dsasim_stat_fops, dsasim_stat_get, NULL, "%llu\n");

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
	};
	int i;

	sd->debugfs = debugfs_create_dir(dev_name(&sd->dev), dsasim_debugfs_root);
	for (i = 0; i < ARRAY_SIZE(stats); i++)
		debugfs_create_file_unsafe(stats[i].name, 0444, sd->debugfs,
					   (char *)&sd->stats + stats[i].offset,
					   &dsasim_stat_fops);
	dsasim_fault_debugfs_add(sd);
}
