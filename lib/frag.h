/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-node fragmentation score that kcompactd's proactive compaction
 * compares with its watermarks (mm/compaction.c, fragmentation_score_node):
 * for each zone, the percentage of free memory in blocks smaller than a
 * huge page (order 9), weighted by the zone's share of the node's pages.
 * 0 is not fragmented at all, 100 fully.
 */
#ifndef DSAMIG_FRAG_H
#define DSAMIG_FRAG_H

#include <stdint.h>

/* COMPACTION_HPAGE_ORDER on x86-64 */
#define DSAMIG_FRAG_ORDER	9

/* extfrag_for_order(): percent of the free pages in blocks below @order. */
unsigned int dsamig_frag_extfrag(const uint64_t *nr_free, unsigned int nr_orders,
				 unsigned int order);

/*
 * Scores from the text of /proc/buddyinfo and /proc/zoneinfo. Fills
 * @score[0..@max_nodes) with each node's score, -1 for a node that does not
 * appear, and returns how many nodes (the highest id + 1) or -EINVAL when
 * the text cannot be read as those files.
 */
int dsamig_frag_scores(const char *buddyinfo, const char *zoneinfo,
		       int *score, unsigned int max_nodes);

/* The same, reading the files of the running kernel. */
int dsamig_frag_read(int *score, unsigned int max_nodes);

#endif /* DSAMIG_FRAG_H */
