// SPDX-License-Identifier: GPL-2.0
/*
 * lib/decode.c on ring-buffer pages, offline:
 * - pages recorded in the test guest (Debian 6.12) from a private instance's
 *   per_cpu/cpuN/trace_pipe_raw while migratepages(8) moved a process twice
 *   and /proc/sys/vm/compact_memory ran, with the kernel's header_page and
 *   format files; data/trace-6.12/pgmigrate holds pgmigrate_success and
 *   _fail before and after, which the decoded sums must equal;
 * - pages built here for dsamig.ko's events, laid out from the field lists
 *   of kmod/include/dsamig.h as TRACE_EVENT lays them out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode.h"

#define DATA_DIR	"tests/unit/data/trace-6.12/"
#define PAGE		4096

static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static struct tep_handle *new_tep(void)
{
	struct tep_handle *tep = tep_alloc();
	size_t size;
	char *buf;

	assert_non_null(tep);
	tep_set_long_size(tep, 8);
	tep_set_page_size(tep, PAGE);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(tep, TEP_LITTLE_ENDIAN);
	buf = slurp(DATA_DIR "header_page", &size);
	assert_int_equal(tep_parse_header_page(tep, buf, size, 8), 0);
	free(buf);
	return tep;
}

static void add_format(struct tep_handle *tep, const char *file, const char *sys)
{
	size_t size;
	char *buf = slurp(file, &size);

	assert_int_equal(tep_parse_event(tep, buf, size, sys), 0);
	free(buf);
}

static struct tep_handle *recorded_tep(void)
{
	struct tep_handle *tep = new_tep();

	add_format(tep, DATA_DIR "migrate-mm_migrate_pages.format", "migrate");
	add_format(tep, DATA_DIR "migrate-mm_migrate_pages_start.format", "migrate");
	add_format(tep, DATA_DIR "compaction-mm_compaction_begin.format", "compaction");
	add_format(tep, DATA_DIR "compaction-mm_compaction_migratepages.format", "compaction");
	add_format(tep, DATA_DIR "compaction-mm_compaction_kcompactd_wake.format", "compaction");
	return tep;
}

static void decode_file(struct dsamig_decoder *d, const char *path, struct dsamig_stats *s)
{
	size_t size, off;
	char *buf = slurp(path, &size);

	assert_int_equal(size % PAGE, 0);
	for (off = 0; off < size; off += PAGE)
		assert_true(dsamig_decode_subbuf(d, buf + off, s) >= 0);
	free(buf);
}

static void test_reason_names_from_print_fmt(void **state)
{
	struct tep_handle *tep = recorded_tep();
	struct dsamig_decoder *d;

	assert_int_equal(dsamig_decoder_new(tep, &d), 0);
	assert_int_equal(dsamig_decoder_nr_reasons(d), 10);
	assert_string_equal(dsamig_decoder_reason(d, 0), "compaction");
	assert_string_equal(dsamig_decoder_reason(d, 3), "syscall_or_cpuset");
	assert_string_equal(dsamig_decoder_reason(d, 8), "demotion");
	assert_string_equal(dsamig_decoder_reason(d, 9), "damon");
	assert_null(dsamig_decoder_reason(d, 10));
	assert_true(dsamig_decoder_has(d, DSAMIG_SRC_MIGRATE));
	assert_true(dsamig_decoder_has(d, DSAMIG_SRC_KCOMPACTD_WAKE));
	assert_false(dsamig_decoder_has(d, DSAMIG_SRC_RUN));
	assert_false(dsamig_decoder_has(d, DSAMIG_SRC_DAMOS_APPLY));
	dsamig_decoder_free(d);
	tep_free(tep);
}

static void test_recorded_pages_match_pgmigrate(void **state)
{
	struct tep_handle *tep = recorded_tep();
	unsigned long long s0, f0, s1, f1;
	struct dsamig_stats st = { 0 };
	struct dsamig_decoder *d;
	size_t size;
	char *vm;

	vm = slurp(DATA_DIR "pgmigrate", &size);
	assert_int_equal(sscanf(vm, "%llu %llu %llu %llu", &s0, &f0, &s1, &f1), 4);
	free(vm);
	assert_true(s1 > s0);

	assert_int_equal(dsamig_decoder_new(tep, &d), 0);
	decode_file(d, DATA_DIR "cpu0.raw", &st);
	decode_file(d, DATA_DIR "cpu1.raw", &st);
	dsamig_decoder_pair(d, &st);
	assert_int_equal(dsamig_stats_migrated(&st), s1 - s0);
	assert_int_equal(dsamig_stats_migrate_failed(&st), f1 - f0);
	/* migratepages(8) is move_pages() territory: syscall_or_cpuset */
	assert_true(st.migrate[3].succeeded > 0);
	assert_true(st.migrate[3].calls > 0);
	/* every migrate_pages() call is in the size histogram, most timed */
	assert_int_equal(dsamig_hist_count(&st.migrate_pages_hist),
			 st.migrate[0].calls + st.migrate[3].calls);
	assert_true(dsamig_hist_count(&st.migrate_ns_hist) > 0);
	assert_true(dsamig_hist_count(&st.migrate_ns_hist) <=
		    dsamig_hist_count(&st.migrate_pages_hist));
	assert_true(st.events >= st.migrate[0].calls + st.migrate[3].calls);
	assert_int_equal(st.lost_pages, 0);
	dsamig_decoder_free(d);
	tep_free(tep);
}

/* A record of migrate:@name for task @pid, with @succeeded and @reason for the end. */
static void put_migrate(struct tep_handle *tep, const char *name, int pid, unsigned long succeeded,
		      int reason, unsigned char *rec, size_t size)
{
	struct tep_event *e = tep_find_event_by_name(tep, "migrate", name);
	unsigned short type;

	assert_non_null(e);
	memset(rec, 0, size);
	type = (unsigned short)e->id;
	memcpy(rec, &type, sizeof(type));
	memcpy(rec + tep_find_common_field(e, "common_pid")->offset, &pid, sizeof(pid));
	memcpy(rec + tep_find_field(e, "reason")->offset, &reason, sizeof(reason));
	if (tep_find_field(e, "succeeded"))
		memcpy(rec + tep_find_field(e, "succeeded")->offset, &succeeded,
		       sizeof(succeeded));
}

static void test_latency_either_order(void **state)
{
	struct tep_handle *tep = recorded_tep();
	unsigned char start[16], end[64];
	struct dsamig_stats st = { 0 };
	struct dsamig_decoder *d;

	assert_int_equal(dsamig_decoder_new(tep, &d), 0);
	put_migrate(tep, "mm_migrate_pages_start", 42, 0, 9, start, sizeof(start));
	put_migrate(tep, "mm_migrate_pages", 42, 512, 9, end, sizeof(end));

	/* in order: start at 1000, end at 4000 */
	dsamig_decode_event(d, start, sizeof(start), 1000, &st);
	dsamig_decode_event(d, end, sizeof(end), 4000, &st);
	dsamig_decoder_pair(d, &st);
	assert_int_equal(st.migrate[9].succeeded, 512);
	assert_int_equal(dsamig_hist_count(&st.migrate_ns_hist), 1);
	assert_int_equal(st.migrate_ns, 3000);

	/*
	 * The task moved between CPUs during its calls, and the buffer of the
	 * CPU where they started was read first: the starts at 9000 and 11000
	 * come before the ends at 10000 and 12000.
	 */
	dsamig_decode_event(d, start, sizeof(start), 9000, &st);
	dsamig_decode_event(d, start, sizeof(start), 11000, &st);
	dsamig_decode_event(d, end, sizeof(end), 10000, &st);
	dsamig_decode_event(d, end, sizeof(end), 12000, &st);
	dsamig_decoder_pair(d, &st);
	assert_int_equal(dsamig_hist_count(&st.migrate_ns_hist), 3);
	assert_int_equal(st.migrate_ns, 5000);

	/* an end read before its start */
	dsamig_decode_event(d, end, sizeof(end), 14000, &st);
	dsamig_decode_event(d, start, sizeof(start), 13500, &st);
	dsamig_decoder_pair(d, &st);
	assert_int_equal(dsamig_hist_count(&st.migrate_ns_hist), 4);
	assert_int_equal(st.migrate_ns, 5500);

	/* an end whose start was lost is not timed; a call still running waits */
	dsamig_decode_event(d, end, sizeof(end), 20000, &st);
	dsamig_decode_event(d, start, sizeof(start), 30000, &st);
	dsamig_decoder_pair(d, &st);
	assert_int_equal(dsamig_hist_count(&st.migrate_ns_hist), 4);
	dsamig_decode_event(d, end, sizeof(end), 30500, &st);
	dsamig_decoder_pair(d, &st);
	assert_int_equal(dsamig_hist_count(&st.migrate_ns_hist), 5);
	assert_int_equal(st.migrate_ns, 6000);
	assert_int_equal(st.migrate[9].calls, 6);
	dsamig_decoder_free(d);
	tep_free(tep);
}

static void test_not_a_subbuffer(void **state)
{
	struct tep_handle *tep = recorded_tep();
	struct dsamig_stats st = { 0 };
	struct dsamig_decoder *d;
	static char empty[PAGE];

	assert_int_equal(dsamig_decoder_new(tep, &d), 0);
	/* an empty sub-buffer (commit 0) decodes to nothing */
	assert_int_equal(dsamig_decode_subbuf(d, empty, &st), 0);
	assert_int_equal(st.events, 0);
	dsamig_decoder_free(d);
	tep_free(tep);
}

static void test_no_migrate_event(void **state)
{
	struct tep_handle *tep = new_tep();
	struct dsamig_decoder *d = NULL;

	assert_int_equal(dsamig_decoder_new(tep, &d), -ENOENT);
	assert_null(d);
	tep_free(tep);
}

/* --- dsamig.ko's events, laid out from the contract ---------------------- */

#define COMMON_FIELDS							\
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n" \
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n" \
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:1;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"

struct layout {
	unsigned int size;		/* of the record */
	unsigned int off[16];		/* of each field, in list order */
};


static unsigned int type_size(const char *type)
{
	return strcmp(type, "u64") ? 4 : 8;
}

/* A format file for @name with @types/@names, aligned as the compiler would. */
static char *format(const char *name, int id, const char *const *types,
		    const char *const *names, struct layout *l)
{
	char *buf = malloc(4096);
	size_t len;
	unsigned int off = 8, i;

	assert_non_null(buf);
	len = (size_t)snprintf(buf, 4096, "name: %s\nID: %d\nformat:\n" COMMON_FIELDS, name, id);
	for (i = 0; names[i]; i++) {
		unsigned int sz = type_size(types[i]);

		off = (off + sz - 1) / sz * sz;
		l->off[i] = off;
		len += (size_t)snprintf(buf + len, 4096 - len,
					"\tfield:%s %s;\toffset:%u;\tsize:%u;\tsigned:%d;\n",
					types[i], names[i], off, sz, !strcmp(types[i], "int"));
		off += sz;
	}
	l->size = (off + 7) / 8 * 8;
	snprintf(buf + len, 4096 - len, "\nprint fmt: \"%s\", REC->%s\n", "x=%d", names[0]);
	return buf;
}

#define TYPE_STR(type, name)	#type,
#define NAME_STR(type, name)	#name,

static const char *const run_types[] = { DSAMIG_RUN_FIELDS(TYPE_STR) NULL };
static const char *const run_names[] = { DSAMIG_RUN_FIELDS(NAME_STR) NULL };
static const char *const cpu_types[] = { DSAMIG_CPU_COPY_FIELDS(TYPE_STR) NULL };
static const char *const cpu_names[] = { DSAMIG_CPU_COPY_FIELDS(NAME_STR) NULL };
static const char *const fb_types[] = { DSAMIG_FALLBACK_FIELDS(TYPE_STR) NULL };
static const char *const fb_names[] = { DSAMIG_FALLBACK_FIELDS(NAME_STR) NULL };

enum { RUN_ID = 2001, CPU_ID = 2002, FB_ID = 2003 };

struct page_builder {
	unsigned char page[PAGE];
	size_t len;			/* of the data after the 16-byte header */
};

/* One record: a 4-byte header (type_len = size / 4, time delta) and the data. */
static void put_event(struct page_builder *p, int id, const struct layout *l,
		      const uint64_t *vals, const char *const *types)
{
	unsigned char *rec = p->page + 16 + p->len;
	uint32_t hdr = (l->size / 4) | (100u << 5);
	uint16_t type = (uint16_t)id;
	int pid = 42;
	unsigned int i;

	assert_true(l->size / 4 <= 28);
	memcpy(rec, &hdr, 4);
	memset(rec + 4, 0, l->size);
	memcpy(rec + 4, &type, 2);
	memcpy(rec + 4 + 4, &pid, 4);
	for (i = 0; types[i]; i++) {
		if (type_size(types[i]) == 8) {
			memcpy(rec + 4 + l->off[i], &vals[i], 8);
		} else {
			uint32_t v = (uint32_t)vals[i];

			memcpy(rec + 4 + l->off[i], &v, 4);
		}
	}
	p->len += 4 + l->size;
	memcpy(p->page + 8, &p->len, 8);	/* commit */
}

static void test_dsamig_events(void **state)
{
	struct tep_handle *tep = recorded_tep();
	struct layout run_l, cpu_l, fb_l;
	struct page_builder p = { .page = { 0 } };
	struct dsamig_stats st = { 0 };
	struct dsamig_decoder *d;
	char *f;
	/* reason, backend, result, folios, pages, segments, channels, sg, map, submit, wait, unmap */
	const uint64_t run_ok[] = { 0, DSAMIG_BACKEND_DSA, DSAMIG_RESULT_OK, 40, 64, 3, 1,
				    1000, 2000, 3000, 50000, 4000 };
	const uint64_t run_fb[] = { 9, DSAMIG_BACKEND_DSA, DSAMIG_RESULT_FALLBACK, 1, 512, 1, 1,
				    10, 20, 30, 0, 40 };
	const uint64_t cpu[] = { 3, 8, 8, 7777 };
	const uint64_t fb[] = { 9, DSAMIG_BACKEND_DSA, DSAMIG_CAUSE_TIMEOUT, 512 };
	const uint64_t ts0 = 1000;

	f = format(DSAMIG_EV_RUN, RUN_ID, run_types, run_names, &run_l);
	assert_int_equal(tep_parse_event(tep, f, strlen(f), DSAMIG_TRACE_SYSTEM), 0);
	free(f);
	f = format(DSAMIG_EV_CPU_COPY, CPU_ID, cpu_types, cpu_names, &cpu_l);
	assert_int_equal(tep_parse_event(tep, f, strlen(f), DSAMIG_TRACE_SYSTEM), 0);
	free(f);
	f = format(DSAMIG_EV_FALLBACK, FB_ID, fb_types, fb_names, &fb_l);
	assert_int_equal(tep_parse_event(tep, f, strlen(f), DSAMIG_TRACE_SYSTEM), 0);
	free(f);

	memcpy(p.page, &ts0, 8);
	put_event(&p, RUN_ID, &run_l, run_ok, run_types);
	put_event(&p, RUN_ID, &run_l, run_ok, run_types);
	put_event(&p, RUN_ID, &run_l, run_fb, run_types);
	put_event(&p, CPU_ID, &cpu_l, cpu, cpu_types);
	put_event(&p, FB_ID, &fb_l, fb, fb_types);

	assert_int_equal(dsamig_decoder_new(tep, &d), 0);
	assert_true(dsamig_decoder_has(d, DSAMIG_SRC_RUN));
	assert_true(dsamig_decoder_has(d, DSAMIG_SRC_CPU_COPY));
	assert_true(dsamig_decoder_has(d, DSAMIG_SRC_FALLBACK));
	assert_int_equal(dsamig_decode_subbuf(d, p.page, &st), 5);

	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].runs, 3);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].pages, 128);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].fallback_runs, 1);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].fallback_pages, 512);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].folios, 81);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].segments, 7);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].phase_ns[DSAMIG_PHASE_SG], 2010);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].phase_ns[DSAMIG_PHASE_MAP], 4020);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].phase_ns[DSAMIG_PHASE_SUBMIT], 6030);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].phase_ns[DSAMIG_PHASE_WAIT], 100000);
	assert_int_equal(st.offload[DSAMIG_BACKEND_DSA].phase_ns[DSAMIG_PHASE_UNMAP], 8040);
	assert_int_equal(st.offload[DSAMIG_BACKEND_MT].runs, 0);
	assert_int_equal(st.cpu_copies, 1);
	assert_int_equal(st.cpu_pages, 8);
	assert_int_equal(st.cpu_copy_ns, 7777);
	assert_int_equal(st.fallbacks[DSAMIG_CAUSE_TIMEOUT], 1);
	/* run sizes 64, 64, 512: buckets [64,128) and [512,1024) */
	assert_int_equal(st.run_pages_hist.bucket[dsamig_hist_bucket(64)], 2);
	assert_int_equal(st.run_pages_hist.bucket[dsamig_hist_bucket(512)], 1);
	/* run latency: 60000 ns twice, 100 ns once */
	assert_int_equal(st.run_ns_hist.bucket[dsamig_hist_bucket(60000)], 2);
	assert_int_equal(st.run_ns_hist.bucket[dsamig_hist_bucket(100)], 1);
	assert_true(dsamig_stats_has_module_events(&st));
	assert_int_equal(dsamig_stats_migrated(&st), 0);
	dsamig_decoder_free(d);
	tep_free(tep);
}

/* A module whose event lacks a contract field is not decoded at all. */
static void test_dsamig_event_missing_field(void **state)
{
	struct tep_handle *tep = recorded_tep();
	static const char *const names[] = { "reason", "nr_pages", NULL };
	static const char *const types[] = { "int", "unsigned", NULL };
	struct dsamig_decoder *d;
	struct layout l;
	char *f = format(DSAMIG_EV_CPU_COPY, CPU_ID, types, names, &l);

	assert_int_equal(tep_parse_event(tep, f, strlen(f), DSAMIG_TRACE_SYSTEM), 0);
	free(f);
	assert_int_equal(dsamig_decoder_new(tep, &d), 0);
	assert_false(dsamig_decoder_has(d, DSAMIG_SRC_CPU_COPY));
	dsamig_decoder_free(d);
	tep_free(tep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reason_names_from_print_fmt),
		cmocka_unit_test(test_recorded_pages_match_pgmigrate),
		cmocka_unit_test(test_latency_either_order),
		cmocka_unit_test(test_not_a_subbuffer),
		cmocka_unit_test(test_no_migrate_event),
		cmocka_unit_test(test_dsamig_events),
		cmocka_unit_test(test_dsamig_event_missing_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
