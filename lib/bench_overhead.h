/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig bench --overhead: what dsamig.ko itself costs a migration. The
 * same work, move_pages(2) of @pages 4 KiB pages from @src to @dst and back
 * @rounds times, with dsamig.ko loaded with backend=cpu (the other knobs at
 * their defaults) and with no module at all, in many short blocks.
 *
 * A block is one pair: the sides in the order A B B A (A the state the
 * module was in at the start), so that a drift linear over the block
 * cancels and each side is measured once right after a load or unload and
 * once not; the next block starts where this one ended, so a block loads
 * or unloads the module twice. The measure is the migrating thread's CPU
 * time around the move_pages() calls (CLOCK_THREAD_CPUTIME_ID: the
 * migration runs in its context, hooks included), not the other tasks' and
 * not the wait for them; wall time is reported beside it.
 *
 * The ratio (module / no module) of a pair is its sides' sums; the point
 * estimate is the geometric mean of the pairs' ratios and the 95 %
 * confidence interval a Student t-interval on their logarithms (see
 * bench_overhead.c for why a t-interval and not a bootstrap).
 *
 * The module's state is restored on every return, a stop signal
 * (SIGINT, SIGTERM, SIGHUP) included: loaded before, it is loaded again
 * from the same file with the knobs it had; not loaded, it is left so.
 */
#ifndef DSAMIG_BENCH_OVERHEAD_H
#define DSAMIG_BENCH_OVERHEAD_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "ctx.h"

#define DSAMIG_OVERHEAD_MAX_PAIRS	10000
#define DSAMIG_OVERHEAD_MAX_PAGES	65536
#define DSAMIG_OVERHEAD_MAX_ROUNDS	1000

struct dsamig_overhead_req {
	unsigned int pairs;		/* 2 .. DSAMIG_OVERHEAD_MAX_PAIRS */
	unsigned int pages;		/* per move_pages() call */
	unsigned int rounds;		/* there and back, per measurement */
	int src, dst;			/* nodes; -1: the first two with memory */
	const char *module;		/* the module file; NULL: dsamig_module_locate() */
};

/* Defaults: 40 pairs of 256 pages, 4 rounds, the first two memory nodes. */
void dsamig_overhead_default_req(struct dsamig_overhead_req *req);

/* A side's measurements over the pairs, in ns per page migrated. */
struct dsamig_overhead_spread {
	double median, p25, p75, min, max;
};

/* One measure (cpu or wall) over the pairs. */
struct dsamig_overhead_stat {
	double ratio;			/* geometric mean of the pairs' ratios */
	double lo, hi;			/* its 95 % confidence interval (pairs >= 2) */
	double log_sd;			/* standard deviation of the pairs' ln ratios */
	double median_ratio;		/* the pairs' median ratio */
	struct dsamig_overhead_spread module, no_module;
};

/*
 * One pair: each side's two measurements (4 * rounds calls) summed, in ns,
 * and its fastest call's CPU time.
 */
struct dsamig_overhead_pair {
	uint64_t cpu_ns[2], wall_ns[2];	/* [0] no module, [1] module */
	uint64_t cpu_min_ns[2];
};

struct dsamig_overhead_result {
	struct dsamig_overhead_req req;	/* nodes resolved */
	char module_file[4096];
	bool was_loaded;		/* before the run (and so after it) */
	char knobs[1024];		/* its knobs then, as module parameters */
	unsigned int pairs;		/* completed */
	struct dsamig_overhead_pair *pair;	/* [pairs]; freed by _free() */
	uint64_t pages_failed;		/* move_pages() statuses that were not the node */
	struct dsamig_overhead_stat cpu, wall;	/* valid when pairs >= 2 */
	/*
	 * The same of the sides' fastest calls (no spreads): a cross-check.
	 * Time the host or other tasks take from the thread adds about the
	 * same to both sides' sums, which pulls their ratio towards 1 (an
	 * emulated guest on a busy host); the fastest call of each side is
	 * the one least disturbed.
	 */
	struct dsamig_overhead_stat cpu_min;
	bool interrupted;		/* by a stop signal: the pairs done so far */
	int signal;
	double secs;
};

/*
 * Run @req and fill in @r (free it with dsamig_overhead_result_free());
 * @progress (may be NULL) is told the pairs done and the total. 0 (also
 * when interrupted), or a negative errno after one error line on @ctx's
 * channel: not root, one node with memory, no module file, a module that
 * cannot be unloaded (in use) or that is another version than the file.
 */
int dsamig_bench_overhead(struct dsamig_ctx *ctx, const struct dsamig_overhead_req *req,
			  void (*progress)(void *arg, unsigned int done, unsigned int total),
			  void *arg, struct dsamig_overhead_result *r);

void dsamig_overhead_result_free(struct dsamig_overhead_result *r);

/*
 * The statistics of @n pairs' ratios @x (> 0): geometric mean, 95 %
 * t-interval, sd and median of the logs (@n >= 2; else lo = hi = ratio).
 */
void dsamig_overhead_ratio_stat(const double *x, unsigned int n,
				struct dsamig_overhead_stat *st);

/* Student's t quantile 0.975 for @df degrees of freedom (>= 1). */
double dsamig_t975(unsigned int df);

/* The result as dsamig-bench(8) documents it; NULL when out of memory. */
struct json_object *dsamig_overhead_result_to_json(const struct dsamig_overhead_result *r);

#endif /* DSAMIG_BENCH_OVERHEAD_H */
