// SPDX-License-Identifier: GPL-2.0
/* The checks of the nodes a verb is given: see node_check.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "compact.h"
#include "node_check.h"

int dsamig_memory_nodes(struct dsamig_ctx *ctx, struct dsamig_nodemask *mem)
{
	int err = dsamig_nodes_with_memory(mem);

	if (err)
		dsamig_err(ctx, "cannot read the nodes with memory: %s; "
			   "is /sys/devices/system/node there?", strerror(-err));
	return err;
}

int dsamig_node_usable(struct dsamig_ctx *ctx, const char *what, unsigned int node,
		       const struct dsamig_nodemask *mem)
{
	char path[256];

	if (dsamig_nodemask_test(mem, node))
		return 0;
	if (dsamig_ctx_path(ctx, path, sizeof(path), "/sys/devices/system/node/node%u", node) ||
	    access(path, F_OK))
		dsamig_err(ctx, "%snode %u does not exist; see /sys/devices/system/node/online",
			   what, node);
	else
		dsamig_err(ctx, "%snode %u has no memory; see /sys/devices/system/node/has_memory",
			   what, node);
	return -ENOENT;
}

int dsamig_nodes_usable(struct dsamig_ctx *ctx, const struct dsamig_nodemask *nodes,
			const struct dsamig_nodemask *mem)
{
	unsigned int n;
	int err;

	for (n = 0; n < DSAMIG_MAX_NODES; n++) {
		if (!dsamig_nodemask_test(nodes, n))
			continue;
		err = dsamig_node_usable(ctx, "", n, mem);
		if (err)
			return err;
	}
	return 0;
}
