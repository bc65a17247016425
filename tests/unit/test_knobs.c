// SPDX-License-Identifier: GPL-2.0
/*
 * lib/knobs.c: the table matches DSAMIG_KNOBS, and every kind of knob
 * accepts what the module accepts and refuses the rest before a write.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dsamig.h"
#include "knobs.h"

static void valid(const char *knob, const char *value)
{
	const struct dsamig_knob *k = dsamig_knob_find(knob);

	assert_non_null(k);
	assert_int_equal(dsamig_knob_validate(k, value), 0);
}

static void invalid(const char *knob, const char *value, int err)
{
	const struct dsamig_knob *k = dsamig_knob_find(knob);

	assert_non_null(k);
	assert_int_equal(dsamig_knob_validate(k, value), err);
}

static void test_table_follows_header(void **state)
{
#define COUNT(...) + 1
	assert_int_equal(dsamig_nr_knobs, 0 DSAMIG_KNOBS(COUNT));
	assert_null(dsamig_knob_find("nope"));
	assert_int_equal(dsamig_knob_find("backend")->kind, DSAMIG_KNOB_ENUM);
	assert_int_equal(dsamig_knob_find("backend")->nr_names, DSAMIG_NR_BACKENDS);
	assert_int_equal(dsamig_knob_find("wait")->nr_names, DSAMIG_NR_WAITS);
	assert_int_equal(dsamig_knob_find("reasons")->kind, DSAMIG_KNOB_LIST);
	assert_int_equal(dsamig_knob_find("reasons")->nr_names, DSAMIG_NR_REASONS);
	assert_int_equal(dsamig_knob_find("threshold")->min, 1);
	assert_int_equal(dsamig_knob_find("threshold")->max, 65536);
}

/* The enum suffixes of the lists, in their order: DSA of X(DSA, "dsa"). */
#define SUFFIX(e, s) #e,
static const char *const backend_suffixes[] = { DSAMIG_BACKENDS(SUFFIX) };
static const char *const wait_suffixes[] = { DSAMIG_WAITS(SUFFIX) };

/* The suffix of the entry of @suffixes whose name is @k's default. */
static const char *default_suffix(const struct dsamig_knob *k, const char *const *suffixes)
{
	size_t i;

	for (i = 0; i < k->nr_names; i++)
		if (!strcmp(k->names[i], k->def))
			return suffixes[i];
	return "(not a name)";
}

/*
 * Each default is the header's default column, read as DSAMIG_KNOBS says:
 * a number, the name of an enum suffix, all or none, a string.
 */
#define DEF_UINT(n, d)		assert_string_equal(dsamig_knob_find(#n)->def, #d);
#define DEF_ENUM(n, d)							\
	assert_string_equal(default_suffix(dsamig_knob_find(#n), n##_suffixes), #d);
#define DEF_LIST(n, d)		assert_string_equal(dsamig_knob_find(#n)->def, DEF_LIST_##d);
#define DEF_LIST_ALL		"all"
#define DEF_LIST_NONE		"none"
#define DEF_STRING(n, d)	assert_string_equal(dsamig_knob_find(#n)->def, d);
#define DEF(n, k, lo, hi, d, h)	DEF_##k(n, d)

static void test_defaults_follow_header(void **state)
{
	DSAMIG_KNOBS(DEF)
}

/* Every default in the header is a valid value of its knob. */
static void test_defaults_are_valid(void **state)
{
	size_t i;

	for (i = 0; i < dsamig_nr_knobs; i++)
		assert_int_equal(dsamig_knob_validate(&dsamig_knob_table[i],
						      dsamig_knob_table[i].def), 0);
}

static void test_uint(void **state)
{
	valid("threshold", "1");
	valid("threshold", "65536");
	valid("channels", "0");
	invalid("threshold", "0", -ERANGE);
	invalid("threshold", "65537", -ERANGE);
	invalid("mt_threads", "17", -ERANGE);
	invalid("threshold", "", -EINVAL);
	invalid("threshold", "-1", -EINVAL);
	invalid("threshold", "12x", -EINVAL);
	invalid("threshold", "99999999999999999999999", -ERANGE);
}

static void test_enum(void **state)
{
	valid("backend", "dsa");
	valid("backend", "mt");
	valid("backend", "cpu");
	valid("backend", "off");
	valid("wait", "irq");
	invalid("backend", "DSA", -EINVAL);
	invalid("backend", "", -EINVAL);
	invalid("backend", "dsa,mt", -EINVAL);
	invalid("wait", "dsa", -EINVAL);
}

static void test_list(void **state)
{
	valid("reasons", "all");
	valid("reasons", "none");
	valid("reasons", "damon");
	valid("reasons", "compaction,damon,syscall_or_cpuset");
	invalid("reasons", "", -EINVAL);
	invalid("reasons", "damon,", -EINVAL);
	invalid("reasons", ",damon", -EINVAL);
	invalid("reasons", "damon,,compaction", -EINVAL);
	invalid("reasons", "dam", -EINVAL);
	invalid("reasons", "all,damon", -EINVAL);
}

static void test_string(void **state)
{
	char long_name[200];

	valid("dma_match", "dsa");
	valid("dma_match", "any");
	valid("dma_match", "dma0chan0,dma1chan0");
	valid("dma_match", "a.b_c-d");
	invalid("dma_match", "", -EINVAL);
	invalid("dma_match", "dma0chan0,", -EINVAL);
	invalid("dma_match", "dma0 chan0", -EINVAL);
	invalid("dma_match", "dma0/chan0", -EINVAL);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	invalid("dma_match", long_name, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_follows_header),
		cmocka_unit_test(test_defaults_follow_header),
		cmocka_unit_test(test_defaults_are_valid),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_string),
	};

	return cmocka_run_group_tests_name("knobs", tests, NULL, NULL);
}
