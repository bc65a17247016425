// SPDX-License-Identifier: GPL-2.0
/*
 * Raw event decoding: one id compare and a few tep_read_number_field()
 * calls on cached field pointers per event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The halves of migrate_pages() calls (mm_migrate_pages_start and
 * mm_migrate_pages) wait here until dsamig_decoder_pair(): per-CPU buffers
 * are read one after the other, so when a task moved to another CPU during
 * a call, its end can be read before its start, or a later call's start
 * before its end. Sorted by task and time, each start pairs with the next
 * half of the same task when that is an end.
 */
#define MAX_HALVES	8192

/* Field lists: the migrate and compaction ones are the kernel's, the dsamig ones the module's contract. */
#define MIGRATE_FIELDS(X)	X(int, succeeded) X(int, failed) X(int, reason)
#define COMPACT_MIGRATE_FIELDS(X) X(unsigned long, nr_migrated) X(unsigned long, nr_failed)
#define DAMOS_APPLY_FIELDS(X)	X(unsigned long, start) X(unsigned long, end)
#define NO_FIELDS(X)

#define FIELD_NAME(type, name)	#name,
#define RUN_ENUM(type, name)	RUN_##name,
#define CPU_ENUM(type, name)	CPU_##name,
#define FB_ENUM(type, name)	FB_##name,
#define MIG_ENUM(type, name)	MIG_##name,
#define CM_ENUM(type, name)	CM_##name,
#define DA_ENUM(type, name)	DA_##name,

enum { MIGRATE_FIELDS(MIG_ENUM) };
enum { COMPACT_MIGRATE_FIELDS(CM_ENUM) };
enum { DAMOS_APPLY_FIELDS(DA_ENUM) };
enum { DSAMIG_RUN_FIELDS(RUN_ENUM) };
enum { DSAMIG_CPU_COPY_FIELDS(CPU_ENUM) };
enum { DSAMIG_FALLBACK_FIELDS(FB_ENUM) };

#define FIELDS(list) ((const char *const[]){ list(FIELD_NAME) NULL })

static const struct source_spec {
	const char *system;
	const char *event;
	const char *const *fields;	/* NULL-terminated, in the enum's order */
} sources[DSAMIG_NR_SOURCES] = {
	[DSAMIG_SRC_MIGRATE] = { "migrate", "mm_migrate_pages", FIELDS(MIGRATE_FIELDS) },
	[DSAMIG_SRC_MIGRATE_START] = { "migrate", "mm_migrate_pages_start", FIELDS(NO_FIELDS) },
	[DSAMIG_SRC_COMPACT_BEGIN] = { "compaction", "mm_compaction_begin", FIELDS(NO_FIELDS) },
	[DSAMIG_SRC_COMPACT_MIGRATE] = { "compaction", "mm_compaction_migratepages",
					 FIELDS(COMPACT_MIGRATE_FIELDS) },
	[DSAMIG_SRC_KCOMPACTD_WAKE] = { "compaction", "mm_compaction_kcompactd_wake",
					FIELDS(NO_FIELDS) },
	[DSAMIG_SRC_DAMOS_APPLY] = { "damon", "damos_before_apply", FIELDS(DAMOS_APPLY_FIELDS) },
	[DSAMIG_SRC_RUN] = { DSAMIG_TRACE_SYSTEM, DSAMIG_EV_RUN, FIELDS(DSAMIG_RUN_FIELDS) },
	[DSAMIG_SRC_CPU_COPY] = { DSAMIG_TRACE_SYSTEM, DSAMIG_EV_CPU_COPY,
				  FIELDS(DSAMIG_CPU_COPY_FIELDS) },
	[DSAMIG_SRC_FALLBACK] = { DSAMIG_TRACE_SYSTEM, DSAMIG_EV_FALLBACK,
				  FIELDS(DSAMIG_FALLBACK_FIELDS) },
};

#define MAX_FIELDS 16

struct source {
	int id;				/* -1: not in this kernel */
	struct tep_format_field *field[MAX_FIELDS];
};

struct half {
	unsigned long long pid, ts;
	bool end;
};

struct dsamig_decoder {
	struct tep_handle *tep;
	struct kbuffer *kb;
	struct tep_format_field *common_pid;
	struct source src[DSAMIG_NR_SOURCES];
	char *reason[DSAMIG_MAX_REASONS];
	unsigned int nr_reasons;
	struct half half[MAX_HALVES];
	unsigned int nr_halves;
};

const char *dsamig_source_system(enum dsamig_source src)
{
	return sources[src].system;
}

const char *dsamig_source_event(enum dsamig_source src)
{
	return sources[src].event;
}

static void find_source(struct dsamig_decoder *d, enum dsamig_source i)
{
	const struct source_spec *spec = &sources[i];
	struct source *src = &d->src[i];
	struct tep_event *ev;
	unsigned int f;

	src->id = -1;
	ev = tep_find_event_by_name(d->tep, spec->system, spec->event);
	if (!ev)
		return;
	for (f = 0; spec->fields[f]; f++) {
		src->field[f] = tep_find_field(ev, spec->fields[f]);
		/* A kernel or module whose event lacks a field is not decoded. */
		if (!src->field[f])
			return;
	}
	src->id = ev->id;
	if (!d->common_pid)
		d->common_pid = tep_find_common_field(ev, "common_pid");
}

/* __print_symbolic(REC->reason, { 0, "compaction" }, ...) anywhere in @arg. */
static void find_reason_symbols(struct dsamig_decoder *d, struct tep_print_arg *arg)
{
	struct tep_print_flag_sym *sym;

	for (; arg; arg = arg->next) {
		if (arg->type == TEP_PRINT_OP) {
			find_reason_symbols(d, arg->op.left);
			find_reason_symbols(d, arg->op.right);
			continue;
		}
		if (arg->type != TEP_PRINT_SYMBOL || !arg->symbol.field ||
		    arg->symbol.field->type != TEP_PRINT_FIELD ||
		    strcmp(arg->symbol.field->field.name, "reason"))
			continue;
		for (sym = arg->symbol.symbols; sym; sym = sym->next) {
			char *end;
			unsigned long v = strtoul(sym->value, &end, 0);

			if (*end || end == sym->value || v >= DSAMIG_MAX_REASONS || d->reason[v])
				continue;
			d->reason[v] = strdup(sym->str);
			if (d->reason[v] && v + 1 > d->nr_reasons)
				d->nr_reasons = (unsigned int)v + 1;
		}
	}
}

int dsamig_decoder_new(struct tep_handle *tep, struct dsamig_decoder **out)
{
	struct dsamig_decoder *d;
	struct tep_event *ev;
	unsigned int i;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->tep = tep;
	for (i = 0; i < DSAMIG_NR_SOURCES; i++)
		find_source(d, i);
	if (d->src[DSAMIG_SRC_MIGRATE].id < 0) {
		free(d);
		return -ENOENT;
	}
	d->kb = kbuffer_alloc(tep_get_header_page_size(tep) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
			      tep_is_file_bigendian(tep) ? KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE);
	if (!d->kb) {
		free(d);
		return -ENOMEM;
	}
	ev = tep_find_event(tep, d->src[DSAMIG_SRC_MIGRATE].id);
	find_reason_symbols(d, ev->print_fmt.args);
	*out = d;
	return 0;
}

void dsamig_decoder_free(struct dsamig_decoder *d)
{
	unsigned int i;

	if (!d)
		return;
	for (i = 0; i < DSAMIG_MAX_REASONS; i++)
		free(d->reason[i]);
	kbuffer_free(d->kb);
	free(d);
}

bool dsamig_decoder_has(const struct dsamig_decoder *d, enum dsamig_source src)
{
	return d->src[src].id >= 0;
}

int dsamig_decoder_event_id(const struct dsamig_decoder *d, enum dsamig_source src)
{
	return d->src[src].id;
}

void dsamig_decoder_carry(struct dsamig_decoder *to, struct dsamig_decoder *from)
{
	memcpy(to->half, from->half, from->nr_halves * sizeof(from->half[0]));
	to->nr_halves = from->nr_halves;
	from->nr_halves = 0;
}

const char *dsamig_decoder_reason(const struct dsamig_decoder *d, unsigned int reason)
{
	return reason < DSAMIG_MAX_REASONS ? d->reason[reason] : NULL;
}

unsigned int dsamig_decoder_nr_reasons(const struct dsamig_decoder *d)
{
	return d->nr_reasons;
}

unsigned int dsamig_decoder_find_reason(const struct dsamig_decoder *d, const char *name,
					unsigned int fallback)
{
	unsigned int r;

	for (r = 0; d && r < DSAMIG_MAX_REASONS; r++)
		if (d->reason[r] && !strcmp(d->reason[r], name))
			return r;
	return fallback;
}

static unsigned long long get(const struct source *src, unsigned int f, const void *data)
{
	unsigned long long v = 0;

	tep_read_number_field(src->field[f], data, &v);
	return v;
}

static unsigned long long get_pid(struct dsamig_decoder *d, const void *data)
{
	unsigned long long pid = 0;

	if (d->common_pid)
		tep_read_number_field(d->common_pid, data, &pid);
	return pid;
}

static int cmp_half(const void *a, const void *b)
{
	const struct half *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (int)x->end - (int)y->end;
}

void dsamig_decoder_pair(struct dsamig_decoder *d, struct dsamig_stats *s)
{
	unsigned int i, kept = 0;
	struct half *h = d->half;

	qsort(h, d->nr_halves, sizeof(*h), cmp_half);
	for (i = 0; i < d->nr_halves; i++) {
		bool last_of_task = i + 1 == d->nr_halves || h[i + 1].pid != h[i].pid;

		if (h[i].end)
			continue;		/* its start was lost */
		if (last_of_task) {
			h[kept++] = h[i];	/* the call may end in a later read */
			continue;
		}
		if (h[i + 1].end) {
			dsamig_stats_migrate_latency(s, h[i + 1].ts - h[i].ts);
			i++;
		}
	}
	d->nr_halves = kept;
}

static void add_half(struct dsamig_decoder *d, const void *data, unsigned long long ts,
		     bool end, struct dsamig_stats *s)
{
	if (d->nr_halves == MAX_HALVES)
		dsamig_decoder_pair(d, s);
	if (d->nr_halves == MAX_HALVES)
		d->nr_halves = 0;	/* only unfinished starts: drop them */
	d->half[d->nr_halves++] = (struct half){ get_pid(d, data), ts, end };
}

static void migrate_end(struct dsamig_decoder *d, const void *data, unsigned long long ts,
			struct dsamig_stats *s)
{
	const struct source *src = &d->src[DSAMIG_SRC_MIGRATE];

	dsamig_stats_migrate(s, get(src, MIG_reason, data), get(src, MIG_succeeded, data),
			     get(src, MIG_failed, data));
	add_half(d, data, ts, true, s);
}

static void run(struct dsamig_decoder *d, const void *data, struct dsamig_stats *s)
{
	const struct source *src = &d->src[DSAMIG_SRC_RUN];
	struct dsamig_run_event ev = {
		.reason = get(src, RUN_reason, data),
		.backend = get(src, RUN_backend, data),
		.result = get(src, RUN_result, data),
		.nr_folios = get(src, RUN_nr_folios, data),
		.nr_pages = get(src, RUN_nr_pages, data),
		.nr_segments = get(src, RUN_nr_segments, data),
		.nr_channels = get(src, RUN_nr_channels, data),
		.phase_ns = {
			[DSAMIG_PHASE_SG] = get(src, RUN_sg_ns, data),
			[DSAMIG_PHASE_MAP] = get(src, RUN_map_ns, data),
			[DSAMIG_PHASE_SUBMIT] = get(src, RUN_submit_ns, data),
			[DSAMIG_PHASE_WAIT] = get(src, RUN_wait_ns, data),
			[DSAMIG_PHASE_UNMAP] = get(src, RUN_unmap_ns, data),
		},
	};

	dsamig_stats_run(s, &ev);
}

void dsamig_decode_event(struct dsamig_decoder *d, const void *data, int size,
			unsigned long long ts, struct dsamig_stats *s)
{
	struct tep_record rec = { .ts = ts, .data = (void *)data, .size = size };
	const struct source *src;
	int id = tep_data_type(d->tep, &rec);
	unsigned int i;

	for (i = 0; i < DSAMIG_NR_SOURCES; i++)
		if (d->src[i].id == id)
			break;
	if (i == DSAMIG_NR_SOURCES)
		return;
	src = &d->src[i];
	s->events++;
	switch (i) {
	case DSAMIG_SRC_MIGRATE:
		migrate_end(d, data, ts, s);
		break;
	case DSAMIG_SRC_MIGRATE_START:
		add_half(d, data, ts, false, s);
		break;
	case DSAMIG_SRC_COMPACT_BEGIN:
		s->compact_runs++;
		break;
	case DSAMIG_SRC_COMPACT_MIGRATE:
		s->compact_migrated += get(src, CM_nr_migrated, data);
		s->compact_failed += get(src, CM_nr_failed, data);
		break;
	case DSAMIG_SRC_KCOMPACTD_WAKE:
		s->kcompactd_wakes++;
		break;
	case DSAMIG_SRC_DAMOS_APPLY:
		s->damos_applies++;
		s->damos_bytes += get(src, DA_end, data) - get(src, DA_start, data);
		break;
	case DSAMIG_SRC_RUN:
		run(d, data, s);
		break;
	case DSAMIG_SRC_CPU_COPY:
		dsamig_stats_cpu_copy(s, get(src, CPU_nr_pages, data), get(src, CPU_copy_ns, data));
		break;
	case DSAMIG_SRC_FALLBACK:
		dsamig_stats_fallback(s, get(src, FB_cause, data));
		break;
	}
}

int dsamig_decode_kbuffer(struct dsamig_decoder *d, struct kbuffer *kb, struct dsamig_stats *s)
{
	unsigned long long ts;
	uint64_t before = s->events;
	void *data;

	if (kbuffer_missed_events(kb))
		s->lost_pages++;
	for (data = kbuffer_read_event(kb, &ts); data; data = kbuffer_next_event(kb, &ts))
		dsamig_decode_event(d, data, kbuffer_event_size(kb), ts, s);
	return (int)(s->events - before);
}

int dsamig_decode_subbuf(struct dsamig_decoder *d, void *subbuf, struct dsamig_stats *s)
{
	if (kbuffer_load_subbuffer(d->kb, subbuf) < 0)
		return -EINVAL;
	return dsamig_decode_kbuffer(d, d->kb, s);
}
