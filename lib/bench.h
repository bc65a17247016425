/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig bench and calibrate: the time to copy N pages through each of
 * dsamig.ko's backends, split into the phases the tracepoints define, at
 * two levels: the copy path alone (the module's debugfs bench interface,
 * kmod/dsamig/README.md) and whole migrations (move_pages() of N pages
 * between two nodes, traced in a session). Medians and spread over repeats.
 */
#ifndef DSAMIG_BENCH_H
#define DSAMIG_BENCH_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "ctx.h"
#include "dsamig.h"
#include "session.h"
#include "stats.h"

#define DSAMIG_BENCH_MAX_SIZES	32
#define DSAMIG_BENCH_MAX_POINTS	(DSAMIG_BENCH_MAX_SIZES * DSAMIG_NR_BACKENDS)
#define DSAMIG_BENCH_MAX_REPEATS	1000

enum dsamig_bench_level {
	DSAMIG_BENCH_COPY,		/* the module's copy path alone (debugfs) */
	DSAMIG_BENCH_MIGRATE,		/* move_pages() between the nodes */
};

/* One size: @pages base pages per batch in folios of order @order (0 or 9). */
struct dsamig_bench_size {
	unsigned int pages, order;
};

/*
 * The series of --level migrate without dsamig.ko (or with backend=off):
 * the kernel's own copy, no phases. A point's backend, named "kernel".
 */
#define DSAMIG_BENCH_KERNEL	DSAMIG_BACKEND_OFF

/*
 * A node of the request left to the bench: src the first node with memory,
 * dst the next one with memory after src, else src.
 */
#define DSAMIG_BENCH_ANY_NODE	UINT_MAX

struct dsamig_bench_req {
	enum dsamig_bench_level level;
	unsigned int src, dst;			/* nodes, or DSAMIG_BENCH_ANY_NODE */
	struct dsamig_bench_size sizes[DSAMIG_BENCH_MAX_SIZES];
	unsigned int nr_sizes;
	/*
	 * bit per enum dsamig_backend: cpu, mt, dsa; and for the migrate level
	 * DSAMIG_BENCH_KERNEL. 0: every one available (cpu, mt, and dsa when
	 * dsamig.ko holds a channel; migrate without the module: kernel);
	 * the result's req says which were measured.
	 */
	unsigned int backends;
	unsigned int repeats;			/* per size and backend */
};

/* A sample's spread, in ns. */
struct dsamig_bench_spread {
	double median, p25, p75, min, max;
};

/* One backend at one size: what its repeats measured. */
struct dsamig_bench_point {
	int backend;				/* enum dsamig_backend */
	struct dsamig_bench_size size;
	unsigned int samples;			/* repeats done (migrate: calls, 2 a repeat) */
	unsigned int fallbacks;			/* dsa runs that fell back to the CPU */
	unsigned int segments;			/* of one batch (the median repeat's) */
	struct dsamig_bench_spread total_ns;	/* per batch */
	/* medians per batch: dsa's phases (sg, map, submit, wait, unmap), cpu/mt copy */
	double phase_ns[DSAMIG_NR_PHASES];
	double setup_ns;			/* median of sg + map + submit + unmap */
	double transfer_ns;			/* median of wait */
	double copy_ns;
};

struct dsamig_bench_result {
	struct dsamig_bench_req req;
	struct dsamig_bench_point points[DSAMIG_BENCH_MAX_POINTS];
	unsigned int nr_points;
	bool interrupted;			/* a stop signal: the points done so far */
	int signal;
	double secs;
};

/* The paper's sizes: 1, 2, 4 ... 512 pages of 4 KiB, then 1 folio of 2 MiB. */
void dsamig_bench_default_sizes(struct dsamig_bench_req *req);

/*
 * Run @req, filling in @r point by point, sizes in order and at each size
 * every backend; @progress (may be NULL) is told the points done and the
 * total. 0 (also when interrupted: r->interrupted, the points done), or a
 * negative errno after one error line on @ctx's channel.
 *
 * The copy level writes one request per point to the module's
 * /sys/kernel/debug/dsamig/bench (under @ctx's root) and reads its repeats.
 * The migrate level moves a buffer of each size (allocated on src,
 * madvise'd for 2 MiB folios when the size's order is 9) to dst and back
 * with move_pages(2), every call one sample timed on CLOCK_MONOTONIC, its
 * phases the dsamig_run events it caused (a measurement session), with
 * the module's knobs backend (each backend in turn) and threshold=1, and
 * reasons including syscall_or_cpuset, put back on every exit. The first
 * stop signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE) ends the run after the
 * current repeat (copy) or move_pages() call (migrate).
 */
int dsamig_bench_run(struct dsamig_ctx *ctx, const struct dsamig_bench_req *req,
		     void (*progress)(void *arg, unsigned int done, unsigned int total),
		     void *arg, struct dsamig_bench_result *r);

/* "cpu", "mt", "dsa", or "kernel" for DSAMIG_BENCH_KERNEL; the level's "copy", "migrate". */
const char *dsamig_bench_backend_name(int backend);
const char *dsamig_bench_level_name(enum dsamig_bench_level level);
/* The backend named @name (as above), or -EINVAL. */
int dsamig_bench_backend_parse(const char *name);

/* The point of @backend at @size, or NULL. */
const struct dsamig_bench_point *dsamig_bench_find(const struct dsamig_bench_result *r,
						   int backend, struct dsamig_bench_size size);

/* The result as dsamig-bench(8) documents it; NULL when out of memory. */
struct json_object *dsamig_bench_result_to_json(const struct dsamig_bench_result *r);

/* ---- fits and the crossover (lib/bench_fit.c) ---- */

/* total_ns = fixed_ns + per_page_ns * pages, least squares over one backend's points. */
struct dsamig_bench_line {
	double fixed_ns, per_page_ns, r2;
	unsigned int n;
};

/*
 * The transfer model of a DMA engine: transfer_ns = desc_ns * segments +
 * bytes / bandwidth, least squares over the dsa points' medians (4 KiB and
 * 2 MiB folios together separate the two): what dsasim's setup_ns and
 * bandwidth_mbps configure.
 */
struct dsamig_bench_engine_fit {
	double desc_ns;				/* per descriptor */
	double mbps;				/* MB/s (10^6 bytes per second) */
	double r2;
	unsigned int n;
};

/*
 * The crossover: the smallest batch of 4 KiB pages from which dsa copies
 * faster than cpu. found false with dsa_never_wins when dsa is slower at
 * every measured size; @lo and @hi bracket it (the last size cpu won and the
 * first dsa won, from medians), @pages is the threshold to set (hi), and
 * @model_pages the crossing of the fitted lines with its uncertainty
 * (@model_lo .. @model_hi, from the points' interquartile spread).
 */
struct dsamig_bench_crossover {
	bool found, dsa_never_wins, dsa_always_wins;
	unsigned int lo, hi, pages;
	double model_pages, model_lo, model_hi;
};

/*
 * @backend's line over its points of 4 KiB folios (medians), weighted
 * least squares (1/y^2: each point's relative error alike). 0; -EINVAL
 * with fewer than two sizes.
 */
int dsamig_bench_fit_line(const struct dsamig_bench_result *r, int backend,
			  struct dsamig_bench_line *l);

/*
 * The engine model over the dsa points: the engine's time, the medians of
 * the submit and wait phases (a WQ shorter than the batch makes submission
 * wait for the engine), against segments and bytes; points whose median
 * repeat fell back are left out; weighted as the lines. 0; -EINVAL when
 * the points cannot separate the two (fewer than two, or not both folio
 * orders); -ERANGE when no positive bandwidth and cost fit.
 */
int dsamig_bench_fit_engine(const struct dsamig_bench_result *r,
			    struct dsamig_bench_engine_fit *e);

/*
 * The crossover of cpu and dsa over the 4 KiB sizes both measured. The
 * bracket: @hi the smallest size from which dsa's median is below cpu's at
 * every larger size, @lo the size before (0 when dsa_always_wins); neither
 * flag and found false when dsa wins somewhere but not at the largest size.
 * The model: the crossing of the fitted lines (INFINITY when dsa's per-page
 * cost is not the lower; below 1 when dsa is faster from one page), and
 * @model_lo .. @model_hi the crossings of the p25 and p75 lines (fast dsa
 * against slow cpu, and the reverse); NAN without two sizes. 0, or
 * -ENODATA when no size has both.
 */
int dsamig_bench_find_crossover(const struct dsamig_bench_result *r,
				struct dsamig_bench_crossover *c);

/*
 * Sizes worth measuring between the bracket's @lo and @hi (up to three,
 * at quarters), so that the threshold is nearer the crossover than a power
 * of two; 0 when the bracket is tight, not found, or dsa always wins.
 */
unsigned int dsamig_bench_refine_sizes(const struct dsamig_bench_crossover *c,
				       struct dsamig_bench_size *sizes, unsigned int max);

/* What dsamig calibrate recommends and saves (dsamig-calibrate(8)). */
#define DSAMIG_CALIBRATION_FILE		"/etc/dsamig/calibration.conf"
#define DSAMIG_CALIBRATION_NEVER	65536	/* threshold when dsa never wins */

struct dsamig_calibration {
	unsigned int threshold;			/* pages: the knob */
	int backend;				/* DSAMIG_BACKEND_DSA, or _CPU: never wins */
	unsigned int src, dst, repeats;
	int64_t measured;			/* Unix time; 0 unknown */
	char device[256];			/* the DSA WQs measured: dsa0/wq0.0,... */
	struct dsamig_bench_crossover c;
};

/*
 * The recommendation of @c measured by @r: threshold = c->pages and
 * backend dsa when found; DSAMIG_CALIBRATION_NEVER and cpu when dsa never
 * wins; -ENODATA when there is none (dsa not faster at the largest size).
 * measured and device are the caller's.
 */
int dsamig_calibration_make(const struct dsamig_bench_result *r,
			    const struct dsamig_bench_crossover *c, struct dsamig_calibration *cal);

/* The calibration file's text into @buf: its length, or -ENOSPC. */
int dsamig_calibration_format(const struct dsamig_calibration *cal, char *buf, size_t size);

/*
 * The paper's figure as an SVG document on @f: time per batch against
 * pages of 4 KiB (log-log), a line per backend, dsa's setup and transfer
 * stacked, the crossover @c (may be NULL) marked. 0, or -EIO when @f
 * cannot be written; -ENODATA when no point can be drawn.
 */
int dsamig_bench_svg(FILE *f, const struct dsamig_bench_result *r,
		     const struct dsamig_bench_crossover *c);

#endif /* DSAMIG_BENCH_H */
