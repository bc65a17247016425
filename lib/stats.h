/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Migration statistics: what the tracepoints say, summed. Plain counters,
 * so that a reader can copy them, subtract two copies for an interval
 * (dsamig_stats_delta) and print them; no I/O here.
 *
 * Times are nanoseconds, sizes base pages (4 KiB) unless named otherwise.
 */
#ifndef DSAMIG_STATS_H
#define DSAMIG_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "dsamig.h"	/* kmod/include: backends, results, causes */

/* Reason values kept apart; larger ones (from a newer kernel) are pooled. */
#define DSAMIG_MAX_REASONS	32
/* log2 buckets: bucket 0 holds 0, bucket k >= 1 holds [2^(k-1), 2^k). */
#define DSAMIG_HIST_BUCKETS	40
/* Nodes whose fragmentation score is kept. */
#define DSAMIG_STATS_NODES	64

struct dsamig_hist {
	uint64_t bucket[DSAMIG_HIST_BUCKETS];
};

/* The run phases of dsamig_run, in the order the module times them. */
enum dsamig_phase {
	DSAMIG_PHASE_SG,
	DSAMIG_PHASE_MAP,
	DSAMIG_PHASE_SUBMIT,
	DSAMIG_PHASE_WAIT,
	DSAMIG_PHASE_UNMAP,
	DSAMIG_NR_PHASES
};

/* Offloaded runs of one backend (dsamig_run). */
struct dsamig_offload {
	uint64_t runs;
	uint64_t pages;		/* of runs the backend completed (result ok) */
	uint64_t folios;
	uint64_t segments;
	uint64_t fallback_runs;	/* runs that went back to the CPU */
	uint64_t fallback_pages;
	uint64_t error_runs;
	uint64_t phase_ns[DSAMIG_NR_PHASES];
};

struct dsamig_migrate_count {
	uint64_t calls;		/* migrate_pages() calls (mm_migrate_pages) */
	uint64_t succeeded;	/* base pages */
	uint64_t failed;
};

struct dsamig_stats {
	uint64_t events;			/* decoded events, any kind */
	uint64_t lost_events;			/* dropped or overwritten, kernel's count */
	uint64_t lost_pages;			/* sub-buffers that followed a loss */

	/* migrate:mm_migrate_pages, by reason value */
	struct dsamig_migrate_count migrate[DSAMIG_MAX_REASONS];
	struct dsamig_hist migrate_pages_hist;	/* pages per migrate_pages() call */
	struct dsamig_hist migrate_ns_hist;	/* its latency, from _start */
	uint64_t migrate_ns;			/* the sum of those latencies */

	/* dsamig.ko */
	struct dsamig_offload offload[DSAMIG_NR_BACKENDS];
	struct dsamig_hist run_pages_hist;	/* pages per run, every backend */
	struct dsamig_hist run_ns_hist;		/* setup + transfer of a run */
	uint64_t cpu_copies;			/* dsamig_cpu_copy events */
	uint64_t cpu_pages;
	uint64_t cpu_copy_ns;
	uint64_t fallbacks[DSAMIG_NR_CAUSES];	/* dsamig_fallback by cause */

	/* compaction: */
	uint64_t compact_runs;			/* mm_compaction_begin */
	uint64_t compact_migrated;		/* mm_compaction_migratepages */
	uint64_t compact_failed;
	uint64_t kcompactd_wakes;		/* mm_compaction_kcompactd_wake */

	/* damon: */
	uint64_t damos_applies;			/* damos_before_apply: regions */
	uint64_t damos_bytes;			/* their sizes */

	/* sampled, not summed: a delta keeps the newer value */
	unsigned int nr_frag_nodes;
	int frag_score[DSAMIG_STATS_NODES];	/* -1: node without memory */
};

unsigned int dsamig_hist_bucket(uint64_t v);
/* The smallest value bucket @b holds. */
uint64_t dsamig_hist_bucket_min(unsigned int b);
void dsamig_hist_add(struct dsamig_hist *h, uint64_t v);
uint64_t dsamig_hist_count(const struct dsamig_hist *h);
/* The highest non-empty bucket plus one; 0 if empty. */
unsigned int dsamig_hist_used(const struct dsamig_hist *h);

void dsamig_stats_reset(struct dsamig_stats *s);
/* @out = @now - @then for counters; sampled values from @now. */
void dsamig_stats_delta(const struct dsamig_stats *now,
			const struct dsamig_stats *then,
			struct dsamig_stats *out);

/* The recorders the decoder calls, one per event. */
void dsamig_stats_migrate(struct dsamig_stats *s, uint64_t reason,
			  uint64_t succeeded, uint64_t failed);
void dsamig_stats_migrate_latency(struct dsamig_stats *s, uint64_t ns);

struct dsamig_run_event {
	uint64_t reason, backend, result;
	uint64_t nr_folios, nr_pages, nr_segments, nr_channels;
	uint64_t phase_ns[DSAMIG_NR_PHASES];
};
void dsamig_stats_run(struct dsamig_stats *s, const struct dsamig_run_event *ev);
void dsamig_stats_cpu_copy(struct dsamig_stats *s, uint64_t nr_pages, uint64_t ns);
void dsamig_stats_fallback(struct dsamig_stats *s, uint64_t cause);

/* Sums over reasons, for totals lines. */
uint64_t dsamig_stats_migrated(const struct dsamig_stats *s);
uint64_t dsamig_stats_migrate_failed(const struct dsamig_stats *s);
/* setup = sg + map + submit + unmap; transfer = wait. */
uint64_t dsamig_offload_setup_ns(const struct dsamig_offload *o);
/* Whether anything at all was recorded from dsamig.ko. */
bool dsamig_stats_has_module_events(const struct dsamig_stats *s);

#endif /* DSAMIG_STATS_H */
