/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding raw ring-buffer events into struct dsamig_stats.
 *
 * The decoder finds the events dsamig reads in a libtraceevent handle (the
 * live kernel's formats, or formats recorded elsewhere), locates their
 * fields by name once and reads them with the number-field API: no text is
 * formatted or parsed per event. Migration reason names come from the
 * kernel's own print format of migrate:mm_migrate_pages.
 */
#ifndef DSAMIG_DECODE_H
#define DSAMIG_DECODE_H

#include <stdbool.h>

#include <event-parse.h>
#include <kbuffer.h>

#include "stats.h"

struct dsamig_decoder;

/* The events dsamig reads, as (system, event) pairs by index. */
enum dsamig_source {
	DSAMIG_SRC_MIGRATE,		/* migrate:mm_migrate_pages */
	DSAMIG_SRC_MIGRATE_START,	/* migrate:mm_migrate_pages_start */
	DSAMIG_SRC_COMPACT_BEGIN,	/* compaction:mm_compaction_begin */
	DSAMIG_SRC_COMPACT_MIGRATE,	/* compaction:mm_compaction_migratepages */
	DSAMIG_SRC_KCOMPACTD_WAKE,	/* compaction:mm_compaction_kcompactd_wake */
	DSAMIG_SRC_DAMOS_APPLY,		/* damon:damos_before_apply */
	DSAMIG_SRC_RUN,			/* dsamig:dsamig_run */
	DSAMIG_SRC_CPU_COPY,		/* dsamig:dsamig_cpu_copy */
	DSAMIG_SRC_FALLBACK,		/* dsamig:dsamig_fallback */
	DSAMIG_NR_SOURCES
};

/* The system and event names of @src. */
const char *dsamig_source_system(enum dsamig_source src);
const char *dsamig_source_event(enum dsamig_source src);

/*
 * A decoder over @tep, which must outlive it. Events missing from @tep, or
 * lacking a field dsamig needs, are left out (dsamig_decoder_has() says so).
 * -ENOENT when not even migrate:mm_migrate_pages is there.
 */
int dsamig_decoder_new(struct tep_handle *tep, struct dsamig_decoder **out);
void dsamig_decoder_free(struct dsamig_decoder *d);

bool dsamig_decoder_has(const struct dsamig_decoder *d, enum dsamig_source src);
/* The event id of @src in the decoder's formats, -1 when it is not there. */
int dsamig_decoder_event_id(const struct dsamig_decoder *d, enum dsamig_source src);

/*
 * Move the unpaired migrate_pages() halves of @from to @to, a decoder over
 * newer formats of the same kernel (a module reloaded): calls in progress
 * keep their start.
 */
void dsamig_decoder_carry(struct dsamig_decoder *to, struct dsamig_decoder *from);

/*
 * The kernel's name of migration reason @reason ("compaction", "damon"...),
 * or NULL when its print format does not name it. Reasons are numbered
 * 0 .. dsamig_decoder_nr_reasons() - 1.
 */
const char *dsamig_decoder_reason(const struct dsamig_decoder *d, unsigned int reason);
unsigned int dsamig_decoder_nr_reasons(const struct dsamig_decoder *d);

/*
 * The value of the reason the kernel names @name, or @fallback (@d may be
 * NULL): where this kernel's print format puts "damon", not where 6.12 did.
 */
unsigned int dsamig_decoder_find_reason(const struct dsamig_decoder *d, const char *name,
					unsigned int fallback);

/*
 * Decode every event of one sub-buffer as read from trace_pipe_raw, or of a
 * kbuffer already loaded with one, into @s. Returns the number of events
 * decoded (of any kind) or a negative errno for a sub-buffer that is not one.
 */
int dsamig_decode_subbuf(struct dsamig_decoder *d, void *subbuf, struct dsamig_stats *s);
int dsamig_decode_kbuffer(struct dsamig_decoder *d, struct kbuffer *kb,
			  struct dsamig_stats *s);

/*
 * Time the migrate_pages() calls whose start and end were both decoded
 * (into @s's latency histogram and sum). Call it once all CPUs' buffers
 * have been read: either half may be read first.
 */
void dsamig_decoder_pair(struct dsamig_decoder *d, struct dsamig_stats *s);

/* Decode one event record (@data, @size bytes) stamped @ts ns into @s. */
void dsamig_decode_event(struct dsamig_decoder *d, const void *data, int size,
			 unsigned long long ts, struct dsamig_stats *s);

#endif /* DSAMIG_DECODE_H */
