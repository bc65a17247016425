// SPDX-License-Identifier: GPL-2.0
/*
 * dsamig bench --overhead: the progress line and the human report of
 * dsamig.ko's own cost on migration (lib/bench_overhead.h); cli/bench.c
 * parses the options and calls cli_bench_overhead().
 */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <json-c/json.h>

#include "bench.h"
#include "bench_overhead.h"
#include "dsamig.h"
#include "overhead.h"
#include "parse.h"
#include "report.h"
#include "session.h"

struct overhead_progress {
	uint64_t t0;
};

static void progress(void *arg, unsigned int done, unsigned int total)
{
	struct overhead_progress *p = arg;

	fprintf(stderr, "\r  overhead: %4u/%u %s  %6.1f s ", done, total,
		dsamig_plural(total, "pair", "pairs"), (double)(dsamig_now_ns() - p->t0) / 1e9);
}

static void print_stat(const char *name, const struct dsamig_overhead_stat *st, bool ci)
{
	printf("  %-26s %7.4f", name, st->ratio);
	if (ci)
		printf("   95%% CI %.4f .. %.4f (%.1f%% wide)", st->lo, st->hi,
		       100 * (st->hi - st->lo));
	printf("\n");
}

static void print_side(const char *name, const struct dsamig_overhead_spread *m,
		       const struct dsamig_overhead_spread *n)
{
	printf("  %-26s %9.0f %9.0f   (p25..p75 %.0f..%.0f / %.0f..%.0f)\n", name, m->median,
	       n->median, m->p25, m->p75, n->p25, n->p75);
}

static void print_human(const struct dsamig_overhead_result *r)
{
	bool ci = r->pairs >= 2;

	printf("dsamig.ko overhead on migration%s: %u %s (ABBA) of %u pages x %u rounds, "
	       "node %d <-> %d (%.1f s)\n", r->interrupted ? ", interrupted" : "", r->pairs,
	       dsamig_plural(r->pairs, "pair", "pairs"), r->req.pages, r->req.rounds,
	       r->req.src, r->req.dst, r->secs);
	if (r->interrupted)
		printf("  stopped by %s after %u of %u pairs\n", report_signal_name(r->signal),
		       r->pairs, r->req.pairs);
	if (!r->pairs) {
		printf("  no pair completed: no ratio\n");
	} else {
		printf("  ratio module (backend=cpu) / no module:\n");
		print_stat("CPU time (migrating task)", &r->cpu, ci);
		print_stat("wall time", &r->wall, ci);
		print_stat("CPU, fastest call a side", &r->cpu_min, ci);
		printf("  %-26s %9s %9s\n", "median ns per page", "module", "none");
		print_side("CPU time", &r->cpu.module, &r->cpu.no_module);
		print_side("wall time", &r->wall.module, &r->wall.no_module);
		if (ci)
			printf("  resolves 2%%: %s (t-interval on the pairs' log ratios, sd %.3f)\n",
			       r->cpu.hi - r->cpu.lo < 0.02 ? "yes" :
			       "no, the interval is wider: more pairs (--repeats)",
			       r->cpu.log_sd);
	}
	if (r->pages_failed)
		printf("  %llu page moves failed\n", (unsigned long long)r->pages_failed);
	if (r->was_loaded)
		printf("  dsamig.ko loaded again with %s\n", r->knobs);
	else
		printf("  dsamig.ko left unloaded, as it was\n");
}

int cli_bench_overhead(struct dsamig_ctx *ctx, unsigned int pairs, unsigned int src,
		       unsigned int dst, bool json, bool quiet)
{
	struct overhead_progress p = { .t0 = dsamig_now_ns() };
	struct dsamig_overhead_req req;
	struct dsamig_overhead_result r;
	bool tty = !json && !quiet && isatty(STDERR_FILENO);
	int ret;

	dsamig_overhead_default_req(&req);
	req.pairs = pairs;
	req.src = src == DSAMIG_BENCH_ANY_NODE ? -1 : (int)src;
	req.dst = dst == DSAMIG_BENCH_ANY_NODE ? -1 : (int)dst;
	ret = dsamig_bench_overhead(ctx, &req, tty ? progress : NULL, &p, &r);
	if (tty)
		fputs("\r\033[K", stderr);
	if (ret) {
		dsamig_overhead_result_free(&r);
		return DSAMIG_EXIT_FAILURE;
	}
	if (json)
		ret = cli_print_json(ctx, stdout, dsamig_overhead_result_to_json(&r));
	else
		print_human(&r);
	dsamig_overhead_result_free(&r);
	return json ? ret : DSAMIG_EXIT_OK;
}
