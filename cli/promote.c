// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig promote and dsamig demote: move hot pages of one node to another
 * (or cold ones), now, with a DAMON kdamond of dsamig's own, and report
 * what moved and how fast. The action is the library's (lib/move.h); this
 * is its command line, progress line and human report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "dsamig.h"
#include "move.h"
#include "parse.h"
#include "report.h"
#include "stats_json.h"

#define NSEC		1000000000ULL

struct promote_args {
	struct dsamig_move_params p;
	bool have_from, have_to, json, quiet;
};

enum { OPT_MIN_AGE = 256 };

/* The options promote and demote share, around the one that says which pages. */
#define NODE_OPTIONS \
	{ "from", 'f', "NODE", 0, "Move pages from this node (required)", 0 }, \
	{ "to", 't', "NODE", 0, "Move them to this node (required)", 0 }
#define RUN_OPTIONS \
	{ "quota", 'Q', "BYTES", 0, "Move at most BYTES per second (64M, 1G; default: no limit)", 0 }, \
	{ "duration", 'd', "TIME", 0, "Run this long (10s, 2m; default 10s), or until Ctrl-C", 0 }, \
	{ "json", 'j', NULL, 0, "Print the report as one JSON object", 0 }, \
	{ "quiet", 'q', NULL, 0, "No progress line while running", 0 }, \
	{ 0 }

static const struct argp_option promote_options[] = {
	NODE_OPTIONS,
	{ "hot", 'H', "PERCENT", 0,
	  "Promote regions accessed in at least PERCENT of DAMON's samples (1-100; default 5)", 0 },
	RUN_OPTIONS,
};

static const struct argp_option demote_options[] = {
	NODE_OPTIONS,
	{ "min-age", OPT_MIN_AGE, "TIME", 0,
	  "Demote regions not accessed for at least TIME (default 1s)", 0 },
	RUN_OPTIONS,
};

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct promote_args *a = state->input;
	uint64_t v;

	switch (key) {
	case 'f':
		a->have_from = true;
		return cli_parse_node(state, "--from", arg, &a->p.from);
	case 't':
		a->have_to = true;
		return cli_parse_node(state, "--to", arg, &a->p.to);
	case 'H':
		if (dsamig_parse_uint(arg, 1, 100, &v))
			return cli_usage_error(state, "bad --hot '%s': a percentage from 1 to 100",
					       arg);
		a->p.hot_pct = (unsigned int)v;
		return 0;
	case OPT_MIN_AGE:
		if (dsamig_parse_duration(arg, &a->p.min_age_ns) ||
		    a->p.min_age_ns / 1000 / DSAMIG_MOVE_AGGR_US > UINT32_MAX)
			return cli_usage_error(state, "bad --min-age '%s': a time such as 1s or 500ms",
					       arg);
		return 0;
	case 'Q':
		if (dsamig_parse_size(arg, &a->p.quota) || !a->p.quota)
			return cli_usage_error(state, "bad --quota '%s': bytes per second such as 64M",
					       arg);
		return 0;
	case 'd':
		if (dsamig_parse_duration(arg, &a->p.duration_ns) || a->p.duration_ns < NSEC / 10)
			return cli_usage_error(state, "bad --duration '%s': a time of at least 100ms "
					       "such as 10s or 2m", arg);
		return 0;
	case 'j':
		a->json = true;
		return 0;
	case 'q':
		a->quiet = true;
		return 0;
	case ARGP_KEY_ARG:
		return cli_usage_error(state, "unexpected argument '%s'", arg);
	case ARGP_KEY_END:
		if (!a->have_from || !a->have_to)
			return cli_usage_error(state, "--from and --to are required");
		if (a->p.from == a->p.to)
			return cli_usage_error(state, "--from and --to are the same node (%u)",
					       a->p.from);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp promote_argp = {
	.options = promote_options,
	.parser = parser,
	.doc = "Promote the hot pages of node --from to node --to now, with a DAMON kdamond "
	       "of dsamig's own (migrate_hot), for --duration or until Ctrl-C; then remove "
	       "the kdamond and report the bytes DAMON tried and migrated, pages/s, and how "
	       "dsamig.ko copied the pages when it is loaded.",
};

static const struct argp demote_argp = {
	.options = demote_options,
	.parser = parser,
	.doc = "Demote the cold pages of node --from to node --to now, with a DAMON kdamond "
	       "of dsamig's own (migrate_cold), for --duration or until Ctrl-C; then remove "
	       "the kdamond and report the bytes DAMON tried and migrated, pages/s, and how "
	       "dsamig.ko copied the pages when it is loaded.",
};

struct progress_arg {
	bool demote;
	uint64_t page_size;
};

static void progress(void *arg, uint64_t pages, double secs)
{
	const struct progress_arg *pa = arg;
	char bytes[32];

	cli_fmt_bytes(bytes, sizeof(bytes), (double)(pages * pa->page_size));
	fprintf(stderr, "\r  %sing: %12s migrated  %10.0f pages/s  %6.1f s ",
		pa->demote ? "demot" : "promot", bytes, secs > 0 ? (double)pages / secs : 0, secs);
}

static void print_human(const struct dsamig_move_report *r)
{
	const struct dsamig_move_params *p = &r->p;
	const struct dsamig_session_result *m = &r->m;
	uint64_t pages = r->st.sz_applied / r->page_size;
	char tried[32], applied[32], quota[32];

	cli_fmt_bytes(tried, sizeof(tried), (double)r->st.sz_tried);
	cli_fmt_bytes(applied, sizeof(applied), (double)r->st.sz_applied);
	printf("%s node %u -> node %u%s (%.2f s)\n", p->demote ? "Demotion" : "Promotion",
	       p->from, p->to, m->interrupted ? ", interrupted" : r->died ?
	       ", the kdamond stopped early" : "", m->secs);
	if (p->demote)
		printf("  %-20s %12.3f s not accessed\n", "cold", (double)p->min_age_ns / 1e9);
	else
		printf("  %-20s %12u %% of samples accessed\n", "hot", p->hot_pct);
	if (p->quota) {
		cli_fmt_bytes(quota, sizeof(quota), (double)p->quota);
		printf("  %-20s %12s/s\n", "quota", quota);
	}
	printf("  %-20s %12s %8llu %s\n", "tried", tried, (unsigned long long)r->st.nr_tried,
	       dsamig_plural(r->st.nr_tried, "region", "regions"));
	printf("  %-20s %12s %8llu %s\n", "migrated", applied, (unsigned long long)pages,
	       dsamig_plural(pages, "page", "pages"));
	printf("  %-20s %12.0f pages/s\n", "rate", dsamig_move_pages_per_s(r));
	printf("  %-20s %12llu %s\n", "quota exceeded", (unsigned long long)r->st.qt_exceeds,
	       dsamig_plural(r->st.qt_exceeds, "time", "times"));
	printf("  %-20s %12llu %s %8llu failed\n", "traced (damon)",
	       (unsigned long long)m->migrated, dsamig_plural(m->migrated, "page ", "pages"),
	       (unsigned long long)m->failed);
	report_migrate_human(m);
	report_copy_human(m);
}

static int cmd_move(int argc, char *argv[], struct dsamig_ctx *ctx, bool demote)
{
	struct promote_args a = { .p = { .demote = demote, .hot_pct = 5, .min_age_ns = NSEC,
					 .duration_ns = 10 * NSEC } };
	struct progress_arg pa = { .demote = demote, .page_size = (uint64_t)sysconf(_SC_PAGESIZE) };
	struct dsamig_progress p = { .arg = &pa, .interval_ns = NSEC };
	struct dsamig_move_report r;
	bool tty;
	int ret, err;

	ret = cli_parse_args(demote ? &demote_argp : &promote_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], demote ? "demote pages with DAMON" :
				      "promote pages with DAMON");
	if (ret)
		return ret;
	tty = !a.json && !a.quiet && isatty(STDERR_FILENO);
	if (tty)
		p.fn = progress;
	err = dsamig_move_run(ctx, &a.p, &p, &r);
	if (tty)
		fputs("\r\033[K", stderr);
	if (err)
		return DSAMIG_EXIT_FAILURE;
	/* a kdamond left behind (said, with the remedy) fails the run, reported */
	ret = r.kdamond_left ? DSAMIG_EXIT_FAILURE : DSAMIG_EXIT_OK;
	if (a.json)
		return cli_print_json(ctx, stdout, dsamig_move_report_to_json(&r)) ?: ret;
	print_human(&r);
	return ret;
}

int cmd_promote(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	return cmd_move(argc, argv, ctx, false);
}

int cmd_demote(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	return cmd_move(argc, argv, ctx, true);
}
