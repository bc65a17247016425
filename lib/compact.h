/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compaction on demand: the per-node compact file, which nodes have one,
 * and the /proc/vmstat counters that say what compaction did. The
 * counters are system-wide (the kernel keeps no per-node compact_* or
 * pgmigrate_* events).
 */
#ifndef DSAMIG_COMPACT_H
#define DSAMIG_COMPACT_H

#include <stdint.h>

#include "nodemask.h"

/* The /proc/vmstat counters dsamig compact reports, in this order. */
#define DSAMIG_VMSTAT_COUNTERS(X)		\
	X(pgmigrate_success)			\
	X(pgmigrate_fail)			\
	X(compact_migrate_scanned)		\
	X(compact_free_scanned)			\
	X(compact_isolated)			\
	X(compact_stall)			\
	X(compact_fail)				\
	X(compact_success)			\
	X(compact_daemon_wake)

enum dsamig_vmstat_item {
#define X(name) DSAMIG_VMSTAT_##name,
	DSAMIG_VMSTAT_COUNTERS(X)
#undef X
	DSAMIG_NR_VMSTAT
};

struct dsamig_vmstat {
	uint64_t v[DSAMIG_NR_VMSTAT];
};

/* The counter's name in /proc/vmstat. */
const char *dsamig_vmstat_name(enum dsamig_vmstat_item item);

/*
 * The counters from the text of /proc/vmstat; a counter the kernel lacks
 * stays 0. -EINVAL when the text is not "name value" lines.
 */
int dsamig_vmstat_parse(const char *text, struct dsamig_vmstat *out);
int dsamig_vmstat_read(struct dsamig_vmstat *out);

/* @out = @now - @then, per counter. */
void dsamig_vmstat_delta(const struct dsamig_vmstat *now, const struct dsamig_vmstat *then,
			 struct dsamig_vmstat *out);

/*
 * The nodes that have memory, from the node list in @text (the format of
 * /sys/devices/system/node/has_memory). -EINVAL on bad text.
 */
int dsamig_nodes_parse(const char *text, struct dsamig_nodemask *mask);
int dsamig_nodes_with_memory(struct dsamig_nodemask *mask);

/*
 * Compact all zones of @node, as writing its compact file does. Blocks
 * until the kernel is done (seconds on a large node): call it from a worker
 * thread. -ENOENT: no such node or no CONFIG_COMPACTION; -EACCES: not root.
 */
int dsamig_compact_node(unsigned int node);

#endif /* DSAMIG_COMPACT_H */
