/* SPDX-License-Identifier: GPL-2.0 */
/* Option values of the guest test tools: a whole number in a range, or exit 2. */
#ifndef DSAMIG_TOOLS_NUMBER_H
#define DSAMIG_TOOLS_NUMBER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static inline long tool_number(const char *tool, const char *opt, const char *s,
			       long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "%s: %s takes a number from %ld to %ld, not '%s'\n",
			tool, opt, min, max, s);
		exit(2);
	}
	return v;
}

#endif
