// SPDX-License-Identifier: GPL-2.0
/*
 * lib/bench_overhead.c's statistics: the t quantile against the published
 * table (and its expansion past 30 degrees of freedom), and the ratio's
 * geometric mean, interval, sd and median on data worked out by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bench_overhead.h"

static void test_t975(void **state)
{
	(void)state;
	assert_float_equal(dsamig_t975(1), 12.706, 1e-3);
	assert_float_equal(dsamig_t975(10), 2.228, 1e-3);
	assert_float_equal(dsamig_t975(30), 2.042, 1e-3);
	/* the expansion: exact values 2.0211, 2.0003, 1.9799, 1.9623 */
	assert_float_equal(dsamig_t975(40), 2.0211, 2e-4);
	assert_float_equal(dsamig_t975(60), 2.0003, 2e-4);
	assert_float_equal(dsamig_t975(120), 1.9799, 2e-4);
	assert_float_equal(dsamig_t975(1000), 1.9623, 2e-4);
	assert_true(isnan(dsamig_t975(0)));
}

static void test_ratio_stat(void **state)
{
	/* logs -0.1, 0, 0.1: mean 0, sd 0.1, half-width t(2) * 0.1 / sqrt(3) */
	const double x[] = { exp(-0.1), 1.0, exp(0.1) };
	struct dsamig_overhead_stat st;
	double half = 4.303 * 0.1 / sqrt(3);

	(void)state;
	dsamig_overhead_ratio_stat(x, 3, &st);
	assert_float_equal(st.ratio, 1.0, 1e-12);
	assert_float_equal(st.log_sd, 0.1, 1e-12);
	assert_float_equal(st.lo, exp(-half), 1e-9);
	assert_float_equal(st.hi, exp(half), 1e-9);
	assert_float_equal(st.median_ratio, 1.0, 1e-12);
}

static void test_ratio_stat_geometric(void **state)
{
	/* 2 and 0.5: geometric mean 1 (an arithmetic one would say 1.25) */
	const double x[] = { 2.0, 0.5 };
	struct dsamig_overhead_stat st;

	(void)state;
	dsamig_overhead_ratio_stat(x, 2, &st);
	assert_float_equal(st.ratio, 1.0, 1e-12);
	assert_true(st.lo < 1.0 && st.hi > 1.0);
	assert_float_equal(st.lo * st.hi, 1.0, 1e-9);
	assert_float_equal(st.median_ratio, 1.25, 1e-12);
}

static void test_ratio_stat_one_pair(void **state)
{
	const double x[] = { 1.05 };
	struct dsamig_overhead_stat st;

	(void)state;
	dsamig_overhead_ratio_stat(x, 1, &st);
	assert_float_equal(st.ratio, 1.05, 1e-12);
	assert_float_equal(st.lo, 1.05, 1e-12);
	assert_float_equal(st.hi, 1.05, 1e-12);
	assert_true(isnan(st.log_sd));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t975),
		cmocka_unit_test(test_ratio_stat),
		cmocka_unit_test(test_ratio_stat_geometric),
		cmocka_unit_test(test_ratio_stat_one_pair),
	};

	return cmocka_run_group_tests_name("bench_overhead", tests, NULL, NULL);
}
