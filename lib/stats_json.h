/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct dsamig_stats as a json-c object: the object 'dsamig top --json'
 * prints per interval and 'dsamig stat --json' once. The keys are listed
 * in dsamig-top(8); counts are over the interval, never rates.
 */
#ifndef DSAMIG_STATS_JSON_H
#define DSAMIG_STATS_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "compact.h"
#include "decode.h"
#include "session.h"
#include "stats.h"

/* Add a number; a double as text with @decimals (what the reader sees). */
void dsamig_json_u64(struct json_object *o, const char *key, uint64_t v);
void dsamig_json_double(struct json_object *o, const char *key, double v, int decimals);

/* The one printer: @o on one line to @f. 0, or a negative errno (EPIPE). */
int dsamig_json_print(FILE *f, struct json_object *o);

/*
 * The objects that appear in more than one verb's JSON, each with the same
 * keys wherever it does (dsamig-top(8) lists them):
 *   offload   one backend's runs, pages and phases (dsa, mt)
 *   cpu       the CPU copy path, and the cpu backend's runs
 *   copy      {"dsa": offload, "mt": offload, "cpu": cpu}
 *   vmstat    every counter of DSAMIG_VMSTAT_COUNTERS
 * NULL on allocation failure.
 */
struct json_object *dsamig_offload_to_json(const struct dsamig_offload *o);
struct json_object *dsamig_cpu_to_json(const struct dsamig_stats *s);
struct json_object *dsamig_copy_to_json(const struct dsamig_stats *s);
struct json_object *dsamig_vmstat_to_json(const struct dsamig_vmstat *v);

/*
 * What every measured action reports alike, added to @j: duration_s,
 * interrupted, pages_migrated, pages_failed, migrate_pages_s,
 * pages_per_migrate_s, vmstat, module_loaded, copy (when loaded),
 * lost_events. 0, or -ENOMEM.
 */
int dsamig_result_to_json(struct json_object *j, const struct dsamig_session_result *m);

/* Names the migration reasons as @d does; NULL on allocation failure. */
struct json_object *dsamig_stats_json(const struct dsamig_stats *s,
				      const struct dsamig_decoder *d,
				      double interval_s, bool module_loaded);

/* The name of reason @r for keys: the kernel's, or "reason<r>". */
const char *dsamig_reason_name(const struct dsamig_decoder *d, unsigned int r,
			       char *buf, size_t size);

/* Reasons to list: every named one, plus unnamed ones that were counted. */
bool dsamig_reason_listed(const struct dsamig_stats *s, const struct dsamig_decoder *d,
			  unsigned int r);

#endif /* DSAMIG_STATS_JSON_H */
