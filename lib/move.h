/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsamig promote's and demote's action: move hot pages of one node to
 * another (or cold ones), now, with a DAMON kdamond of dsamig's own, in a
 * measurement session, and report what moved and how fast.
 *
 * The kdamond watches the physical memory of @from (paddr operations, one
 * region per range of the node) with one migrate_hot or migrate_cold
 * scheme towards @to. It runs for the duration or until a stop signal;
 * then the scheme is made inert (action "stat", committed online) so that
 * the final stats count every migration it did, the kdamond is stopped and
 * removed, and the tracing instance too. A record in the state directory
 * names the kdamond while it exists, for status and the next run should
 * this one be killed. Nothing dsamig did not create is touched: when
 * kdamonds exist already it says so, with the remedy, and stops.
 */
#ifndef DSAMIG_MOVE_H
#define DSAMIG_MOVE_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "damon.h"
#include "session.h"

struct dsamig_move_params {
	bool demote;			/* migrate_cold, else migrate_hot */
	unsigned int from, to;
	unsigned int hot_pct;		/* promote: accessed in >= this % of samples */
	uint64_t min_age_ns;		/* demote: not accessed for this long */
	uint64_t quota;			/* bytes per second; 0: no limit */
	uint64_t duration_ns;
};

/* DAMON's sampling: every 5 ms, aggregated over 100 ms. */
#define DSAMIG_MOVE_SAMPLE_US	5000
#define DSAMIG_MOVE_AGGR_US	100000

struct dsamig_move_report {
	struct dsamig_move_params p;
	struct dsamig_range ranges[DSAMIG_MAX_RANGES];
	unsigned int nr_ranges;
	bool died;			/* the kdamond ended by itself */
	bool kdamond_left;		/* it could not be removed (said how to) */
	struct dsamig_damon_stats st;	/* DAMON's, of the scheme */
	uint64_t page_size;
	struct dsamig_session_result m;
};

/*
 * Run @p and fill in @r: 0 (a kdamond that could not be removed is said on
 * the error channel, with the remedy, and marked kdamond_left), or a
 * negative errno after one error line, and no report.
 */
int dsamig_move_run(struct dsamig_ctx *ctx, const struct dsamig_move_params *p,
		    const struct dsamig_progress *progress, struct dsamig_move_report *r);

/* Pages per second DAMON applied the scheme to, over the whole run. */
double dsamig_move_pages_per_s(const struct dsamig_move_report *r);

/* The report as dsamig-promote(8) documents it; NULL when out of memory. */
struct json_object *dsamig_move_report_to_json(const struct dsamig_move_report *r);

#endif /* DSAMIG_MOVE_H */
