// SPDX-License-Identifier: GPL-2.0
/*
 * JSON of migration statistics, with json-c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stats_json.h"

static const char *const backend_names[] = {
#define BACKEND_NAME(e, s) s,
	DSAMIG_BACKENDS(BACKEND_NAME)
};

static const char *const cause_names[] = {
#define CAUSE_NAME(e, s) s,
	DSAMIG_CAUSES(CAUSE_NAME)
};

const char *dsamig_reason_name(const struct dsamig_decoder *d, unsigned int r,
			       char *buf, size_t size)
{
	const char *name = d ? dsamig_decoder_reason(d, r) : NULL;

	if (name)
		return name;
	snprintf(buf, size, "reason%u", r);
	return buf;
}

bool dsamig_reason_listed(const struct dsamig_stats *s, const struct dsamig_decoder *d,
			  unsigned int r)
{
	if (d && dsamig_decoder_reason(d, r))
		return true;
	return s->migrate[r].calls != 0;
}

void dsamig_json_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

void dsamig_json_double(struct json_object *o, const char *key, double v, int decimals)
{
	char buf[64];

	/* "1.000", not 0.99999999999999989: the text json-c prints is this one */
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	json_object_object_add(o, key, json_object_new_double_s(strtod(buf, NULL), buf));
}

int dsamig_json_print(FILE *f, struct json_object *o)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);

	if (!text)
		return -ENOMEM;
	errno = 0;
	if (fprintf(f, "%s\n", text) < 0 || fflush(f))
		return errno ? -errno : -EIO;
	return 0;
}

static struct json_object *hist_json(const struct dsamig_hist *h)
{
	struct json_object *a = json_object_new_array();
	unsigned int b;

	for (b = 0; a && b < DSAMIG_HIST_BUCKETS; b++) {
		struct json_object *e;

		if (!h->bucket[b])
			continue;
		e = json_object_new_object();
		dsamig_json_u64(e, "min", dsamig_hist_bucket_min(b));
		dsamig_json_u64(e, "count", h->bucket[b]);
		json_object_array_add(a, e);
	}
	return a;
}

struct json_object *dsamig_offload_to_json(const struct dsamig_offload *o)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct json_object *j = json_object_new_object();

	if (!j)
		return NULL;

	dsamig_json_u64(j, "runs", o->runs);
	dsamig_json_u64(j, "pages", o->pages);
	dsamig_json_u64(j, "bytes", o->pages * page);
	dsamig_json_u64(j, "folios", o->folios);
	dsamig_json_u64(j, "segments", o->segments);
	dsamig_json_u64(j, "fallback_runs", o->fallback_runs);
	dsamig_json_u64(j, "fallback_pages", o->fallback_pages);
	dsamig_json_u64(j, "error_runs", o->error_runs);
	dsamig_json_u64(j, "sg_ns", o->phase_ns[DSAMIG_PHASE_SG]);
	dsamig_json_u64(j, "map_ns", o->phase_ns[DSAMIG_PHASE_MAP]);
	dsamig_json_u64(j, "submit_ns", o->phase_ns[DSAMIG_PHASE_SUBMIT]);
	dsamig_json_u64(j, "wait_ns", o->phase_ns[DSAMIG_PHASE_WAIT]);
	dsamig_json_u64(j, "unmap_ns", o->phase_ns[DSAMIG_PHASE_UNMAP]);
	dsamig_json_u64(j, "setup_ns", dsamig_offload_setup_ns(o));
	dsamig_json_u64(j, "transfer_ns", o->phase_ns[DSAMIG_PHASE_WAIT]);
	return j;
}

struct json_object *dsamig_cpu_to_json(const struct dsamig_stats *s)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	dsamig_json_u64(o, "copies", s->cpu_copies);
	dsamig_json_u64(o, "pages", s->cpu_pages);
	dsamig_json_u64(o, "bytes", s->cpu_pages * page);
	dsamig_json_u64(o, "copy_ns", s->cpu_copy_ns);
	dsamig_json_u64(o, "backend_runs", s->offload[DSAMIG_BACKEND_CPU].runs);
	dsamig_json_u64(o, "backend_pages", s->offload[DSAMIG_BACKEND_CPU].pages);
	return o;
}

/* Offload backends by name; "cpu" is the CPU copy path, its backend's runs within. */
static void add_copy(struct json_object *j, const struct dsamig_stats *s)
{
	unsigned int b;

	for (b = 0; b < DSAMIG_NR_BACKENDS; b++)
		if (b != DSAMIG_BACKEND_OFF && b != DSAMIG_BACKEND_CPU)
			json_object_object_add(j, backend_names[b],
					       dsamig_offload_to_json(&s->offload[b]));
	json_object_object_add(j, "cpu", dsamig_cpu_to_json(s));
}

struct json_object *dsamig_copy_to_json(const struct dsamig_stats *s)
{
	struct json_object *j = json_object_new_object();

	if (j)
		add_copy(j, s);
	return j;
}

struct json_object *dsamig_vmstat_to_json(const struct dsamig_vmstat *v)
{
	struct json_object *j = json_object_new_object();
	unsigned int n;

	for (n = 0; j && n < DSAMIG_NR_VMSTAT; n++)
		dsamig_json_u64(j, dsamig_vmstat_name(n), v->v[n]);
	return j;
}

struct json_object *dsamig_stats_json(const struct dsamig_stats *s,
				      const struct dsamig_decoder *d,
				      double interval_s, bool module_loaded)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct json_object *j = json_object_new_object();
	struct json_object *mig, *tot, *o, *frag, *hist;
	unsigned int r, n;
	char buf[32];

	if (!j)
		return NULL;
	/* Milliseconds are plenty. */
	dsamig_json_double(j, "interval_s", interval_s, 3);
	json_object_object_add(j, "module_loaded", json_object_new_boolean(module_loaded));
	dsamig_json_u64(j, "events", s->events);
	dsamig_json_u64(j, "lost_events", s->lost_events);

	mig = json_object_new_object();
	for (r = 0; r < DSAMIG_MAX_REASONS; r++) {
		if (!dsamig_reason_listed(s, d, r))
			continue;
		o = json_object_new_object();
		dsamig_json_u64(o, "succeeded", s->migrate[r].succeeded);
		dsamig_json_u64(o, "failed", s->migrate[r].failed);
		dsamig_json_u64(o, "calls", s->migrate[r].calls);
		json_object_object_add(mig, dsamig_reason_name(d, r, buf, sizeof(buf)), o);
	}
	json_object_object_add(j, "migrations", mig);
	tot = json_object_new_object();
	dsamig_json_u64(tot, "succeeded", dsamig_stats_migrated(s));
	dsamig_json_u64(tot, "failed", dsamig_stats_migrate_failed(s));
	dsamig_json_u64(tot, "bytes", dsamig_stats_migrated(s) * page);
	json_object_object_add(j, "migrations_total", tot);

	add_copy(j, s);

	o = json_object_new_object();
	for (n = 0; n < DSAMIG_NR_CAUSES; n++)
		dsamig_json_u64(o, cause_names[n], s->fallbacks[n]);
	json_object_object_add(j, "fallbacks", o);

	o = json_object_new_object();
	dsamig_json_u64(o, "runs", s->compact_runs);
	dsamig_json_u64(o, "migrated", s->compact_migrated);
	dsamig_json_u64(o, "failed", s->compact_failed);
	dsamig_json_u64(o, "kcompactd_wakes", s->kcompactd_wakes);
	frag = json_object_new_object();
	for (n = 0; n < s->nr_frag_nodes && n < DSAMIG_STATS_NODES; n++) {
		if (s->frag_score[n] < 0)
			continue;
		snprintf(buf, sizeof(buf), "%u", n);
		json_object_object_add(frag, buf, json_object_new_int(s->frag_score[n]));
	}
	json_object_object_add(o, "fragmentation_score", frag);
	json_object_object_add(j, "compaction", o);

	o = json_object_new_object();
	dsamig_json_u64(o, "regions_applied", s->damos_applies);
	dsamig_json_u64(o, "bytes_applied", s->damos_bytes);
	r = dsamig_decoder_find_reason(d, "damon", DSAMIG_MAX_REASONS);
	if (r < DSAMIG_MAX_REASONS)
		dsamig_json_u64(o, "bytes_migrated", s->migrate[r].succeeded * page);
	json_object_object_add(j, "damon", o);

	hist = json_object_new_object();
	json_object_object_add(hist, "migrate_pages", hist_json(&s->migrate_pages_hist));
	json_object_object_add(hist, "migrate_ns", hist_json(&s->migrate_ns_hist));
	json_object_object_add(hist, "run_pages", hist_json(&s->run_pages_hist));
	json_object_object_add(hist, "run_ns", hist_json(&s->run_ns_hist));
	json_object_object_add(j, "histograms", hist);
	return j;
}

static double per_s(uint64_t pages, uint64_t ns)
{
	return ns ? (double)pages * 1e9 / (double)ns : 0;
}

int dsamig_result_to_json(struct json_object *j, const struct dsamig_session_result *m)
{
	struct json_object *o;

	dsamig_json_double(j, "duration_s", m->secs, 3);
	json_object_object_add(j, "interrupted", json_object_new_boolean(m->interrupted));
	dsamig_json_u64(j, "pages_migrated", m->migrated);
	dsamig_json_u64(j, "pages_failed", m->failed);
	/* the time inside migrate_pages() calls, and the pages per second of it */
	dsamig_json_double(j, "migrate_pages_s", (double)m->total.migrate_ns / 1e9, 6);
	dsamig_json_double(j, "pages_per_migrate_s", per_s(m->migrated, m->total.migrate_ns), 1);
	o = dsamig_vmstat_to_json(&m->vmstat);
	if (!o)
		return -ENOMEM;
	json_object_object_add(j, "vmstat", o);
	json_object_object_add(j, "module_loaded", json_object_new_boolean(m->module));
	if (m->module) {
		o = dsamig_copy_to_json(&m->total);
		if (!o)
			return -ENOMEM;
		json_object_object_add(j, "copy", o);
	}
	dsamig_json_u64(j, "lost_events", m->total.lost_events);
	return 0;
}
