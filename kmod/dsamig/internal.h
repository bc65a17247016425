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

/* ---- the per-task batch table (table.c) ---- */
enum dsamig_entry_state {
	DSAMIG_ENTRY_SKIPPED,	/* left to the kernel's copy (CPU path) */
	DSAMIG_ENTRY_COPIED,	/* copied by a completed, error-free run */
};

struct dsamig_entry {
	struct folio *src, *dst;
	u8 state;
	bool seen;		/* migrate_folio_move() was entered for it */
};

/* CPU-path copies accumulated for one dsamig_cpu_copy event. */
struct dsamig_cpu_acc {
	unsigned int nr_folios, nr_pages;
	u64 ns;
};

/*
 * One task's state while it runs migrate_pages(). Only the owning task
 * touches a claimed slot, from the hooks and the end-of-migration probe, so
 * the contents need no lock; claiming and releasing are atomic on ->task.
 */
struct dsamig_task {
	struct task_struct *task;
	int reason;			/* of the current migrate_pages_batch() */
	bool in_run;			/* a run is copying: nested hooks keep out */
	unsigned int nr;		/* entries added since the table was cleared */
	unsigned int live;		/* of those, not consumed yet */
	unsigned int hint;		/* where the next lookup starts */
	struct dsamig_entry entries[DSAMIG_MAX_RUN];
	struct dsamig_cpu_acc cpu;
	/* Scratch for one run, so that the copy path does not allocate. */
	struct folio *run_src[DSAMIG_MAX_RUN], *run_dst[DSAMIG_MAX_RUN];
	bool run_ok[DSAMIG_MAX_RUN];
	struct scatterlist sg_src[DSAMIG_MAX_RUN], sg_dst[DSAMIG_MAX_RUN];
};

int dsamig_table_init(void);
void dsamig_table_exit(void);
struct dsamig_task *dsamig_task_claim(void);
struct dsamig_task *dsamig_task_find(void);
void dsamig_task_release(struct dsamig_task *t);
void dsamig_task_reset(struct dsamig_task *t, int reason);
void dsamig_table_clear(struct dsamig_task *t);
struct dsamig_entry *dsamig_entry_find(struct dsamig_task *t, struct folio *dst,
				       struct folio *src);
struct dsamig_entry *dsamig_entry_add(struct dsamig_task *t, struct folio *src,
				      struct folio *dst, u8 state);
void dsamig_entry_remove(struct dsamig_task *t, struct dsamig_entry *e);
void dsamig_cpu_acc_flush(struct dsamig_task *t);

/* ---- runs (run.c) ---- */
struct dsamig_run {
	int reason, backend;
	unsigned int nr_folios, nr_pages;
	struct folio **src, **dst;
	bool *ok;			/* per pair: copied by the engine */
	struct scatterlist *sg_src, *sg_dst;
	/* filled by the engine */
	unsigned int nr_segments, nr_channels;
	u64 sg_ns, map_ns, submit_ns, wait_ns, unmap_ns;
	int cause;			/* enum dsamig_cause when it fell back */
};

void dsamig_move_entry(struct folio *src, struct folio *dst, int reason);
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
void dsamig_inflight_get(void);
void dsamig_inflight_put(void);

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
};
extern struct dsamig_counters dsamig_counters;
int dsamig_counters_init(void);
void dsamig_counters_exit(void);

static inline u64 dsamig_elapsed(u64 t0)
{
	return ktime_get_ns() - t0;
}

#endif /* DSAMIG_INTERNAL_H */
