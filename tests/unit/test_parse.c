// SPDX-License-Identifier: GPL-2.0
/*
 * lib/parse.c: every parser with good input (exact values), bad input
 * (exact errno) and the promise that a failed parse leaves the result alone.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "parse.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)
#define PiB (UINT64_C(1) << 50)
#define EiB (UINT64_C(1) << 60)
#define NS_PER_S UINT64_C(1000000000)

/* A value no parser produces from the inputs below, to see it left alone. */
#define UNTOUCHED UINT64_C(0x5a5a5a5a)

/* One macro per parser and outcome, so a failure's line names the input. */
#define assert_size(s, want) do {					\
	uint64_t v_ = UNTOUCHED;					\
	assert_int_equal(dsamig_parse_size(s, &v_), 0);			\
	assert_int_equal(v_, (want));					\
} while (0)

#define assert_size_fails(s, err) do {					\
	uint64_t v_ = UNTOUCHED;					\
	assert_int_equal(dsamig_parse_size(s, &v_), (err));		\
	assert_int_equal(v_, UNTOUCHED);				\
} while (0)

#define assert_duration(s, want) do {					\
	uint64_t v_ = UNTOUCHED;					\
	assert_int_equal(dsamig_parse_duration(s, &v_), 0);		\
	assert_int_equal(v_, (want));					\
} while (0)

#define assert_duration_fails(s, err) do {				\
	uint64_t v_ = UNTOUCHED;					\
	assert_int_equal(dsamig_parse_duration(s, &v_), (err));		\
	assert_int_equal(v_, UNTOUCHED);				\
} while (0)

#define assert_uint(s, min, max, want) do {				\
	uint64_t v_ = UNTOUCHED;					\
	assert_int_equal(dsamig_parse_uint(s, min, max, &v_), 0);	\
	assert_int_equal(v_, (want));					\
} while (0)

#define assert_uint_fails(s, min, max, err) do {			\
	uint64_t v_ = UNTOUCHED;					\
	assert_int_equal(dsamig_parse_uint(s, min, max, &v_), (err));	\
	assert_int_equal(v_, UNTOUCHED);				\
} while (0)

static void test_size_plain(void **state)
{
	assert_size("0", 0);
	assert_size("1", 1);
	assert_size("4096", 4096);
	assert_size("007", 7);
	assert_size("18446744073709551615", UINT64_MAX);
}

static void test_size_units(void **state)
{
	assert_size("512B", 512);
	assert_size("64K", 64 * KiB);
	assert_size("64k", 64 * KiB);
	assert_size("64KB", 64 * KiB);
	assert_size("64KiB", 64 * KiB);
	assert_size("64M", 64 * MiB);
	assert_size("64m", 64 * MiB);
	assert_size("3MiB", 3 * MiB);
	assert_size("1G", GiB);
	assert_size("1g", GiB);
	assert_size("2T", 2 * TiB);
	assert_size("1P", PiB);
	assert_size("15E", 15 * EiB);
	assert_size("0K", 0);
}

static void test_size_invalid(void **state)
{
	assert_size_fails(NULL, -EINVAL);
	assert_size_fails("", -EINVAL);
	assert_size_fails("-1", -EINVAL);
	assert_size_fails("+1", -EINVAL);
	assert_size_fails(" 1", -EINVAL);
	assert_size_fails("1 ", -EINVAL);
	assert_size_fails("1 K", -EINVAL);
	assert_size_fails("K", -EINVAL);
	assert_size_fails("B", -EINVAL);
	assert_size_fails("1X", -EINVAL);
	assert_size_fails("1b", -EINVAL);
	assert_size_fails("1.5G", -EINVAL);
	assert_size_fails("1KK", -EINVAL);
	assert_size_fails("1Ki", -EINVAL);
	assert_size_fails("1iB", -EINVAL);
	assert_size_fails("1KiBB", -EINVAL);
	assert_size_fails("1BB", -EINVAL);
	assert_size_fails("0x10", -EINVAL);
	assert_size_fails("12abc", -EINVAL);
}

static void test_size_overflow(void **state)
{
	assert_size_fails("18446744073709551616", -ERANGE);
	assert_size_fails("99999999999999999999999", -ERANGE);
	assert_size_fails("16E", -ERANGE);
	assert_size_fails("16384P", -ERANGE);
	assert_size_fails("17179869184G", -ERANGE);
	assert_size("17179869183G", 17179869183 * GiB);
	/* Text that is both junk and too big is junk. */
	assert_size_fails("99999999999999999999999X", -EINVAL);
}

static void test_duration_plain_is_seconds(void **state)
{
	assert_duration("0", 0);
	assert_duration("1", NS_PER_S);
	assert_duration("30", 30 * NS_PER_S);
	assert_duration("1.5", NS_PER_S + NS_PER_S / 2);
}

static void test_duration_units(void **state)
{
	assert_duration("250ns", 250);
	assert_duration("100us", 100000);
	assert_duration("500ms", 500000000);
	assert_duration("30s", 30 * NS_PER_S);
	assert_duration("2m", 120 * NS_PER_S);
	assert_duration("1h", 3600 * NS_PER_S);
	assert_duration("0s", 0);
}

static void test_duration_fractions(void **state)
{
	assert_duration("1.5s", 1500000000);
	assert_duration("0.5ms", 500000);
	assert_duration("2.25m", 135 * NS_PER_S);
	assert_duration("1.5h", 5400 * NS_PER_S);
	assert_duration("0.001s", 1000000);
	assert_duration("1.000s", NS_PER_S);
	assert_duration("0.000000001s", 1);
	/* Below one nanosecond is dropped, not rounded. */
	assert_duration("0.0000000019s", 1);
	assert_duration("1.9ns", 1);
	assert_duration("2.5us", 2500);
}

static void test_duration_invalid(void **state)
{
	assert_duration_fails(NULL, -EINVAL);
	assert_duration_fails("", -EINVAL);
	assert_duration_fails("s", -EINVAL);
	assert_duration_fails("-1s", -EINVAL);
	assert_duration_fails("+1s", -EINVAL);
	assert_duration_fails(" 1s", -EINVAL);
	assert_duration_fails("1s ", -EINVAL);
	assert_duration_fails("1 s", -EINVAL);
	assert_duration_fails(".5s", -EINVAL);
	assert_duration_fails("1.s", -EINVAL);
	assert_duration_fails("1.", -EINVAL);
	assert_duration_fails("1.5.2s", -EINVAL);
	assert_duration_fails("1,5s", -EINVAL);
	assert_duration_fails("1sec", -EINVAL);
	assert_duration_fails("1S", -EINVAL);
	assert_duration_fails("1d", -EINVAL);
	assert_duration_fails("1ms5", -EINVAL);
	assert_duration_fails("1s1", -EINVAL);
	assert_duration_fails("1e3s", -EINVAL);
	assert_duration_fails("0x1s", -EINVAL);
}

static void test_duration_overflow(void **state)
{
	/* UINT64_MAX ns is 18446744073.709551615 s. */
	assert_duration("18446744073s", 18446744073 * NS_PER_S);
	assert_duration("18446744073.709551615s", UINT64_MAX);
	assert_duration("18446744073709551615ns", UINT64_MAX);
	assert_duration_fails("18446744073.709551616s", -ERANGE);
	assert_duration_fails("18446744073.8s", -ERANGE);
	assert_duration_fails("18446744074s", -ERANGE);
	assert_duration_fails("18446744073709551616ns", -ERANGE);
	assert_duration_fails("5124096h", -ERANGE);
	assert_duration("5124095h", UINT64_C(5124095) * 3600 * NS_PER_S);
	assert_duration_fails("99999999999999999999999x", -EINVAL);
}

/* Parse @s and check the mask holds exactly the @n nodes listed after it. */
static void check_nodes(const char *s, unsigned int max_nodes, unsigned int n, ...)
{
	struct dsamig_nodemask mask, want;
	unsigned int i;
	va_list ap;

	dsamig_nodemask_zero(&want);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		dsamig_nodemask_set(&want, va_arg(ap, unsigned int));
	va_end(ap);

	/* A stale bit must not survive a successful parse. */
	dsamig_nodemask_zero(&mask);
	dsamig_nodemask_set(&mask, DSAMIG_MAX_NODES - 1);
	assert_int_equal(dsamig_parse_nodelist(s, max_nodes, &mask), 0);
	assert_int_equal(dsamig_nodemask_weight(&mask), n);
	assert_memory_equal(&mask, &want, sizeof(mask));
}

static void check_nodes_fail(const char *s, unsigned int max_nodes, int err)
{
	struct dsamig_nodemask mask, before;

	dsamig_nodemask_zero(&mask);
	dsamig_nodemask_set(&mask, 7);
	before = mask;
	assert_int_equal(dsamig_parse_nodelist(s, max_nodes, &mask), err);
	assert_memory_equal(&mask, &before, sizeof(mask));
}

static void test_nodelist_good(void **state)
{
	check_nodes("0", 1, 1, 0);
	check_nodes("5", 8, 1, 5);
	check_nodes("0-3,5", 8, 5, 0, 1, 2, 3, 5);
	check_nodes("1,3-4", 8, 3, 1, 3, 4);
	check_nodes("2-2", 8, 1, 2);
	check_nodes("3,1", 8, 2, 1, 3);
	check_nodes("1,1-2,2", 8, 2, 1, 2);
	check_nodes("63,64", 65, 2, 63, 64);
	check_nodes("1023", DSAMIG_MAX_NODES, 1, 1023);
}

static void test_nodelist_all_nodes(void **state)
{
	struct dsamig_nodemask mask;

	assert_int_equal(dsamig_parse_nodelist("0-1023", DSAMIG_MAX_NODES, &mask), 0);
	assert_int_equal(dsamig_nodemask_weight(&mask), DSAMIG_MAX_NODES);
	assert_true(dsamig_nodemask_test(&mask, 0));
	assert_true(dsamig_nodemask_test(&mask, 1023));
}

static void test_nodelist_invalid(void **state)
{
	check_nodes_fail(NULL, 8, -EINVAL);
	check_nodes_fail("", 8, -EINVAL);
	check_nodes_fail(",", 8, -EINVAL);
	check_nodes_fail("1,,2", 8, -EINVAL);
	check_nodes_fail(",1", 8, -EINVAL);
	check_nodes_fail("1,", 8, -EINVAL);
	check_nodes_fail("3-1", 8, -EINVAL);
	check_nodes_fail("1-", 8, -EINVAL);
	check_nodes_fail("-1", 8, -EINVAL);
	check_nodes_fail("1--2", 8, -EINVAL);
	check_nodes_fail("1-2-3", 8, -EINVAL);
	check_nodes_fail("a", 8, -EINVAL);
	check_nodes_fail(" 1", 8, -EINVAL);
	check_nodes_fail("1 ", 8, -EINVAL);
	check_nodes_fail("1, 2", 8, -EINVAL);
	check_nodes_fail("1;2", 8, -EINVAL);
	check_nodes_fail("0x1", 8, -EINVAL);
	check_nodes_fail("+1", 8, -EINVAL);
}

static void test_nodelist_range(void **state)
{
	check_nodes_fail("4", 4, -ERANGE);
	check_nodes_fail("0-4", 4, -ERANGE);
	check_nodes_fail("0,9", 4, -ERANGE);
	check_nodes_fail("1024", DSAMIG_MAX_NODES, -ERANGE);
	check_nodes_fail("99999999999999999999999", 8, -ERANGE);
	/* Junk anywhere wins over a too-large id before it. */
	check_nodes_fail("9,x", 4, -EINVAL);
}

static void test_nodelist_bad_max(void **state)
{
	check_nodes_fail("0", 0, -EINVAL);
	check_nodes_fail("0", DSAMIG_MAX_NODES + 1, -EINVAL);
}

static void test_nodemask_helpers(void **state)
{
	struct dsamig_nodemask mask;

	dsamig_nodemask_zero(&mask);
	assert_int_equal(dsamig_nodemask_weight(&mask), 0);
	dsamig_nodemask_set(&mask, 0);
	dsamig_nodemask_set(&mask, 64);
	dsamig_nodemask_set(&mask, DSAMIG_MAX_NODES);	/* out of range: ignored */
	assert_int_equal(dsamig_nodemask_weight(&mask), 2);
	assert_true(dsamig_nodemask_test(&mask, 0));
	assert_true(dsamig_nodemask_test(&mask, 64));
	assert_false(dsamig_nodemask_test(&mask, 1));
	assert_false(dsamig_nodemask_test(&mask, 63));
	assert_false(dsamig_nodemask_test(&mask, DSAMIG_MAX_NODES));
}

static void test_uint_good(void **state)
{
	assert_uint("0", 0, 10, 0);
	assert_uint("10", 0, 10, 10);
	assert_uint("5", 5, 5, 5);
	assert_uint("0032", 1, 512, 32);
	assert_uint("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
}

static void test_uint_range(void **state)
{
	assert_uint_fails("11", 0, 10, -ERANGE);
	assert_uint_fails("4", 5, 10, -ERANGE);
	assert_uint_fails("0", 1, 10, -ERANGE);
	assert_uint_fails("18446744073709551616", 0, UINT64_MAX, -ERANGE);
	assert_uint_fails("99999999999999999999999", 0, 10, -ERANGE);
}

static void test_uint_invalid(void **state)
{
	assert_uint_fails(NULL, 0, 10, -EINVAL);
	assert_uint_fails("", 0, 10, -EINVAL);
	assert_uint_fails("-1", 0, 10, -EINVAL);
	assert_uint_fails("+1", 0, 10, -EINVAL);
	assert_uint_fails(" 1", 0, 10, -EINVAL);
	assert_uint_fails("1 ", 0, 10, -EINVAL);
	assert_uint_fails("1.0", 0, 10, -EINVAL);
	assert_uint_fails("0x10", 0, 100, -EINVAL);
	assert_uint_fails("1e3", 0, 10000, -EINVAL);
	assert_uint_fails("1K", 0, 10000, -EINVAL);
	assert_uint_fails("abc", 0, 10, -EINVAL);
	assert_uint_fails("99999999999999999999999x", 0, 10, -EINVAL);
	/* An empty range is the caller's bug, not the user's. */
	assert_uint_fails("5", 10, 1, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_plain),
		cmocka_unit_test(test_size_units),
		cmocka_unit_test(test_size_invalid),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_duration_plain_is_seconds),
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_duration_fractions),
		cmocka_unit_test(test_duration_invalid),
		cmocka_unit_test(test_duration_overflow),
		cmocka_unit_test(test_nodelist_good),
		cmocka_unit_test(test_nodelist_all_nodes),
		cmocka_unit_test(test_nodelist_invalid),
		cmocka_unit_test(test_nodelist_range),
		cmocka_unit_test(test_nodelist_bad_max),
		cmocka_unit_test(test_nodemask_helpers),
		cmocka_unit_test(test_uint_good),
		cmocka_unit_test(test_uint_range),
		cmocka_unit_test(test_uint_invalid),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
