/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical address ranges of a NUMA node's memory, as DAMON's paddr
 * operations want them for a target's regions: the node's memory blocks
 * (/sys/devices/system/node/nodeN/memoryM covers [M * bs, (M + 1) * bs)
 * with bs from /sys/devices/system/memory/block_size_bytes) intersected
 * with the "System RAM" ranges of /proc/iomem, adjacent pieces merged.
 * This is how damo finds them (src/damo_pa_layout.py).
 */
#ifndef DSAMIG_NODERANGE_H
#define DSAMIG_NODERANGE_H

#include <stdint.h>

/* More than any real node has: holes split a node into a few ranges. */
#define DSAMIG_MAX_RANGES	64

/* [start, end) */
struct dsamig_range {
	uint64_t start, end;
};

/*
 * The "System RAM" ranges of /proc/iomem text, sorted and merged, into
 * @out. Returns how many, -EINVAL for text that is not /proc/iomem,
 * -EPERM when every address reads 0 (not root: the kernel hides them),
 * -ENOSPC when there are more than @max.
 */
int dsamig_iomem_ram(const char *text, struct dsamig_range *out, unsigned int max);

/*
 * The ranges of @node under @root ("" for the running system, or a copy of
 * its /sys and /proc for tests). Returns how many, or:
 *   -ENOENT  the node does not exist or has no memory blocks
 *   -ENOTSUP no /sys/devices/system/memory (a kernel without
 *            CONFIG_MEMORY_HOTPLUG)
 *   -EPERM   /proc/iomem shows no addresses (not root)
 *   -ERANGE  the node's blocks hold no System RAM
 *   -EINVAL, -ENOSPC, or another errno from reading the files
 */
int dsamig_node_ranges(const char *root, unsigned int node, struct dsamig_range *out,
		       unsigned int max);

#endif /* DSAMIG_NODERANGE_H */
