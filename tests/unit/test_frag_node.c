// SPDX-License-Identifier: GPL-2.0
/*
 * lib/frag.c and lib/compact.c: kcompactd's fragmentation score on worked
 * examples, the /proc/vmstat counters dsamig compact reports, and the list
 * of nodes with memory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "compact.h"
#include "frag.h"

static void test_extfrag_examples(void **state)
{
	/* 100 single pages and one 2 MiB block: 100 of 612 free pages are small */
	uint64_t mixed[11] = { 100, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	/* only order-10 blocks: nothing is fragmented */
	uint64_t big[11] = { [10] = 10 };
	/* only single pages: all of it is */
	uint64_t small[11] = { 1000 };
	uint64_t none[11] = { 0 };
	/* 8 order-8 blocks (2048 pages) and one order-9 (512): 80% small */
	uint64_t eights[11] = { [8] = 8, [9] = 1 };

	assert_int_equal(dsamig_frag_extfrag(mixed, 11, 9), 16);
	assert_int_equal(dsamig_frag_extfrag(big, 11, 9), 0);
	assert_int_equal(dsamig_frag_extfrag(small, 11, 9), 100);
	assert_int_equal(dsamig_frag_extfrag(none, 11, 9), 0);
	assert_int_equal(dsamig_frag_extfrag(eights, 11, 9), 80);
}

static const char zoneinfo[] =
	"Node 0, zone      DMA\n"
	"  per-node stats\n"
	"      nr_inactive_anon 0\n"
	"  pages free     1000\n"
	"        min      0\n"
	"        spanned  4095\n"
	"        present  4000\n"
	"        managed  3840\n"
	"Node 0, zone   Normal\n"
	"  pages free     10240\n"
	"        spanned  98304\n"
	"        present  96000\n"
	"Node 0, zone  Movable\n"
	"  pages free     0\n"
	"        present  0\n"
	"Node 2, zone   Normal\n"
	"  pages free     612\n"
	"        present  1000\n"
	"Node 3, zone   Normal\n"
	"        present  5000\n";

static const char buddyinfo[] =
	"Node 0, zone      DMA   1000      0      0      0      0      0      0      0      0      0      0 \n"
	"Node 0, zone   Normal      0      0      0      0      0      0      0      0      0      0     10 \n"
	"Node 2, zone   Normal    100      0      0      0      0      0      0      0      0      1      0 \n"
	"Node 3, zone   Normal      0      0      0      0      0      0      0      0      0      0      0 \n";

static void test_scores_weighted(void **state)
{
	int score[8];

	assert_int_equal(dsamig_frag_scores(buddyinfo, zoneinfo, score, 8), 4);
	/* DMA: 100% weighted 4000 / 100001 pages -> 3 (3.99 rounded down); Normal: 0 */
	assert_int_equal(score[0], 3);
	assert_int_equal(score[1], -1);
	/* one zone: 1000 * 16 / 1001 = 15, rounded down as the kernel does */
	assert_int_equal(score[2], 15);
	/* no free memory at all */
	assert_int_equal(score[3], 0);
	assert_int_equal(score[4], -1);
}

static void test_scores_bad_text(void **state)
{
	int score[4];

	assert_int_equal(dsamig_frag_scores("garbage\n", zoneinfo, score, 4), -EINVAL);
	assert_int_equal(dsamig_frag_scores(buddyinfo, "", score, 4), -EINVAL);
	assert_int_equal(dsamig_frag_scores("Node 0, zone Normal\n", zoneinfo, score, 4),
			 -EINVAL);
}

static void test_vmstat_parse(void **state)
{
	struct dsamig_vmstat a, b, d;

	assert_int_equal(dsamig_vmstat_parse("nr_free_pages 123\n"
					     "pgmigrate_success 1000\n"
					     "pgmigrate_fail 7\n"
					     "compact_isolated 2048\n"
					     "compact_stall 0\n", &a), 0);
	assert_int_equal(a.v[DSAMIG_VMSTAT_pgmigrate_success], 1000);
	assert_int_equal(a.v[DSAMIG_VMSTAT_pgmigrate_fail], 7);
	assert_int_equal(a.v[DSAMIG_VMSTAT_compact_isolated], 2048);
	/* a counter this kernel lacks stays 0 */
	assert_int_equal(a.v[DSAMIG_VMSTAT_compact_daemon_wake], 0);
	assert_int_equal(dsamig_vmstat_parse("pgmigrate_success 1500\n"
					     "pgmigrate_fail 7\n"
					     "compact_isolated 4096\n", &b), 0);
	dsamig_vmstat_delta(&b, &a, &d);
	assert_int_equal(d.v[DSAMIG_VMSTAT_pgmigrate_success], 500);
	assert_int_equal(d.v[DSAMIG_VMSTAT_pgmigrate_fail], 0);
	assert_int_equal(d.v[DSAMIG_VMSTAT_compact_isolated], 2048);
	assert_string_equal(dsamig_vmstat_name(DSAMIG_VMSTAT_pgmigrate_success),
			    "pgmigrate_success");
	assert_int_equal(dsamig_vmstat_parse("pgmigrate_success\n", &a), -EINVAL);
}

static void test_nodes_parse(void **state)
{
	struct dsamig_nodemask m;

	assert_int_equal(dsamig_nodes_parse("0-1\n", &m), 0);
	assert_true(dsamig_nodemask_test(&m, 0));
	assert_true(dsamig_nodemask_test(&m, 1));
	assert_int_equal(dsamig_nodemask_weight(&m), 2);
	assert_int_equal(dsamig_nodes_parse("0,2,5-6\n", &m), 0);
	assert_int_equal(dsamig_nodemask_weight(&m), 4);
	assert_false(dsamig_nodemask_test(&m, 1));
	assert_true(dsamig_nodemask_test(&m, 6));
	assert_int_equal(dsamig_nodes_parse("\n", &m), 0);
	assert_int_equal(dsamig_nodemask_weight(&m), 0);
	assert_int_equal(dsamig_nodes_parse("zero\n", &m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extfrag_examples),
		cmocka_unit_test(test_scores_weighted),
		cmocka_unit_test(test_scores_bad_text),
		cmocka_unit_test(test_vmstat_parse),
		cmocka_unit_test(test_nodes_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
