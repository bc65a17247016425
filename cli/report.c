// SPDX-License-Identifier: GPL-2.0
/* The copy breakdown shared by compact, promote and demote: see report.h. */
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "report.h"

static const char *const backend_names[DSAMIG_NR_BACKENDS] = {
#define NAME(e, s) s,
	DSAMIG_BACKENDS(NAME)
#undef NAME
};

unsigned int report_reason(const struct dsamig_decoder *d, const char *name,
			   unsigned int fallback)
{
	unsigned int r;

	for (r = 0; d && r < DSAMIG_MAX_REASONS; r++)
		if (dsamig_decoder_reason(d, r) && !strcmp(dsamig_decoder_reason(d, r), name))
			return r;
	return fallback;
}

void report_add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

static double per_s(uint64_t pages, uint64_t ns)
{
	return ns ? (double)pages * 1e9 / (double)ns : 0;
}

void report_migrate_json(struct json_object *o, const struct dsamig_stats *st, uint64_t pages)
{
	json_object_object_add(o, "migrate_pages_s",
			       json_object_new_double((double)st->migrate_ns / 1e9));
	json_object_object_add(o, "pages_per_migrate_s",
			       json_object_new_double(per_s(pages, st->migrate_ns)));
}

void report_migrate_human(const struct dsamig_stats *st, uint64_t pages)
{
	if (st->migrate_ns)
		printf("  %-20s %12.3f s %10.0f pages/s\n", "in migrate_pages()",
		       (double)st->migrate_ns / 1e9, per_s(pages, st->migrate_ns));
}

struct json_object *report_copy_json(const struct dsamig_stats *st)
{
	struct json_object *j = json_object_new_object(), *o;
	unsigned int b;

	for (b = 0; b < DSAMIG_NR_BACKENDS; b++) {
		const struct dsamig_offload *off = &st->offload[b];

		if (b == DSAMIG_BACKEND_OFF)
			continue;
		o = json_object_new_object();
		report_add_u64(o, "runs", off->runs);
		report_add_u64(o, "pages", off->pages);
		report_add_u64(o, "fallback_pages", off->fallback_pages);
		report_add_u64(o, "setup_ns", dsamig_offload_setup_ns(off));
		report_add_u64(o, "transfer_ns", off->phase_ns[DSAMIG_PHASE_WAIT]);
		json_object_object_add(j, backend_names[b], o);
	}
	o = json_object_new_object();
	report_add_u64(o, "pages", st->cpu_pages);
	report_add_u64(o, "copy_ns", st->cpu_copy_ns);
	json_object_object_add(j, "cpu_copy", o);
	return j;
}

static void print_ns(const char *what, uint64_t ns, uint64_t pages)
{
	printf("    %-18s %12.3f ms %10.0f ns/page\n", what, (double)ns / 1e6,
	       pages ? (double)ns / (double)pages : 0);
}

void report_copy_human(const struct top_session *s)
{
	const struct dsamig_stats *st = &s->total;
	unsigned int b;

	if (!s->module) {
		printf("  dsamig.ko is not loaded: the kernel copied every page on the CPU\n");
		return;
	}
	for (b = 0; b < DSAMIG_NR_BACKENDS; b++) {
		const struct dsamig_offload *off = &st->offload[b];
		uint64_t pages = off->pages + off->fallback_pages;

		if (b == DSAMIG_BACKEND_OFF || !off->runs)
			continue;
		printf("  %-20s %12llu %s %8llu %s %6llu fallback %s\n", backend_names[b],
		       (unsigned long long)off->pages, dsamig_plural(off->pages, "page ", "pages"),
		       (unsigned long long)off->runs, dsamig_plural(off->runs, "run ", "runs"),
		       (unsigned long long)off->fallback_pages,
		       dsamig_plural(off->fallback_pages, "page", "pages"));
		print_ns("setup", dsamig_offload_setup_ns(off), pages);
		print_ns("transfer", off->phase_ns[DSAMIG_PHASE_WAIT], pages);
	}
	printf("  %-20s %12llu %s\n", "cpu copies", (unsigned long long)st->cpu_pages,
	       dsamig_plural(st->cpu_pages, "page", "pages"));
	if (st->cpu_pages)
		print_ns("copying", st->cpu_copy_ns, st->cpu_pages);
}
