// SPDX-License-Identifier: GPL-2.0
/*
 * JSON of migration statistics, with json-c.
 */
#include <stdio.h>
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

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
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
		add_u64(e, "min", dsamig_hist_bucket_min(b));
		add_u64(e, "count", h->bucket[b]);
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *offload_json(const struct dsamig_offload *o, uint64_t page)
{
	struct json_object *j = json_object_new_object();

	add_u64(j, "runs", o->runs);
	add_u64(j, "pages", o->pages);
	add_u64(j, "bytes", o->pages * page);
	add_u64(j, "folios", o->folios);
	add_u64(j, "segments", o->segments);
	add_u64(j, "fallback_runs", o->fallback_runs);
	add_u64(j, "fallback_pages", o->fallback_pages);
	add_u64(j, "error_runs", o->error_runs);
	add_u64(j, "sg_ns", o->phase_ns[DSAMIG_PHASE_SG]);
	add_u64(j, "map_ns", o->phase_ns[DSAMIG_PHASE_MAP]);
	add_u64(j, "submit_ns", o->phase_ns[DSAMIG_PHASE_SUBMIT]);
	add_u64(j, "wait_ns", o->phase_ns[DSAMIG_PHASE_WAIT]);
	add_u64(j, "unmap_ns", o->phase_ns[DSAMIG_PHASE_UNMAP]);
	add_u64(j, "setup_ns", dsamig_offload_setup_ns(o));
	add_u64(j, "transfer_ns", o->phase_ns[DSAMIG_PHASE_WAIT]);
	return j;
}

struct json_object *dsamig_stats_json(const struct dsamig_stats *s,
				      const struct dsamig_decoder *d,
				      double interval_s, bool module_loaded)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct json_object *j = json_object_new_object();
	struct json_object *mig, *tot, *o, *frag, *hist;
	unsigned int r, b, n;
	char buf[32];

	if (!j)
		return NULL;
	/* Milliseconds are plenty, and "1.000" reads better than 0.99999999999999989. */
	snprintf(buf, sizeof(buf), "%.3f", interval_s);
	json_object_object_add(j, "interval_s", json_object_new_double_s(interval_s, buf));
	json_object_object_add(j, "module_loaded", json_object_new_boolean(module_loaded));
	add_u64(j, "events", s->events);
	add_u64(j, "lost_events", s->lost_events);

	mig = json_object_new_object();
	for (r = 0; r < DSAMIG_MAX_REASONS; r++) {
		if (!dsamig_reason_listed(s, d, r))
			continue;
		o = json_object_new_object();
		add_u64(o, "succeeded", s->migrate[r].succeeded);
		add_u64(o, "failed", s->migrate[r].failed);
		add_u64(o, "calls", s->migrate[r].calls);
		json_object_object_add(mig, dsamig_reason_name(d, r, buf, sizeof(buf)), o);
	}
	json_object_object_add(j, "migrations", mig);
	tot = json_object_new_object();
	add_u64(tot, "succeeded", dsamig_stats_migrated(s));
	add_u64(tot, "failed", dsamig_stats_migrate_failed(s));
	add_u64(tot, "bytes", dsamig_stats_migrated(s) * page);
	json_object_object_add(j, "migrations_total", tot);

	/* Offload backends by name; "cpu" is the CPU copy path below. */
	for (b = 0; b < DSAMIG_NR_BACKENDS; b++)
		if (b != DSAMIG_BACKEND_OFF && b != DSAMIG_BACKEND_CPU)
			json_object_object_add(j, backend_names[b],
					       offload_json(&s->offload[b], page));
	o = json_object_new_object();
	add_u64(o, "copies", s->cpu_copies);
	add_u64(o, "pages", s->cpu_pages);
	add_u64(o, "bytes", s->cpu_pages * page);
	add_u64(o, "copy_ns", s->cpu_copy_ns);
	add_u64(o, "backend_runs", s->offload[DSAMIG_BACKEND_CPU].runs);
	add_u64(o, "backend_pages", s->offload[DSAMIG_BACKEND_CPU].pages);
	json_object_object_add(j, "cpu", o);

	o = json_object_new_object();
	for (n = 0; n < DSAMIG_NR_CAUSES; n++)
		add_u64(o, cause_names[n], s->fallbacks[n]);
	json_object_object_add(j, "fallbacks", o);

	o = json_object_new_object();
	add_u64(o, "runs", s->compact_runs);
	add_u64(o, "migrated", s->compact_migrated);
	add_u64(o, "failed", s->compact_failed);
	add_u64(o, "kcompactd_wakes", s->kcompactd_wakes);
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
	add_u64(o, "regions_applied", s->damos_applies);
	add_u64(o, "bytes_applied", s->damos_bytes);
	for (r = 0; r < DSAMIG_MAX_REASONS; r++)
		if (d && dsamig_decoder_reason(d, r) &&
		    !strcmp(dsamig_decoder_reason(d, r), "damon"))
			add_u64(o, "bytes_migrated", s->migrate[r].succeeded * page);
	json_object_object_add(j, "damon", o);

	hist = json_object_new_object();
	json_object_object_add(hist, "migrate_pages", hist_json(&s->migrate_pages_hist));
	json_object_object_add(hist, "migrate_ns", hist_json(&s->migrate_ns_hist));
	json_object_object_add(hist, "run_pages", hist_json(&s->run_pages_hist));
	json_object_object_add(hist, "run_ns", hist_json(&s->run_ns_hist));
	json_object_object_add(j, "histograms", hist);
	return j;
}
