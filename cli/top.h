/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by dsamig top (batch and screen) and dsamig stat: one tracing
 * session, its totals and the last interval.
 */
#ifndef DSAMIG_CLI_TOP_H
#define DSAMIG_CLI_TOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"
#include "trace.h"

struct top_session {
	struct dsamig_trace *trace;
	const struct dsamig_decoder *dec;
	bool module;
	struct dsamig_stats total;	/* since the start, or the last reset */
	struct dsamig_stats mark;	/* total at the last interval's end */
	struct dsamig_stats delta;	/* the last interval */
	uint64_t start_ns, mark_ns, reset_ns;
	double delta_s;
	char threshold[32], backend[32];
};

extern volatile sig_atomic_t top_stop;

uint64_t top_now_ns(void);

/* Not root: print why and return DSAMIG_EXIT_FAILURE; 0 when root. */
/* Open the trace; on failure print one line and return DSAMIG_EXIT_FAILURE. */
int top_session_open(struct top_session *s, const char *cmd);
void top_session_close(struct top_session *s);
/* Stop on SIGINT/SIGTERM/SIGHUP (top_stop); clean up on crashes. */
void top_signals(struct top_session *s, void (*restore)(void));

/* Read the trace into the totals; refresh the sampled values. */
void top_drain(struct top_session *s);
/*
 * Drain until @deadline_ns, waking early when @fd (>= 0) is readable or
 * top_stop is set. Returns true when @fd is readable.
 */
bool top_wait(struct top_session *s, uint64_t deadline_ns, int fd);
/* End the interval: delta = total - mark. */
void top_interval(struct top_session *s);
void top_reset(struct top_session *s);

/* Human summary of @st over @secs, as dsamig stat prints it. */
void top_print_summary(FILE *f, const struct top_session *s,
		       const struct dsamig_stats *st, double secs);

int top_tui_run(struct top_session *s, uint64_t interval_ns, uint64_t duration_ns,
		unsigned long iterations);

#endif /* DSAMIG_CLI_TOP_H */
