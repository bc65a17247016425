// SPDX-License-Identifier: GPL-2.0
/*
 * lib/bench_fit.c: fits of synthetic results made on known lines and a
 * known engine recover them; the crossover's bracket, model and its
 * uncertainty; dsa never and always winning; noisy and empty results.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"

static struct dsamig_bench_result res;

/* A point at @pages (order @order) whose repeats spread +-@spread around @ns. */
static struct dsamig_bench_point *add(int backend, unsigned int pages, unsigned int order,
				      double ns, double spread)
{
	struct dsamig_bench_point *p = &res.points[res.nr_points++];

	*p = (struct dsamig_bench_point){
		.backend = backend,
		.size = { .pages = pages, .order = order },
		.samples = 10,
		.segments = order ? pages >> order : pages,
		.total_ns = { .median = ns, .p25 = ns * (1 - spread), .p75 = ns * (1 + spread),
			      .min = ns * (1 - 2 * spread), .max = ns * (1 + 2 * spread) },
	};
	return p;
}

/* cpu and dsa on lines fixed + per_page * pages at 1, 2, 4 ... 512 pages. */
static void two_lines(double cf, double cp, double df, double dp, double spread)
{
	unsigned int pages;

	memset(&res, 0, sizeof(res));
	for (pages = 1; pages <= 512; pages *= 2) {
		add(DSAMIG_BACKEND_CPU, pages, 0, cf + cp * pages, spread);
		add(DSAMIG_BACKEND_DSA, pages, 0, df + dp * pages, spread);
	}
}

static void test_line_recovered(void **state)
{
	struct dsamig_bench_line l;

	two_lines(200, 300, 20000, 150, 0.1);
	add(DSAMIG_BACKEND_CPU, 512, 9, 1, 0);	/* a 2 MiB point: not in the line */
	assert_int_equal(dsamig_bench_fit_line(&res, DSAMIG_BACKEND_CPU, &l), 0);
	assert_int_equal(l.n, 10);
	assert_float_equal(l.fixed_ns, 200, 1e-6);
	assert_float_equal(l.per_page_ns, 300, 1e-9);
	assert_float_equal(l.r2, 1, 1e-12);
	assert_int_equal(dsamig_bench_fit_line(&res, DSAMIG_BACKEND_DSA, &l), 0);
	assert_float_equal(l.fixed_ns, 20000, 1e-6);
	assert_float_equal(l.per_page_ns, 150, 1e-9);
	/* no mt points; one point is not a line */
	assert_int_equal(dsamig_bench_fit_line(&res, DSAMIG_BACKEND_MT, &l), -EINVAL);
	add(DSAMIG_BACKEND_MT, 4, 0, 1000, 0);
	assert_int_equal(dsamig_bench_fit_line(&res, DSAMIG_BACKEND_MT, &l), -EINVAL);
}

/* Noise of +-5% around the line: the fit stays within a few percent. */
static void test_line_noisy(void **state)
{
	static const double noise[] = { 1.05, 0.95, 1.03, 0.97, 1.0, 1.04, 0.96, 1.02, 0.98, 1.0 };
	struct dsamig_bench_line l;
	unsigned int pages, i = 0;

	memset(&res, 0, sizeof(res));
	for (pages = 1; pages <= 512; pages *= 2)
		add(DSAMIG_BACKEND_CPU, pages, 0, (1000 + 250.0 * pages) * noise[i++], 0);
	assert_int_equal(dsamig_bench_fit_line(&res, DSAMIG_BACKEND_CPU, &l), 0);
	assert_float_equal(l.fixed_ns, 1000, 100);
	assert_float_equal(l.per_page_ns, 250, 12.5);
	assert_true(l.r2 > 0.95 && l.r2 < 1);
}

/*
 * The engine as dsasim models it: desc_ns per descriptor plus bytes at
 * mbps, 4 KiB folios (a descriptor a page) and 2 MiB ones (a descriptor a
 * folio), split between the submit and wait phases; the others do not
 * enter the fit.
 */
static void engine_points(double desc_ns, double mbps)
{
	unsigned int pages;
	struct dsamig_bench_point *p;
	double engine;

	memset(&res, 0, sizeof(res));
	for (pages = 1; pages <= 512; pages *= 2) {
		p = add(DSAMIG_BACKEND_DSA, pages, 0, 0, 0);
		/* a WQ of 4 entries: submission waits for the engine's first ones */
		engine = desc_ns * pages + pages * 4096.0 * 1000 / mbps;
		p->phase_ns[DSAMIG_PHASE_SUBMIT] = pages > 4 ? engine * 0.6 : 0;
		p->phase_ns[DSAMIG_PHASE_WAIT] = engine - p->phase_ns[DSAMIG_PHASE_SUBMIT];
		p->transfer_ns = p->phase_ns[DSAMIG_PHASE_WAIT];
		p->setup_ns = 3000 + 500.0 * pages;
		p->total_ns.median = p->setup_ns + p->transfer_ns;
	}
	for (pages = 512; pages <= 2048; pages *= 2) {
		p = add(DSAMIG_BACKEND_DSA, pages, 9, 0, 0);
		p->transfer_ns = desc_ns * (pages / 512) + pages * 4096.0 * 1000 / mbps;
		p->phase_ns[DSAMIG_PHASE_WAIT] = p->transfer_ns;
		p->setup_ns = 3000;
		p->total_ns.median = p->setup_ns + p->transfer_ns;
	}
}

static void test_engine_recovered(void **state)
{
	struct dsamig_bench_engine_fit e;

	engine_points(50000, 1000);
	assert_int_equal(dsamig_bench_fit_engine(&res, &e), 0);
	assert_int_equal(e.n, 13);
	assert_float_equal(e.desc_ns, 50000, 1e-3);
	assert_float_equal(e.mbps, 1000, 1e-6);
	assert_float_equal(e.r2, 1, 1e-9);

	engine_points(1000, 30000);
	assert_int_equal(dsamig_bench_fit_engine(&res, &e), 0);
	assert_float_equal(e.desc_ns, 1000, 1e-3);
	assert_float_equal(e.mbps, 30000, 1e-3);
}

static void test_engine_needs_both_orders(void **state)
{
	struct dsamig_bench_engine_fit e;

	engine_points(50000, 1000);
	res.nr_points = 10;	/* 4 KiB only: bytes = 4096 * segments, collinear */
	assert_int_equal(dsamig_bench_fit_engine(&res, &e), -EINVAL);
	/* contiguous folios merged into fewer segments: still 4 KiB folios only */
	res.points[5].segments = 20;
	res.points[7].segments = 100;
	assert_int_equal(dsamig_bench_fit_engine(&res, &e), -EINVAL);
	memset(&res, 0, sizeof(res));
	assert_int_equal(dsamig_bench_fit_engine(&res, &e), -EINVAL);
	assert_int_equal(e.n, 0);
}

/* A point whose median repeat fell back to the CPU has no engine time. */
static void test_engine_skips_fallbacks(void **state)
{
	struct dsamig_bench_engine_fit e;

	engine_points(50000, 1000);
	res.points[3].fallbacks = 10;
	res.points[3].phase_ns[DSAMIG_PHASE_WAIT] = 1;
	res.points[3].phase_ns[DSAMIG_PHASE_SUBMIT] = 0;
	res.points[4].fallbacks = 4;	/* a minority: kept */
	assert_int_equal(dsamig_bench_fit_engine(&res, &e), 0);
	assert_int_equal(e.n, 12);
	assert_float_equal(e.desc_ns, 50000, 1e-3);
	assert_float_equal(e.mbps, 1000, 1e-6);
}

static void test_crossover_bracket_and_model(void **state)
{
	struct dsamig_bench_crossover c;
	double x = (20000.0 - 100) / (1000 - 300);	/* 28.4 pages */

	two_lines(100, 1000, 20000, 300, 0.1);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_true(c.found);
	assert_false(c.dsa_never_wins);
	assert_false(c.dsa_always_wins);
	assert_int_equal(c.lo, 16);
	assert_int_equal(c.hi, 32);
	assert_int_equal(c.pages, 32);
	assert_float_equal(c.model_pages, x, 1e-6);
	/* fast dsa (p25) against slow cpu (p75): (18000-110)/(1100-270) = 21.6 */
	assert_float_equal(c.model_lo, (18000.0 - 110) / (1100 - 270), 1e-6);
	assert_float_equal(c.model_hi, (22000.0 - 90) / (900 - 330), 1e-6);
	assert_true(c.model_lo < x && x < c.model_hi);
}

/* No spread: the uncertainty closes on the model's crossing. */
static void test_crossover_no_spread(void **state)
{
	struct dsamig_bench_crossover c;

	two_lines(100, 1000, 20000, 300, 0);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_float_equal(c.model_lo, c.model_pages, 1e-6);
	assert_float_equal(c.model_hi, c.model_pages, 1e-6);
}

static void test_dsa_never_wins(void **state)
{
	struct dsamig_bench_crossover c;

	two_lines(100, 1000, 20000, 1100, 0.1);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_false(c.found);
	assert_true(c.dsa_never_wins);
	assert_false(c.dsa_always_wins);
	assert_true(isinf(c.model_pages));
}

static void test_dsa_always_wins(void **state)
{
	struct dsamig_bench_crossover c;

	two_lines(1000, 1000, 50, 300, 0.1);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_true(c.found);
	assert_true(c.dsa_always_wins);
	assert_int_equal(c.lo, 0);
	assert_int_equal(c.hi, 1);
	assert_int_equal(c.pages, 1);
	assert_true(c.model_pages < 1);
}

/* The dsa point at @pages (4 KiB folios) measures @ns. */
static void set_dsa(unsigned int pages, double ns)
{
	unsigned int i;

	for (i = 0; i < res.nr_points; i++)
		if (res.points[i].backend == DSAMIG_BACKEND_DSA && !res.points[i].size.order &&
		    res.points[i].size.pages == pages)
			res.points[i].total_ns.median = ns;
}

/* A lucky dsa point below the crossover does not move the bracket. */
static void test_crossover_ignores_an_early_win(void **state)
{
	struct dsamig_bench_crossover c;

	two_lines(100, 1000, 20000, 300, 0.1);
	set_dsa(4, 1000);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_true(c.found);
	assert_int_equal(c.lo, 16);
	assert_int_equal(c.hi, 32);
}

/* dsa wins in the middle but not at the largest size: no threshold. */
static void test_crossover_lost_at_the_top(void **state)
{
	struct dsamig_bench_crossover c;

	two_lines(100, 1000, 20000, 300, 0.1);
	set_dsa(512, 1e9);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_false(c.found);
	assert_false(c.dsa_never_wins);
	assert_false(c.dsa_always_wins);
}

/* Sizes only one backend measured (and 2 MiB ones) are not compared. */
static void test_crossover_common_sizes(void **state)
{
	struct dsamig_bench_crossover c;

	memset(&res, 0, sizeof(res));
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), -ENODATA);
	add(DSAMIG_BACKEND_CPU, 8, 0, 8000, 0);
	add(DSAMIG_BACKEND_DSA, 16, 0, 1000, 0);
	add(DSAMIG_BACKEND_DSA, 512, 9, 1000, 0);
	add(DSAMIG_BACKEND_CPU, 512, 9, 9000, 0);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), -ENODATA);
	add(DSAMIG_BACKEND_CPU, 16, 0, 16000, 0);
	add(DSAMIG_BACKEND_DSA, 8, 0, 9000, 0);
	add(DSAMIG_BACKEND_DSA, 8, 0, 9000, 0);	/* twice: one size */
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_true(c.found);
	assert_int_equal(c.lo, 8);
	assert_int_equal(c.hi, 16);
	/* the lines through two sizes each: cpu 1000/page, dsa 10000 - 1000 + ... */
	assert_true(isfinite(c.model_pages));
}

static void test_refine_sizes(void **state)
{
	struct dsamig_bench_crossover c = { .found = true, .lo = 16, .hi = 32, .pages = 32 };
	struct dsamig_bench_size s[4];

	assert_int_equal(dsamig_bench_refine_sizes(&c, s, 4), 3);
	assert_int_equal(s[0].pages, 20);
	assert_int_equal(s[1].pages, 24);
	assert_int_equal(s[2].pages, 28);
	assert_int_equal(s[0].order, 0);
	assert_int_equal(dsamig_bench_refine_sizes(&c, s, 1), 1);
	c.lo = 2;
	c.hi = c.pages = 4;
	assert_int_equal(dsamig_bench_refine_sizes(&c, s, 4), 1);
	assert_int_equal(s[0].pages, 3);
	c.lo = 1;
	c.hi = 2;
	assert_int_equal(dsamig_bench_refine_sizes(&c, s, 4), 0);	/* tight */
	c = (struct dsamig_bench_crossover){ .found = true, .dsa_always_wins = true, .hi = 1 };
	assert_int_equal(dsamig_bench_refine_sizes(&c, s, 4), 0);
	c = (struct dsamig_bench_crossover){ .dsa_never_wins = true };
	assert_int_equal(dsamig_bench_refine_sizes(&c, s, 4), 0);
}

static void test_calibration(void **state)
{
	struct dsamig_bench_crossover c;
	struct dsamig_calibration cal;
	char buf[1024];

	two_lines(100, 1000, 20000, 300, 0.1);
	res.req.src = 0;
	res.req.dst = 1;
	res.req.repeats = 7;
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_int_equal(dsamig_calibration_make(&res, &c, &cal), 0);
	assert_int_equal(cal.threshold, 32);
	assert_int_equal(cal.backend, DSAMIG_BACKEND_DSA);
	cal.measured = 1796688000;	/* 2026-12-08 */
	strcpy(cal.device, "dsa0/wq0.0");
	assert_true(dsamig_calibration_format(&cal, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\nthreshold=32\nbackend=dsa\nmeasured=2026-12-08T00:00:00Z\n"
				    "device=dsa0/wq0.0\nfrom=0\nto=1\nrepeats=7\n"
				    "bracket=16..32\nmodel_pages=28.4\nmodel_range=21.6..38.4\n"));
	assert_int_equal(dsamig_calibration_format(&cal, buf, 40), -ENOSPC);

	two_lines(100, 1000, 20000, 1100, 0.1);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_int_equal(dsamig_calibration_make(&res, &c, &cal), 0);
	assert_int_equal(cal.threshold, DSAMIG_CALIBRATION_NEVER);
	assert_int_equal(cal.backend, DSAMIG_BACKEND_CPU);
	assert_true(dsamig_calibration_format(&cal, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\nthreshold=65536\nbackend=cpu\nmeasured=unknown\n"
				    "device=unknown\n"));
	assert_non_null(strstr(buf, "\nmodel_pages=inf\n"));

	/* dsa loses at the largest size: nothing to recommend */
	two_lines(100, 1000, 20000, 300, 0.1);
	set_dsa(512, 1e9);
	assert_int_equal(dsamig_bench_find_crossover(&res, &c), 0);
	assert_int_equal(dsamig_calibration_make(&res, &c, &cal), -ENODATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_recovered),
		cmocka_unit_test(test_line_noisy),
		cmocka_unit_test(test_engine_recovered),
		cmocka_unit_test(test_engine_needs_both_orders),
		cmocka_unit_test(test_engine_skips_fallbacks),
		cmocka_unit_test(test_crossover_bracket_and_model),
		cmocka_unit_test(test_crossover_no_spread),
		cmocka_unit_test(test_dsa_never_wins),
		cmocka_unit_test(test_dsa_always_wins),
		cmocka_unit_test(test_crossover_ignores_an_early_win),
		cmocka_unit_test(test_crossover_lost_at_the_top),
		cmocka_unit_test(test_crossover_common_sizes),
		cmocka_unit_test(test_refine_sizes),
		cmocka_unit_test(test_calibration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
