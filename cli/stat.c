// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig stat -- COMMAND: trace while COMMAND runs, then print the
 * migrations of that period, as perf stat does for counters, and exit with
 * COMMAND's status. The action is the library's (lib/stat_run.h); this is
 * its command line and its human summary.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "dsamig.h"
#include "stat_run.h"
#include "stats_json.h"
#include "top.h"

struct stat_args {
	bool json;
	const char *output;	/* NULL: standard error, as perf stat */
	int cmd;		/* index of COMMAND in argv */
};

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "Print the totals as one JSON object", 0 },
	{ "output", 'o', "FILE", 0, "Print the totals to FILE instead of standard error", 0 },
	{ 0 },
};

static error_t parser(int key, char *arg, struct argp_state *state)
{
	struct stat_args *a = state->input;

	switch (key) {
	case 'j':
		a->json = true;
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case ARGP_KEY_ARGS:
		a->cmd = state->next;
		return 0;
	case ARGP_KEY_NO_ARGS:
		return cli_usage_error(state, "no COMMAND to run");
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp stat_argp = {
	.options = options,
	.parser = parser,
	.args_doc = "[--] COMMAND [ARG...]",
	.doc = "Run COMMAND, trace the page migrations while it runs, then print their "
	       "totals: per reason, through DSA and the CPU, setup against transfer time, "
	       "compaction and DAMON. Exits with COMMAND's status.",
};

static void hist_line(FILE *f, const char *name, const struct dsamig_hist *h, bool ns)
{
	unsigned int b, used = dsamig_hist_used(h);
	char lo[16];

	if (!used)
		return;
	fprintf(f, "  %-22s", name);
	for (b = 0; b < used; b++) {
		if (!h->bucket[b])
			continue;
		if (ns)
			cli_fmt_ns(lo, sizeof(lo), (double)dsamig_hist_bucket_min(b));
		else
			snprintf(lo, sizeof(lo), "%llu", (unsigned long long)dsamig_hist_bucket_min(b));
		fprintf(f, " >=%s:%llu", lo, (unsigned long long)h->bucket[b]);
	}
	fputc('\n', f);
}

void top_print_summary(FILE *f, const struct dsamig_session *s, const struct dsamig_stats *st,
		       double secs)
{
	static const char *const phase[DSAMIG_NR_PHASES] = { "sg", "map", "submit", "wait", "unmap" };
	const struct dsamig_offload *dsa = &st->offload[DSAMIG_BACKEND_DSA];
	uint64_t dsa_pages = dsa->pages + dsa->fallback_pages;
	uint64_t all = dsamig_offload_setup_ns(dsa) + dsa->phase_ns[DSAMIG_PHASE_WAIT];
	unsigned int r, p;
	char buf[32], t[32];

	fprintf(f, "  %-22s %14s %12s %10s\n", "migrations (pages)", "succeeded", "failed", "calls");
	for (r = 0; r < DSAMIG_MAX_REASONS; r++) {
		if (!st->migrate[r].calls)
			continue;
		fprintf(f, "    %-20s %14llu %12llu %10llu\n",
			dsamig_reason_name(s->dec, r, buf, sizeof(buf)),
			(unsigned long long)st->migrate[r].succeeded,
			(unsigned long long)st->migrate[r].failed,
			(unsigned long long)st->migrate[r].calls);
	}
	fprintf(f, "    %-20s %14llu %12llu %10s   %.1f pages/s\n", "total",
		(unsigned long long)dsamig_stats_migrated(st),
		(unsigned long long)dsamig_stats_migrate_failed(st), "",
		secs > 0 ? (double)dsamig_stats_migrated(st) / secs : 0);
	fputc('\n', f);
	if (s->module) {
		fprintf(f, "  %-22s %14llu runs %10llu pages %8llu fallbacks\n", "DSA",
			(unsigned long long)dsa->runs, (unsigned long long)dsa->pages,
			(unsigned long long)dsa->fallback_runs);
		for (p = 0; p < DSAMIG_NR_PHASES; p++) {
			cli_fmt_ns(t, sizeof(t), (double)dsa->phase_ns[p]);
			fprintf(f, "    %-20s %14s %10.0f ns/page %7.1f%%\n", phase[p], t,
				dsa_pages ? (double)dsa->phase_ns[p] / (double)dsa_pages : 0,
				all ? 100.0 * (double)dsa->phase_ns[p] / (double)all : 0);
		}
		cli_fmt_ns(t, sizeof(t), (double)st->cpu_copy_ns);
		fprintf(f, "  %-22s %14llu pages %9s copying %.0f ns/page\n", "CPU",
			(unsigned long long)st->cpu_pages, t,
			st->cpu_pages ? (double)st->cpu_copy_ns / (double)st->cpu_pages : 0);
	} else {
		fprintf(f, "  dsamig.ko is not loaded: no DSA/CPU copy split\n");
	}
	fprintf(f, "  %-22s %14llu runs %10llu migrated %7llu failed %llu kcompactd wakes\n",
		"compaction", (unsigned long long)st->compact_runs,
		(unsigned long long)st->compact_migrated, (unsigned long long)st->compact_failed,
		(unsigned long long)st->kcompactd_wakes);
	fprintf(f, "  %-22s %14llu regions %7llu bytes applied\n", "DAMON",
		(unsigned long long)st->damos_applies, (unsigned long long)st->damos_bytes);
	hist_line(f, "migrate_pages() pages", &st->migrate_pages_hist, false);
	hist_line(f, "migrate_pages() time", &st->migrate_ns_hist, true);
	hist_line(f, "run pages", &st->run_pages_hist, false);
	hist_line(f, "run time", &st->run_ns_hist, true);
	fprintf(f, "  %-22s %14llu (of %llu events)\n", "lost events",
		(unsigned long long)st->lost_events, (unsigned long long)st->events);
}

/* The totals of COMMAND @argv, to @f: standard error or the -o FILE. */
static int report(FILE *f, const struct dsamig_session *s, const struct stat_args *a,
		  char *argv[], const struct dsamig_stat_result *r)
{
	struct json_object *j;
	int err;

	if (!a->json) {
		fprintf(f, "\n Migration statistics for '%s' (%.2f s):\n\n", argv[0], r->secs);
		top_print_summary(f, s, &s->total, r->secs);
		fputc('\n', f);
		return ferror(f) ? -EIO : 0;
	}
	j = dsamig_stat_result_to_json(s, argv, r);
	if (!j)
		return -ENOMEM;
	err = dsamig_json_print(f, j);
	json_object_put(j);
	return err;
}

int cmd_stat(int argc, char *argv[], struct dsamig_ctx *ctx)
{
	struct stat_args a = { 0 };
	struct dsamig_stat_result r;
	struct dsamig_session s;
	FILE *out = stderr;
	int ret, err;

	ret = cli_parse_args(&stat_argp, argc, argv, ARGP_IN_ORDER, &a);
	if (ret)
		return ret;
	ret = cli_need_root(argv[0], "trace migrations (tracefs)");
	if (ret)
		return ret;
	/* Before COMMAND runs, as perf stat: a FILE that cannot be written stops here. */
	if (a.output) {
		out = fopen(a.output, "we");
		if (!out) {
			dsamig_err(ctx, "cannot write '%s': %s; check the path", a.output,
				   strerror(errno));
			return DSAMIG_EXIT_FAILURE;
		}
	}
	ret = DSAMIG_EXIT_FAILURE;
	if (dsamig_session_open(ctx, &s))
		goto out_close;
	err = dsamig_stat_run(&s, &argv[a.cmd], &r);
	if (err) {
		ret = err == -ENOEXEC ? r.exit_status : DSAMIG_EXIT_FAILURE;
		goto out_session;
	}
	err = report(out, &s, &a, &argv[a.cmd], &r);
	if (err) {
		dsamig_err(ctx, "cannot print the totals: %s", strerror(-err));
		goto out_session;
	}
	ret = r.exit_status;

out_session:
	dsamig_session_close(&s);
out_close:
	if (a.output && fclose(out)) {
		dsamig_err(ctx, "cannot write '%s': %s", a.output, strerror(errno));
		ret = DSAMIG_EXIT_FAILURE;
	}
	return ret;
}
