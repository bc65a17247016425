// SPDX-License-Identifier: GPL-2.0
/*
 * The fits of a bench result and its crossover (lib/bench.h): pure
 * functions of the points, no I/O.
 *
 * The sizes are powers of two (1 .. 512 pages), so an unweighted least
 * squares fit would be the largest sizes' alone and miss the fixed cost
 * that decides the crossover at a few tens of pages. Every fit here is
 * weighted by 1/y^2: each point's relative error counts alike. On points
 * that lie on the model the weights do not matter, and the fit is exact.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "bench.h"

#define BENCH_PAGE_SIZE	4096.0

/* Which of a point's numbers a line is fitted to. */
enum stat_kind { STAT_MEDIAN, STAT_P25, STAT_P75 };

static double point_stat(const struct dsamig_bench_point *p, enum stat_kind k)
{
	switch (k) {
	case STAT_P25:
		return p->total_ns.p25;
	case STAT_P75:
		return p->total_ns.p75;
	default:
		return p->total_ns.median;
	}
}

/* A point that measured something at 4 KiB folios. */
static bool usable_4k(const struct dsamig_bench_point *p, int backend)
{
	return p->backend == backend && p->size.order == 0 && p->samples > 0 &&
	       p->size.pages > 0 && p->total_ns.median > 0;
}

static int fit_line(const struct dsamig_bench_result *r, int backend, enum stat_kind k,
		    struct dsamig_bench_line *l)
{
	double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, d, mean, ss_res = 0, ss_tot = 0;
	unsigned int i, n = 0;

	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];
		double x = p->size.pages, y = point_stat(p, k), w;

		if (!usable_4k(p, backend) || !(y > 0))
			continue;
		w = 1 / (y * y);
		sw += w;
		sx += w * x;
		sy += w * y;
		sxx += w * x * x;
		sxy += w * x * y;
		n++;
	}
	l->n = n;
	d = sw * sxx - sx * sx;
	if (n < 2 || !(d > 0))
		return -EINVAL;
	l->per_page_ns = (sw * sxy - sx * sy) / d;
	l->fixed_ns = (sy - l->per_page_ns * sx) / sw;
	mean = sy / sw;
	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];
		double y = point_stat(p, k), w, e;

		if (!usable_4k(p, backend) || !(y > 0))
			continue;
		w = 1 / (y * y);
		e = y - (l->fixed_ns + l->per_page_ns * p->size.pages);
		ss_res += w * e * e;
		ss_tot += w * (y - mean) * (y - mean);
	}
	l->r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
	return 0;
}

int dsamig_bench_fit_line(const struct dsamig_bench_result *r, int backend,
			  struct dsamig_bench_line *l)
{
	return fit_line(r, backend, STAT_MEDIAN, l);
}

/*
 * The engine's time for a batch: submit and wait. With fewer WQ entries
 * than descriptors, submission waits for the engine to take some (dsasim's
 * and the hardware's dedicated WQs alike), so wait alone is only the tail.
 */
static double engine_ns(const struct dsamig_bench_point *p)
{
	return p->phase_ns[DSAMIG_PHASE_SUBMIT] + p->phase_ns[DSAMIG_PHASE_WAIT];
}

/* A dsa point whose median repeat went through the engine. */
static bool usable_dsa(const struct dsamig_bench_point *p)
{
	return p->backend == DSAMIG_BACKEND_DSA && p->samples > 0 &&
	       2 * p->fallbacks < p->samples && p->segments > 0 && p->size.pages > 0 &&
	       engine_ns(p) > 0;
}

int dsamig_bench_fit_engine(const struct dsamig_bench_result *r,
			    struct dsamig_bench_engine_fit *e)
{
	/* y = a * segments + b * bytes, no intercept: normal equations of two */
	double s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0, sw = 0, swy = 0;
	double a, b, d, mean, ss_res = 0, ss_tot = 0;
	unsigned int i, n = 0, orders = 0;

	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];
		double x1 = p->segments, x2 = p->size.pages * BENCH_PAGE_SIZE;
		double y = engine_ns(p), w;

		if (!usable_dsa(p))
			continue;
		w = 1 / (y * y);
		s11 += w * x1 * x1;
		s12 += w * x1 * x2;
		s22 += w * x2 * x2;
		s1y += w * x1 * y;
		s2y += w * x2 * y;
		sw += w;
		swy += w * y;
		orders |= p->size.order ? 2 : 1;
		n++;
	}
	e->n = n;
	d = s11 * s22 - s12 * s12;
	/*
	 * Both folio orders: 4 KiB folios alone give a few KiB a segment (some
	 * merged when contiguous), too close to collinear to separate the two.
	 */
	if (n < 2 || orders != 3 || !(d > 1e-9 * s11 * s22))
		return -EINVAL;
	a = (s1y * s22 - s2y * s12) / d;
	b = (s2y * s11 - s1y * s12) / d;
	if (!(b > 0) || a < 0)
		return -ERANGE;		/* no finite bandwidth, or a negative cost, fits */
	e->desc_ns = a;
	e->mbps = 1000 / b;		/* b ns per byte: 1 byte/ns = 1000 MB/s */
	mean = swy / sw;
	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];
		double y = engine_ns(p), w, res;

		if (!usable_dsa(p))
			continue;
		w = 1 / (y * y);
		res = y - (a * p->segments + b * p->size.pages * BENCH_PAGE_SIZE);
		ss_res += w * res * res;
		ss_tot += w * (y - mean) * (y - mean);
	}
	e->r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
	return 0;
}

/*
 * Where dsa's line comes below cpu's: from the pages returned on, dsa is
 * faster; below 1 it is faster from one page; INFINITY when its per-page
 * cost is not lower (the lines never cross that way).
 */
static double lines_cross(const struct dsamig_bench_line *cpu,
			  const struct dsamig_bench_line *dsa)
{
	double dslope = cpu->per_page_ns - dsa->per_page_ns;

	if (!(dslope > 0))
		return INFINITY;
	return (dsa->fixed_ns - cpu->fixed_ns) / dslope;
}

static const struct dsamig_bench_point *find_4k(const struct dsamig_bench_result *r,
						int backend, unsigned int pages)
{
	unsigned int i;

	for (i = 0; i < r->nr_points; i++)
		if (usable_4k(&r->points[i], backend) && r->points[i].size.pages == pages)
			return &r->points[i];
	return NULL;
}

int dsamig_bench_find_crossover(const struct dsamig_bench_result *r,
				struct dsamig_bench_crossover *c)
{
	struct dsamig_bench_line cpu, dsa, cpu_lo, cpu_hi, dsa_lo, dsa_hi;
	unsigned int sizes[DSAMIG_BENCH_MAX_POINTS], n = 0, i, j, first_win;
	bool any_win = false;

	*c = (struct dsamig_bench_crossover){
		.model_pages = NAN, .model_lo = NAN, .model_hi = NAN,
	};
	/* the 4 KiB sizes both measured, ascending */
	for (i = 0; i < r->nr_points; i++) {
		const struct dsamig_bench_point *p = &r->points[i];
		unsigned int pages = p->size.pages;

		if (!usable_4k(p, DSAMIG_BACKEND_DSA) || !find_4k(r, DSAMIG_BACKEND_CPU, pages))
			continue;
		for (j = 0; j < n && sizes[j] < pages; j++)
			;
		if (j < n && sizes[j] == pages)
			continue;
		for (unsigned int k = n; k > j; k--)
			sizes[k] = sizes[k - 1];
		sizes[j] = pages;
		n++;
	}
	if (!n)
		return -ENODATA;

	/* the smallest size from which dsa wins at every larger size */
	first_win = n;
	for (i = n; i-- > 0;) {
		double d = find_4k(r, DSAMIG_BACKEND_DSA, sizes[i])->total_ns.median;
		double p = find_4k(r, DSAMIG_BACKEND_CPU, sizes[i])->total_ns.median;

		if (d < p) {
			any_win = true;
			if (first_win == i + 1)
				first_win = i;
		}
	}
	if (first_win < n) {
		c->found = true;
		c->hi = c->pages = sizes[first_win];
		c->lo = first_win ? sizes[first_win - 1] : 0;
		c->dsa_always_wins = first_win == 0;
	} else {
		c->dsa_never_wins = !any_win;
	}

	if (!fit_line(r, DSAMIG_BACKEND_CPU, STAT_MEDIAN, &cpu) &&
	    !fit_line(r, DSAMIG_BACKEND_DSA, STAT_MEDIAN, &dsa)) {
		c->model_pages = lines_cross(&cpu, &dsa);
		/* the earliest: a fast dsa against a slow cpu; the latest: the reverse */
		if (!fit_line(r, DSAMIG_BACKEND_CPU, STAT_P75, &cpu_hi) &&
		    !fit_line(r, DSAMIG_BACKEND_CPU, STAT_P25, &cpu_lo) &&
		    !fit_line(r, DSAMIG_BACKEND_DSA, STAT_P25, &dsa_lo) &&
		    !fit_line(r, DSAMIG_BACKEND_DSA, STAT_P75, &dsa_hi)) {
			c->model_lo = lines_cross(&cpu_hi, &dsa_lo);
			c->model_hi = lines_cross(&cpu_lo, &dsa_hi);
			if (c->model_lo > c->model_hi) {
				double t = c->model_lo;

				c->model_lo = c->model_hi;
				c->model_hi = t;
			}
			if (c->model_lo > c->model_pages)
				c->model_lo = c->model_pages;
			if (c->model_hi < c->model_pages)
				c->model_hi = c->model_pages;
		}
	}
	return 0;
}

unsigned int dsamig_bench_refine_sizes(const struct dsamig_bench_crossover *c,
				       struct dsamig_bench_size *sizes, unsigned int max)
{
	unsigned int n = 0, k, pages, last = c->lo;

	if (!c->found || c->dsa_always_wins || c->hi - c->lo < 2)
		return 0;
	for (k = 1; k <= 3 && n < max; k++) {
		pages = c->lo + (c->hi - c->lo) * k / 4;
		if (pages <= last || pages >= c->hi)
			continue;
		sizes[n++] = (struct dsamig_bench_size){ .pages = pages, .order = 0 };
		last = pages;
	}
	return n;
}

int dsamig_calibration_make(const struct dsamig_bench_result *r,
			    const struct dsamig_bench_crossover *c, struct dsamig_calibration *cal)
{
	*cal = (struct dsamig_calibration){
		.src = r->req.src, .dst = r->req.dst, .repeats = r->req.repeats, .c = *c,
	};
	if (c->found) {
		cal->threshold = c->pages;
		cal->backend = DSAMIG_BACKEND_DSA;
		return 0;
	}
	if (c->dsa_never_wins) {
		cal->threshold = DSAMIG_CALIBRATION_NEVER;
		cal->backend = DSAMIG_BACKEND_CPU;
		return 0;
	}
	return -ENODATA;
}

static void fmt_pages(char *buf, size_t size, double v)
{
	if (isinf(v))
		snprintf(buf, size, "inf");
	else if (isnan(v))
		snprintf(buf, size, "none");
	else
		snprintf(buf, size, "%.1f", v);
}

int dsamig_calibration_format(const struct dsamig_calibration *cal, char *buf, size_t size)
{
	char when[32] = "unknown", mp[32], ml[32], mh[32];
	time_t t = (time_t)cal->measured;
	struct tm tm;
	int len;

	if (t && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fmt_pages(mp, sizeof(mp), cal->c.model_pages);
	fmt_pages(ml, sizeof(ml), cal->c.model_lo);
	fmt_pages(mh, sizeof(mh), cal->c.model_hi);
	len = snprintf(buf, size,
		       "# dsamig calibration, written by 'dsamig calibrate --save'; see "
		       "dsamig-calibrate(8).\n"
		       "# threshold and backend are dsamig.ko's knobs as measured: the "
		       "boot-time\n# configuration sets them; the other keys say what was "
		       "measured.\n"
		       "threshold=%u\nbackend=%s\nmeasured=%s\ndevice=%s\nfrom=%u\nto=%u\n"
		       "repeats=%u\nbracket=%u..%u\nmodel_pages=%s\nmodel_range=%s..%s\n",
		       cal->threshold, cal->backend == DSAMIG_BACKEND_CPU ? "cpu" : "dsa", when,
		       cal->device[0] ? cal->device : "unknown", cal->src, cal->dst,
		       cal->repeats, cal->c.lo, cal->c.hi, mp, ml, mh);
	if (len < 0 || (size_t)len >= size)
		return -ENOSPC;
	return len;
}
