/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct dsamig_stats as a json-c object: the object 'dsamig top --json'
 * prints per interval and 'dsamig stat --json' once. The keys are listed
 * in dsamig-top(8); counts are over the interval, never rates.
 */
#ifndef DSAMIG_STATS_JSON_H
#define DSAMIG_STATS_JSON_H

#include <stdbool.h>

#include <json-c/json.h>

#include "decode.h"
#include "stats.h"

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
