/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What dsamig compact, promote and demote report alike: the reason value
 * of a migration kind, and how dsamig.ko copied the pages (per backend,
 * setup against transfer time, and the CPU copies), as text or JSON.
 */
#ifndef DSAMIG_CLI_REPORT_H
#define DSAMIG_CLI_REPORT_H

#include <stdint.h>

#include <json-c/json.h>

#include "top.h"

/* The reason value the kernel names @name ("compaction", "damon"), or @fallback. */
unsigned int report_reason(const struct dsamig_decoder *d, const char *name,
			   unsigned int fallback);

void report_add_u64(struct json_object *o, const char *key, uint64_t v);

/*
 * The time inside migrate_pages() calls (mm_migrate_pages_start to
 * mm_migrate_pages) and @pages per second of it: "migrate_pages_s" and
 * "pages_per_migrate_s", or a line "in migrate_pages()".
 */
void report_migrate_json(struct json_object *o, const struct dsamig_stats *st, uint64_t pages);
void report_migrate_human(const struct dsamig_stats *st, uint64_t pages);

/* {"dsa": {...}, "mt": {...}, "cpu": {...}, "cpu_copy": {...}} */
struct json_object *report_copy_json(const struct dsamig_stats *st);

/* The copy breakdown as indented lines, or that dsamig.ko is not loaded. */
void report_copy_human(const struct top_session *s);

#endif /* DSAMIG_CLI_REPORT_H */
