// SPDX-License-Identifier: GPL-2.0
/*
 * Migration statistics: sums of tracepoint fields and log2 histograms.
 */
#include <stddef.h>
#include <string.h>

#include "stats.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

unsigned int dsamig_hist_bucket(uint64_t v)
{
	unsigned int b = v ? 64 - (unsigned int)__builtin_clzll(v) : 0;

	return b < DSAMIG_HIST_BUCKETS ? b : DSAMIG_HIST_BUCKETS - 1;
}

uint64_t dsamig_hist_bucket_min(unsigned int b)
{
	return b ? UINT64_C(1) << (b - 1) : 0;
}

void dsamig_hist_add(struct dsamig_hist *h, uint64_t v)
{
	h->bucket[dsamig_hist_bucket(v)]++;
}

uint64_t dsamig_hist_count(const struct dsamig_hist *h)
{
	uint64_t n = 0;
	unsigned int b;

	for (b = 0; b < DSAMIG_HIST_BUCKETS; b++)
		n += h->bucket[b];
	return n;
}

unsigned int dsamig_hist_used(const struct dsamig_hist *h)
{
	unsigned int b = DSAMIG_HIST_BUCKETS;

	while (b && !h->bucket[b - 1])
		b--;
	return b;
}

void dsamig_stats_reset(struct dsamig_stats *s)
{
	unsigned int nodes = s->nr_frag_nodes;
	int frag[DSAMIG_STATS_NODES];

	/* The fragmentation scores are a sample of now, not a total. */
	memcpy(frag, s->frag_score, sizeof(frag));
	memset(s, 0, sizeof(*s));
	s->nr_frag_nodes = nodes;
	memcpy(s->frag_score, frag, sizeof(frag));
}

/*
 * Every counter is a uint64_t; the struct is walked as an array of them so
 * that a counter added later cannot be forgotten here. The sampled tail
 * (nr_frag_nodes onwards) is copied instead.
 */
void dsamig_stats_delta(const struct dsamig_stats *now,
			const struct dsamig_stats *then,
			struct dsamig_stats *out)
{
	const size_t n = offsetof(struct dsamig_stats, nr_frag_nodes) / sizeof(uint64_t);
	const uint64_t *a = (const uint64_t *)now, *b = (const uint64_t *)then;
	uint64_t *o = (uint64_t *)out;
	size_t i;

	_Static_assert(offsetof(struct dsamig_stats, nr_frag_nodes) % sizeof(uint64_t) == 0,
		       "counters must be whole uint64_t");
	_Static_assert(sizeof(struct dsamig_hist) % sizeof(uint64_t) == 0,
		       "histograms must be whole uint64_t");
	for (i = 0; i < n; i++)
		o[i] = a[i] - b[i];
	out->nr_frag_nodes = now->nr_frag_nodes;
	memcpy(out->frag_score, now->frag_score, sizeof(out->frag_score));
}

static unsigned int reason_slot(uint64_t reason)
{
	return reason < DSAMIG_MAX_REASONS ? (unsigned int)reason : DSAMIG_MAX_REASONS - 1;
}

void dsamig_stats_migrate(struct dsamig_stats *s, uint64_t reason,
			  uint64_t succeeded, uint64_t failed)
{
	struct dsamig_migrate_count *m = &s->migrate[reason_slot(reason)];

	m->calls++;
	m->succeeded += succeeded;
	m->failed += failed;
	dsamig_hist_add(&s->migrate_pages_hist, succeeded + failed);
}

void dsamig_stats_migrate_latency(struct dsamig_stats *s, uint64_t ns)
{
	dsamig_hist_add(&s->migrate_ns_hist, ns);
	s->migrate_ns += ns;
}

void dsamig_stats_run(struct dsamig_stats *s, const struct dsamig_run_event *ev)
{
	struct dsamig_offload *o;
	uint64_t total = 0;
	unsigned int p;

	if (ev->backend >= DSAMIG_NR_BACKENDS)
		return;
	o = &s->offload[ev->backend];
	o->runs++;
	o->folios += ev->nr_folios;
	o->segments += ev->nr_segments;
	for (p = 0; p < DSAMIG_NR_PHASES; p++) {
		o->phase_ns[p] += ev->phase_ns[p];
		total += ev->phase_ns[p];
	}
	switch (ev->result) {
	case DSAMIG_RESULT_OK:
		o->pages += ev->nr_pages;
		break;
	case DSAMIG_RESULT_FALLBACK:
		o->fallback_runs++;
		o->fallback_pages += ev->nr_pages;
		break;
	default:
		o->error_runs++;
		o->fallback_pages += ev->nr_pages;
		break;
	}
	dsamig_hist_add(&s->run_pages_hist, ev->nr_pages);
	dsamig_hist_add(&s->run_ns_hist, total);
}

void dsamig_stats_cpu_copy(struct dsamig_stats *s, uint64_t nr_pages, uint64_t ns)
{
	s->cpu_copies++;
	s->cpu_pages += nr_pages;
	s->cpu_copy_ns += ns;
}

void dsamig_stats_fallback(struct dsamig_stats *s, uint64_t cause)
{
	if (cause < ARRAY_SIZE(s->fallbacks))
		s->fallbacks[cause]++;
}

uint64_t dsamig_stats_migrated(const struct dsamig_stats *s)
{
	uint64_t n = 0;
	unsigned int r;

	for (r = 0; r < DSAMIG_MAX_REASONS; r++)
		n += s->migrate[r].succeeded;
	return n;
}

uint64_t dsamig_stats_migrate_failed(const struct dsamig_stats *s)
{
	uint64_t n = 0;
	unsigned int r;

	for (r = 0; r < DSAMIG_MAX_REASONS; r++)
		n += s->migrate[r].failed;
	return n;
}

uint64_t dsamig_offload_setup_ns(const struct dsamig_offload *o)
{
	return o->phase_ns[DSAMIG_PHASE_SG] + o->phase_ns[DSAMIG_PHASE_MAP] +
	       o->phase_ns[DSAMIG_PHASE_SUBMIT] + o->phase_ns[DSAMIG_PHASE_UNMAP];
}

bool dsamig_stats_has_module_events(const struct dsamig_stats *s)
{
	unsigned int b;

	for (b = 0; b < DSAMIG_NR_BACKENDS; b++)
		if (s->offload[b].runs)
			return true;
	return s->cpu_copies != 0;
}
