/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers for the values users type on the command line: sizes, durations,
 * node lists and bounded whole numbers.
 *
 * All of them take the whole string or nothing: no leading or trailing
 * whitespace, no sign, no trailing junk. They return 0 and store the result,
 * or a negative errno and leave the result untouched:
 *   -EINVAL  the text is not a value of this kind
 *   -ERANGE  it is one, but too large or outside the allowed range
 */
#ifndef DSAMIG_PARSE_H
#define DSAMIG_PARSE_H

#include <stdint.h>

#include "nodemask.h"

/*
 * "4096", "64K", "64k", "64KB", "64KiB", "2M", "1G", "2T", "1P", "1E", "512B":
 * binary units (1K = 1024), unit letter in either case.
 */
int dsamig_parse_size(const char *s, uint64_t *bytes);

/*
 * "30s", "500ms", "100us", "250ns", "2m", "1h", "1.5s"; a bare number is
 * seconds. Fractions below one nanosecond are truncated.
 */
int dsamig_parse_duration(const char *s, uint64_t *ns);

/*
 * "0", "0-3,5", "1,3-4" into @mask (cleared first). Every id must be below
 * @max_nodes, which must be between 1 and DSAMIG_MAX_NODES.
 */
int dsamig_parse_nodelist(const char *s, unsigned int max_nodes,
			  struct dsamig_nodemask *mask);

/* A decimal whole number in [@min, @max]. */
int dsamig_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * And the way back, for messages: @one when @n is 1, else @many, as in
 * printf("%d %s", n, dsamig_plural(n, "engine", "engines")).
 */
static inline const char *dsamig_plural(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

#endif /* DSAMIG_PARSE_H */
