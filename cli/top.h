/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by dsamig top (batch and screen) and dsamig stat, over a
 * measurement session (lib/session.h): the summary and the screen.
 */
#ifndef DSAMIG_CLI_TOP_H
#define DSAMIG_CLI_TOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "session.h"

/* Human summary of @st over @secs, as dsamig stat prints it. */
void top_print_summary(FILE *f, const struct dsamig_session *s,
		       const struct dsamig_stats *st, double secs);

int top_tui_run(struct dsamig_session *s, uint64_t interval_ns, uint64_t duration_ns,
		unsigned long iterations);

#endif /* DSAMIG_CLI_TOP_H */
