/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig.ko internals: the per-task batch table, runs, copy engines, knobs
 * and counters. Names shared with user space live in kmod/include/dsamig.h.
 */
#ifndef DSAMIG_INTERNAL_H
#define DSAMIG_INTERNAL_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <linux/scatterlist.h>
#include <linux/rwsem.h>
#include <linux/atomic.h>
#include <dsamig.h>

/* migrate_pages() moves at most this many folios per batch (HPAGE_PMD_NR). */
#define DSAMIG_MAX_RUN		512
/* Scatter-gather entries per side of a run: folios split at the segment limit. */
#define DSAMIG_MAX_SEGS		1024

/* ---- knobs (knobs.c) ---- */
struct dsamig_knobs {
	int backend;			/* enum dsamig_backend */
	unsigned int threshold;		/* pages */
	unsigned int max_batch;		/* pages */
	unsigned long reasons;		/* bit per enum migrate_reason */
	unsigned int channels;		/* 0: all that match */
	int wait;			/* enum dsamig_wait */
	unsigned int timeout_ms;
	unsigned int mt_threads;
};
extern struct dsamig_knobs dsamig_knobs;
extern char dsamig_dma_match[128];
extern const char * const dsamig_backend_names[];
extern const char * const dsamig_reason_names[];

/* ---- the per-task pair table (table.c) ---- */
/*
 * What the table knows of a (src, dst) pair that the migration allocator
 * handed out in the current batch of migrate_pages().
 */
enum dsamig_pair_state {
	DSAMIG_PAIR_NEW,	/* allocated, not yet part of a run */
	DSAMIG_PAIR_CPU,	/* left to the kernel's copy point */
	DSAMIG_PAIR_COPIED,	/* copied by a completed, error-free run */
	DSAMIG_PAIR_USED,	/* its copy point came: the mark is consumed */
	DSAMIG_PAIR_QUARANTINED, /* DMA into dst may still happen: never copy */
};

struct dsamig_pair {
	struct folio *src, *dst;	/* dst NULL: the allocation failed */
	u8 state;
};

/* Open-addressed by src; at most 3/4 full, so that probes stay short. */
#define DSAMIG_MAP_BITS		10
#define DSAMIG_MAP_SIZE		(1U << DSAMIG_MAP_BITS)
#define DSAMIG_MAP_LIMIT	(DSAMIG_MAP_SIZE * 3 / 4)

/* CPU-path copies accumulated for one dsamig_cpu_copy event. */
struct dsamig_cpu_acc {
	unsigned int nr_folios, nr_pages;
	u64 ns;
};

/*
 * One task's state during one migrate_pages() call (and the calls nested
 * in it, which only count depth). Only the owning task touches a claimed
 * slot: from the migrate_pages tracepoints, the allocator return probes and
 * the folio_mc_copy redirect, all in its own context. Claiming and
 * releasing are atomic on ->task.
 */
struct dsamig_task {
	struct task_struct *task;
	int reason;			/* of the outermost migrate_pages() */
	unsigned int depth;		/* nested migrate_pages() calls */
	bool in_run;			/* a run is copying: nested hooks keep out */
	bool moving;			/* the batch reached its copy points */
	bool untrusted;			/* an allocation went unrecorded */
	unsigned long missed;		/* probe misses when the batch began */
	unsigned int nr;		/* slots used in map */
	u16 used[DSAMIG_MAP_LIMIT];	/* which, so that clearing is O(nr) */
	struct dsamig_pair map[DSAMIG_MAP_SIZE];
	struct dsamig_cpu_acc cpu;
	/* Scratch for one run, so that the copy path does not allocate. */
	struct folio *run_src[DSAMIG_MAX_RUN], *run_dst[DSAMIG_MAX_RUN];
	struct dsamig_pair *run_pair[DSAMIG_MAX_RUN];
	bool run_ok[DSAMIG_MAX_RUN];
	struct scatterlist sg_src[DSAMIG_MAX_SEGS], sg_dst[DSAMIG_MAX_SEGS];
};

int dsamig_table_init(void);
void dsamig_table_exit(void);
struct dsamig_task *dsamig_task_enter(int reason, bool claim);
void dsamig_task_leave(void);
struct dsamig_task *dsamig_task_find(void);
struct dsamig_task *dsamig_task_outer(void);
void dsamig_pair_record(struct dsamig_task *t, struct folio *src, struct folio *dst);
struct dsamig_pair *dsamig_pair_find(struct dsamig_task *t, struct folio *src);
void dsamig_cpu_acc_flush(struct dsamig_task *t);

/* ---- runs (run.c) ---- */
struct dsamig_run {
	int reason, backend;
	unsigned int nr_folios, nr_pages;
	struct folio **src, **dst;
	bool *ok;			/* per pair: copied by the engine */
	bool quarantined;		/* DMA may still write dst: see copy_dsa.c */
	struct scatterlist *sg_src, *sg_dst;
	/* filled by the engine */
	unsigned int nr_segments, nr_channels;
	u64 sg_ns, map_ns, submit_ns, wait_ns, unmap_ns;
	int cause;			/* enum dsamig_cause when it fell back */
};

int dsamig_copy_folio(struct folio *dst, struct folio *src);
bool dsamig_reason_enabled(int reason);

/* ---- engines: 0 when every pair with ok[i] set was copied ---- */
int dsamig_cpu_copy_run(struct dsamig_run *run);
int dsamig_cpu_copy_folio(struct folio *dst, struct folio *src);
int dsamig_mt_init(void);
void dsamig_mt_exit(void);
int dsamig_mt_set_threads(unsigned int nr);
int dsamig_mt_copy_run(struct dsamig_run *run);
int dsamig_dsa_init(void);
void dsamig_dsa_exit(void);
int dsamig_dsa_acquire(const char *match, unsigned int nr);
void dsamig_dsa_release(void);
unsigned int dsamig_dsa_nr_channels(void);
int dsamig_dsa_copy_run(struct dsamig_run *run);

/* ---- hooks (hooks.c) ---- */
int dsamig_hooks_arm(void);
void dsamig_hooks_disarm(void);
unsigned long dsamig_hooks_missed(void);
extern char dsamig_check_symbol[64];

/* ---- counters (counters.c) ---- */
struct dsamig_counters {
	atomic64_t runs[DSAMIG_NR_BACKENDS];
	atomic64_t pages[DSAMIG_NR_BACKENDS];
	atomic64_t bytes[DSAMIG_NR_BACKENDS];
	atomic64_t reason_runs[DSAMIG_NR_REASONS];
	atomic64_t reason_pages[DSAMIG_NR_REASONS];
	atomic64_t cpu_path_pages;	/* copied at the kernel's copy point */
	atomic64_t skipped_copies;	/* kernel copies skipped: done by a run */
	atomic64_t fallbacks[DSAMIG_NR_CAUSES];
	atomic64_t errors;		/* copies that failed on the CPU too */
	atomic64_t kept_pages[DSAMIG_NR_KEEPS];	/* not pre-copied, by why */
	atomic64_t quarantined_pages;	/* dst pages held after a lost run */
};
extern struct dsamig_counters dsamig_counters;
int dsamig_counters_init(void);
void dsamig_counters_exit(void);

/* ---- the bench interface, debugfs dsamig/bench (bench.c) ---- */
void dsamig_bench_init(void);
void dsamig_bench_exit(void);

static inline u64 dsamig_elapsed(u64 t0)
{
	return ktime_get_ns() - t0;
}

#endif /* DSAMIG_INTERNAL_H */
