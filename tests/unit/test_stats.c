// SPDX-License-Identifier: GPL-2.0
/*
 * lib/stats.c (sums, log2 histograms, interval deltas), lib/frag.c
 * (kcompactd's fragmentation score) and lib/stats_json.c (the keys that
 * dsamig-top(8) documents).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "frag.h"
#include "stats.h"
#include "stats_json.h"

static void test_hist_buckets(void **state)
{
	assert_int_equal(dsamig_hist_bucket(0), 0);
	assert_int_equal(dsamig_hist_bucket(1), 1);
	assert_int_equal(dsamig_hist_bucket(2), 2);
	assert_int_equal(dsamig_hist_bucket(3), 2);
	assert_int_equal(dsamig_hist_bucket(4), 3);
	assert_int_equal(dsamig_hist_bucket(511), 9);
	assert_int_equal(dsamig_hist_bucket(512), 10);
	/* values past the last bucket are kept in it, not lost */
	assert_int_equal(dsamig_hist_bucket(UINT64_MAX), DSAMIG_HIST_BUCKETS - 1);
	assert_int_equal(dsamig_hist_bucket_min(0), 0);
	assert_int_equal(dsamig_hist_bucket_min(1), 1);
	assert_int_equal(dsamig_hist_bucket_min(10), 512);
	/* every value lies in [min(b), min(b + 1)) of its bucket */
	for (uint64_t v = 1; v < 5000; v += 7) {
		unsigned int b = dsamig_hist_bucket(v);

		assert_true(v >= dsamig_hist_bucket_min(b));
		assert_true(v < dsamig_hist_bucket_min(b + 1));
	}
}

static void test_hist_count_used(void **state)
{
	struct dsamig_hist h = { { 0 } };

	assert_int_equal(dsamig_hist_used(&h), 0);
	dsamig_hist_add(&h, 0);
	dsamig_hist_add(&h, 100);
	dsamig_hist_add(&h, 127);
	assert_int_equal(dsamig_hist_count(&h), 3);
	assert_int_equal(h.bucket[7], 2);
	assert_int_equal(dsamig_hist_used(&h), 8);
}

static void test_migrate_by_reason(void **state)
{
	struct dsamig_stats s = { 0 };

	dsamig_stats_migrate(&s, 3, 100, 2);
	dsamig_stats_migrate(&s, 3, 28, 0);
	dsamig_stats_migrate(&s, 0, 32, 1);
	/* an unknown reason from a newer kernel is pooled in the last slot */
	dsamig_stats_migrate(&s, 1000, 5, 0);
	assert_int_equal(s.migrate[3].calls, 2);
	assert_int_equal(s.migrate[3].succeeded, 128);
	assert_int_equal(s.migrate[3].failed, 2);
	assert_int_equal(s.migrate[DSAMIG_MAX_REASONS - 1].succeeded, 5);
	assert_int_equal(dsamig_stats_migrated(&s), 165);
	assert_int_equal(dsamig_stats_migrate_failed(&s), 3);
	/* sizes: 102, 28, 33, 5 pages */
	assert_int_equal(dsamig_hist_count(&s.migrate_pages_hist), 4);
	assert_int_equal(s.migrate_pages_hist.bucket[7], 1);
	assert_int_equal(s.migrate_pages_hist.bucket[5], 1);
	assert_int_equal(s.migrate_pages_hist.bucket[6], 1);
}

static void test_runs_and_setup(void **state)
{
	struct dsamig_stats s = { 0 };
	struct dsamig_run_event ok = {
		.backend = DSAMIG_BACKEND_DSA, .result = DSAMIG_RESULT_OK,
		.nr_pages = 64, .nr_folios = 64, .nr_segments = 2,
		.phase_ns = { 100, 200, 300, 4000, 400 },
	};
	struct dsamig_run_event err = ok;
	struct dsamig_run_event bad = ok;

	err.result = DSAMIG_RESULT_ERROR;
	bad.backend = DSAMIG_NR_BACKENDS;	/* from a newer module: ignored */
	assert_false(dsamig_stats_has_module_events(&s));
	dsamig_stats_run(&s, &ok);
	dsamig_stats_run(&s, &err);
	dsamig_stats_run(&s, &bad);
	assert_int_equal(s.offload[DSAMIG_BACKEND_DSA].runs, 2);
	assert_int_equal(s.offload[DSAMIG_BACKEND_DSA].pages, 64);
	assert_int_equal(s.offload[DSAMIG_BACKEND_DSA].error_runs, 1);
	assert_int_equal(s.offload[DSAMIG_BACKEND_DSA].fallback_pages, 64);
	assert_int_equal(dsamig_offload_setup_ns(&s.offload[DSAMIG_BACKEND_DSA]), 2000);
	assert_int_equal(s.offload[DSAMIG_BACKEND_DSA].phase_ns[DSAMIG_PHASE_WAIT], 8000);
	assert_int_equal(s.run_ns_hist.bucket[dsamig_hist_bucket(5000)], 2);
	assert_true(dsamig_stats_has_module_events(&s));
	dsamig_stats_fallback(&s, DSAMIG_CAUSE_MAP_MISMATCH);
	dsamig_stats_fallback(&s, 999);
	assert_int_equal(s.fallbacks[DSAMIG_CAUSE_MAP_MISMATCH], 1);
}

static void test_delta_and_reset(void **state)
{
	struct dsamig_stats a = { 0 }, b, d;
	struct dsamig_run_event run = { .backend = DSAMIG_BACKEND_MT, .nr_pages = 16,
					.phase_ns = { 1, 1, 1, 1, 1 } };

	a.nr_frag_nodes = 2;
	a.frag_score[0] = 40;
	a.frag_score[1] = -1;
	dsamig_stats_migrate(&a, 0, 10, 0);
	a.damos_bytes = 4096;
	b = a;
	dsamig_stats_migrate(&b, 0, 5, 1);
	dsamig_stats_run(&b, &run);
	dsamig_stats_cpu_copy(&b, 4, 999);
	b.lost_events = 7;
	b.kcompactd_wakes = 3;
	b.damos_bytes = 4096 * 3;
	b.frag_score[0] = 55;
	dsamig_stats_delta(&b, &a, &d);
	assert_int_equal(d.migrate[0].succeeded, 5);
	assert_int_equal(d.migrate[0].failed, 1);
	assert_int_equal(d.migrate[0].calls, 1);
	assert_int_equal(d.migrate_pages_hist.bucket[dsamig_hist_bucket(10)], 0);
	assert_int_equal(d.migrate_pages_hist.bucket[dsamig_hist_bucket(6)], 1);
	assert_int_equal(d.offload[DSAMIG_BACKEND_MT].runs, 1);
	assert_int_equal(d.cpu_copy_ns, 999);
	assert_int_equal(d.lost_events, 7);
	assert_int_equal(d.kcompactd_wakes, 3);
	assert_int_equal(d.damos_bytes, 8192);
	/* the score is a sample: the newer one, not a difference */
	assert_int_equal(d.nr_frag_nodes, 2);
	assert_int_equal(d.frag_score[0], 55);
	assert_int_equal(d.frag_score[1], -1);

	dsamig_stats_reset(&b);
	assert_int_equal(dsamig_stats_migrated(&b), 0);
	assert_int_equal(dsamig_hist_count(&b.migrate_pages_hist), 0);
	assert_int_equal(b.lost_events, 0);
	assert_int_equal(b.frag_score[0], 55);
	assert_int_equal(b.nr_frag_nodes, 2);
}

static void test_extfrag(void **state)
{
	uint64_t all_small[11] = { 100 };		/* 100 free pages, order 0 */
	uint64_t all_huge[11] = { [9] = 2, [10] = 1 };	/* only huge blocks */
	uint64_t half[11] = { [8] = 2, [9] = 1 };	/* 512 small + 512 huge */

	assert_int_equal(dsamig_frag_extfrag(all_small, 11, 9), 100);
	assert_int_equal(dsamig_frag_extfrag(all_huge, 11, 9), 0);
	assert_int_equal(dsamig_frag_extfrag(half, 11, 9), 50);
	assert_int_equal(dsamig_frag_extfrag((uint64_t[11]){ 0 }, 11, 9), 0);
}

/* Two nodes, as the test guest has them; zones without buddy lines count for size only. */
static const char buddyinfo[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      1      3 \n"
	"Node 0, zone    DMA32    100      0      0      0      0      0      0      0      2      0      0 \n"
	"Node 1, zone   Normal      0      0      0      0      0      0      0      0      0      0     10 \n";

static const char zoneinfo[] =
	"Node 0, zone      DMA\n"
	"  per-node stats\n"
	"      nr_inactive_anon 12\n"
	"  pages free     3840\n"
	"        min      12\n"
	"        present  4000\n"
	"        managed  3840\n"
	"Node 0, zone    DMA32\n"
	"  pages free     1124\n"
	"        present  12000\n"
	"        managed  11000\n"
	"Node 0, zone   Normal\n"
	"  pages free     0\n"
	"        present  0\n"
	"Node 1, zone   Normal\n"
	"  pages free     10240\n"
	"        present  262144\n";

static void test_frag_scores(void **state)
{
	int score[4];

	assert_int_equal(dsamig_frag_scores(buddyinfo, zoneinfo, score, 4), 2);
	/*
	 * DMA: only blocks of order >= 9, extfrag 0. DMA32: 100 + 2 * 256
	 * free pages, all below order 9: extfrag 100. Node 0 (16000 present
	 * pages): 12000 * 100 / 16001 = 74 (integer arithmetic, as the kernel).
	 */
	assert_int_equal(score[0], 74);
	assert_int_equal(score[1], 0);
	assert_int_equal(score[2], -1);
	assert_int_equal(score[3], -1);
	assert_int_equal(dsamig_frag_scores("garbage\n", zoneinfo, score, 4), -EINVAL);
	assert_int_equal(dsamig_frag_scores(buddyinfo, "", score, 4), -EINVAL);
}

static void test_json_keys(void **state)
{
	struct dsamig_stats s = { 0 };
	struct json_object *j, *o, *v;
	char buf[16];

	dsamig_stats_migrate(&s, 3, 10, 1);
	s.lost_events = 2;
	j = dsamig_stats_json(&s, NULL, 1.0, false);
	assert_non_null(j);
	assert_true(json_object_object_get_ex(j, "interval_s", &v));
	assert_true(json_object_object_get_ex(j, "lost_events", &v));
	assert_int_equal(json_object_get_int64(v), 2);
	/* without a decoder the reason has no kernel name */
	assert_true(json_object_object_get_ex(j, "migrations", &o));
	assert_true(json_object_object_get_ex(o, "reason3", &o));
	assert_true(json_object_object_get_ex(o, "succeeded", &v));
	assert_int_equal(json_object_get_int64(v), 10);
	assert_true(json_object_object_get_ex(j, "dsa", &o));
	for (const char *const *k = (const char *const[]){ "runs", "pages", "sg_ns", "map_ns",
		"submit_ns", "wait_ns", "unmap_ns", NULL }; *k; k++)
		assert_true(json_object_object_get_ex(o, *k, &v));
	assert_true(json_object_object_get_ex(j, "cpu", &o));
	assert_true(json_object_object_get_ex(o, "pages", &v));
	assert_true(json_object_object_get_ex(o, "copy_ns", &v));
	assert_string_equal(dsamig_reason_name(NULL, 7, buf, sizeof(buf)), "reason7");
	json_object_put(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_buckets),
		cmocka_unit_test(test_hist_count_used),
		cmocka_unit_test(test_migrate_by_reason),
		cmocka_unit_test(test_runs_and_setup),
		cmocka_unit_test(test_delta_and_reset),
		cmocka_unit_test(test_extfrag),
		cmocka_unit_test(test_frag_scores),
		cmocka_unit_test(test_json_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
