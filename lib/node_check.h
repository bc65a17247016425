/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks a verb makes of the nodes it is given, with the one-line
 * errors it prints on @ctx's channel: the nodes with memory, and whether
 * one node exists and has memory.
 */
#ifndef DSAMIG_NODE_CHECK_H
#define DSAMIG_NODE_CHECK_H

#include "ctx.h"
#include "nodemask.h"

/* The nodes with memory into @mem: 0, or -errno after an error line. */
int dsamig_memory_nodes(struct dsamig_ctx *ctx, struct dsamig_nodemask *mem);

/*
 * 0 when @node is in @mem; else -ENOENT after "<what>node N does not
 * exist; ..." or "... has no memory; ...". @what is "" or a word and a space.
 */
int dsamig_node_usable(struct dsamig_ctx *ctx, const char *what, unsigned int node,
		       const struct dsamig_nodemask *mem);

/* Every node of @nodes is usable (0), or -ENOENT after the first one's error. */
int dsamig_nodes_usable(struct dsamig_ctx *ctx, const struct dsamig_nodemask *nodes,
			const struct dsamig_nodemask *mem);

#endif /* DSAMIG_NODE_CHECK_H */
