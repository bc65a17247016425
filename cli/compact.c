// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig compact: compact the memory of some nodes now, trace it, and say
 * what it did: pages migrated and failed, pages/s, each node's
 * fragmentation score before and after, and how dsamig.ko copied the pages.
 * The action is the library's (lib/compact_run.h); this is its command line,
 * progress line and human report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "compact_run.h"
#include "dsamig.h"
#include "parse.h"
#include "report.h"
#include "stats_json.h"

#define PROGRESS_NS	(500 * 1000000ULL)

struct compact_args {
	struct dsamig_nodemask nodes;
	bool have_nodes, all, json, quiet;
};

static const struct argp_option options[] = {
	{ "node", 'N', "NODES", 0, "Compact these nodes (a list: 0,2-3)", 0 },
	{ "all", 'a', NULL, 0, "Compact every node with memory (the default)", 0 },
	{ "json", 'j', NULL, 0, "Print the report as one JSON object", 0 },
	{ "quiet", 'q', NULL, 0, "No progress line while compacting", 0 },
	{ 0 },
};

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct compact_args *a = state->input;

	switch (key) {
	case 'N':
		if (dsamig_parse_nodelist(arg, DSAMIG_MAX_NODES, &a->nodes) ||
		    !dsamig_nodemask_weight(&a->nodes))
			return cli_usage_error(state, "bad node list '%s'", arg);
		a->have_nodes = true;
		return 0;
	case 'a':
		a->all = true;
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
		if (a->have_nodes && a->all)
			return cli_usage_error(state, "--node and --all exclude each other");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp compact_argp = {
	.options = options,
	.parser = parser,
	.doc = "Compact the memory of the chosen nodes now (all nodes with memory by "
	       "default), tracing it, then report the pages migrated and failed, "
	       "pages/s, each node's fragmentation score before and after, and how "
	       "dsamig.ko copied the pages when it is loaded.",
};

static void progress(void *arg, uint64_t pages, double secs)
{
	fprintf(stderr, "\r  compacting: %10llu %s migrated  %10.0f pages/s  %6.1f s ",
		(unsigned long long)pages, dsamig_plural(pages, "page ", "pages"),
		secs > 0 ? (double)pages / secs : 0, secs);
}

/* One "  NAME  N page(s)" line of the report. */
static void print_pages(const char *name, uint64_t pages)
{
	printf("  %-20s %12llu %s\n", name, (unsigned long long)pages,
	       dsamig_plural(pages, "page", "pages"));
}

static void print_human(const struct dsamig_compact_report *r)
{
	const struct dsamig_session_result *m = &r->m;
	unsigned int n;

	printf("Compaction%s (%.2f s)\n", m->interrupted ? ", interrupted" : "", m->secs);
	if (m->interrupted)
		printf("  stopped by %s before the kernel was done: the rest is not compacted\n",
		       report_signal_name(m->signal));
	print_pages("migrated", m->migrated);
	print_pages("failed", m->failed);
	printf("  %-20s %12.0f pages/s\n", "rate",
	       m->secs > 0 ? (double)m->migrated / m->secs : 0);
	report_migrate_human(m);
	print_pages(dsamig_vmstat_name(DSAMIG_VMSTAT_pgmigrate_success),
		    m->vmstat.v[DSAMIG_VMSTAT_pgmigrate_success]);
	print_pages(dsamig_vmstat_name(DSAMIG_VMSTAT_compact_isolated),
		    m->vmstat.v[DSAMIG_VMSTAT_compact_isolated]);
	printf("  fragmentation score  %6s %8s\n", "before", "after");
	for (n = 0; n < DSAMIG_STATS_NODES; n++)
		if (dsamig_nodemask_test(&r->nodes, n))
			printf("    node %-14u %6d %8d\n", n, m->frag_before[n], m->frag_after[n]);
	report_copy_human(m);
}

int cmd_compact(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct compact_args a = { 0 };
	struct dsamig_progress p = { .interval_ns = PROGRESS_NS };
	struct dsamig_compact_report r;
	bool tty;
	int ret;

	ret = cli_parse_args(&compact_argp, argc, argv, 0, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "compact memory and trace it");
	if (ret)
		return ret;
	tty = !a.json && !a.quiet && isatty(STDERR_FILENO);
	if (tty)
		p.fn = progress;
	ret = dsamig_compact_run(ctx, a.have_nodes ? &a.nodes : NULL, &p, &r);
	if (tty)
		fputs("\r\033[K", stderr);
	if (ret)
		return DSAMIG_EXIT_FAILURE;
	if (a.json)
		return cli_print_json(ctx, stdout, dsamig_compact_report_to_json(&r));
	print_human(&r);
	return DSAMIG_EXIT_OK;
}
