/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig compact's action: compact some nodes now, in a measurement
 * session, and report what it did.
 *
 * The compact file blocks until the kernel is done, so a child process
 * writes it while the session drains the trace. The first stop signal
 * (SIGINT, SIGTERM, SIGHUP) stops the compaction: the child is killed (the
 * kernel stops compacting for a task with a fatal signal), and once it is
 * reaped the report covers what happened, marked interrupted, over the
 * time really spent. Nothing is left behind but the compacted memory.
 */
#ifndef DSAMIG_COMPACT_RUN_H
#define DSAMIG_COMPACT_RUN_H

#include <json-c/json.h>

#include "nodemask.h"
#include "session.h"

struct dsamig_compact_report {
	struct dsamig_nodemask nodes;	/* compacted */
	struct dsamig_session_result m;
};

/*
 * Compact @nodes (NULL: every node with memory) and fill in @r. 0, or a
 * negative errno after one error line on @ctx's channel (a node that does
 * not exist or has no memory: before anything is done).
 */
int dsamig_compact_run(struct dsamig_ctx *ctx, const struct dsamig_nodemask *nodes,
		       const struct dsamig_progress *progress, struct dsamig_compact_report *r);

/* The report as dsamig-compact(8) documents it; NULL when out of memory. */
struct json_object *dsamig_compact_report_to_json(const struct dsamig_compact_report *r);

#endif /* DSAMIG_COMPACT_RUN_H */
